// The UI figures of the desktop-app issue, measured in Chromium against the web mode on a large cache:
//   node --import tsx test/e2e/ui-figures.ts --db .bench-data/<cache>.sqlite [--filters 20] [--rows 100000]
// prints one JSON line (the bench's PartResult shape); `measureUi` is the same for bench/ to call.
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import type { CallFilter } from '../../preload/api.js';
import { writeFilterParams } from '../../renderer/src/filter-state.js';
import { FIRST_PAGE_SIZE } from '../../renderer/src/paging.js';
import { startHarness, type Harness } from './harness.js';

export interface UiFigureOptions {
  /** A cache holding the calls to measure with (e.g. the bench's 1,000,000-call database). */
  db: string;
  /** Filter changes timed (default 20). */
  filters?: number;
  /** Rows scrolled through for the frame and heap figures (default 100,000). */
  rows?: number;
}

export interface UiFigures {
  part: 'ui';
  figures: Record<string, number | string | null>;
  notes: string[];
}

function percentile(samples: number[], p: number): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

const round = (n: number): number => Math.round(n * 10) / 10;

/** The hash the renderer reads its state from, written by the renderer's own writer (see renderer/TESTIDS.md). */
function callsHash(filter: CallFilter): string {
  return `#/calls?${writeFilterParams(filter, new URLSearchParams()).toString()}`;
}

/**
 * Page-side: changes the hash and resolves with the ms until the table shows first row `session` with
 * every row on screen filled in (`rows`), and until the totals show `count` (`count`); -1 if never.
 */
const REDRAW_PROBE = `(async ([hash, count, session]) => {
  const t0 = performance.now();
  // After hashchange the app has started the new query: a 'ready' table from then on shows its answer.
  const changed = new Promise((r) => addEventListener('hashchange', r, { once: true }));
  location.hash = hash;
  await changed;
  let rows = -1;
  let shownCount = -1;
  for (let frames = 0; frames < 3000 && (rows < 0 || shownCount < 0); frames++) {
    await new Promise((r) => requestAnimationFrame(r));
    const now = performance.now() - t0;
    const first = document.querySelector('[data-testid="call-row"][data-index="0"]')?.getAttribute('data-session') ?? null;
    const ready = document.querySelector('[data-testid="calls-table"]')?.getAttribute('data-state') === 'ready';
    if (rows < 0 && ready && first === session && !document.querySelector('[data-testid="call-row-pending"]')) rows = now;
    if (shownCount < 0 && document.querySelector('[data-testid="calls-count"]')?.getAttribute('data-count') === String(count)) shownCount = now;
  }
  return { rows, count: shownCount };
})`;

/** Page-side: scrolls the table fast until `rows` rows went by; counts frames and long tasks. */
const SCROLL_PROBE = `(async (rows) => {
  const table = document.querySelector('[data-testid="calls-table"]');
  const longTasks = [];
  const observer = new PerformanceObserver((list) => { for (const e of list.getEntries()) longTasks.push(e.duration); });
  observer.observe({ type: 'longtask', buffered: false });
  const rowHeight = 30;
  const target = rows * rowHeight;
  let frames = 0;
  let unfilled = 0;
  const t0 = performance.now();
  while (table.scrollTop < target && performance.now() - t0 < 600000) {
    await new Promise((r) => requestAnimationFrame(r));
    frames++;
    if (document.querySelector('[data-testid="call-row-pending"]')) unfilled++;
    // About 40 rows a frame, as a flick of the wheel does; wait at the end of what is loaded.
    const loaded = Number(table.getAttribute('data-rows')) * rowHeight - table.clientHeight;
    table.scrollTop = Math.min(table.scrollTop + 40 * rowHeight, loaded, target);
  }
  const seconds = (performance.now() - t0) / 1000;
  observer.disconnect();
  if (typeof gc === 'function') gc();
  await new Promise((r) => setTimeout(r, 200));
  return {
    seconds,
    frames,
    fps: frames / seconds,
    unfilled,
    rows_loaded: Number(table.getAttribute('data-rows')),
    dom_rows: document.querySelectorAll('[data-testid="call-row"]').length,
    long_tasks: longTasks.filter((d) => d > 50).length,
    longest_task_ms: longTasks.length ? Math.max(...longTasks) : 0,
    heap_mb: performance.memory ? performance.memory.usedJSHeapSize / 1048576 : null,
  };
})`;

/**
 * Waits, frame by frame inside the page, until `condition` (a page-side expression) holds. The app's
 * CSP forbids eval, which Playwright's waitForFunction needs for a string predicate.
 */
async function waitInPage(h: Harness, condition: string, what: string, timeoutMs = 60_000): Promise<void> {
  const met = await h.page.evaluate(`(async () => {
    const t0 = performance.now();
    while (performance.now() - t0 < ${timeoutMs}) {
      if (${condition}) return true;
      await new Promise((r) => setTimeout(r, 20));
    }
    return false;
  })()`);
  if (met !== true) throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}.`);
}

interface RotationStep {
  filter: CallFilter;
  count: number;
  session: string | null;
  /** The store's own time for this filter's totals and first page (warm), without HTTP or browser. */
  totalsMs: number;
  pageMs: number;
}

function timed<T>(fn: () => T): [T, number] {
  const t0 = performance.now();
  const value = fn();
  return [value, performance.now() - t0];
}

/** A rotation of filters whose counts differ from one to the next, so each change is visible. */
function filterRotation(h: Harness, n: number): RotationStep[] {
  const candidates: CallFilter[] = [
    { status: ['ANSWERED'] },
    { status: ['NO ANSWER'] },
    { direction: ['inbound'] },
    { direction: ['outbound'] },
    { direction: ['internal'] },
    { min_talk: 60 },
    { has_recording: true },
    { status: ['BUSY', 'FAILED'] },
    { caller: '10XX' },
    { max_call: 10 },
  ];
  const measured = candidates.map((filter): RotationStep => {
    h.store.calls.totals(filter);
    const [totals, totalsMs] = timed(() => h.store.calls.totals(filter));
    const [page, pageMs] = timed(() => h.store.calls.page({ filter, limit: FIRST_PAGE_SIZE }));
    return { filter, count: totals.count, session: page.rows[0]?.session ?? null, totalsMs, pageMs };
  });
  const out: typeof measured = [];
  for (let i = 0; out.length < n && i < n * 3; i++) {
    const next = measured[i % measured.length];
    if (out.length === 0 || out[out.length - 1].count !== next.count) out.push(next);
  }
  return out;
}

export async function measureUi(options: UiFigureOptions): Promise<UiFigures> {
  const h = await startHarness({ dbPath: options.db, chromiumArgs: ['--enable-precise-memory-info', '--js-flags=--expose-gc'] });
  try {
    const total = h.store.calls.totals({}).count;
    const firstPage: number[] = [];
    await h.page.addInitScript(`new MutationObserver((_, observer) => {
      if (document.querySelector('[data-testid="call-row"]') && !document.querySelector('[data-testid="call-row-pending"]')) {
        window.__firstRowAt = performance.now();
        observer.disconnect();
      }
    }).observe(document, { childList: true, subtree: true });`);
    for (let i = 0; i < 3; i++) {
      // A fresh document each time: the first load carries the token, the others use the cookie.
      if (i === 0) await h.page.goto(`${h.server.url}#/calls`);
      else await h.page.reload();
      await waitInPage(h, 'window.__firstRowAt !== undefined', 'the first call row to be drawn');
      firstPage.push(Number(await h.page.evaluate('window.__firstRowAt')));
    }

    const rotation = filterRotation(h, options.filters ?? 20);
    const redraws: number[] = [];
    const rowRedraws: number[] = [];
    const countRedraws: number[] = [];
    for (const step of rotation) {
      const probe = `${REDRAW_PROBE}(${JSON.stringify([callsHash(step.filter), step.count, step.session])})`;
      const { rows: rowsMs, count: countMs } = (await h.page.evaluate(probe)) as { rows: number; count: number };
      if (rowsMs >= 0) rowRedraws.push(rowsMs);
      if (countMs >= 0) countRedraws.push(countMs);
      if (rowsMs >= 0 && countMs >= 0) redraws.push(Math.max(rowsMs, countMs));
    }

    await h.page.evaluate(`location.hash = '#/calls'`);
    await waitInPage(h, `document.querySelector('[data-testid="calls-count"]')?.getAttribute('data-count') === '${total}'`, 'the unfiltered count');
    const rows = Math.min(options.rows ?? 100_000, total);
    const scroll = (await h.page.evaluate(`${SCROLL_PROBE}(${rows})`)) as Record<string, number | null>;

    return {
      part: 'ui',
      figures: {
        calls_cached: total,
        first_page_ms_median: round(percentile(firstPage, 50)),
        filter_redraw_p50_ms: round(percentile(redraws, 50)),
        filter_redraw_p95_ms: round(percentile(redraws, 95)),
        filter_rows_p50_ms: round(percentile(rowRedraws, 50)),
        filter_rows_p95_ms: round(percentile(rowRedraws, 95)),
        filter_count_p50_ms: round(percentile(countRedraws, 50)),
        filter_count_p95_ms: round(percentile(countRedraws, 95)),
        filter_changes: redraws.length,
        store_totals_p50_ms: round(percentile(rotation.map((r) => r.totalsMs), 50)),
        store_totals_p95_ms: round(percentile(rotation.map((r) => r.totalsMs), 95)),
        store_page_p95_ms: round(percentile(rotation.map((r) => r.pageMs), 95)),
        rows_scrolled: rows,
        scroll_seconds: round(Number(scroll.seconds)),
        scroll_fps: round(Number(scroll.fps)),
        scroll_frames_with_unfilled_rows: scroll.unfilled,
        long_tasks_over_50ms: scroll.long_tasks,
        longest_task_ms: round(Number(scroll.longest_task_ms)),
        rows_loaded: scroll.rows_loaded,
        dom_rows_after_scroll: scroll.dom_rows,
        js_heap_mb_after_scroll: scroll.heap_mb === null ? null : round(Number(scroll.heap_mb)),
      },
      notes: [
        'Headless Debian Chromium (software rendering, --disable-gpu) against startWebServer on 127.0.0.1; first page = navigation start to the first call row in the DOM.',
        'Filter redraw = hash change until both the new rows (first row right, every row on screen filled) and the new count are shown; filter_rows = the rows alone, filter_count = the count alone (the 250 ms typing debounce is not included).',
        'store_* = the same queries timed on the store directly (warm): the floor under filter_count, which waits for the totals of the whole filtered set.',
        'Scrolling fills at most a screenful of rows per frame; scroll_frames_with_unfilled_rows counts the frames in which some rows on screen were still being filled.',
      ],
    };
  } finally {
    await h.close();
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const { values } = parseArgs({ options: { db: { type: 'string' }, filters: { type: 'string' }, rows: { type: 'string' } } });
  if (!values.db) {
    process.stderr.write('Usage: node --import tsx test/e2e/ui-figures.ts --db CACHE.sqlite [--filters N] [--rows N]\n');
    process.exit(2);
  }
  const result = await measureUi({
    db: values.db,
    filters: values.filters ? Number(values.filters) : undefined,
    rows: values.rows ? Number(values.rows) : undefined,
  });
  process.stdout.write(`${JSON.stringify(result)}\n`);
}
