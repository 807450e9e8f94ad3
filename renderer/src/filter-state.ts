/**
 * The Calls screen's state (filter, sort, open call) as URL query parameters, so Back, reload and
 * bookmarks restore it. The filter's parameters are a part of their own (`writeFilterParams`,
 * `readFilterParams`) that any route showing calls can carry beside its own. The URL is a boundary:
 * every value read from it is checked, and what does not fit is reported by name instead of being
 * sent to the query engine.
 */
import {
  COST_STATUSES,
  OUTCOMES,
  SORT_FIELDS,
  type CallFilter,
  type CallSort,
  type CostStatus,
  type Direction,
  type Disposition,
  type Outcome,
  type SortField,
} from '../../preload/api.js';

export const DISPOSITIONS: readonly Disposition[] = ['ANSWERED', 'NO ANSWER', 'BUSY', 'FAILED', 'CONGESTION'];
export const DIRECTIONS: readonly Direction[] = ['inbound', 'outbound', 'internal', 'external', 'unknown'];

export const DEFAULT_SORT: CallSort = { field: 'start', dir: 'desc' };

export interface CallsUrlState {
  filter: CallFilter;
  sort: CallSort;
  /** Call whose session panel is open. */
  call: number | null;
}

type ListKey = 'pbx' | 'status' | 'outcome' | 'direction' | 'action_type' | 'src_trunk' | 'dst_trunk' | 'account_code' | 'cost_status';
type TextKey = 'from' | 'to' | 'caller' | 'callee' | 'answered_by' | 'caller_name' | 'search';
type NumberKey = 'min_talk' | 'max_talk' | 'min_call' | 'max_call' | 'min_cost' | 'max_cost';

const LIST_KEYS: readonly ListKey[] = ['pbx', 'status', 'outcome', 'direction', 'action_type', 'src_trunk', 'dst_trunk', 'account_code', 'cost_status'];
const TEXT_KEYS: readonly TextKey[] = ['from', 'to', 'caller', 'callee', 'answered_by', 'caller_name', 'search'];
const NUMBER_KEYS: readonly NumberKey[] = ['min_talk', 'max_talk', 'min_call', 'max_call', 'min_cost', 'max_cost'];
const COST_KEYS: ReadonlySet<NumberKey> = new Set(['min_cost', 'max_cost']);

/** A cost bound: costs are rated to 4 decimals, so a fifth would select nothing more. */
const AMOUNT = /^\d{1,9}(\.\d{1,4})?$/;

/** An amount of money as typed or written in the address (`12`, `0.25`, `.5`); null when it is not one. */
export function parseAmount(text: string): number | null {
  const trimmed = text.trim();
  const normalized = trimmed.startsWith('.') ? `0${trimmed}` : trimmed;
  return AMOUNT.test(normalized) ? Number(normalized) : null;
}

const WALL_CLOCK = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2})?)?$/;
const MAX_TEXT = 200;

/** Drops empty values so equal filters have one shape (and one URL). */
export function cleanFilter(filter: CallFilter): CallFilter {
  const out: CallFilter = {};
  for (const key of LIST_KEYS) {
    const list = filter[key];
    if (list && list.length > 0) (out as Record<ListKey, string[]>)[key] = [...new Set(list as string[])];
  }
  for (const key of TEXT_KEYS) {
    const text = filter[key]?.trim();
    if (text) out[key] = text;
  }
  for (const key of NUMBER_KEYS) {
    const n = filter[key];
    if (typeof n === 'number' && Number.isFinite(n)) out[key] = n;
  }
  if (typeof filter.has_recording === 'boolean') out.has_recording = filter.has_recording;
  return out;
}

/**
 * Applies an edit to the filter being typed: empty values remove their key, text is kept as typed
 * (trimming happens when the query runs, so a space typed between two words survives).
 */
export function mergeFilter(filter: CallFilter, patch: Partial<CallFilter>): CallFilter {
  const out: Record<string, unknown> = { ...filter };
  for (const [key, value] of Object.entries(patch)) {
    const empty = value === undefined || value === '' || (Array.isArray(value) && value.length === 0);
    if (empty) delete out[key];
    else out[key] = value;
  }
  return out as CallFilter;
}

export function isEmptyFilter(filter: CallFilter): boolean {
  return Object.keys(cleanFilter(filter)).length === 0;
}

/**
 * Appends the filter's parameters to `params`. Every route that shows calls carries its filter this
 * way (the same names, in the same order), so an address keeps its filter from one screen to another.
 */
export function writeFilterParams(filter: CallFilter, params: URLSearchParams): URLSearchParams {
  const clean = cleanFilter(filter);
  for (const key of TEXT_KEYS) if (clean[key] !== undefined) params.set(key, clean[key]);
  for (const key of LIST_KEYS) for (const value of clean[key] ?? []) params.append(key, value);
  for (const key of NUMBER_KEYS) if (clean[key] !== undefined) params.set(key, String(clean[key]));
  if (clean.has_recording !== undefined) params.set('has_recording', clean.has_recording ? 'yes' : 'no');
  return params;
}

/** The parameters of the Calls screen beside the filter: sort (when not the default) and open call. */
export function writeCallsParams(state: Pick<CallsUrlState, 'sort' | 'call'>, params: URLSearchParams): URLSearchParams {
  if (state.sort.field !== DEFAULT_SORT.field || state.sort.dir !== DEFAULT_SORT.dir) {
    params.set('sort', `${state.sort.dir === 'desc' ? '-' : ''}${state.sort.field}`);
  }
  if (state.call !== null) params.set('call', String(state.call));
  return params;
}

export function serializeCallsState(state: CallsUrlState): URLSearchParams {
  return writeCallsParams(state, writeFilterParams(state.filter, new URLSearchParams()));
}

/** A stable text for comparing parameter lists (their order does not matter). */
export function paramsKey(params: URLSearchParams): string {
  const sorted = new URLSearchParams(params);
  sorted.sort();
  return sorted.toString();
}

/** A stable text for comparing filters. */
export function filterKey(filter: CallFilter): string {
  return paramsKey(writeFilterParams(filter, new URLSearchParams()));
}

/** Reads the filter's parameters; each value it cannot use is named in `problems` and left out. */
export function readFilterParams(params: URLSearchParams, problems: string[]): CallFilter {
  const filter: CallFilter = {};
  for (const key of TEXT_KEYS) {
    const value = params.get(key);
    if (value === null || value.trim() === '') continue;
    if (value.length > MAX_TEXT) {
      problems.push(`"${key}" is longer than ${MAX_TEXT} characters`);
    } else if ((key === 'from' || key === 'to') && !WALL_CLOCK.test(value)) {
      problems.push(`"${key}=${value}" is not a date like 2024-03-01 or 2024-03-01T08:00`);
    } else {
      filter[key] = value.trim();
    }
  }

  for (const key of LIST_KEYS) {
    const values = params.getAll(key).filter((v) => v !== '');
    if (values.length === 0) continue;
    if (key === 'status') {
      const bad = values.filter((v) => !DISPOSITIONS.includes(v as Disposition));
      for (const v of bad) problems.push(`"status=${v}" is not a call status (${DISPOSITIONS.join(', ')})`);
      const good = values.filter((v): v is Disposition => DISPOSITIONS.includes(v as Disposition));
      if (good.length > 0) filter.status = good;
    } else if (key === 'outcome') {
      const bad = values.filter((v) => !OUTCOMES.includes(v as Outcome));
      for (const v of bad) problems.push(`"outcome=${v}" is not a call outcome (${OUTCOMES.join(', ')})`);
      const good = values.filter((v): v is Outcome => OUTCOMES.includes(v as Outcome));
      if (good.length > 0) filter.outcome = good;
    } else if (key === 'cost_status') {
      const bad = values.filter((v) => !COST_STATUSES.includes(v as CostStatus));
      for (const v of bad) problems.push(`"cost_status=${v}" is not a cost status (${COST_STATUSES.join(', ')})`);
      const good = values.filter((v): v is CostStatus => COST_STATUSES.includes(v as CostStatus));
      if (good.length > 0) filter.cost_status = good;
    } else if (key === 'direction') {
      const bad = values.filter((v) => !DIRECTIONS.includes(v as Direction));
      for (const v of bad) problems.push(`"direction=${v}" is not a call direction (${DIRECTIONS.join(', ')})`);
      const good = values.filter((v): v is Direction => DIRECTIONS.includes(v as Direction));
      if (good.length > 0) filter.direction = good;
    } else {
      filter[key] = values.map((v) => v.slice(0, MAX_TEXT));
    }
  }

  for (const key of NUMBER_KEYS) {
    const value = params.get(key);
    if (value === null || value === '') continue;
    if (COST_KEYS.has(key)) {
      const amount = parseAmount(value);
      if (amount === null) problems.push(`"${key}=${value}" is not an amount like 0.25`);
      else filter[key] = amount;
    } else if (/^\d{1,9}$/.test(value)) filter[key] = Number(value);
    else problems.push(`"${key}=${value}" is not a number of seconds`);
  }

  const hasRecording = params.get('has_recording');
  if (hasRecording === 'yes') filter.has_recording = true;
  else if (hasRecording === 'no') filter.has_recording = false;
  else if (hasRecording !== null && hasRecording !== '') problems.push(`"has_recording=${hasRecording}" must be yes or no`);

  return filter;
}

/** Reads the Calls screen's own parameters (sort, open call) the same way. */
export function readCallsParams(params: URLSearchParams, problems: string[]): Pick<CallsUrlState, 'sort' | 'call'> {
  let sort: CallSort = { ...DEFAULT_SORT };
  const sortText = params.get('sort');
  if (sortText) {
    const field = sortText.replace(/^-/, '');
    if ((SORT_FIELDS as readonly string[]).includes(field)) {
      sort = { field: field as SortField, dir: sortText.startsWith('-') ? 'desc' : 'asc' };
    } else {
      problems.push(`"sort=${sortText}" is not a sortable column`);
    }
  }

  let call: number | null = null;
  const callText = params.get('call');
  if (callText !== null) {
    if (/^\d{1,15}$/.test(callText)) call = Number(callText);
    else problems.push(`"call=${callText}" is not a call id`);
  }

  return { sort, call };
}

export function parseCallsState(params: URLSearchParams): { state: CallsUrlState; problems: string[] } {
  const problems: string[] = [];
  const filter = readFilterParams(params, problems);
  return { state: { filter, ...readCallsParams(params, problems) }, problems };
}
