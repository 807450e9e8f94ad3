import { spawnSync } from 'node:child_process';
import { createWriteStream, existsSync, renameSync, rmSync, statSync } from 'node:fs';
import { once } from 'node:events';
import { join } from 'node:path';
import { csvLine } from '../../main/export/csv.js';
import { importFiles } from '../../main/importers/index.js';
import { openStore } from '../../main/store/store.js';
import { benchCalls } from '../data.js';
import { cpuMs, peakRssMb, report } from '../measure.js';
import { sqliteCliVersion } from '../machine.js';

export interface ImportArgs {
  rows: number;
  csv: string;
  dir: string;
}

/** UCM CDR page export columns ("Export File Data") and the cdrapi field each one shows. */
const COLUMNS: [string, string][] = [
  ['Account Code', 'accountcode'],
  ['Caller Number', 'src'],
  ['Callee Number', 'dst'],
  ['Context', 'dcontext'],
  ['Caller ID', 'clid'],
  ['Source Channel', 'channel'],
  ['Dest Channel', 'dstchannel'],
  ['Last App', 'lastapp'],
  ['Last Data', 'lastdata'],
  ['Start Time', 'start'],
  ['Answer Time', 'answer'],
  ['End Time', 'end'],
  ['Call Time', 'duration'],
  ['Talk Time', 'billsec'],
  ['Disposition', 'disposition'],
  ['AMA Flags', 'amaflags'],
  ['Unique ID', 'uniqueid'],
  ['User Field', 'userfield'],
  ['Dest Channel Extension', 'dstchannel_ext'],
  ['Caller Name', 'caller_name'],
  ['Answer By', 'dstanswer'],
  ['Session', 'session'],
  ['Action Owner', 'action_owner'],
  ['Action Type', 'action_type'],
  ['Source Trunk Name', 'src_trunk_name'],
  ['Dest Trunk Name', 'dst_trunk_name'],
];

/** Writes the export once (one row per call, its summary record) and reuses it in later runs. */
async function ensureCsv(rows: number, path: string): Promise<void> {
  if (existsSync(path)) return;
  process.stderr.write(`bench: writing ${rows} rows to ${path} ...\n`);
  const partial = `${path}.partial`;
  const out = createWriteStream(partial);
  let chunk = csvLine(COLUMNS.map(([label]) => label));
  for (const call of benchCalls(rows)) {
    chunk += csvLine(COLUMNS.map(([, field]) => call.main[field] ?? ''));
    if (chunk.length > 1 << 20) {
      if (!out.write(chunk)) await once(out, 'drain');
      chunk = '';
    }
  }
  out.end(chunk);
  await once(out, 'finish');
  renameSync(partial, path);
}

function freshDb(path: string): void {
  for (const suffix of ['', '-wal', '-shm']) rmSync(`${path}${suffix}`, { force: true });
}

/** `ucmcdr import`'s path: importFiles into a new cache. */
export async function importCsv(args: ImportArgs): Promise<void> {
  await ensureCsv(args.rows, args.csv);
  const db = join(args.dir, 'import.sqlite');
  freshDb(db);
  const store = openStore(db);
  const cpu = process.cpuUsage();
  const started = performance.now();
  const result = await importFiles(store, [args.csv], {});
  const seconds = (performance.now() - started) / 1000;
  const cpuSeconds = cpuMs(cpu) / 1000;
  const file = result.files[0];
  store.close();
  const dbMb = statSync(db).size / 1e6;
  freshDb(db);
  if (!file || file.error) throw new Error(`the import refused the file: ${file?.error?.message ?? 'no result'}`);
  const rows = file.imported + file.already_present + file.merged;
  report({
    part: 'import',
    figures: {
      rows,
      rejected: file.rejected_total ?? file.rejected.length,
      seconds,
      rows_per_s: rows / seconds,
      cpu_seconds: cpuSeconds,
      file_mb: statSync(args.csv).size / 1e6,
      db_mb: dbMb,
      peak_rss_mb: peakRssMb(),
    },
  });
}

/** The floor: the sqlite3 shell's own CSV import of the same file into a plain table of a new database. */
export async function importBaseline(args: ImportArgs): Promise<void> {
  await ensureCsv(args.rows, args.csv);
  if (sqliteCliVersion() === null) {
    report({
      part: 'import-baseline',
      figures: { rows: null, seconds: null, rows_per_s: null },
      notes: ['The sqlite3 command-line shell is not installed (apt-get install -y sqlite3), so there is no floor figure.'],
    });
    return;
  }
  const db = join(args.dir, 'import-baseline.sqlite');
  freshDb(db);
  const started = performance.now();
  const run = spawnSync('sqlite3', [db, '-cmd', '.mode csv', `.import '${args.csv.replace(/'/g, "''")}' cdr`], { encoding: 'utf8' });
  const seconds = (performance.now() - started) / 1000;
  if (run.status !== 0) throw new Error(`sqlite3 .import failed: ${run.stderr.trim()}`);
  const count = spawnSync('sqlite3', [db, 'SELECT count(*) FROM cdr'], { encoding: 'utf8' });
  freshDb(db);
  const rows = Number(count.stdout.trim());
  report({ part: 'import-baseline', figures: { rows, seconds, rows_per_s: rows / seconds } });
}
