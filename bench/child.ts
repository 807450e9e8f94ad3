// One benchmark part in its own process, so its peak memory and CPU time are its own.
// Usage (from bench/run.ts): node --import tsx bench/child.ts <part> '<json arguments>'
import { generateOnly, ingestBaseline, ingestStore } from './parts/ingest.js';
import { importBaseline, importCsv } from './parts/import.js';
import { queryLatencies } from './parts/queries.js';
import { serveSimulator, syncBaseline, syncFromSimulator } from './parts/sync.js';
import { uiFigures } from './parts/ui.js';

const parts: Record<string, (args: never) => void | Promise<void>> = {
  'ingest-store': ingestStore,
  'ingest-baseline': ingestBaseline,
  'ingest-generate': generateOnly,
  queries: queryLatencies,
  sync: syncFromSimulator,
  'sync-baseline': syncBaseline,
  simulator: serveSimulator,
  import: importCsv,
  'import-baseline': importBaseline,
  ui: uiFigures,
};

const [name, json] = process.argv.slice(2);
const part = parts[name];
if (!part || json === undefined) {
  process.stderr.write(`bench/child.ts: unknown part "${name}" (known: ${Object.keys(parts).join(', ')})\n`);
  process.exit(2);
}
await part(JSON.parse(json) as never);
