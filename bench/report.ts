import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import type { MachineInfo } from './machine.js';
import type { PartResult } from './measure.js';

export interface BenchRun {
  command: string;
  date: string;
  minutes: number;
  machine: MachineInfo;
  sizes: { calls: number; batch: number; runs: number; syncCalls: number; importRows: number };
  results: PartResult[];
}

// The UI figures (issue 5) come from the end-to-end suite's probe (the ui part); a run without that
// part keeps whatever the section between these markers held.
const UI_START = '<!-- ui-figures:start -->';
const UI_END = '<!-- ui-figures:end -->';
const UI_PLACEHOLDER =
  'Not measured in this run (`npm run bench -- --parts ui` after an ingest): load to first page drawn (goal < 1 s), ' +
  'filter change to redraw (goal p95 < 100 ms), long tasks while scrolling quickly (goal: none over 50 ms), JS heap ' +
  'after scrolling 100,000 rows, in Chromium against the web mode.';

type Figures = PartResult['figures'];

function find(run: BenchRun, part: string): PartResult | undefined {
  return run.results.find((r) => r.part === part);
}

function num(figures: Figures | undefined, key: string): number | null {
  const value = figures?.[key];
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
}

function fmt(value: number | null, digits = 1): string {
  if (value === null) return 'n/a';
  return value.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
}

function int(value: number | null): string {
  return value === null ? 'n/a' : Math.round(value).toLocaleString('en-US');
}

function verdict(ok: boolean | null): string {
  if (ok === null) return 'n/a';
  return ok ? 'met' : '**not met**';
}

/** Notes of these parts (a failure, a missing tool) as one paragraph, or nothing. */
function notes(run: BenchRun, parts: string[]): string[] {
  const all = run.results.filter((r) => parts.includes(r.part)).flatMap((r) => r.notes ?? []);
  return all.length > 0 ? [`Notes: ${all.join(' ')}`] : [];
}

function ratio(a: number | null, b: number | null): number | null {
  return a === null || b === null || b === 0 ? null : a / b;
}

function table(header: string[], rows: string[][]): string {
  const line = (cells: string[]): string => `| ${cells.join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}

function ingestSection(run: BenchRun): string | null {
  const store = find(run, 'ingest-store')?.figures;
  const base = find(run, 'ingest-baseline')?.figures;
  const generator = find(run, 'ingest-generate')?.figures;
  const queries = find(run, 'queries');
  if (!store && !queries) return null;
  const parts = [`## Issue 2: the cache (${int(run.sizes.calls)} generated calls with transfers and sub records)`];
  if (store) {
    const share = ratio(num(store, 'calls_per_s'), num(base, 'calls_per_s'));
    parts.push(
      table(
        ['figure', 'store.ingest', 'baseline', 'ratio', 'goal', 'result'],
        [
          [
            'ingest, calls/s',
            int(num(store, 'calls_per_s')),
            int(num(base, 'calls_per_s')),
            share === null ? 'n/a' : `${fmt(share * 100, 0)} %`,
            '>= 50 % of baseline',
            verdict(share === null ? null : share >= 0.5),
          ],
          ['ingest, seconds', fmt(num(store, 'seconds')), fmt(num(base, 'seconds')), '', '', ''],
          ['records (main + legs)', int(num(store, 'records')), int(num(base, 'records')), '', '', ''],
          ['database size, MB per million calls', fmt(num(store, 'db_mb_per_million')), '', '', '', ''],
          ['database size, MB', fmt(num(store, 'db_mb')), fmt(num(base, 'db_mb')), '', '', ''],
          ['peak RSS of the process, MB', fmt(num(store, 'peak_rss_mb'), 0), fmt(num(base, 'peak_rss_mb'), 0), '', '', ''],
          ['peak RSS of the data generator alone, MB', fmt(num(generator, 'peak_rss_mb'), 0), '', '', '', ''],
        ],
      ),
      `Baseline: the same records (main + legs) through one prepared INSERT into a plain table with one TEXT ` +
        `column per CDR field and no index, in transactions of ${int(run.sizes.batch)} calls, same pragmas (WAL, ` +
        `synchronous=NORMAL). store.ingest additionally derives direction, times, channels and recordings, merges ` +
        `duplicates and maintains the query indexes. Generation time is not counted on either side; the generator ` +
        `runs in the same process, so both peak RSS figures include it (its own peak is shown separately).`,
    );
  }
  if (queries?.queries) {
    const rows = queries.queries.map((q) => [
      q.name,
      int(q.matches),
      fmt(q.page_p50, 2),
      fmt(q.page_p95, 2),
      verdict(q.page_p95 <= 20),
      fmt(q.count_p50, 1),
      fmt(q.count_p95, 1),
      verdict(q.count_p95 <= 150),
    ]);
    parts.push(
      `### First page (100 calls, newest first) and filtered count, ${int(run.sizes.runs)} timed runs per filter`,
      table(
        ['filter', 'matches', 'page p50 ms', 'page p95 ms', 'goal p95 <= 20 ms', 'count p50 ms', 'count p95 ms', 'goal <= 150 ms'],
        rows,
      ),
      `Filters as JSON (CallFilter): ${queries.queries.map((q) => `\`${q.filter}\``).join(', ')}. ` +
        `Peak RSS of the query process: ${fmt(num(queries.figures, 'peak_rss_mb'), 0)} MB.`,
    );
  }
  const exp = find(run, 'export')?.figures;
  if (exp) {
    parts.push(
      '### Export of the whole cache (`ucmcdr export`, CSV, streamed)',
      table(
        ['fields', 'calls', 'seconds', 'calls/s', 'CSV MB', 'largest JS heap during the export, MB'],
        [
          ['the call row\'s fields (no record lookups)', int(num(exp, 'row_fields_rows')), fmt(num(exp, 'row_fields_seconds')), int(num(exp, 'row_fields_rows_per_s')), fmt(num(exp, 'row_fields_mb')), fmt(num(exp, 'row_fields_max_heap_mb'), 0)],
          ['every field (main record per call)', int(num(exp, 'all_fields_rows')), fmt(num(exp, 'all_fields_seconds')), int(num(exp, 'all_fields_rows_per_s')), fmt(num(exp, 'all_fields_mb')), fmt(num(exp, 'all_fields_max_heap_mb'), 0)],
        ],
      ),
      `The largest JS heap sampled after any batch was ${fmt(Math.max(num(exp, 'row_fields_max_heap_mb') ?? 0, num(exp, 'all_fields_max_heap_mb') ?? 0), 0)} MB ` +
        `for ${int(num(exp, 'all_fields_rows'))} calls: rows are read lazily and written with backpressure. ` +
        `Peak RSS of the export process: ${fmt(num(exp, 'peak_rss_mb'), 0)} MB for both exports, a large part of it database ` +
        'pages SQLite maps in and caches. Context, channels, ' +
        'last app/data, AMA flags, unique id, user field and action owner live only in the raw main record, which the ' +
        'Store hands out per call (`session()`), so choosing any of them costs a lookup per call.',
    );
  }
  parts.push(...notes(run, ['ingest-generate', 'ingest-store', 'ingest-baseline', 'queries', 'export']));
  return parts.join('\n\n');
}

function syncSection(run: BenchRun): string | null {
  const sync = find(run, 'sync')?.figures;
  const base = find(run, 'sync-baseline')?.figures;
  if (!sync && !base) return null;
  const overhead = ratio(num(sync, 'cpu_ms_per_1000'), num(base, 'cpu_ms_per_1000'));
  return [
    `## Issue 3: full sync of ${int(run.sizes.syncCalls)} calls from the simulator over HTTPS on loopback`,
    table(
      ['figure', 'sync (client)', 'parse + insert, no network', 'client adds', 'goal', 'result'],
      [
        [
          'CPU time per 1,000 calls, ms',
          fmt(num(sync, 'cpu_ms_per_1000')),
          fmt(num(base, 'cpu_ms_per_1000')),
          overhead === null ? 'n/a' : `${fmt((overhead - 1) * 100, 0)} %`,
          '<= 30 %',
          verdict(overhead === null ? null : overhead <= 1.3),
        ],
        ['calls/s (wall clock)', int(num(sync, 'calls_per_s')), int(num(base, 'calls_per_s')), '', '', ''],
        ['seconds', fmt(num(sync, 'seconds')), fmt(num(base, 'seconds')), '', '', ''],
        ['pages', int(num(sync, 'pages')), int(num(base, 'pages')), '', '', ''],
        ['peak RSS, MB', fmt(num(sync, 'peak_rss_mb'), 0), fmt(num(base, 'peak_rss_mb'), 0), '', '', ''],
        ['API generation detected', String(sync?.api ?? 'n/a'), '', '', '', ''],
      ],
    ),
    'The simulator (serving both API generations, so `auto` detection picks the UCM63xx `/api`) runs in a separate ' +
      'Node.js process, so the CPU time measured is the client\'s alone: TLS with the pinned certificate, the API ' +
      'session, paging through month windows, parsing, ingest and the sync bookkeeping committed with every page. ' +
      'The baseline generates the same calls, serializes them as cdrapi JSON pages of 1,000 calls (not timed), then ' +
      'times only parsing and ingesting them into a fresh cache.',
    ...notes(run, ['sync', 'sync-baseline']),
  ].join('\n\n');
}

function importSection(run: BenchRun): string | null {
  const imp = find(run, 'import')?.figures;
  const base = find(run, 'import-baseline');
  if (!imp && !base) return null;
  const slower = ratio(num(imp, 'seconds'), num(base?.figures, 'seconds'));
  const rss = num(imp, 'peak_rss_mb');
  const rssAgain = num(imp, 'again_peak_rss_mb');
  return [
    `## Issue 4: import of a ${int(run.sizes.importRows)}-row UCM CDR page export (CSV)`,
    table(
      ['figure', 'ucmcdr import (built CLI)', 'sqlite3 .import', 'ratio', 'goal', 'result'],
      [
        [
          'seconds',
          fmt(num(imp, 'seconds')),
          fmt(num(base?.figures, 'seconds')),
          slower === null ? 'n/a' : `${fmt(slower, 2)} x`,
          'within 3 x',
          verdict(slower === null ? null : slower <= 3),
        ],
        ['rows/s', int(num(imp, 'rows_per_s')), int(num(base?.figures, 'rows_per_s')), '', '', ''],
        ['CPU seconds (all threads)', fmt(num(imp, 'cpu_seconds')), '', '', '', ''],
        ['peak RSS, MB', fmt(rss, 0), '', '', '< 300 MB', verdict(rss === null ? null : rss < 300)],
        ['file size, MB', fmt(num(imp, 'file_mb')), '', '', '', ''],
        ['database size after the import, MB', fmt(num(imp, 'db_mb')), '', '', '', ''],
      ],
    ),
    `The same file imported again into that cache (overlapping exports: every row already present, ` +
      `${int(num(imp, 'again_already_present'))} reported so):`,
    table(
      ['figure', 'ucmcdr import, again', 'goal', 'result'],
      [
        ['seconds', fmt(num(imp, 'again_seconds')), '', ''],
        ['rows/s', int(num(imp, 'again_rows_per_s')), '', ''],
        ['CPU seconds (all threads)', fmt(num(imp, 'again_cpu_seconds')), '', ''],
        ['peak RSS, MB', fmt(rssAgain, 0), '< 300 MB', verdict(rssAgain === null ? null : rssAgain < 300)],
      ],
    ),
    `The file has the UCM page's "Export File Data" columns, one row per call. The floor is the sqlite3 command-line ` +
      `shell importing the same file into a plain table (\`.mode csv\`, \`.import\`) into a new database file: the ` +
      `median of ${int(num(base?.figures, 'runs'))} runs (${fmt(num(base?.figures, 'fastest_seconds'))} to ` +
      `${fmt(num(base?.figures, 'slowest_seconds'))} s). ` +
      `The import is the built \`ucmcdr import\` (out/main/cli.js, plain Node, as users run it; the app is built first, ` +
      `not timed) into a new cache; peak RSS and CPU time are its own process's. It reads and prepares rows (decode, ` +
      `parse, derive, encode) on a worker thread while the main thread writes the previous batch, so its CPU time can ` +
      `exceed its wall time; the file is big against the empty cache, so it is a bulk load (number indexes rebuilt and ` +
      `the text index merged once at the end, both inside the time shown).`,
    ...notes(run, ['import', 'import-baseline']),
  ].join('\n\n');
}

/** Issue 5: this run's figures when the ui part ran, else what the section already held. */
function uiSection(run: BenchRun, previous: string | null): string {
  const ui = find(run, 'ui');
  let body: string;
  if (ui) {
    const f = ui.figures;
    const firstPage = num(f, 'first_page_ms_median');
    const redraw = num(f, 'filter_redraw_p95_ms');
    const longTasks = num(f, 'long_tasks_over_50ms');
    const target = num(f, 'rows_scrolled');
    const loaded = num(f, 'rows_loaded');
    // The probe scrolls until the table has loaded the target rows or gives up; only a full scroll counts.
    const scrolled = target !== null && loaded !== null && loaded >= target;
    const scrollNote = scrolled
      ? []
      : [
          `The scroll probe meant to scroll through ${int(target)} rows but the table had loaded ${int(loaded)} when it ` +
            `stopped after ${fmt(num(f, 'scroll_seconds'), 0)} s, so the scrolling figures in the table do not describe a ` +
            'full fast scroll and no verdict is given.',
        ];
    body = [
      table(
        ['figure', 'value', 'goal', 'result'],
        [
          ['calls cached', int(num(f, 'calls_cached')), '', ''],
          ['load to first page drawn, ms (median of 3)', fmt(firstPage, 0), '< 1,000 ms', verdict(firstPage === null ? null : firstPage < 1000)],
          ['filter change to rows and count redrawn, p50 / p95 ms', `${fmt(num(f, 'filter_redraw_p50_ms'), 0)} / ${fmt(redraw, 0)}`, 'p95 < 100 ms', verdict(redraw === null ? null : redraw < 100)],
          ['filter change to rows redrawn, p50 / p95 ms', `${fmt(num(f, 'filter_rows_p50_ms'), 0)} / ${fmt(num(f, 'filter_rows_p95_ms'), 0)}`, '', ''],
          ['filter change to count redrawn, p50 / p95 ms', `${fmt(num(f, 'filter_count_p50_ms'), 0)} / ${fmt(num(f, 'filter_count_p95_ms'), 0)}`, '', ''],
          ['the same totals on the store directly, p50 / p95 ms', `${fmt(num(f, 'store_totals_p50_ms'), 0)} / ${fmt(num(f, 'store_totals_p95_ms'), 0)}`, '', ''],
          ['rows to scroll through quickly / rows loaded', `${int(target)} / ${int(loaded)}`, '', ''],
          ['scrolling: seconds, frames per second', `${fmt(num(f, 'scroll_seconds'), 0)}, ${fmt(num(f, 'scroll_fps'), 0)}`, '', ''],
          ['long tasks over 50 ms while scrolling', int(longTasks), 'none', verdict(!scrolled || longTasks === null ? null : longTasks === 0)],
          ['longest task, ms', fmt(num(f, 'longest_task_ms'), 0), '', ''],
          ['table rows in the DOM after scrolling', int(num(f, 'dom_rows_after_scroll')), '', ''],
          ['JS heap after scrolling, MB', fmt(num(f, 'js_heap_mb_after_scroll'), 0), '', ''],
        ],
      ),
      ...scrollNote,
      ...(ui.notes ?? []),
    ].join('\n\n');
  } else if (previous?.includes(UI_START) && previous.includes(UI_END)) {
    body = previous.slice(previous.indexOf(UI_START) + UI_START.length, previous.indexOf(UI_END)).trim();
  } else {
    body = UI_PLACEHOLDER;
  }
  return [`## Issue 5: the UI in Chromium (web mode)`, UI_START, body, UI_END].join('\n\n');
}

// Issue 12's goals: p95 over the whole cache per report (the issue sets none for extensions), and
// over one month for every report.
const REPORT_CACHE_GOAL_MS: Record<string, number> = {
  summary: 300,
  activity: 300,
  heatmap: 300,
  trunks: 300,
  groups: 300,
  top: 300,
  accounts: 300,
  concurrency: 1000,
  missed: 1000,
};
const REPORT_MONTH_GOAL_MS = 30;

function reportsSection(run: BenchRun): string | null {
  const part = find(run, 'reports');
  if (!part) return null;
  const f = part.figures;
  const timings = part.reports ?? [];
  const parts = [
    `## Issue 12: reports (${int(num(f, 'cache_calls'))} calls in the cache; one month: ${String(f.month ?? 'n/a')}, ` +
      `${int(num(f, 'month_calls'))} calls)`,
  ];
  if (timings.length > 0) {
    const kinds = [...new Set(timings.map((t) => t.kind))];
    const of = (kind: string, scope: 'cache' | 'month') => timings.find((t) => t.kind === kind && t.scope === scope);
    const rows = (t: (typeof timings)[number] | undefined) => (t === undefined ? 'n/a' : int(t.rows));
    const runs = (t: (typeof timings)[number] | undefined) => (t === undefined ? 'n/a' : String(t.runs));
    parts.push(
      table(
        ['report', 'whole cache p50 / p95 ms', 'goal p95', 'result', 'one month p50 / p95 ms', `goal p95 <= ${REPORT_MONTH_GOAL_MS} ms`, 'result', 'rows returned', 'timed runs'],
        kinds.map((kind) => {
          const cache = of(kind, 'cache');
          const month = of(kind, 'month');
          const goal = REPORT_CACHE_GOAL_MS[kind];
          return [
            cache?.name ?? month?.name ?? kind,
            `${fmt(cache?.p50 ?? null)} / ${fmt(cache?.p95 ?? null)}`,
            goal === undefined ? 'none set' : `<= ${int(goal)} ms`,
            verdict(goal === undefined || cache === undefined ? null : cache.p95 <= goal),
            `${fmt(month?.p50 ?? null)} / ${fmt(month?.p95 ?? null)}`,
            verdict(month === undefined ? null : month.p95 <= REPORT_MONTH_GOAL_MS),
            `${rows(cache)} / ${rows(month)}`,
            `${runs(cache)} / ${runs(month)}`,
          ];
        }),
      ),
    );
    const anchored = timings.filter((t) => t.duckdb_same !== null);
    if (anchored.length > 0) {
      parts.push(
        '### Anchor: the same reports computed by DuckDB over the same calls',
        table(
          ['report', 'scope', 'ours p50 / p95 ms', 'DuckDB p50 / p95 ms', 'ours / DuckDB (p50)', 'ours / DuckDB (p95)', 'same numbers'],
          anchored.map((t) => [
            t.name,
            t.scope === 'cache' ? 'whole cache' : 'one month',
            `${fmt(t.p50)} / ${fmt(t.p95)}`,
            `${fmt(t.duckdb_p50)} / ${fmt(t.duckdb_p95)}`,
            t.duckdb_p50 === null ? 'n/a' : `${fmt(ratio(t.p50, t.duckdb_p50), 2)} x`,
            t.duckdb_p95 === null ? 'n/a' : `${fmt(ratio(t.p95, t.duckdb_p95), 2)} x`,
            t.duckdb_same ? 'yes' : '**no**',
          ]),
        ),
        `DuckDB ${String(f.duckdb_version ?? 'n/a')} (\`@duckdb/node-api\`, a devDependency used only here), in memory with ` +
          `${String(f.duckdb_threads ?? 'n/a')} threads, holds a copy of the columns these four reports read (start_wall, ` +
          `direction, outcome, billsec, duration, src, caller_name) of every call in the cache; loading it took ` +
          `${fmt(num(f, 'duckdb_load_seconds'))} s and is not counted. Each DuckDB query is one SQL statement shaped as our ` +
          'report (days zero-filled, 168 heatmap cells, the top 10 callers with their name), read back into JS objects; ' +
          'its result was compared with ours (deep equality of every number and label) before it was timed, and a report ' +
          'whose numbers differ is not timed. Both sides are timed the same way: one warm-up run, then the timed runs.',
      );
    }
  }
  const m = run.machine;
  parts.push(
    `Each timed run is \`store.reports.run\` on the cache the ingest part built, after one warm-up run; a report ` +
      `stops after 20 s of timed runs (at least 3). Whole cache: \`"filter":{}\`; one month: ` +
      `\`"filter":${String(f.month_filter ?? 'n/a')}\`, the last full month of the data. Options: activity and ` +
      `concurrency by day, top the 10 callers, the others none. Rows returned: the report's rows (directions of the ` +
      `summary, cells of the heatmap), whole cache / one month. ` +
      `Peak RSS of the reports process (with the DuckDB copy): ${fmt(num(f, 'peak_rss_mb'), 0)} MB. Machine: ${m.cpu}, ` +
      `${m.cores} cores, ${fmt(m.ram_gb)} GB RAM, Node.js ${m.node}, shared with other work.`,
    'Precomputed at ingest for reports: `calls.outcome` (INTEGER) and `calls.route` (TEXT). The outcome rule needs ' +
      'every record of a call (which record answered, with which application and destination channel), so computing ' +
      'it per report would read the legs table, about 2.5 GB at a million calls; at ingest the records are already in ' +
      'memory, so deriving both costs a pass over them and two columns. Everything else a report shows is aggregated ' +
      'at query time, from two covering indexes (schema 5) where a whole-cache figure needed one: `calls_for_reports` ' +
      '(wall clock, PBX, direction, outcome, talk, call time, instant: summary, activity, heatmap and every period ' +
      'filter) and, since schema 10, the outcome and caller name at the end of `calls_by_src` for the top callers ' +
      '(2.3 s over a million calls without; schema 5 had a second caller-led index for them, `calls_for_top`, whose ' +
      'insert at a random place cost ingest more than the 10 % allowed). Since schema 9 `calls_by_start` also ' +
      'carries the outcome (about a byte a call), so the trunks report reads one index.',
    reportsIngestCost(run),
    ...notes(run, ['reports']),
  );
  return parts.join('\n\n');
}

/** What reports add to ingest, from the ingest-profile part of the same run (goal: no more than 10 %). */
function reportsIngestCost(run: BenchRun): string {
  const f = find(run, 'ingest-profile')?.figures;
  const full = num(f, 'store_seconds');
  const withoutIndexes = num(f, 'no-report-index_seconds');
  const judge = num(f, 'judge_seconds');
  if (full === null || withoutIndexes === null || judge === null) return 'What reports add to ingest: not measured in this run (part `ingest`).';
  // Ingest without what reports need stored: without their two indexes and without judging outcome and route.
  const added = (full - withoutIndexes + judge) / (withoutIndexes - judge);
  return (
    `What reports add to ingest, measured in this run (part \`ingest-profile\`, ${int(num(f, 'calls'))} calls): ingest takes ` +
    `${fmt(full, 2)} s, ${fmt(withoutIndexes, 2)} s without \`calls_for_reports\` and with \`calls_by_src\` as before schema 10, and judging outcome ` +
    `and route takes ${fmt(judge, 2)} s of it; so what reports need stored makes ingest ${fmt(added * 100, 1)} % slower ` +
    `than it would be without (goal: no more than 10 %): ${verdict(added <= 0.1)}. Import writes through the same ingest.`
  );
}

/** The command that produced the figures; with --reuse, each command and the parts it measured. */
const RERATE_GOAL_S = 30;

function ratingSection(run: BenchRun): string | null {
  const part = find(run, 'rating');
  if (!part) return null;
  const f = part.figures;
  const full = num(f, 'full_pass_s');
  return [
    `## Issue 13: call costs (${int(num(f, 'cache_calls'))} calls in the cache, ${int(num(f, 'candidates'))} with a destination trunk)`,
    table(
      ['figure', 'value', 'goal'],
      [
        [`re-rating every call after a new plan (${int(num(f, 'full_pass_changed'))} costs written)`, `${fmt(full)} s`, `<= ${RERATE_GOAL_S} s: ${verdict(full === null ? null : full <= RERATE_GOAL_S)}`],
        ['the same reads and writes without pricing (prepared UPDATE per call, same chunks)', `${fmt(num(f, 'baseline_s'))} s`, ''],
        ['ratio to that baseline', `${fmt(num(f, 'ratio_to_baseline'), 2)}x`, ''],
        [`a pass after a change that moves no price (${int(num(f, 'unchanged_pass_changed'))} written)`, `${fmt(num(f, 'unchanged_pass_s'))} s`, ''],
        [`importing the rate sheet (${int(num(f, 'sheet_rows'))} rows)`, `${int(num(f, 'sheet_import_ms'))} ms`, ''],
        [`calls rated / unrated`, `${int(num(f, 'rated'))} / ${int(num(f, 'unrated'))}`, ''],
        ['costs report by destination, whole cache, p50 / p95', `${fmt(num(f, 'costs_by_destination_p50'), 0)} / ${fmt(num(f, 'costs_by_destination_p95'), 0)} ms`, ''],
        ['costs report by month, whole cache, p50 / p95', `${fmt(num(f, 'costs_by_month_p50'), 0)} / ${fmt(num(f, 'costs_by_month_p95'), 0)} ms`, ''],
        ['peak RSS of the rating process', `${int(num(f, 'peak_rss_mb'))} MB`, ''],
      ],
    ),
    'A pass reads every call that may have a cost (a destination trunk, or a cost from before) in id order, ' +
      '20,000 per transaction, prices it in JavaScript (dial plan, longest prefix effective at the call\'s start, ' +
      'exact integer arithmetic) and writes only the calls whose cost changed. Calls without a destination trunk are ' +
      'not billable by definition and are not read. The sheet: a German PBX\'s carrier sheet of national, mobile and ' +
      'world prefixes with a price change for a third of them half-way through the data.',
    ...notes(run, ['rating']),
  ].join('\n\n');
}

const SCAN_GOAL_S = 20;
const NEW_CALLS_GOAL_MS = 100;

function alertsSection(run: BenchRun): string | null {
  const part = find(run, 'alerts');
  if (!part) return null;
  const f = part.figures;
  const scan = num(f, 'scan_s');
  const fresh = num(f, 'new_calls_p95_ms');
  return [
    `## Issue 14: alert rules (${int(num(f, 'cache_calls'))} calls in the cache)`,
    table(
      ['figure', 'value', 'goal'],
      [
        ['scan of every cached call (all rules)', `${fmt(scan)} s`, `<= ${SCAN_GOAL_S} s: ${verdict(scan === null ? null : scan <= SCAN_GOAL_S)}`],
        ['plain read of the same columns of every call, in start order', `${fmt(num(f, 'baseline_read_s'))} s`, ''],
        ['ratio to that read', `${fmt(num(f, 'ratio_to_baseline'), 1)}x`, ''],
        ['the same scan again (every alert already raised: joins only)', `${fmt(num(f, 'rescan_s'))} s`, ''],
        [`after a sync of ${int(num(f, 'new_calls'))} new calls, p50 / p95`, `${fmt(num(f, 'new_calls_p50_ms'), 0)} / ${fmt(fresh, 0)} ms`, `<= ${NEW_CALLS_GOAL_MS} ms: ${verdict(fresh === null ? null : fresh <= NEW_CALLS_GOAL_MS)}`],
        ['alerts in the cache after the scan', `${int(num(f, 'alerts'))} (${String(f.alerts_by_rule ?? '')}; ${int(num(f, 'alerts_new'))} new in this run)`, ''],
        ['peak RSS', `${int(num(f, 'peak_rss_mb'))} MB`, ''],
      ],
    ),
    'The scan reads the calls in start order, 50,000 per transaction, and runs every rule on them with the ' +
      'default thresholds and a German dial plan; the rules that need context (the attempts before a burst, the 28 ' +
      'days before a spike, the four weeks before a drifting day) read it from the cache. The bench data is generated ' +
      'office traffic, whose evening and weekend calls raise after-hours alerts under the default business hours.',
    ...notes(run, ['alerts']),
  ].join('\n\n');
}

/** What each stored object of the bench cache serves (docs/benchmarks.md, issue 16). */
const OBJECT_ROLES: Record<string, string> = {
  legs: 'the raw records, compact (every field the PBX sent)',
  calls: 'one row per call: every value the table shows, filters and sorts, the folded text for search',
  calls_fts_data: 'the trigram text index (search, caller name)',
  calls_fts_docsize: 'the text index\'s per-call sizes',
  sqlite_autoindex_legs_1: 'records by (call, seq): a session\'s records',
  sqlite_autoindex_calls_1: '(session, PBX): ingest\'s duplicate check, a session by id',
  calls_by_start: 'first page newest first, counts of the enumerable filters',
  calls_by_id: 'counts and talk of text-search matches',
  calls_by_src: 'caller filter, top callers, missed-call callbacks',
  calls_by_dst: 'callee filter',
  calls_for_reports: 'summary, activity, heatmap, alerts\' day figures',
  calls_by_answered_by: 'answered-by filter',
  calls_by_src_trunk: 'source trunk filter',
  calls_by_dst_trunk: 'destination trunk filter, rating',
  calls_by_account_code: 'account code filter',
  call_days: 'per-day tallies: counts of whole days, filter choices',
};

/** Where the bench cache's bytes and ingest's time go: the profile behind the goals not met. */
function leanProfile(run: BenchRun): string[] {
  const out: string[] = [];
  const ingest = find(run, 'ingest-store')?.figures;
  const plain = find(run, 'ingest-baseline')?.figures;
  if (ingest) {
    const objects = Object.entries(ingest)
      .filter((e): e is [string, number] => e[0].startsWith('object_mb:') && typeof e[1] === 'number')
      .map(([key, mb]) => [key.slice('object_mb:'.length), mb] as const)
      .sort((x, y) => y[1] - x[1]);
    if (objects.length > 0) {
      const total = objects.reduce((n, [, mb]) => n + mb, 0);
      out.push(
        `Where the cache's ${fmt(total, 0)} MB go (dbstat after ingest; objects of 1 MB and more), against the ${fmt(num(plain, 'db_mb'), 0)} MB ` +
          'of the plain table of the same records:',
        table(
          ['object', 'MB', 'share', 'serves'],
          objects.map(([name, mb]) => [`\`${name}\``, fmt(mb, 0), `${fmt((mb / total) * 100, 0)} %`, OBJECT_ROLES[name] ?? '']),
        ),
      );
    }
  }
  const profile = find(run, 'ingest-profile')?.figures;
  if (profile) {
    const full = num(profile, 'store_seconds');
    const share = (v: number | null): string => (v === null || full === null ? '' : `${fmt((v / full) * 100, 0)} %`);
    const noIndexes = num(profile, 'no-call-indexes_seconds');
    const noText = num(profile, 'no-text-index_seconds');
    const noReports = num(profile, 'no-report-index_seconds');
    const minus = (v: number | null): number | null => (v === null || full === null ? null : full - v);
    out.push(
      `Where ingest's time goes (part \`ingest-profile\`: ${int(num(profile, 'calls'))} calls of the same data, the product path with ` +
        'parts of the schema left out):',
      table(
        ['step', 'seconds', 'share of ingest'],
        [
          ['ingest, as shipped', fmt(full, 2), '100 %'],
          ['the indexes of calls (ingest without them: ' + fmt(noIndexes, 2) + ' s)', fmt(minus(noIndexes), 2), share(minus(noIndexes))],
          ['of which what the indexes hold for reports (ingest without it: ' + fmt(noReports, 2) + ' s)', fmt(minus(noReports), 2), share(minus(noReports))],
          ['the trigram text index (ingest with a plain table instead: ' + fmt(noText, 2) + ' s)', fmt(minus(noText), 2), share(minus(noText))],
          ['preparing the calls in JavaScript (times, outcome, route, record coding)', fmt(num(profile, 'prepare_seconds'), 2), share(num(profile, 'prepare_seconds'))],
          ['of which judging outcome and route (for reports)', fmt(num(profile, 'judge_seconds'), 2), share(num(profile, 'judge_seconds'))],
          ['plain insert of the same records (the baseline)', fmt(num(profile, 'plain_insert_seconds'), 2), share(num(profile, 'plain_insert_seconds'))],
        ],
      ),
    );
  }
  return out;
}

/** Issue 16's goals, from the figures of the parts that measure them in the same run. */
function leanSection(run: BenchRun): string | null {
  const ingest = find(run, 'ingest-store')?.figures;
  const plain = find(run, 'ingest-baseline')?.figures;
  const imp = find(run, 'import')?.figures;
  const floor = find(run, 'import-baseline')?.figures;
  const exp = find(run, 'export')?.figures;
  const ui = find(run, 'ui')?.figures;
  if (!ingest || !plain) return null;
  const size = num(ingest, 'db_mb');
  const rawSize = num(plain, 'db_mb');
  const shaped = ratio(num(imp, 'db_mb'), num(floor, 'db_mb'));
  const importRatio = ratio(num(imp, 'seconds'), num(floor, 'seconds'));
  const ingestShare = ratio(num(plain, 'seconds'), num(ingest, 'seconds'));
  const redraw = num(ui, 'filter_count_p95_ms');
  const allFields = num(exp, 'all_fields_seconds');
  const ok = (value: number | null, test: (v: number) => boolean): string => verdict(value === null ? null : test(value));
  return [
    '## Issue 16: a lean cache',
    table(
      ['figure', 'this run', 'goal', ''],
      [
        ['bench cache size, 1M calls, MB', `${fmt(size, 0)} (plain raw-record table: ${fmt(rawSize, 0)})`, '<= the plain table', ok(size, (v) => rawSize !== null && v <= rawSize)],
        ['import-shaped cache vs the sqlite3 .import table', `${fmt(shaped, 2)}x (${fmt(num(imp, 'db_mb'), 0)} vs ${fmt(num(floor, 'db_mb'), 0)} MB)`, '<= 2.5x', ok(shaped, (v) => v <= 2.5)],
        ['1M-row CSV import vs sqlite3 .import (median of 3)', `${fmt(importRatio, 1)}x, peak RSS ${int(num(imp, 'peak_rss_mb'))} MB`, '<= 4x, peak RSS < 300 MB', ok(importRatio, (v) => v <= 4 && (num(imp, 'peak_rss_mb') ?? 1e9) < 300)],
        ['ingest vs plain prepared insert', `${fmt(ingestShare === null ? null : ingestShare * 100, 0)} %`, '>= 40 %', ok(ingestShare, (v) => v >= 0.4)],
        ['window: filter change to rows and count drawn, p95', `${fmt(redraw, 0)} ms (p50 ${fmt(num(ui, 'filter_count_p50_ms'), 0)} ms)`, '<= 150 ms', ok(redraw, (v) => v <= 150)],
        ['export of 1M calls, row fields / every field', `${fmt(num(exp, 'row_fields_seconds'))} / ${fmt(allFields)} s`, 'no slower than 26 / 150 s; every field <= 60 s', ok(allFields, (v) => v <= 60)],
      ],
    ),
    'Schema 8 stores a record\'s values in a compact deterministic coding (a format byte, the field-set id, one tag ' +
      'byte per value: one of 64 common UCM words, a repeat in the record, the previous record\'s value at the same ' +
      'place, or a literal) and no longer stores its derivations, which are derived again when a session is read ' +
      '(legs 2,502 MB -> 629 MB on this cache). Deflate with a preset dictionary was measured too: 155 B a record ' +
      'against 168, but about 35 µs a record more at ingest (+110 s a million), so it was not kept. A cache from ' +
      'before is converted at its first opening in batches of 20,000 calls that survive kill -9, then vacuumed: the ' +
      '1M-call cache took 59 s and went from 3,418 to 1,498 MB. Schema 10 drops `calls_by_action_kind` (28 MB), which ' +
      'no query used any more, and `calls_for_top` (35 MB), whose columns `calls_by_src` now carries (+14 MB); schema 9 ' +
      'adds the outcome to `calls_by_start` (about 1 MB).',
    ...leanProfile(run),
    '**Why the cache is not smaller than the plain table.** The records themselves (`legs` and its key) take less than ' +
      'half of the plain table: every field the PBX sent, kept byte for byte. The rest is what answers a filter in ' +
      'milliseconds: a row per call with every value the table shows and filters (the plain table has none: a filter ' +
      'there is a scan of every record), the text index, and one index per filter that may drive a query (the plans ' +
      'of test/store/query-plan.test.ts; the first-page and count goals of issues 2-5 are met with them). Tried and ' +
      'measured on a copy of the bench cache: the text index with `detail=none` takes 43 MB instead of 190, but ' +
      'without positions FTS5 can only AND a needle\'s trigrams: "1004" matched 342,648 calls instead of the calls ' +
      'holding 1004, so a number search (the common one) would check a third of the cache row by row; `detail=column` ' +
      '(121 MB) has the same limit. Not kept. Dropping `calls_by_id` would put a table row lookup behind each ' +
      'text-search match when counting; not done. Dropped: `calls_by_action_kind`, which no query used, and ' +
      '`calls_for_top`, whose columns `calls_by_src` now carries.',
    '**Why ingest stays below 40 % of the plain insert.** The table above splits it: the plain insert writes each ' +
      'record once into one table; ingest also derives each call in JavaScript (times in the PBX\'s zone, direction, ' +
      'outcome and route, the compact coding of each record and its JSON for comparisons), writes a call row with its ' +
      'indexes, the text index and the day tallies, and checks each call against the cache (a re-delivery or a ' +
      'merge). Each of these is needed by a goal of an earlier issue; the coding was profiled (about 4 µs a record, ' +
      'spread over map lookups and buffer writes; a rewrite with a map of the previous record\'s values instead of ' +
      'indexOf was measured no faster and not kept).',
    '**Why the import stays above 4x `.import` and 300 MB.** Profiled on 200,000 rows (`node --cpu-prof out/main/cli.js ' +
      'import`): of 10.1 s, writing call rows with their indexes took 2.3 s, the text index 0.8 s, records 0.5 s, ' +
      'commits 1.1 s, rebuilding the indexes set aside for the load 0.7 s, garbage collection 1.4 s; parsing and ' +
      'preparing run on a worker thread beside them. `.import` writes one table with no index and no check. Memory, ' +
      'sampled every 200 ms: 200-320 MB while reading (two JavaScript heaps, the parser\'s and the writer\'s, and ' +
      'SQLite\'s 64 MB page cache), then the alert rules over the new calls: they read every new call and took the ' +
      'peak to 425 MB; they now read only the outbound calls they look at (425 -> 361 MB at 200,000 rows), and ' +
      '`ucmcdr import` maps none of the cache into memory (every page the alert rules read after the load counted ' +
      'as its memory through the map: 1,031 MB at a million rows with a 1 GB map, 358 MB without). What is left above ' +
      '300 MB is the reading phase: the parser\'s and the writer\'s heaps and the page cache.',
    '**Where the window\'s 400 ms went.** The slow samples came with a fault of the probe: it wrote ' +
      '`has_recording=true` into the address, which the window refuses (it writes `yes`/`no`), so that step never ' +
      'drew a count and held the probe for 3,000 frames (50 s) of a run whose other steps it then followed. The ' +
      'probe now writes addresses with the renderer\'s own writer (`writeFilterParams`); the remaining time is the ' +
      'first page, then the count, asked once the page has answered (the service answers one query at a time).',
  ].join('\n\n');
}

function commandsText(run: BenchRun): string {
  const byCommand = new Map<string, { date: string; parts: string[] }>();
  for (const result of run.results) {
    const key = result.measured ? `${result.measured.command}\u0000${result.measured.date}` : `${run.command}\u0000${run.date}`;
    const entry = byCommand.get(key) ?? { date: result.measured?.date ?? run.date, parts: [] };
    entry.parts.push(result.part);
    byCommand.set(key, entry);
  }
  if (byCommand.size <= 1) return `Command:\n\n\`\`\`\n${run.command}\n\`\`\``;
  const lines = [...byCommand.entries()].map(([key, { date, parts }]) => `${key.split('\u0000')[0]}    # ${date}: ${parts.join(', ')}`);
  return `Commands (a later run measured some parts again with --reuse keeping the others):\n\n\`\`\`\n${lines.join('\n')}\n\`\`\``;
}

export function renderReport(run: BenchRun, previous: string | null): string {
  const m = run.machine;
  const header = [
    '# Benchmarks',
    'Measured by `npm run bench` (bench/run.ts). Every ratio compares against a baseline measured in the same run ' +
      'on the same machine; each part runs in its own process so its memory and CPU figures are its own.',
    table(
      ['machine', 'value'],
      [
        ['CPU', `${m.cpu}, ${m.cores} cores`],
        ['RAM', `${fmt(m.ram_gb)} GB (${fmt(m.free_ram_gb)} GB free at the end)`],
        ['OS', m.os],
        ['Node.js', m.node],
        ['sqlite3 CLI', m.sqlite3_cli ?? 'not installed'],
        // Runs combined with --reuse carry their own dates in the command list below.
        ...(run.results.every((r) => !r.measured || r.measured.date === run.date)
          ? [
              ['date', run.date],
              ['duration of the run', `${fmt(run.minutes)} min`],
            ]
          : []),
      ],
    ),
    commandsText(run),
    'The machine is shared with other work (2 cores), so figures are conservative. Peak RSS is the kernel\'s ' +
      'high-water mark for a part\'s process; it counts the database pages the store maps into memory (`mmap_size`) ' +
      'and its page cache, which the OS can take back, as well as the heap.',
  ];
  const sections = [ingestSection(run), syncSection(run), importSection(run)].filter((s): s is string => s !== null);
  const tail = [reportsSection(run), ratingSection(run), alertsSection(run), leanSection(run)].filter((s): s is string => s !== null);
  return `${[...header, ...sections, uiSection(run, previous), ...tail].join('\n\n')}\n`;
}

export function writeReport(run: BenchRun, path: string): void {
  const previous = existsSync(path) ? readFileSync(path, 'utf8') : null;
  writeFileSync(path, renderReport(run, previous));
}

/** The same figures as a compact table on the terminal. */
export function printSummary(run: BenchRun): void {
  const lines: string[] = [];
  for (const result of run.results) {
    const figures = Object.entries(result.figures)
      .map(([k, v]) => `${k}=${typeof v === 'number' ? fmt(v, 2) : String(v)}`)
      .join('  ');
    lines.push(`${result.part.padEnd(16)} ${figures}`);
    for (const q of result.queries ?? []) {
      lines.push(
        `  ${q.name.padEnd(40)} matches=${int(q.matches).padStart(9)}  page p50/p95=${fmt(q.page_p50, 2)}/${fmt(q.page_p95, 2)} ms  count p50/p95=${fmt(q.count_p50, 1)}/${fmt(q.count_p95, 1)} ms`,
      );
    }
    for (const r of result.reports ?? []) {
      lines.push(
        `  ${`${r.kind}, ${r.scope}`.padEnd(40)} p50/p95=${fmt(r.p50, 1)}/${fmt(r.p95, 1)} ms` +
          (r.duckdb_same === null ? '' : `  DuckDB p50/p95=${fmt(r.duckdb_p50, 1)}/${fmt(r.duckdb_p95, 1)} ms, same numbers: ${r.duckdb_same ? 'yes' : 'no'}`),
      );
    }
    for (const note of result.notes ?? []) lines.push(`  note: ${note}`);
  }
  process.stdout.write(`${lines.join('\n')}\n`);
}
