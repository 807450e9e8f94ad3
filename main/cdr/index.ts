export { CallCollector, type ParseProblem, type RawEntry } from './assemble.js';
export { analogPortKind, decodeChannel, type ChannelSide } from './channels.js';
export { csvRows, type CsvRow } from './csv-records.js';
export { deriveCall, deriveLeg, normalizeDisposition, parseRecordFiles, splitActionType } from './derive.js';
export { CDR_FIELDS, canonicalFieldName, isCdrField, type CdrField } from './fields.js';
export { mergeCalls } from './merge.js';
export { detectCdrFormat, parseCdrResponse, type CdrFormat, type ParsedCdr } from './parse.js';
export { isCdrapiHeader, parseCdrCsv } from './parse-csv.js';
export { parseCdrJson } from './parse-json.js';
export { CdrXmlReader, parseCdrXml, repairCdrXml } from './parse-xml.js';
export { compileNumberPattern, extensionNumber, type NumberPattern, type PatternAlternative } from './patterns.js';
export {
  defaultTimeZone,
  DateOrderEvidence,
  inferDateOrder,
  isValidTimeZone,
  isoUtc,
  parseDuration,
  parsePbxDateTime,
  readTypedDateTime,
  toPbxTime,
  utcToWallClock,
  wallClockToUtc,
  type DateOrder,
  type TypedDateTime,
} from './time.js';
export * from './types.js';
