import type { CallFilter, Direction } from './api.js';

/**
 * The reports part of the contract (docs/reports.md defines every figure). Every report is a report of
 * the calls a CallFilter selects; buckets and hours are the PBX's wall clock. JSON field names are
 * what `ucmcdr report KIND --format json` prints: a contract scripts rely on.
 */

export const REPORT_KINDS = [
  'summary',
  'activity',
  'heatmap',
  'top',
  'extensions',
  'trunks',
  'groups',
  'concurrency',
  'missed',
  'accounts',
  'costs',
] as const;
export type ReportKind = (typeof REPORT_KINDS)[number];

export const OUTCOMES = ['answered', 'voicemail', 'unanswered', 'failed'] as const;
/** What became of a call: a person answered, voicemail, nobody (rang, queued, IVR, busy), or failed. */
export type Outcome = (typeof OUTCOMES)[number];

/** One step of a call's path: `{kind: 'RINGGROUP', target: '6400'}`. */
export interface RouteStep {
  kind: string;
  target: string;
}

export const ACTIVITY_BUCKETS = ['hour', 'day', 'week', 'month'] as const;
export type ActivityBucket = (typeof ACTIVITY_BUCKETS)[number];
export const CONCURRENCY_BUCKETS = ['day', 'hour'] as const;
export type ConcurrencyBucket = (typeof CONCURRENCY_BUCKETS)[number];
/** costs: what each row adds up (extension = the caller of an outbound call). */
export const COST_BUCKETS = ['extension', 'trunk', 'account', 'destination', 'day', 'month'] as const;
export type CostBucket = (typeof COST_BUCKETS)[number];
export const TOP_OF = ['callers', 'destinations'] as const;
export type TopOf = (typeof TOP_OF)[number];

export interface ReportRequest {
  kind: ReportKind;
  filter: CallFilter;
  /**
   * activity: hour|day|week|month (default day); concurrency: day|hour (default day); costs:
   * extension|trunk|account|destination|day|month (default extension).
   */
  by?: ActivityBucket | CostBucket;
  /** activity: add the same figures for the period of the same length before. */
  compare?: 'previous';
  /** top: callers (src) or destinations (dst); default callers. */
  of?: TopOf;
  /** top: rows, 1..1000, default 10. */
  limit?: number;
  /** concurrency: only calls using this trunk (source or destination). */
  trunk?: string;
}

/** Calls, answered, missed (every other outcome) and talk time of a set of calls. */
export interface ReportCounts {
  calls: number;
  answered: number;
  missed: number;
  talk_seconds: number;
}

export interface SummaryReport extends ReportCounts {
  kind: 'summary';
  /** answered / calls, 0..1 (0 without calls). */
  asr: number;
  /** Talk time of answered calls / answered calls, seconds. */
  acd: number;
  /** Mean of duration - billsec over answered calls, seconds. */
  avg_wait: number;
  by_direction: Partial<Record<Direction, ReportCounts>>;
}

export interface ActivityRow extends ReportCounts {
  /** `2025-03-03T08`, `2025-03-03`, `2025-W10`, `2025-03`. */
  bucket: string;
}

export interface ActivityReport {
  kind: 'activity';
  by: ActivityBucket;
  rows: ActivityRow[];
  /** With compare: the period of the same length just before, bucket by bucket in the same order. */
  previous?: { from: string; to: string; rows: ActivityRow[] };
}

export interface HeatmapCell {
  /** 1 = Monday .. 7 = Sunday. */
  weekday: number;
  hour: number;
  calls: number;
  answered: number;
  missed: number;
}

export interface HeatmapReport {
  kind: 'heatmap';
  cells: HeatmapCell[];
}

export interface TopRow {
  number: string;
  name: string;
  calls: number;
  answered: number;
  talk_seconds: number;
}

export interface TopReport {
  kind: 'top';
  of: TopOf;
  rows: TopRow[];
}

export interface ExtensionRow {
  extension: string;
  name: string;
  outgoing: number;
  incoming: number;
  answered: number;
  missed: number;
  talk_seconds: number;
}

export interface ExtensionsReport {
  kind: 'extensions';
  rows: ExtensionRow[];
}

export interface TrunkRow {
  trunk: string;
  inbound: number;
  outbound: number;
  answered: number;
  talk_seconds: number;
  peak_concurrent: number;
  /** PBX wall clock of the first moment the peak is reached, or null. */
  peak_at: string | null;
}

export interface TrunksReport {
  kind: 'trunks';
  rows: TrunkRow[];
}

export interface GroupRow {
  kind: 'RINGGROUP' | 'QUEUE';
  group: string;
  offered: number;
  answered: number;
  missed: number;
  /** answered / offered, 0..1. */
  answer_rate: number;
  /** Mean wait (duration - billsec) of answered calls, seconds. */
  avg_wait: number;
  answered_by: { extension: string; calls: number }[];
}

export interface GroupsReport {
  kind: 'groups';
  rows: GroupRow[];
}

export interface ConcurrencyRow {
  bucket: string;
  peak: number;
  peak_at: string | null;
}

export interface ConcurrencyReport {
  kind: 'concurrency';
  by: ConcurrencyBucket;
  peak: number;
  peak_at: string | null;
  rows: ConcurrencyRow[];
}

export interface MissedRow {
  number: string;
  name: string;
  pbx: string;
  /** Unreturned missed calls from the number. */
  attempts: number;
  first_missed: string;
  last_missed: string;
  /** Session id of the last missed call. */
  last_session: string;
}

export interface MissedReport {
  kind: 'missed';
  rows: MissedRow[];
}

export interface AccountRow {
  account_code: string;
  calls: number;
  answered: number;
  talk_seconds: number;
}

export interface AccountsReport {
  kind: 'accounts';
  rows: AccountRow[];
}

export interface CostRow {
  key: string;
  calls: number;
  billed_seconds: number;
  cost: number;
}

/** What the rated calls of the filter cost (docs/costs.md), grouped by `by`; unrated calls are counted apart. */
export interface CostsReport {
  kind: 'costs';
  by: CostBucket;
  /** The plans' currency; '' when no call of the filter has a plan. */
  currency: string;
  rows: CostRow[];
  total: { calls: number; billed_seconds: number; cost: number };
  /** Billable calls no prefix matched: never counted as free. */
  unrated: { calls: number };
  /** Costs are being calculated again after a change (rates/rerate): figures may still move. */
  stale: boolean;
}

export type ReportResult =
  | SummaryReport
  | ActivityReport
  | HeatmapReport
  | TopReport
  | ExtensionsReport
  | TrunksReport
  | GroupsReport
  | ConcurrencyReport
  | MissedReport
  | AccountsReport
  | CostsReport;
