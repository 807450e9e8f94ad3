// One benchmark part in its own process, so its peak memory and CPU time are its own. Only the part's
// own module is loaded (the UI part pulls in vite and playwright, which would weigh on every figure).
// Usage (from bench/run.ts): node --import tsx bench/child.ts <part> '<json arguments>'

export type PartFn = (args: never) => void | Promise<void>;

const parts: Record<string, () => Promise<PartFn>> = {
  'ingest-generate': async () => (await import('./parts/ingest.js')).generateOnly,
  'ingest-store': async () => (await import('./parts/ingest.js')).ingestStore,
  'ingest-baseline': async () => (await import('./parts/ingest.js')).ingestBaseline,
  'ingest-profile': async () => (await import('./parts/ingest.js')).ingestProfile,
  queries: async () => (await import('./parts/queries.js')).queryLatencies,
  reports: async () => (await import('./parts/reports.js')).reportLatencies,
  rating: async () => (await import('./parts/rating.js')).ratingFigures,
  alerts: async () => (await import('./parts/alerts.js')).alertFigures,
  export: async () => (await import('./parts/export.js')).exportFigures,
  sync: async () => (await import('./parts/sync.js')).syncFromSimulator,
  'sync-baseline': async () => (await import('./parts/sync.js')).syncBaseline,
  simulator: async () => (await import('./parts/sync.js')).serveSimulator,
  import: async () => (await import('./parts/import.js')).importCsv,
  'import-baseline': async () => (await import('./parts/import.js')).importBaseline,
  ui: async () => (await import('./parts/ui.js')).uiFigures,
};

const [name, json] = process.argv.slice(2);
const load = parts[name];
if (!load || json === undefined) {
  process.stderr.write(`bench/child.ts: unknown part "${name}" (known: ${Object.keys(parts).join(', ')})\n`);
  process.exit(2);
}
const part = await load();
await part(JSON.parse(json) as never);
