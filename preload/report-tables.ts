import type { CostBucket, ReportKind, ReportResult } from './reports.js';

/**
 * Each report as a table: its columns and rows (one per JSON row, as `--format csv` writes them) and
 * a totals line where adding up means something. The CLI's table and CSV, the HTML report and the
 * window all show these, so a figure has one label everywhere.
 */

/** Each report's title, in the window's picker, the HTML page and its file. */
export const REPORT_TITLES: Record<ReportKind, string> = {
  summary: 'Summary',
  activity: 'Activity',
  heatmap: 'Calls by weekday and hour',
  top: 'Top numbers',
  extensions: 'Extensions',
  trunks: 'Trunks',
  groups: 'Ring groups and queues',
  concurrency: 'Concurrent calls',
  missed: 'Missed, not called back',
  accounts: 'Account codes',
  costs: 'Call costs',
};

/** The money figure of a costs report: four decimals, as rated. */
export function formatMoney(amount: number): string {
  return amount.toFixed(4);
}

const COST_KEY_LABELS: Record<CostBucket, string> = {
  extension: 'Extension',
  trunk: 'Trunk',
  account: 'Account code',
  destination: 'Destination',
  day: 'Day',
  month: 'Month',
};

export interface ReportColumn {
  key: string;
  label: string;
  /** Numbers align right. */
  numeric: boolean;
}

export type ReportCell = string | number;

export interface ReportTable {
  columns: ReportColumn[];
  rows: Record<string, ReportCell>[];
  totals: Record<string, ReportCell> | null;
}

function col(key: string, label: string, numeric = true): ReportColumn {
  return { key, label, numeric };
}

function sum(rows: Record<string, ReportCell>[], keys: string[], label: Record<string, ReportCell>): Record<string, ReportCell> {
  const totals: Record<string, ReportCell> = { ...label };
  for (const key of keys) totals[key] = rows.reduce((n, r) => n + (typeof r[key] === 'number' ? (r[key] as number) : 0), 0);
  return totals;
}

function percent(value: number): string {
  return `${(value * 100).toFixed(1)} %`;
}

const COUNT_COLUMNS = [col('calls', 'Calls'), col('answered', 'Answered'), col('missed', 'Missed'), col('talk_seconds', 'Talk (s)')];
const COUNT_KEYS = ['calls', 'answered', 'missed', 'talk_seconds'];

export function reportTable(report: ReportResult): ReportTable {
  switch (report.kind) {
    case 'summary': {
      const rows: Record<string, ReportCell>[] = Object.entries(report.by_direction).map(([direction, c]) => ({ direction, ...c }));
      return {
        columns: [col('direction', 'Direction', false), ...COUNT_COLUMNS],
        rows,
        totals: {
          direction: `All: ASR ${percent(report.asr)}, ACD ${Math.round(report.acd)} s, wait ${Math.round(report.avg_wait)} s`,
          calls: report.calls,
          answered: report.answered,
          missed: report.missed,
          talk_seconds: report.talk_seconds,
        },
      };
    }
    case 'activity': {
      const rows: Record<string, ReportCell>[] = report.rows.map((r, i) => {
        const row: Record<string, ReportCell> = { ...r };
        if (report.previous) row['previous_calls'] = report.previous.rows[i]?.calls ?? 0;
        return row;
      });
      const columns = [col('bucket', report.by === 'week' ? 'Week' : report.by[0]?.toUpperCase() + report.by.slice(1), false), ...COUNT_COLUMNS];
      if (report.previous) columns.push(col('previous_calls', 'Calls before'));
      return { columns, rows, totals: sum(rows, report.previous ? [...COUNT_KEYS, 'previous_calls'] : COUNT_KEYS, { bucket: 'Total' }) };
    }
    case 'heatmap': {
      const rows: Record<string, ReportCell>[] = report.cells.map((c) => ({ ...c }));
      return {
        columns: [col('weekday', 'Weekday'), col('hour', 'Hour'), col('calls', 'Calls'), col('answered', 'Answered'), col('missed', 'Missed')],
        rows,
        totals: sum(rows, ['calls', 'answered', 'missed'], { weekday: 'Total', hour: '' }),
      };
    }
    case 'top': {
      const rows: Record<string, ReportCell>[] = report.rows.map((r) => ({ ...r }));
      return {
        columns: [col('number', report.of === 'callers' ? 'Caller' : 'Destination', false), col('name', 'Name', false), col('calls', 'Calls'), col('answered', 'Answered'), col('talk_seconds', 'Talk (s)')],
        rows,
        totals: sum(rows, ['calls', 'answered', 'talk_seconds'], { number: 'Total', name: '' }),
      };
    }
    case 'extensions': {
      const rows: Record<string, ReportCell>[] = report.rows.map((r) => ({ ...r }));
      const keys = ['outgoing', 'incoming', 'answered', 'missed', 'talk_seconds'];
      return {
        columns: [col('extension', 'Extension', false), col('name', 'Name', false), col('outgoing', 'Outgoing'), col('incoming', 'Incoming'), col('answered', 'Answered'), col('missed', 'Missed'), col('talk_seconds', 'Talk (s)')],
        rows,
        totals: sum(rows, keys, { extension: 'Total', name: '' }),
      };
    }
    case 'trunks': {
      const rows: Record<string, ReportCell>[] = report.rows.map((r) => ({ ...r, peak_at: r.peak_at ?? '' }));
      return {
        columns: [col('trunk', 'Trunk', false), col('inbound', 'Inbound'), col('outbound', 'Outbound'), col('answered', 'Answered'), col('talk_seconds', 'Talk (s)'), col('peak_concurrent', 'Peak'), col('peak_at', 'Peak at', false)],
        rows,
        totals: sum(rows, ['inbound', 'outbound', 'answered', 'talk_seconds'], { trunk: 'Total', peak_concurrent: '', peak_at: '' }),
      };
    }
    case 'groups': {
      const rows: Record<string, ReportCell>[] = report.rows.map((r) => ({
        kind: r.kind,
        group: r.group,
        offered: r.offered,
        answered: r.answered,
        missed: r.missed,
        answer_rate: percent(r.answer_rate),
        avg_wait: Math.round(r.avg_wait),
        answered_by: r.answered_by.map((a) => `${a.extension} (${a.calls})`).join(', '),
      }));
      return {
        columns: [col('kind', 'Kind', false), col('group', 'Group', false), col('offered', 'Offered'), col('answered', 'Answered'), col('missed', 'Missed'), col('answer_rate', 'Answer rate'), col('avg_wait', 'Avg wait (s)'), col('answered_by', 'Answered by', false)],
        rows,
        totals: sum(rows, ['offered', 'answered', 'missed'], { kind: 'Total', group: '', answer_rate: '', avg_wait: '', answered_by: '' }),
      };
    }
    case 'concurrency': {
      const rows: Record<string, ReportCell>[] = report.rows.map((r) => ({ bucket: r.bucket, peak: r.peak, peak_at: r.peak_at ?? '' }));
      return {
        columns: [col('bucket', report.by === 'hour' ? 'Hour' : 'Day', false), col('peak', 'Peak'), col('peak_at', 'Peak at', false)],
        rows,
        totals: { bucket: 'Overall', peak: report.peak, peak_at: report.peak_at ?? '' },
      };
    }
    case 'missed': {
      const rows: Record<string, ReportCell>[] = report.rows.map((r) => ({ ...r }));
      return {
        columns: [col('number', 'Number', false), col('name', 'Name', false), col('pbx', 'PBX', false), col('attempts', 'Attempts'), col('first_missed', 'First missed', false), col('last_missed', 'Last missed', false), col('last_session', 'Last session', false)],
        rows,
        totals: sum(rows, ['attempts'], { number: `${rows.length} numbers`, name: '', pbx: '', first_missed: '', last_missed: '', last_session: '' }),
      };
    }
    case 'accounts': {
      const rows: Record<string, ReportCell>[] = report.rows.map((r) => ({ ...r }));
      return {
        columns: [col('account_code', 'Account code', false), col('calls', 'Calls'), col('answered', 'Answered'), col('talk_seconds', 'Talk (s)')],
        rows,
        totals: sum(rows, ['calls', 'answered', 'talk_seconds'], { account_code: 'Total' }),
      };
    }
    case 'costs': {
      const cost = report.currency === '' ? 'Cost' : `Cost (${report.currency})`;
      const rows: Record<string, ReportCell>[] = report.rows.map((r) => ({ ...r, cost: formatMoney(r.cost) }));
      const unrated = report.unrated.calls === 0 ? '' : `, ${report.unrated.calls} unrated not included`;
      return {
        columns: [col('key', COST_KEY_LABELS[report.by], false), col('calls', 'Calls'), col('billed_seconds', 'Billed (s)'), col('cost', cost)],
        rows,
        totals: { key: `Total${unrated}`, calls: report.total.calls, billed_seconds: report.total.billed_seconds, cost: formatMoney(report.total.cost) },
      };
    }
  }
}

const ROUTE_KIND_LABELS: Record<string, string> = {
  RINGGROUP: 'Ring group',
  QUEUE: 'Queue',
  IVR: 'IVR',
  TRANSFER: 'Transfer',
  VM: 'Voicemail',
  PARKEDCALL: 'Parked',
  DIAL: 'Dial',
};

/** A route step's kind in words: `RINGGROUP` -> `Ring group`, others title-cased (`CALLFORWARD` -> `Callforward`). */
export function routeKindLabel(kind: string): string {
  const known = ROUTE_KIND_LABELS[kind.toUpperCase()];
  if (known) return known;
  const words = kind.replace(/[_-]+/g, ' ').trim().toLowerCase();
  return words.replace(/(^|\s)\S/g, (c) => c.toUpperCase());
}

/** A call's route on one line: `IVR 7000 → Ring group 6400 → Transfer 1005`. */
export function describeRoute(route: readonly { kind: string; target: string }[]): string {
  return route.map((step) => (step.target ? `${routeKindLabel(step.kind)} ${step.target}` : routeKindLabel(step.kind))).join(' → ');
}
