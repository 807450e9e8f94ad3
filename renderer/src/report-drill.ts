/**
 * Click-through from a report to the calls behind one of its figures: the report's filter narrowed by
 * what the clicked bar, cell or row stands for, as a CallFilter the call list can show. A figure no
 * filter field can express (a heatmap cell: no field selects a weekday or an hour of every day) has
 * none, and the window does not offer to open it.
 */
import type { CallFilter, Outcome, ReportRequest, ReportResult } from '../../preload/api.js';

const pad2 = (n: number) => String(n).padStart(2, '0');

function isoDay(date: Date): string {
  return `${date.getUTCFullYear()}-${pad2(date.getUTCMonth() + 1)}-${pad2(date.getUTCDate())}`;
}

/** The wall-clock from/to (inclusive) of an activity or concurrency bucket label, or null for one not understood. */
export function bucketRange(bucket: string): { from: string; to: string } | null {
  let m = /^(\d{4}-\d{2}-\d{2})T(\d{2})$/.exec(bucket);
  if (m) return { from: `${m[1]}T${m[2]}:00:00`, to: `${m[1]}T${m[2]}:59:59` };
  if (/^\d{4}-\d{2}-\d{2}$/.test(bucket)) return { from: bucket, to: bucket };
  m = /^(\d{4})-W(\d{2})$/.exec(bucket);
  if (m) {
    // ISO 8601: week 1 is the week holding 4 January; weeks start on Monday.
    const jan4 = new Date(Date.UTC(Number(m[1]), 0, 4));
    const monday = new Date(jan4);
    monday.setUTCDate(jan4.getUTCDate() - ((jan4.getUTCDay() + 6) % 7) + (Number(m[2]) - 1) * 7);
    const sunday = new Date(monday);
    sunday.setUTCDate(monday.getUTCDate() + 6);
    return { from: isoDay(monday), to: isoDay(sunday) };
  }
  m = /^(\d{4})-(\d{2})$/.exec(bucket);
  if (m) {
    const last = new Date(Date.UTC(Number(m[1]), Number(m[2]), 0));
    return { from: `${bucket}-01`, to: isoDay(last) };
  }
  return null;
}

/** A bound in full `YYYY-MM-DDTHH:MM:SS` form, so bounds written differently compare as text. */
function fullBound(value: string, bound: 'from' | 'to'): string {
  if (/^\d{4}-\d{2}-\d{2}$/.test(value)) return `${value}T${bound === 'from' ? '00:00:00' : '23:59:59'}`;
  if (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/.test(value)) return `${value}:${bound === 'from' ? '00' : '59'}`;
  return value;
}

/**
 * The filter's period narrowed to a bucket: a bucket at the edge of the period holds only the calls
 * inside it, so the call list must not show the rest of that day or week.
 */
function withinPeriod(filter: CallFilter, range: { from: string; to: string }): CallFilter {
  const from = filter.from && fullBound(filter.from, 'from') > fullBound(range.from, 'from') ? filter.from : range.from;
  const to = filter.to && fullBound(filter.to, 'to') < fullBound(range.to, 'to') ? filter.to : range.to;
  return { ...filter, from, to };
}

const MISSED_OUTCOMES: Outcome[] = ['voicemail', 'unanswered', 'failed'];

/** Which side of a trunk a click means: the chart's series says it; a table row takes the side with more calls. */
export type TrunkSide = 'inbound' | 'outbound';

/**
 * The filter of the calls behind row `index` of `report` (a chart's bar and the table's row share
 * their index), or null when no filter expresses them.
 */
export function drillFilter(request: ReportRequest, report: ReportResult, index: number, side?: TrunkSide): CallFilter | null {
  const base = request.filter;
  switch (report.kind) {
    case 'activity':
    case 'concurrency': {
      const bucket = report.rows[index]?.bucket;
      const range = bucket === undefined ? null : bucketRange(bucket);
      return range ? withinPeriod(base, range) : null;
    }
    case 'summary': {
      const direction = Object.keys(report.by_direction)[index];
      return direction ? { ...base, direction: [direction as NonNullable<CallFilter['direction']>[number]] } : null;
    }
    case 'top': {
      const row = report.rows[index];
      if (!row?.number) return null;
      return report.of === 'destinations' ? { ...base, callee: row.number } : { ...base, caller: row.number };
    }
    case 'extensions': {
      const row = report.rows[index];
      return row?.extension ? { ...base, caller: row.extension } : null;
    }
    case 'trunks': {
      const row = report.rows[index];
      if (!row?.trunk) return null;
      const chosen = side ?? (row.inbound >= row.outbound ? 'inbound' : 'outbound');
      return chosen === 'inbound' ? { ...base, src_trunk: [row.trunk] } : { ...base, dst_trunk: [row.trunk] };
    }
    case 'groups': {
      const row = report.rows[index];
      return row ? { ...base, action_type: [row.kind], callee: row.group } : null;
    }
    case 'accounts': {
      const row = report.rows[index];
      return row?.account_code ? { ...base, account_code: [row.account_code] } : null;
    }
    case 'missed': {
      const row = report.rows[index];
      if (!row?.number) return null;
      // Missed calls before the caller's last answered call were returned; from the first unreturned one on, none were.
      const period = withinPeriod(base, { from: row.first_missed, to: row.last_missed });
      return { ...period, pbx: [row.pbx], caller: row.number, direction: ['inbound'], outcome: MISSED_OUTCOMES };
    }
    case 'costs': {
      const row = report.rows[index];
      if (row === undefined) return null;
      const rated: CallFilter = { ...base, cost_status: ['rated'] };
      if (report.by === 'day' || report.by === 'month') {
        const range = bucketRange(row.key);
        return range ? withinPeriod(rated, range) : null;
      }
      if (report.by === 'extension') return row.key ? { ...rated, caller: row.key } : null;
      if (report.by === 'trunk') return row.key ? { ...rated, dst_trunk: [row.key] } : null;
      if (report.by === 'account') return row.key ? { ...rated, account_code: [row.key] } : null;
      // No filter field selects a rate sheet's destination.
      return null;
    }
    case 'heatmap':
      return null;
  }
}

/** Whether the report's rows open calls at all (a heatmap's do not). */
export function drillable(report: ReportResult): boolean {
  return report.kind !== 'heatmap' && !(report.kind === 'costs' && report.by === 'destination');
}
