/** The call table's columns: the UCM page's own, plus direction, trunks, answered-by, cost and PBX. */
import type { SortField } from '../../preload/api.js';

export interface ColumnDef {
  id: string;
  label: string;
  /** Width in px; the table's grid template is built from these. */
  width: number;
  sort?: SortField;
  align?: 'end';
}

export const COLUMNS: readonly ColumnDef[] = [
  { id: 'direction', label: 'Dir.', width: 64, sort: 'direction' },
  { id: 'status', label: 'Status', width: 104, sort: 'disposition' },
  { id: 'from', label: 'Call from', width: 176, sort: 'src' },
  { id: 'to', label: 'Call to', width: 172, sort: 'dst' },
  { id: 'answered_by', label: 'Answered by', width: 104, sort: 'answered_by' },
  { id: 'action_type', label: 'Action', width: 220, sort: 'action_type' },
  { id: 'start', label: 'Start time', width: 152, sort: 'start' },
  { id: 'call_time', label: 'Call time', width: 80, sort: 'duration', align: 'end' },
  { id: 'talk_time', label: 'Talk time', width: 80, sort: 'billsec', align: 'end' },
  { id: 'cost', label: 'Cost', width: 112, align: 'end' },
  { id: 'account_code', label: 'Account code', width: 108, sort: 'account_code' },
  { id: 'src_trunk', label: 'Source trunk', width: 120, sort: 'src_trunk_name' },
  { id: 'dst_trunk', label: 'Dest. trunk', width: 120, sort: 'dst_trunk_name' },
  { id: 'recording', label: 'Rec.', width: 56 },
  { id: 'pbx', label: 'PBX', width: 112, sort: 'pbx' },
];

export const DEFAULT_COLUMNS: readonly string[] = [
  'direction',
  'status',
  'from',
  'to',
  'action_type',
  'start',
  'call_time',
  'talk_time',
  'cost',
  'account_code',
  'recording',
  'pbx',
];

const BY_ID = new Map(COLUMNS.map((c) => [c.id, c]));

/** Keeps known, distinct column ids in the given order; falls back to the defaults when none remain. */
export function resolveColumns(ids: readonly string[]): ColumnDef[] {
  const seen = new Set<string>();
  const out: ColumnDef[] = [];
  for (const id of ids) {
    const col = BY_ID.get(id);
    if (col && !seen.has(id)) {
      seen.add(id);
      out.push(col);
    }
  }
  return out.length > 0 ? out : DEFAULT_COLUMNS.map((id) => BY_ID.get(id) as ColumnDef);
}

/** Default direction when a header is clicked for the first time: newest / longest first. */
export function firstSortDir(field: SortField): 'asc' | 'desc' {
  return field === 'start' || field === 'duration' || field === 'billsec' ? 'desc' : 'asc';
}
