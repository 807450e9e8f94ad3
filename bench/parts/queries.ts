import type { CallFilter } from '../../preload/api.js';
import { openStore } from '../../main/store/store.js';
import type { Store } from '../../main/store/types.js';
import { peakRssMb, percentile, report, timeMs } from '../measure.js';

export interface QueryArgs {
  db: string;
  /** Timed runs per filter (after two warm-up runs). */
  runs: number;
}

/**
 * Ten filter combinations people use daily, with values taken from the data itself (a real trunk,
 * a real caller name) so every one matches something.
 */
function typicalFilters(store: Store): { name: string; filter: CallFilter }[] {
  const options = store.calls.filterOptions();
  const newest = store.calls.page({ filter: {}, limit: 1 }).rows[0];
  const named = store.calls.page({ filter: { direction: ['inbound'] }, limit: 200 }).rows.find((r) => r.caller_name.length >= 4);
  const lastDay = newest ? newest.start.slice(0, 10) : '2024-12-31';
  const day = (ms: number): string => new Date(ms).toISOString().slice(0, 10);
  const lastMs = Date.parse(`${lastDay}T00:00:00Z`);
  const weekAgo = day(lastMs - 6 * 86_400_000);
  // The last whole month before the newest call (the newest may sit in a month that just began).
  const monthEnd = day(Date.UTC(new Date(lastMs).getUTCFullYear(), new Date(lastMs).getUTCMonth(), 0));
  const monthStart = `${monthEnd.slice(0, 7)}-01`;
  const trunk = options.src_trunk[0];
  const nameFragment = named ? named.caller_name.slice(1, 4).toLowerCase() : 'mül';
  return [
    { name: 'no filter (newest first)', filter: {} },
    { name: 'last 7 days', filter: { from: weekAgo, to: lastDay } },
    { name: 'one month, not answered or busy', filter: { from: monthStart, to: monthEnd, status: ['NO ANSWER', 'BUSY'] } },
    { name: 'inbound calls', filter: { direction: ['inbound'] } },
    { name: 'caller 10XX (UCM pattern)', filter: { caller: '10XX' } },
    { name: 'callee 1000-1010 (cdrapi range)', filter: { callee: '1000-1010' } },
    { name: `caller name contains "${nameFragment}"`, filter: { caller_name: nameFragment } },
    { name: 'source trunk, answered', filter: { src_trunk: trunk ? [trunk] : [], status: ['ANSWERED'] } },
    { name: 'recorded, talk >= 60 s', filter: { has_recording: true, min_talk: 60 } },
    { name: 'free text "1004"', filter: { search: '1004' } },
  ];
}

export function queryLatencies(args: QueryArgs): void {
  const store = openStore(args.db);
  const results = [];
  for (const { name, filter } of typicalFilters(store)) {
    const page = (): unknown => store.calls.page({ filter, limit: 100 });
    const count = (): unknown => store.calls.totals(filter);
    page();
    page();
    const pageMs = Array.from({ length: args.runs }, () => timeMs(page));
    count();
    const countMs = Array.from({ length: Math.max(5, Math.ceil(args.runs / 3)) }, () => timeMs(count));
    results.push({
      name,
      filter: JSON.stringify(filter),
      page_p50: percentile(pageMs, 50),
      page_p95: percentile(pageMs, 95),
      count_p50: percentile(countMs, 50),
      count_p95: percentile(countMs, 95),
      matches: store.calls.totals(filter).count,
    });
  }
  store.close();
  report({ part: 'queries', figures: { peak_rss_mb: peakRssMb() }, queries: results });
}
