import type { CallRow, Direction } from '../../preload/api.js';
import { describeRoute } from '../../preload/report-tables.js';
import { formatCost, formatDuration } from './format.js';
import { formatStart, PBX_CLOCK, type Clock } from './time-display.js';

/**
 * The text and classes one table row shows, worked out once when the row scrolls into view, so the
 * render function only places ready strings.
 */
export interface RowView {
  index: number;
  row: CallRow;
  dirIcon: string;
  dirLabel: string;
  dirClass: string;
  status: string;
  statusClass: string;
  /** The caller name, when it says more than the number. */
  name: string;
  /** The callee as the table shows it: dst, or the analog line an analog call came in on (CallRow.dst_line). */
  callee: string;
  /** `6400 · Sales`: the callee with its phonebook name, whole, for a column too narrow to show the name. */
  calleeTitle: string;
  /** The same for the answering party. */
  answeredByTitle: string;
  srcTrunkTitle: string;
  dstTrunkTitle: string;
  /** The call's path, `IVR 7000 → Ring group 6400 → Transfer 1005`; the PBX's action type for a row without one. */
  route: string;
  start: string;
  callTime: string;
  talkTime: string;
  recordings: number;
  recordingsTitle: string;
  /** `0.2345 GBP`; `—` when not billable; `unrated` when billable but no rate matched (never shown as free). */
  cost: string;
  costClass: string;
  costTitle: string;
}

const DIRECTION_MARK: Record<Direction, { icon: string; label: string }> = {
  inbound: { icon: '↙', label: 'Inbound' },
  outbound: { icon: '↗', label: 'Outbound' },
  internal: { icon: '↔', label: 'Internal' },
  external: { icon: '⇄', label: 'External' },
  unknown: { icon: '·', label: 'Unknown' },
};

const STATUS_CLASS: Record<string, string> = {
  ANSWERED: 'status-answered',
  'NO ANSWER': 'status-no-answer',
  BUSY: 'status-busy',
  FAILED: 'status-failed',
  CONGESTION: 'status-congestion',
};

function costCell(row: CallRow): Pick<RowView, 'cost' | 'costClass' | 'costTitle'> {
  if (row.cost_status === 'unrated' || row.cost === null) {
    return { cost: 'unrated', costClass: 'cost-unrated', costTitle: 'Billable, but no prefix of the rate plan matches the number: its cost is unknown, not zero.' };
  }
  if (row.cost_status === 'not_billable') return { cost: '—', costClass: 'cost-none', costTitle: 'Not billable' };
  return { cost: formatCost(row.cost, row.cost_currency), costClass: 'cost-rated', costTitle: row.rate_destination };
}

export function rowView(index: number, row: CallRow, clock: Clock = PBX_CLOCK): RowView {
  const mark = DIRECTION_MARK[row.direction] ?? DIRECTION_MARK.unknown;
  const recordings = row.recordings.length;
  return {
    index,
    row,
    dirIcon: mark.icon,
    dirLabel: mark.label,
    dirClass: `dir-${row.direction}`,
    status: row.disposition || '—',
    statusClass: STATUS_CLASS[row.disposition] ?? 'status-unknown',
    name: row.caller_name && row.caller_name !== row.src ? row.caller_name : '',
    callee: row.dst_line || row.dst,
    calleeTitle: row.callee_name ? `${row.dst_line || row.dst} · ${row.callee_name}` : '',
    answeredByTitle: row.answered_by_name ? `${row.answered_by} · ${row.answered_by_name}` : '',
    srcTrunkTitle: row.src_trunk_name ? `Trunk ${row.src_trunk_name}` : '',
    dstTrunkTitle: row.dst_trunk_name ? `Trunk ${row.dst_trunk_name}` : '',
    route: row.route.length > 0 ? describeRoute(row.route) : row.action_type,
    start: formatStart(row, clock),
    callTime: formatDuration(row.duration),
    talkTime: formatDuration(row.billsec),
    recordings,
    recordingsTitle: recordings > 0 ? `Play (${recordings} recording${recordings > 1 ? 's' : ''})` : '',
    ...costCell(row),
  };
}
