/** The call table's columns: the UCM page's own, plus direction, trunks, answered-by, cost and PBX. */
import type { SortField } from '../../preload/api.js';

export interface ColumnDef {
  id: string;
  label: string;
  /** Width in px; the table's grid template is built from these. */
  width: number;
  /** The narrowest it may shrink to when the table is narrow (its header wraps onto two lines). */
  min: number;
  /** Always shown, however narrow the table: status, from, to, start and talk time. */
  essential?: boolean;
  sort?: SortField;
  align?: 'end';
}

export const COLUMNS: readonly ColumnDef[] = [
  { id: 'direction', label: 'Dir.', width: 64, min: 52, sort: 'direction' },
  { id: 'status', label: 'Status', width: 124, min: 120, sort: 'disposition', essential: true },
  { id: 'from', label: 'Call from', width: 176, min: 104, sort: 'src', essential: true },
  { id: 'to', label: 'Call to', width: 240, min: 96, sort: 'dst', essential: true },
  { id: 'answered_by', label: 'Answered by', width: 176, min: 96, sort: 'answered_by' },
  { id: 'action_type', label: 'Action', width: 220, min: 120, sort: 'action_type' },
  { id: 'start', label: 'Start time', width: 152, min: 152, sort: 'start', essential: true },
  { id: 'call_time', label: 'Call time', width: 80, min: 72, sort: 'duration', align: 'end' },
  { id: 'talk_time', label: 'Talk time', width: 80, min: 72, sort: 'billsec', align: 'end', essential: true },
  { id: 'cost', label: 'Cost', width: 112, min: 72, align: 'end' },
  { id: 'account_code', label: 'Account code', width: 108, min: 80, sort: 'account_code' },
  { id: 'src_trunk', label: 'Source trunk', width: 120, min: 88, sort: 'src_trunk_name' },
  { id: 'dst_trunk', label: 'Dest. trunk', width: 120, min: 88, sort: 'dst_trunk_name' },
  { id: 'recording', label: 'Rec.', width: 56, min: 52 },
  { id: 'pbx', label: 'PBX', width: 112, min: 72, sort: 'pbx' },
];

/**
 * Which columns give way first when the table is too narrow even with every column at its narrowest:
 * the first here is hidden first. Essential columns are never hidden.
 */
export const COLLAPSE_ORDER: readonly string[] = [
  'src_trunk',
  'dst_trunk',
  'account_code',
  'pbx',
  'answered_by',
  'action_type',
  'cost',
  'call_time',
  'direction',
  'recording',
];

export interface ColumnFit {
  /** The columns shown, in order, each with the width it gets. */
  columns: ColumnDef[];
  /** The chosen columns hidden for lack of room, in the table's order. */
  hidden: ColumnDef[];
}

/**
 * Fits the chosen columns into `available` px: all at their width when they fit; else each shrinks
 * toward its minimum in proportion to the room it can give; when even the minimums do not fit, the
 * non-essential columns are hidden in `COLLAPSE_ORDER` until they do. Essential columns always stay
 * (when they alone do not fit, the table scrolls sideways). An unknown width (0: not laid out) keeps
 * every column at its width.
 */
export function fitColumns(columns: readonly ColumnDef[], available: number): ColumnFit {
  if (!(available > 0)) return { columns: [...columns], hidden: [] };
  const sum = (cols: readonly ColumnDef[], pick: (c: ColumnDef) => number): number => cols.reduce((n, c) => n + pick(c), 0);
  let shown = [...columns];
  const rank = (c: ColumnDef): number => {
    const i = COLLAPSE_ORDER.indexOf(c.id);
    return i < 0 ? COLLAPSE_ORDER.length : i;
  };
  while (sum(shown, (c) => c.min) > available) {
    const victims = shown.filter((c) => !c.essential).sort((a, b) => rank(a) - rank(b));
    if (victims.length === 0) break;
    shown = shown.filter((c) => c !== victims[0]);
  }
  const hidden = columns.filter((c) => !shown.includes(c));
  const wanted = sum(shown, (c) => c.width);
  if (wanted <= available) return { columns: shown, hidden };
  const slack = sum(shown, (c) => c.width - c.min);
  const share = slack > 0 ? Math.min(1, (wanted - available) / slack) : 0;
  return { columns: shown.map((c) => ({ ...c, width: Math.floor(c.width - (c.width - c.min) * share) })), hidden };
}

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
