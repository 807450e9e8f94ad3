import { rmSync, statSync, existsSync } from 'node:fs';
import Database from 'better-sqlite3';
import { UCM63XX_FIELDS } from '../../main/simulator/fields.js';
import { judgeCall } from '../../main/cdr/outcome.js';
import { prepareCall, RecordEncoder } from '../../main/store/prepare.js';
import { openStore } from '../../main/store/store.js';
import { batches, recordsOf, TZ } from '../data.js';
import { peakRssMb, report, timeMs } from '../measure.js';

export interface IngestArgs {
  calls: number;
  batch: number;
  db: string;
}

function removeDb(path: string): void {
  for (const suffix of ['', '-wal', '-shm']) rmSync(`${path}${suffix}`, { force: true });
}

function dbBytes(path: string): number {
  let bytes = 0;
  for (const suffix of ['', '-wal']) if (existsSync(`${path}${suffix}`)) bytes += statSync(`${path}${suffix}`).size;
  return bytes;
}

/** Only the data generator, so the memory the generator itself needs can be told apart from the store's. */
export function generateOnly(args: IngestArgs): void {
  const started = performance.now();
  let calls = 0;
  for (const batch of batches(args.calls, args.batch)) calls += batch.length;
  report({
    part: 'ingest-generate',
    figures: { calls, seconds: (performance.now() - started) / 1000, peak_rss_mb: peakRssMb() },
  });
}

/** The product path: store.ingest in batches, as sync and import call it. Leaves the database for the query part. */
export function ingestStore(args: IngestArgs): void {
  removeDb(args.db);
  const store = openStore(args.db);
  const pbx = store.profiles.save({ name: 'bench', url: 'https://127.0.0.1:8443', api: 'legacy', user: 'bench', tz: TZ });
  let ms = 0;
  let calls = 0;
  let records = 0;
  for (const batch of batches(args.calls, args.batch)) {
    ms += timeMs(() => store.calls.ingest(pbx.id, batch, { origin: 'sync' }));
    calls += batch.length;
    for (const call of batch) records += recordsOf(call).length;
  }
  store.close();
  const bytes = dbBytes(args.db);
  report({
    part: 'ingest-store',
    figures: {
      calls,
      records,
      seconds: ms / 1000,
      calls_per_s: calls / (ms / 1000),
      db_mb: bytes / 1e6,
      db_mb_per_million: bytes / 1e6 / (calls / 1e6),
      peak_rss_mb: peakRssMb(),
      ...objectSizes(args.db),
    },
  });
}

/**
 * The floor: the same records through one prepared INSERT into a plain table (one column per field,
 * no index, no derived values), in transactions of the same size.
 */
export function ingestBaseline(args: IngestArgs): void {
  const { calls, records, seconds } = plainInsert(args);
  const bytes = dbBytes(args.db);
  removeDb(args.db);
  report({
    part: 'ingest-baseline',
    figures: { calls, records, seconds, calls_per_s: calls / seconds, db_mb: bytes / 1e6, peak_rss_mb: peakRssMb() },
  });
}

/** The records of the generated calls through one prepared INSERT into a new plain table at `args.db`. */
function plainInsert(args: IngestArgs): { calls: number; records: number; seconds: number } {
  removeDb(args.db);
  const db = new Database(args.db);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.exec(`CREATE TABLE cdr (${UCM63XX_FIELDS.map((f) => `"${f}" TEXT`).join(', ')})`);
  const insert = db.prepare(`INSERT INTO cdr VALUES (${UCM63XX_FIELDS.map(() => '?').join(', ')})`);
  const insertAll = db.transaction((rows: string[][]) => {
    for (const row of rows) insert.run(row);
  });
  let ms = 0;
  let calls = 0;
  let records = 0;
  for (const batch of batches(args.calls, args.batch)) {
    const rows: string[][] = [];
    for (const call of batch) for (const record of recordsOf(call)) rows.push(UCM63XX_FIELDS.map((f) => record[f] ?? ''));
    ms += timeMs(() => insertAll(rows));
    calls += batch.length;
    records += rows.length;
  }
  db.close();
  return { calls, records, seconds: ms / 1000 };
}

/** Megabytes of pages per table and index (SQLite's dbstat) as `object_mb:NAME`: where a cache's size goes. */
function objectSizes(path: string): Record<string, number> {
  const db = new Database(path, { readonly: true });
  try {
    const rows = db
      .prepare<[], { name: string; bytes: number }>('SELECT name, sum(pgsize) AS bytes FROM dbstat GROUP BY name ORDER BY bytes DESC')
      .all();
    return Object.fromEntries(rows.filter((r) => r.bytes >= 1e6).map((r) => [`object_mb:${r.name}`, r.bytes / 1e6]));
  } finally {
    db.close();
  }
}

/** What the ingest profile leaves out of the schema, to see what that part of the writing costs. */
type ProfileVariant = 'store' | 'no-call-indexes' | 'no-report-index' | 'no-text-index';

function ingestVariant(args: IngestArgs, variant: ProfileVariant): number {
  removeDb(args.db);
  // Opened first: an opening rebuilds indexes that look set aside by a load (bulk.ts), so the schema is
  // cut down afterwards, on a second connection, while the store stays open.
  const store = openStore(args.db);
  const raw = new Database(args.db);
  if (variant === 'no-call-indexes') {
    const names = raw
      .prepare<[], string>("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'calls' AND sql IS NOT NULL")
      .pluck()
      .all();
    for (const name of names) raw.exec(`DROP INDEX ${name}`);
  } else if (variant === 'no-report-index') {
    // What reports keep in indexes: calls_for_reports, and the outcome and caller name calls_by_src carries for them.
    raw.exec('DROP INDEX calls_for_reports; DROP INDEX calls_by_src; CREATE INDEX calls_by_src ON calls (src, start_utc, id, billsec, src_num)');
  } else if (variant === 'no-text-index') {
    // A plain table takes the rows the text index would: the trigram index itself is what is left out.
    raw.exec('DROP TABLE calls_fts; CREATE TABLE calls_fts (rowid INTEGER PRIMARY KEY, name TEXT, text TEXT)');
  }
  raw.close();
  const pbx = store.profiles.save({ name: 'bench', url: 'https://127.0.0.1:8443', api: 'legacy', user: 'bench', tz: TZ });
  let ms = 0;
  for (const batch of batches(args.calls, args.batch)) ms += timeMs(() => store.calls.ingest(pbx.id, batch, { origin: 'sync' }));
  store.close();
  removeDb(args.db);
  return ms / 1000;
}

/**
 * Where ingest's time goes, on a smaller run of the same calls: the product path, the same without
 * the indexes of calls, without what the indexes hold for reports, without the text index, the preparation alone (JavaScript: times,
 * outcome, route, coding the records), the outcome and route alone (what reports need judged at
 * ingest) and the plain insert of the same records.
 */
export function ingestProfile(args: IngestArgs): void {
  const figures: Record<string, number> = { calls: args.calls };
  // Each variant twice, the faster run kept: the differences sought are a few percent.
  for (const variant of ['store', 'no-call-indexes', 'no-report-index', 'no-text-index'] as const) {
    figures[`${variant}_seconds`] = Math.min(ingestVariant(args, variant), ingestVariant(args, variant));
  }
  const encoder = new RecordEncoder();
  let prepareMs = 0;
  let judgeMs = 0;
  for (const batch of batches(args.calls, args.batch)) {
    prepareMs += timeMs(() => batch.forEach((call) => prepareCall(call, TZ, '', encoder)));
    judgeMs += timeMs(() => batch.forEach((call) => judgeCall(call, call.main['disposition'] ?? '')));
  }
  figures['prepare_seconds'] = prepareMs / 1000;
  figures['judge_seconds'] = judgeMs / 1000;
  figures['plain_insert_seconds'] = plainInsert(args).seconds;
  removeDb(args.db);
  report({ part: 'ingest-profile', figures });
}
