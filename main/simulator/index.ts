/**
 * The UCM simulator: a real HTTPS PBX API with generated calls, for tests, demos and benchmarks.
 */
export { startSimulator, describeSimulator } from './server.js';
export type { RunningSimulator, SimulatorFault, SimulatorRequest } from './server.js';
export type { SimulatorOptions, SimulatorApi } from './options.js';
export { generateCalls, type GenerateCallsOptions } from './generator.js';
export { serializeCdr, type CdrFormat } from './serialize.js';
export { LEGACY_FIELDS, UCM63XX_FIELDS, type Flavour } from './fields.js';
