/** History import: the one entry point the CLI and the app call, plus what the UI's mapping step needs. */
export { importFiles, type ImportOptions } from './import.js';
export { detectFormat, type DetectedFile, type DetectedFormat } from './detect.js';
export { CANONICAL_IMPORT_FIELDS, mapHeader, type HeaderMapping } from './header-map.js';
export type { ImportProgress } from './progress-meter.js';
