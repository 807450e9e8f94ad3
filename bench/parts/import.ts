import { spawnSync } from 'node:child_process';
import { createWriteStream, existsSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import { once } from 'node:events';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { csvLine } from '../../main/export/csv.js';
import { benchCalls } from '../data.js';
import { percentile, report } from '../measure.js';
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

interface CliImport {
  seconds: number;
  imported: number;
  alreadyPresent: number;
  merged: number;
  rejected: number;
  /** Peak RSS of the importing process, MB. */
  peakRssMb: number;
  /** CPU time of all its threads, s. */
  cpuSeconds: number;
}

/** One run of the built `ucmcdr import` of the file into `db`; its process reports its own usage. */
function cliImport(root: string, csv: string, db: string, usageFile: string): CliImport {
  rmSync(usageFile, { force: true });
  const hook = pathToFileURL(join(root, 'bench', 'usage-at-exit.mjs')).href;
  const started = performance.now();
  const run = spawnSync(process.execPath, ['--import', hook, join(root, 'out', 'main', 'cli.js'), 'import', csv, '--db', db], {
    encoding: 'utf8',
    env: { ...process.env, UCMCDR_BENCH_USAGE_FILE: usageFile },
    maxBuffer: 64 * 1024 * 1024,
  });
  const seconds = (performance.now() - started) / 1000;
  if (run.status !== 0) throw new Error(`ucmcdr import failed (${run.status}): ${run.stderr.trim()}`);
  const summary = /\((\S+)\): (\d+) imported, (\d+) already present, (\d+) merged, (\d+) rejected/.exec(run.stdout);
  if (!summary) throw new Error(`ucmcdr import printed no summary: ${run.stdout.slice(-500)}`);
  const usage = JSON.parse(readFileSync(usageFile, 'utf8')) as { max_rss_kb: number; cpu_us: number };
  rmSync(usageFile, { force: true });
  return {
    seconds,
    imported: Number(summary[2]),
    alreadyPresent: Number(summary[3]),
    merged: Number(summary[4]),
    rejected: Number(summary[5]),
    peakRssMb: usage.max_rss_kb / 1024,
    cpuSeconds: usage.cpu_us / 1e6,
  };
}

/**
 * What users run: the built `ucmcdr` (out/main/cli.js, plain Node, no TypeScript loader in either of
 * its threads) importing into a new cache, then the same file again into that cache, as happens with
 * overlapping exports (every row already present). The app is built first (not timed).
 */
export async function importCsv(args: ImportArgs): Promise<void> {
  await ensureCsv(args.rows, args.csv);
  const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
  const build = spawnSync('npm', ['run', 'build', '--silent'], { cwd: root, encoding: 'utf8', shell: process.platform === 'win32' });
  if (build.status !== 0) throw new Error(`npm run build failed: ${build.stderr.trim() || build.stdout.trim()}`);
  const db = join(args.dir, 'import.sqlite');
  const usageFile = join(args.dir, 'import-usage.json');
  freshDb(db);
  const first = cliImport(root, args.csv, db, usageFile);
  const dbMb = statSync(db).size / 1e6;
  const again = cliImport(root, args.csv, db, usageFile);
  freshDb(db);
  const rows = first.imported + first.alreadyPresent + first.merged;
  const rowsAgain = again.imported + again.alreadyPresent + again.merged;
  report({
    part: 'import',
    figures: {
      rows,
      rejected: first.rejected,
      seconds: first.seconds,
      rows_per_s: rows / first.seconds,
      cpu_seconds: first.cpuSeconds,
      file_mb: statSync(args.csv).size / 1e6,
      db_mb: dbMb,
      peak_rss_mb: first.peakRssMb,
      again_already_present: again.alreadyPresent,
      again_seconds: again.seconds,
      again_rows_per_s: rowsAgain / again.seconds,
      again_cpu_seconds: again.cpuSeconds,
      again_peak_rss_mb: again.peakRssMb,
    },
  });
}

const BASELINE_RUNS = 3;

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
  // The floor moves with the disk by a third from run to run on this kind of machine: its median of a
  // few runs is what the import is compared with.
  const times: number[] = [];
  let rows = 0;
  for (let i = 0; i < BASELINE_RUNS; i++) {
    freshDb(db);
    const started = performance.now();
    const run = spawnSync('sqlite3', [db, '-cmd', '.mode csv', `.import '${args.csv.replace(/'/g, "''")}' cdr`], { encoding: 'utf8' });
    times.push((performance.now() - started) / 1000);
    if (run.status !== 0) throw new Error(`sqlite3 .import failed: ${run.stderr.trim()}`);
    rows = Number(spawnSync('sqlite3', [db, 'SELECT count(*) FROM cdr'], { encoding: 'utf8' }).stdout.trim());
  }
  const dbMb = statSync(db).size / 1024 / 1024;
  freshDb(db);
  const seconds = percentile(times, 50);
  report({
    part: 'import-baseline',
    figures: { rows, seconds, rows_per_s: rows / seconds, runs: times.length, fastest_seconds: Math.min(...times), slowest_seconds: Math.max(...times), db_mb: dbMb },
  });
}
