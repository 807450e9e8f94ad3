import { isDeepStrictEqual } from 'node:util';
import { DuckDBConnection, DuckDBDataChunkWriter, DuckDBInstance, JSToDuckDBValueConverter } from '@duckdb/node-api';
import Database from 'better-sqlite3';
import type { CallFilter } from '../../preload/api.js';
import type { ActivityReport, HeatmapReport, ReportKind, ReportRequest, ReportResult, SummaryReport, TopReport } from '../../preload/reports.js';
import { dayLabel } from '../../main/reports/buckets.js';
import { ANSWERED_OUTCOME, directionName } from '../../main/store/codes.js';
import { openStore } from '../../main/store/store.js';
import { peakRssMb, percentile, report, timeMs, type PartResult } from '../measure.js';

export interface ReportArgs {
  db: string;
  /** Timed runs per report and scope (after one warm-up run, whose result is also the one checked). */
  runs: number;
}

type ReportTiming = NonNullable<PartResult['reports']>[number];

const DAY = 86_400;

/**
 * Timed runs of one report stop early once they have taken this long (at least 3 runs are kept), so
 * the part stays within a few minutes on a million calls even where a report is slower than its goal.
 */
const BUDGET_MS = 20_000;

/** The requests timed: every kind, with the options the window opens them with. */
const REQUESTS: { name: string; kind: ReportKind; options: Omit<ReportRequest, 'kind' | 'filter'> }[] = [
  { name: 'summary', kind: 'summary', options: {} },
  { name: 'activity by day', kind: 'activity', options: { by: 'day' } },
  { name: 'heatmap', kind: 'heatmap', options: {} },
  { name: 'top 10 callers', kind: 'top', options: { of: 'callers', limit: 10 } },
  { name: 'extensions', kind: 'extensions', options: {} },
  { name: 'trunks', kind: 'trunks', options: {} },
  { name: 'groups', kind: 'groups', options: {} },
  { name: 'concurrency by day', kind: 'concurrency', options: { by: 'day' } },
  { name: 'missed', kind: 'missed', options: {} },
  { name: 'accounts', kind: 'accounts', options: {} },
];

/** Rows a report returned (directions of a summary), so a fast report with nothing to show stands out. */
function rowCount(result: ReportResult): number {
  if (result.kind === 'summary') return Object.keys(result.by_direction).length;
  if (result.kind === 'heatmap') return result.cells.length;
  return result.rows.length;
}

/** The scopes: the whole cache, and one month as a {from, to} filter with its wall-clock bounds. */
interface Scope {
  name: 'cache' | 'month';
  filter: CallFilter;
  /** start_wall range the filter selects, for the DuckDB queries; null = every call. */
  wall: { from: number; to: number } | null;
}

/**
 * The last full month of the data: the month of the newest call when that call is on the month's last
 * day, else the month before (the newest call may sit in a month that just began).
 */
function lastFullMonth(newestWall: number): Scope {
  const newest = new Date(newestWall * 1000);
  const nextDay = new Date((Math.floor(newestWall / DAY) + 1) * DAY * 1000);
  const ended = nextDay.getUTCMonth() !== newest.getUTCMonth();
  const first = Date.UTC(newest.getUTCFullYear(), newest.getUTCMonth() - (ended ? 0 : 1), 1) / 1000;
  const next = Date.UTC(new Date(first * 1000).getUTCFullYear(), new Date(first * 1000).getUTCMonth() + 1, 1) / 1000;
  return { name: 'month', filter: { from: dayLabel(first), to: dayLabel(next - DAY) }, wall: { from: first, to: next - 1 } };
}

/** Our reports: one warm-up run (its result is kept for the comparison), then timed runs within the budget. */
function timeOurs(run: () => ReportResult, runs: number): { samples: number[]; result: ReportResult } {
  const result = run();
  const samples: number[] = [];
  let spent = 0;
  while (samples.length < runs && (samples.length < 3 || spent < BUDGET_MS)) {
    const ms = timeMs(run);
    samples.push(ms);
    spent += ms;
  }
  return { samples, result };
}

async function timeAsync(run: () => Promise<unknown>, runs: number): Promise<{ samples: number[]; result: unknown }> {
  const result = await run();
  const samples: number[] = [];
  let spent = 0;
  while (samples.length < runs && (samples.length < 3 || spent < BUDGET_MS)) {
    const start = performance.now();
    await run();
    const ms = performance.now() - start;
    samples.push(ms);
    spent += ms;
  }
  return { samples, result };
}

/**
 * The columns the four anchor reports read, copied from the cache into an in-memory DuckDB table.
 * Integers stay the codes the cache stores (direction, outcome), so both sides group the same values.
 */
async function loadDuckDb(path: string): Promise<{ connection: DuckDBConnection; rows: number }> {
  const instance = await DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  await connection.run(
    `CREATE TABLE calls (start_wall BIGINT, direction INTEGER, outcome INTEGER, billsec INTEGER, duration INTEGER,
       src VARCHAR, caller_name VARCHAR)`,
  );
  const appender = await connection.createAppender('calls');
  const writer = DuckDBDataChunkWriter.forAppender(appender, { converter: JSToDuckDBValueConverter });
  const sqlite = new Database(path, { readonly: true });
  let rows = 0;
  const read = sqlite
    .prepare('SELECT start_wall, direction, outcome, billsec, duration, src, caller_name FROM calls')
    .raw()
    .iterate() as IterableIterator<unknown[]>;
  for (const row of read) {
    writer.appendRow(row as never);
    rows++;
  }
  writer.flush();
  appender.closeSync();
  sqlite.close();
  return { connection, rows };
}

async function rowsOf(connection: DuckDBConnection, sql: string): Promise<Record<string, unknown>[]> {
  const reader = await connection.runAndReadAll(sql);
  return reader.getRowObjectsJS() as Record<string, unknown>[];
}

/**
 * The same four reports in DuckDB SQL, shaped as our service shapes them (docs/reports.md): answered
 * = outcome answered, missed = the rest, talk = billsec, wall-clock buckets from start_wall. Counts
 * are cast to INTEGER and sums to DOUBLE so they arrive as JS numbers, as ours do.
 */
function anchorQueries(connection: DuckDBConnection, scope: Scope): Partial<Record<ReportKind, () => Promise<unknown>>> {
  const where = scope.wall === null ? 'true' : `start_wall BETWEEN ${scope.wall.from} AND ${scope.wall.to}`;
  const answered = `outcome = ${ANSWERED_OUTCOME}`;
  return {
    summary: async (): Promise<SummaryReport> => {
      const rows = await rowsOf(
        connection,
        `SELECT direction, count(*)::INTEGER AS calls, count(*) FILTER (WHERE ${answered})::INTEGER AS answered,
           sum(billsec)::DOUBLE AS talk, sum(CASE WHEN ${answered} THEN billsec ELSE 0 END)::DOUBLE AS answered_talk,
           sum(CASE WHEN ${answered} THEN greatest(duration - billsec, 0) ELSE 0 END)::DOUBLE AS wait
         FROM calls WHERE ${where} GROUP BY direction`,
      );
      const total = { calls: 0, answered: 0, talk: 0, answered_talk: 0, wait: 0 };
      const byDirection: SummaryReport['by_direction'] = {};
      for (const r of rows as { direction: number; calls: number; answered: number; talk: number; answered_talk: number; wait: number }[]) {
        for (const key of Object.keys(total) as (keyof typeof total)[]) total[key] += r[key];
        byDirection[directionName(r.direction)] = { calls: r.calls, answered: r.answered, missed: r.calls - r.answered, talk_seconds: r.talk };
      }
      const ratio = (part: number, whole: number): number => (whole === 0 ? 0 : part / whole);
      return {
        kind: 'summary',
        calls: total.calls,
        answered: total.answered,
        missed: total.calls - total.answered,
        talk_seconds: total.talk,
        asr: ratio(total.answered, total.calls),
        acd: ratio(total.answered_talk, total.answered),
        avg_wait: ratio(total.wait, total.answered),
        by_direction: byDirection,
      };
    },
    activity: async (): Promise<ActivityReport> => {
      // Every day from the first to the last holding a call, zero-filled, as ours.
      const rows = await rowsOf(
        connection,
        `WITH per AS (
           SELECT start_wall // ${DAY} AS day, count(*) AS calls, count(*) FILTER (WHERE ${answered}) AS answered, sum(billsec) AS talk
           FROM calls WHERE ${where} GROUP BY 1),
         span AS (SELECT range AS day FROM range((SELECT min(day) FROM per), (SELECT max(day) FROM per) + 1))
         SELECT strftime(epoch_ms(span.day * ${DAY * 1000}), '%Y-%m-%d') AS bucket, coalesce(per.calls, 0)::INTEGER AS calls,
           coalesce(per.answered, 0)::INTEGER AS answered, coalesce(per.talk, 0)::DOUBLE AS talk
         FROM span LEFT JOIN per USING (day) ORDER BY span.day`,
      );
      return {
        kind: 'activity',
        by: 'day',
        rows: (rows as { bucket: string; calls: number; answered: number; talk: number }[]).map((r) => ({
          bucket: r.bucket,
          calls: r.calls,
          answered: r.answered,
          missed: r.calls - r.answered,
          talk_seconds: r.talk,
        })),
      };
    },
    heatmap: async (): Promise<HeatmapReport> => {
      // ISO weekday of a wall-clock second: 1970-01-01 was a Thursday.
      const rows = await rowsOf(
        connection,
        `WITH per AS (
           SELECT ((start_wall // ${DAY} + 3) % 7) + 1 AS weekday, (start_wall % ${DAY}) // 3600 AS hour, count(*) AS calls,
             count(*) FILTER (WHERE ${answered}) AS answered
           FROM calls WHERE ${where} GROUP BY 1, 2)
         SELECT w.weekday::INTEGER AS weekday, h.hour::INTEGER AS hour, coalesce(per.calls, 0)::INTEGER AS calls,
           coalesce(per.answered, 0)::INTEGER AS answered
         FROM range(1, 8) AS w(weekday) CROSS JOIN range(0, 24) AS h(hour) LEFT JOIN per USING (weekday, hour)
         ORDER BY 1, 2`,
      );
      return {
        kind: 'heatmap',
        cells: (rows as { weekday: number; hour: number; calls: number; answered: number }[]).map((r) => ({
          weekday: r.weekday,
          hour: r.hour,
          calls: r.calls,
          answered: r.answered,
          missed: r.calls - r.answered,
        })),
      };
    },
    top: async (): Promise<TopReport> => {
      const rows = await rowsOf(
        connection,
        `SELECT src AS number, max(caller_name) AS name, count(*)::INTEGER AS calls,
           count(*) FILTER (WHERE ${answered})::INTEGER AS answered, sum(billsec)::DOUBLE AS talk
         FROM calls WHERE ${where} AND src <> '' GROUP BY src ORDER BY calls DESC, talk DESC, number ASC LIMIT 10`,
      );
      return {
        kind: 'top',
        of: 'callers',
        rows: (rows as { number: string; name: string | null; calls: number; answered: number; talk: number }[]).map((r) => ({
          number: r.number,
          name: r.name ?? '',
          calls: r.calls,
          answered: r.answered,
          talk_seconds: r.talk,
        })),
      };
    },
  };
}

/** Where two results first differ, for the note when DuckDB's numbers are not ours. */
function firstDifference(ours: unknown, theirs: unknown, path = ''): string {
  if (typeof ours !== 'object' || ours === null || typeof theirs !== 'object' || theirs === null) {
    return `${path || 'result'}: ours ${JSON.stringify(ours)}, DuckDB ${JSON.stringify(theirs)}`;
  }
  const keys = new Set([...Object.keys(ours), ...Object.keys(theirs)]);
  for (const key of keys) {
    const a = (ours as Record<string, unknown>)[key];
    const b = (theirs as Record<string, unknown>)[key];
    if (!isDeepStrictEqual(a, b)) return firstDifference(a, b, `${path}${Array.isArray(ours) ? `[${key}]` : `.${key}`}`);
  }
  return `${path || 'result'}: equal`;
}

export async function reportLatencies(args: ReportArgs): Promise<void> {
  const store = openStore(args.db);
  const newest = store.calls.page({ filter: {}, limit: 1 }).rows[0];
  if (newest === undefined) throw new Error(`the cache ${args.db} holds no calls: run the ingest part first`);
  const month = lastFullMonth(Date.parse(`${newest.start.slice(0, 19)}Z`) / 1000);
  const scopes: Scope[] = [{ name: 'cache', filter: {}, wall: null }, month];
  const notes: string[] = [];

  // The DuckDB copy is made first, so loading it is not inside any timing.
  const loadStarted = performance.now();
  let duck: { connection: DuckDBConnection; rows: number; version: string; threads: string } | null = null;
  try {
    const { connection, rows } = await loadDuckDb(args.db);
    const [info] = await rowsOf(connection, "SELECT version() AS version, current_setting('threads')::VARCHAR AS threads");
    duck = { connection, rows, version: String(info?.version), threads: String(info?.threads) };
  } catch (error) {
    notes.push(`DuckDB could not be loaded, so there is no anchor: ${error instanceof Error ? error.message : String(error)}.`);
  }
  const loadSeconds = (performance.now() - loadStarted) / 1000;

  const results: ReportTiming[] = [];
  for (const scope of scopes) {
    const anchors = duck === null ? {} : anchorQueries(duck.connection, scope);
    for (const { name, kind, options } of REQUESTS) {
      const request = { kind, filter: scope.filter, ...options } as ReportRequest;
      const ours = timeOurs(() => store.reports.run(request), args.runs);
      const timing: ReportTiming = {
        kind,
        name,
        rows: rowCount(ours.result),
        scope: scope.name,
        request: JSON.stringify(request),
        runs: ours.samples.length,
        p50: percentile(ours.samples, 50),
        p95: percentile(ours.samples, 95),
        duckdb_p50: null,
        duckdb_p95: null,
        duckdb_same: null,
      };
      const anchor = anchors[kind];
      if (anchor !== undefined) {
        // Checked before it is timed: a ratio only means something when both compute the same numbers.
        const theirs = await anchor();
        timing.duckdb_same = isDeepStrictEqual(ours.result, theirs);
        if (timing.duckdb_same) {
          const timed = await timeAsync(anchor, args.runs);
          timing.duckdb_p50 = percentile(timed.samples, 50);
          timing.duckdb_p95 = percentile(timed.samples, 95);
        } else {
          notes.push(`DuckDB's ${kind} over the ${scope.name === 'cache' ? 'whole cache' : 'month'} differs from ours (${firstDifference(ours.result, theirs)}), so it was not timed.`);
        }
      }
      results.push(timing);
      process.stderr.write(
        `  ${name.padEnd(18)} ${scope.name.padEnd(5)} p50/p95 ${timing.p50.toFixed(1)}/${timing.p95.toFixed(1)} ms` +
          (timing.duckdb_p50 === null ? '' : `  DuckDB ${timing.duckdb_p50.toFixed(1)}/${(timing.duckdb_p95 ?? 0).toFixed(1)} ms`) +
          '\n',
      );
    }
  }
  const cacheCalls = store.calls.totals({}).count;
  const monthCalls = store.calls.totals(month.filter).count;
  store.close();
  duck?.connection.closeSync();
  if (duck !== null && duck.rows !== cacheCalls) notes.push(`DuckDB holds ${duck.rows} calls, the cache ${cacheCalls}.`);
  report({
    part: 'reports',
    figures: {
      cache_calls: cacheCalls,
      month: month.filter.from?.slice(0, 7) ?? null,
      month_filter: JSON.stringify(month.filter),
      month_calls: monthCalls,
      duckdb_version: duck?.version ?? null,
      duckdb_threads: duck?.threads ?? null,
      duckdb_load_seconds: duck === null ? null : loadSeconds,
      peak_rss_mb: peakRssMb(),
    },
    reports: results,
    ...(notes.length > 0 ? { notes } : {}),
  });
}
