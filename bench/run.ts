// `npm run bench [-- options]`: measures the figures the issues ask for and writes docs/benchmarks.md.
// Each part runs in its own process (bench/child.ts) so memory and CPU figures are per part.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { machineInfo } from './machine.js';
import type { PartResult } from './measure.js';
import { printSummary, writeReport, type BenchRun } from './report.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const PARTS = ['ingest', 'queries', 'reports', 'rating', 'alerts', 'export', 'sync', 'import', 'ui'] as const;
type Part = (typeof PARTS)[number];

const USAGE = `Usage: npm run bench -- [options]
  --parts LIST         ${PARTS.join(',')} (default: all; queries, reports, rating, alerts, export and ui use the database ingest
                       builds);
                       "none" with --reuse only writes the report again from the saved results
  --calls N            calls generated for ingest and queries (default 1000000)
  --batch N            calls per ingest batch/transaction (default 1000)
  --runs N             timed runs per query filter (default 30); reports: a third of it (at least 5) per
                       report and scope, fewer where a report's runs pass 20 s
  --sync-calls N       calls the simulator serves for the sync part (default 100000)
  --import-rows N      rows of the generated UCM CSV export (default 1000000)
  --data DIR           working folder (default .bench-data)
  --report FILE        where the Markdown report goes (default docs/benchmarks.md)
  --reuse              keep the previous run's results (saved in the data folder) for the parts not run
                       now; the sizes must be the same. The report names the command of every part.`;

function positive(name: string, text: string): number {
  if (!/^\d+$/.test(text) || Number(text) < 1) {
    process.stderr.write(`bench: --${name} must be a whole number of at least 1, got "${text}".\n${USAGE}\n`);
    process.exit(2);
  }
  return Number(text);
}

function options() {
  let parsed;
  try {
    parsed = parseArgs({
      options: {
        parts: { type: 'string', default: PARTS.join(',') },
        calls: { type: 'string', default: '1000000' },
        batch: { type: 'string', default: '1000' },
        runs: { type: 'string', default: '30' },
        'sync-calls': { type: 'string', default: '100000' },
        'import-rows': { type: 'string', default: '1000000' },
        data: { type: 'string', default: join(root, '.bench-data') },
        report: { type: 'string', default: join(root, 'docs', 'benchmarks.md') },
        reuse: { type: 'boolean', default: false },
        help: { type: 'boolean', default: false },
      },
    }).values;
  } catch (error) {
    process.stderr.write(`bench: ${error instanceof Error ? error.message : String(error)}\n${USAGE}\n`);
    process.exit(2);
  }
  if (parsed.help) {
    process.stdout.write(`${USAGE}\n`);
    process.exit(0);
  }
  const parts = parsed.parts === 'none' ? [] : parsed.parts.split(',').map((p) => p.trim());
  for (const part of parts) {
    if (!(PARTS as readonly string[]).includes(part)) {
      process.stderr.write(`bench: unknown part "${part}" in --parts; use ${PARTS.join(', ')}.\n`);
      process.exit(2);
    }
  }
  return {
    parts: parts as Part[],
    calls: positive('calls', parsed.calls),
    batch: positive('batch', parsed.batch),
    runs: positive('runs', parsed.runs),
    syncCalls: positive('sync-calls', parsed['sync-calls']),
    importRows: positive('import-rows', parsed['import-rows']),
    data: resolve(parsed.data),
    report: resolve(parsed.report),
    reuse: parsed.reuse,
  };
}

/**
 * Runs one part in a child process; its progress goes to our stderr, its result is its last stdout
 * line. A failing part becomes a note in the report instead of ending the run.
 */
async function runPart(part: string, args: object): Promise<PartResult> {
  try {
    return await runChild(part, args);
  } catch (error) {
    const why = error instanceof Error ? error.message : String(error);
    process.stderr.write(`bench: ${part} failed: ${why}\n`);
    return { part, figures: {}, notes: [`The ${part} part failed in this run: ${why}.`] };
  }
}

function runChild(part: string, args: object): Promise<PartResult> {
  process.stderr.write(`bench: ${part} ...\n`);
  return new Promise((resolvePart, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(root, 'bench', 'child.ts'), part, JSON.stringify(args)], {
      cwd: root,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      out += chunk;
    });
    child.on('error', reject);
    child.on('close', (code) => {
      const last = out.trim().split('\n').pop() ?? '';
      if (code !== 0) return reject(new Error(`part ${part} exited with status ${code}`));
      try {
        resolvePart(JSON.parse(last) as PartResult);
      } catch {
        reject(new Error(`part ${part} printed no result line`));
      }
    });
  });
}

/** With --reuse: the saved results of parts this run did not measure, from a run of the same sizes. */
function previousResults(path: string, sizes: object, fresh: PartResult[]): PartResult[] {
  if (!existsSync(path)) return [];
  const previous = JSON.parse(readFileSync(path, 'utf8')) as { sizes: object; results: PartResult[] };
  if (JSON.stringify(previous.sizes) !== JSON.stringify(sizes)) {
    process.stderr.write(`bench: --reuse ignored: the saved results in ${path} were measured with other sizes.\n`);
    return [];
  }
  const measuredNow = new Set(fresh.map((r) => r.part));
  return previous.results.filter((r) => !measuredNow.has(r.part));
}

const o = options();
mkdirSync(o.data, { recursive: true });
const db = join(o.data, `calls-${o.calls}.sqlite`);
const results: PartResult[] = [];
const started = Date.now();
for (const part of o.parts) {
  if (part === 'ingest') {
    results.push(await runPart('ingest-generate', { calls: o.calls, batch: o.batch, db }));
    results.push(await runPart('ingest-baseline', { calls: o.calls, batch: o.batch, db: join(o.data, 'baseline.sqlite') }));
    results.push(await runPart('ingest-store', { calls: o.calls, batch: o.batch, db }));
    // Eight ingests of a fifth of the calls: enough for the indexes' steady cost, the faster of two runs per variant.
    results.push(await runPart('ingest-profile', { calls: Math.max(o.batch, Math.round(o.calls / 5)), batch: o.batch, db: join(o.data, 'profile.sqlite') }));
  } else if (part === 'queries') {
    results.push(await runPart('queries', { db, runs: o.runs }));
  } else if (part === 'reports') {
    // A report over a million calls takes up to seconds where a query page takes milliseconds, so
    // fewer runs (10 by default) keep the part within minutes.
    results.push(await runPart('reports', { db, runs: Math.max(5, Math.ceil(o.runs / 3)) }));
  } else if (part === 'alerts') {
    results.push(await runPart('alerts', { db, runs: Math.max(5, Math.ceil(o.runs / 3)) }));
  } else if (part === 'rating') {
    results.push(await runPart('rating', { db, dir: o.data }));
  } else if (part === 'sync') {
    results.push(await runPart('sync-baseline', { calls: o.syncCalls, dir: o.data }));
    results.push(await runPart('sync', { calls: o.syncCalls, dir: o.data }));
  } else if (part === 'export') {
    results.push(await runPart('export', { db }));
  } else if (part === 'ui') {
    results.push(await runPart('ui', { db, rows: Math.min(100_000, o.calls) }));
  } else {
    const csv = join(o.data, `ucm-export-${o.importRows}.csv`);
    results.push(await runPart('import-baseline', { rows: o.importRows, csv, dir: o.data }));
    results.push(await runPart('import', { rows: o.importRows, csv, dir: o.data }));
  }
}

const command = `npm run bench -- ${process.argv.slice(2).join(' ')}`.trim().replace(/ --$/, '');
const date = new Date().toISOString();
const sizes = { calls: o.calls, batch: o.batch, runs: o.runs, syncCalls: o.syncCalls, importRows: o.importRows };
for (const result of results) result.measured = { command, date };
const saved = join(o.data, 'results.json');
const kept = o.reuse ? previousResults(saved, sizes, results) : [];
writeFileSync(saved, JSON.stringify({ sizes, results: [...results, ...kept] }, null, 2));
const run: BenchRun = {
  command,
  date,
  minutes: (Date.now() - started) / 60_000,
  machine: machineInfo(),
  sizes,
  results: [...results, ...kept],
};
printSummary(run);
writeReport(run, o.report);
process.stderr.write(`bench: report written to ${o.report}\n`);
