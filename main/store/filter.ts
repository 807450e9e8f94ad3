import type { CallFilter } from '../../preload/api.js';
import { compileNumberPattern, type NumberPattern } from '../cdr/patterns.js';
import { readWallClockBound, wallClockSeconds } from '../cdr/time.js';
import { DIRECTIONS, DISPOSITIONS, type Direction, type Disposition } from '../cdr/types.js';
import { AppError, isAppError } from '../errors.js';
import { DAY_SECONDS } from './call-days.js';
import { OUTCOMES, type Outcome } from '../cdr/outcome.js';
import { directionCode, dispositionCode, outcomeCode } from './codes.js';
import { COST_CODES } from './rates.js';
import { COST_STATUSES, type CostStatus } from '../../preload/costs.js';
import { charLength, foldText } from './text.js';
import type { NamedNumbers } from './contacts.js';

/** The numbers whose phonebook name holds a folded word, per PBX id (contacts.ts namedNumbers); null when none. */
export type NameSearch = (needle: string) => NamedNumbers | null;

/**
 * CallFilter -> SQL terms over `calls c`. Validation happens here, once, for every caller (UI, CLI,
 * export): a bad value is refused with AppError('BAD_INPUT') naming the filter and the value.
 */

/** A term that could drive the query through its own index; see plan.ts. */
export interface IndexCandidate {
  /** Index that serves the term (`INDEXED BY`). */
  index: string;
  /** Counts the term's matches alone, up to a bound appended as the last parameter. */
  probeSql: string;
  probeParams: unknown[];
  /** A single equality: the index yields its rows already in start order. */
  ordered: boolean;
}

export interface Term {
  /** SQL for when the term drives the query (may use its index). */
  sql: string;
  /** The same condition written so SQLite cannot use an index for it. */
  plainSql: string;
  params: unknown[];
  /** Parameters of plainSql when they differ from those of sql. */
  plainParams?: unknown[];
  /** Whether calls_by_start alone can evaluate the term (no table lookup). */
  inStartIndex: boolean;
  candidate?: IndexCandidate;
  /** An index holding every column the term reads and billsec: a count can scan it instead of the table. */
  scanIndex?: string;
  /** The same condition over call_days `d`, when the term can be answered per day (call-days.ts). */
  day?: { sql: string; params: unknown[] };
}

export interface CompiledFilter {
  terms: Term[];
  /** Selected PBX ids, or null for all. */
  pbxIds: number[] | null;
}

export interface PbxRef {
  id: number;
  name: string;
}

const FILTER_KEYS: readonly (keyof CallFilter)[] = [
  'pbx',
  'from',
  'to',
  'caller',
  'callee',
  'answered_by',
  'caller_name',
  'status',
  'direction',
  'action_type',
  'src_trunk',
  'dst_trunk',
  'account_code',
  'min_talk',
  'max_talk',
  'min_call',
  'max_call',
  'has_recording',
  'search',
  'outcome',
  'min_cost',
  'max_cost',
  'cost_status',
];

/** Extremes of real UTC offsets (UTC-12 .. UTC+14): widen a wall-clock window into a UTC window. */
const MAX_EAST_SECONDS = 14 * 3600;
const MAX_WEST_SECONDS = 12 * 3600;
/** FTS5's trigram tokenizer indexes 3-character sequences; shorter needles need a scan. */
const TRIGRAM = 3;

function show(value: unknown): string {
  if (typeof value === 'string') return `"${value}"`;
  return JSON.stringify(value) ?? String(value);
}

function bad(field: string, value: unknown, what: string): AppError {
  return new AppError('BAD_INPUT', `Invalid ${field} filter ${show(value)}: ${what}.`, { field, value });
}

function present(value: unknown): boolean {
  return value !== undefined && value !== null && !(typeof value === 'string' && value.trim() === '');
}

function text(field: string, value: unknown): string {
  if (typeof value !== 'string') throw bad(field, value, 'expected text');
  return value.trim();
}

function list(field: string, value: unknown, allowed?: readonly string[]): string[] {
  if (!Array.isArray(value)) throw bad(field, value, 'expected a list of values');
  const out = new Set<string>();
  for (const item of value) {
    if (typeof item !== 'string' || item.trim() === '') throw bad(field, item, 'expected a non-empty text value');
    const v = item.trim();
    if (allowed && !allowed.includes(v)) throw bad(field, v, `use one of ${allowed.join(', ')}`);
    out.add(v);
  }
  return [...out];
}

function seconds(field: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
    throw bad(field, value, 'expected a whole number of seconds, 0 or more');
  }
  return value;
}

/** A cost bound in ten-thousandths of the currency (how calls.cost_e4 holds costs). */
function costE4Bound(field: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) throw bad(field, value, 'expected an amount, 0 or more');
  return Math.round(value * 10_000);
}

/** Wall clock bound in seconds (as if UTC); a date alone covers the whole day, HH:MM the whole minute. */
function wallBound(field: 'from' | 'to', value: unknown): number {
  const raw = text(field, value);
  const read = readWallClockBound(raw, { end: field === 'to' });
  if ('problem' in read) {
    throw bad(field, raw, read.problem === 'form' ? 'expected YYYY-MM-DD or YYYY-MM-DDTHH:MM[:SS] (PBX wall clock)' : 'that date or time does not exist');
  }
  return wallClockSeconds(read.local);
}

function pattern(field: string, value: unknown): NumberPattern {
  const raw = text(field, value);
  try {
    return compileNumberPattern(raw);
  } catch (error) {
    if (isAppError(error)) throw new AppError('BAD_INPUT', `${field} filter: ${error.message}`, { field, value: raw });
    throw error;
  }
}

const NUMBER_INDEX: Record<'src' | 'dst' | 'answered_by', string> = {
  src: 'calls_by_src',
  dst: 'calls_by_dst',
  answered_by: 'calls_by_answered_by',
};

/** A number pattern as SQL: exact values through IN, wildcards through GLOB, ranges on the stored numeric value. */
function patternTerm(column: 'src' | 'dst' | 'answered_by', compiled: NumberPattern): Term {
  const exact: string[] = [];
  const globs: string[] = [];
  const ranges: [number, number][] = [];
  for (const alt of compiled.alternatives) {
    if (alt.kind === 'exact') exact.push(alt.value);
    else if (alt.kind === 'wildcard') globs.push(alt.glob);
    else ranges.push([alt.low, alt.high]);
  }
  const build = (col: string): { sql: string; params: unknown[] } => {
    const parts: string[] = [];
    const params: unknown[] = [];
    if (exact.length === 1) parts.push(`${col} = ?`);
    else if (exact.length > 1) parts.push(`${col} IN (${marks(exact)})`);
    params.push(...exact);
    for (const glob of globs) {
      parts.push(`${col} GLOB ?`);
      params.push(glob);
    }
    for (const [low, high] of ranges) {
      parts.push(`${col}_num BETWEEN ? AND ?`);
      params.push(low, high);
    }
    return { sql: parts.length === 1 ? (parts[0] as string) : `(${parts.join(' OR ')})`, params };
  };
  const plain = build(`+c.${column}`);
  const indexed = build(`c.${column}`);
  // The partial answered_by index only holds answered calls: usable when the pattern cannot match ''.
  const partialOk = column !== 'answered_by' || !compiled.test('');
  const guard = column === 'answered_by' && partialOk ? ` AND c.answered_by <> ''` : '';
  // An index can drive only when every alternative is a value or a prefix; a leading wildcard or a
  // range needs every value anyway.
  const indexable = ranges.length === 0 && globs.every((g) => !/^[*?[]/.test(g)) && partialOk;
  const term: Term = { sql: plain.sql + guard, plainSql: plain.sql + guard, params: plain.params, inStartIndex: false };
  if (partialOk) term.scanIndex = NUMBER_INDEX[column];
  if (indexable) {
    term.sql = `${indexed.sql}${guard}`;
    term.candidate = {
      index: NUMBER_INDEX[column],
      probeSql: `SELECT count(*) AS n FROM (SELECT 1 FROM calls c INDEXED BY ${NUMBER_INDEX[column]} WHERE ${indexed.sql}${guard} LIMIT ?)`,
      probeParams: indexed.params,
      ordered: exact.length === 1 && globs.length === 0,
    };
  }
  return term;
}

/**
 * Equality on one of several values of an enumerable column: it has its own (column, start_utc, id,
 * billsec) index and is also held in calls_by_start.
 */
function valuesTerm(column: string, index: string, values: string[], partial: boolean): Term {
  const cond = (col: string): string => (values.length === 1 ? `${col} = ?` : `${col} IN (${marks(values)})`);
  const guard = partial ? ` AND c.${column} <> ''` : '';
  return {
    sql: `${cond(`c.${column}`)}${guard}`,
    plainSql: cond(`+c.${column}`),
    params: values,
    inStartIndex: true,
    day: { sql: `d.${column} IN (${marks(values)})`, params: values },
    candidate: {
      index,
      probeSql: `SELECT count(*) AS n FROM (SELECT 1 FROM calls c INDEXED BY ${index} WHERE ${cond(`c.${column}`)}${guard} LIMIT ?)`,
      probeParams: values,
      ordered: values.length === 1,
    },
  };
}

/**
 * An action kind matches a call whose own action (the first record's, `calls_by_action_kind`) is that
 * kind, or any step of whose route is (a transfer, ring group or queue further down the call). Steps
 * are stored as `KIND:target` joined by `>` (main/cdr/outcome.ts), so `>KIND:` finds a step.
 */
function actionTerm(kinds: string[]): Term {
  const upper = kinds.map((k) => k.toUpperCase());
  const sql = `(c.action_kind IN (${marks(upper)}) OR ${upper.map(() => "instr('>' || c.route, ?) > 0").join(' OR ')})`;
  return plainTerm(sql, [...upper, ...upper.map((k) => `>${k}:`)], false);
}

function plainTerm(sql: string, params: unknown[], inStartIndex: boolean, day?: Term['day']): Term {
  return { sql, plainSql: sql, params, inStartIndex, ...(day ? { day } : {}) };
}

function marks(values: readonly unknown[]): string {
  return values.map(() => '?').join(', ');
}

function ftsPhrase(needle: string): string {
  return `"${needle.replace(/"/g, '""')}"`;
}

/**
 * A search word that names numbers in the phonebook: a call matches when its text holds the word (as
 * for any word) or its caller, callee or answering party is one of those numbers in its PBX. The text
 * index is not grown for names: the numbers are looked up in the number indexes instead. To drive, the
 * term collects the ids of both kinds of match (the text index, then calls_by_src, calls_by_dst and
 * calls_by_answered_by for each PBX's numbers) and reads them through calls_by_id, like a text match;
 * otherwise each row is tested, the numbers held as one JSON list per PBX and column.
 */
function namedWordTerm(word: string, named: NamedNumbers): Term {
  const groups = [...named.entries()].sort((a, b) => a[0] - b[0]);
  const plainParts = ['instr(c.search_text, ?) > 0', 'instr(c.caller_name_fold, ?) > 0'];
  const plainParams: unknown[] = [word, word];
  const inList = (column: string): string => `${column} IN (SELECT value FROM json_each(?))`;
  for (const [pbxId, numbers] of groups) {
    const list = JSON.stringify(numbers);
    plainParts.push(`(c.pbx_id = ? AND (${inList('+c.src')} OR ${inList('+c.dst')} OR ${inList('+c.answered_by')}))`);
    plainParams.push(pbxId, list, list, list);
  }
  const plainSql = `(${plainParts.join(' OR ')})`;
  const term: Term = { sql: plainSql, plainSql, params: plainParams, inStartIndex: false };
  // A word too short for the trigram index can only be tested row by row.
  if (charLength(word) < TRIGRAM) return term;
  const selects = ['SELECT rowid FROM calls_fts WHERE calls_fts MATCH ?'];
  const params: unknown[] = [ftsPhrase(word)];
  for (const [pbxId, numbers] of groups) {
    const list = JSON.stringify(numbers);
    selects.push(`SELECT id FROM calls WHERE ${inList('src')} AND pbx_id = ?`);
    selects.push(`SELECT id FROM calls WHERE ${inList('dst')} AND pbx_id = ?`);
    selects.push(`SELECT id FROM calls WHERE ${inList('answered_by')} AND answered_by <> '' AND pbx_id = ?`);
    params.push(list, pbxId, list, pbxId, list, pbxId);
  }
  const ids = selects.join(' UNION ALL ');
  return {
    ...term,
    sql: `c.id IN (${ids})`,
    params,
    plainParams,
    candidate: {
      index: 'calls_by_id',
      probeSql: `SELECT count(*) AS n FROM (${ids} LIMIT ?)`,
      probeParams: params,
      ordered: false,
    },
  };
}

/**
 * Caller name and free text. Needles of 3+ characters become one FTS5 MATCH expression (the caller
 * name restricted to the `name` column), which drives the query when it is rare; otherwise, and for
 * shorter needles, instr() tests the same folded text stored in the row (see migrations). A search
 * word that phonebook names hold gets a term of its own (namedWordTerm). A search of one word also
 * finds the calls whose session id is that word as typed (a pasted session id), through the
 * (session, pbx_id) index: the session is not in the text index, which stays as small as it was.
 * Whole ids only: session ids begin with a timestamp, so a prefix such as a short number would match
 * every call of a period.
 */
function textTerms(callerName: string | null, search: string | null, names: NameSearch | undefined): Term[] {
  const terms: Term[] = [];
  const match: string[] = [];
  const checks: string[] = [];
  const checkParams: unknown[] = [];
  if (callerName !== null) {
    const needle = foldText(callerName);
    const check = 'instr(c.caller_name_fold, ?) > 0';
    if (charLength(needle) >= TRIGRAM) {
      match.push(`name : ${ftsPhrase(needle)}`);
      checks.push(check);
      checkParams.push(needle);
    } else {
      terms.push(plainTerm(check, [needle], false));
    }
  }
  const typed = search === null ? [] : search.split(/\s+/).filter((w) => w !== '');
  const session = typed.length === 1 ? [typed[0] as string] : null;
  const sessionCheck = '+c.session = ?';
  const searchMatch: string[] = [];
  const searchChecks: string[] = [];
  const searchParams: unknown[] = [];
  const inText = 'instr(c.search_text, ?) > 0 OR instr(c.caller_name_fold, ?) > 0';
  for (const word of typed.map(foldText)) {
    const named = names?.(word) ?? null;
    if (named !== null) {
      terms.push(namedWordTerm(word, named));
      continue;
    }
    if (charLength(word) >= TRIGRAM) {
      searchMatch.push(ftsPhrase(word));
      searchChecks.push(`(${inText})`);
      searchParams.push(word, word);
    } else if (session !== null) {
      terms.push(plainTerm(`(${inText} OR ${sessionCheck})`, [word, word, ...session], false));
    } else {
      terms.push(plainTerm(`(${inText})`, [word, word], false));
    }
  }
  if (session !== null && searchMatch.length > 0) {
    // Its own term: the text index or the session index may drive it.
    const expression = searchMatch.join(' AND ');
    const ids = 'SELECT rowid FROM calls_fts WHERE calls_fts MATCH ? UNION ALL SELECT id FROM calls WHERE session = ?';
    terms.push({
      sql: `c.id IN (${ids})`,
      plainSql: `(${inText} OR ${sessionCheck})`,
      params: [expression, ...session],
      plainParams: [...searchParams, ...session],
      inStartIndex: false,
      candidate: {
        index: 'calls_by_id',
        probeSql: `SELECT count(*) AS n FROM (${ids} LIMIT ?)`,
        probeParams: [expression, ...session],
        ordered: false,
      },
    });
  } else {
    match.push(...searchMatch);
    checks.push(...searchChecks);
    checkParams.push(...searchParams);
  }
  if (match.length > 0) {
    const expression = match.join(' AND ');
    terms.push({
      sql: 'c.id IN (SELECT rowid FROM calls_fts WHERE calls_fts MATCH ?)',
      plainSql: checks.join(' AND '),
      params: [expression],
      plainParams: checkParams,
      inStartIndex: false,
      candidate: {
        index: 'calls_by_id',
        probeSql: 'SELECT count(*) AS n FROM (SELECT 1 FROM calls_fts WHERE calls_fts MATCH ? LIMIT ?)',
        probeParams: [expression],
        ordered: false,
      },
    });
  }
  return terms;
}

/**
 * Validates a filter and compiles it. `pbxByName` resolves profile names; an unknown name is refused
 * with the list of known ones. `names` finds the numbers a search word names in the phonebook
 * (without it, a search looks at the calls' own text only).
 */
export function compileFilter(filter: unknown, pbxByName: Map<string, PbxRef>, names?: NameSearch): CompiledFilter {
  if (filter === undefined || filter === null) return { terms: [], pbxIds: null };
  if (typeof filter !== 'object' || Array.isArray(filter)) {
    throw new AppError('BAD_INPUT', `A call filter must be an object, got ${show(filter)}.`);
  }
  const f = filter as Record<string, unknown>;
  for (const key of Object.keys(f)) {
    if (!FILTER_KEYS.includes(key as keyof CallFilter)) {
      throw new AppError('BAD_INPUT', `Unknown filter "${key}". Known filters: ${FILTER_KEYS.join(', ')}.`, { field: key });
    }
  }
  const terms: Term[] = [];
  let pbxIds: number[] | null = null;

  if (present(f.pbx)) {
    const names = list('pbx', f.pbx);
    if (names.length > 0) {
      pbxIds = names.map((name) => {
        const ref = pbxByName.get(name);
        if (!ref) {
          const known = [...pbxByName.keys()].sort();
          throw bad('pbx', name, known.length ? `no PBX has that name (known: ${known.join(', ')})` : 'no PBX has that name');
        }
        return ref.id;
      });
      terms.push(plainTerm(`c.pbx_id IN (${marks(pbxIds)})`, pbxIds, true, { sql: `d.pbx_id IN (${marks(pbxIds)})`, params: pbxIds }));
    }
  }

  const from = present(f.from) ? wallBound('from', f.from) : null;
  const to = present(f.to) ? wallBound('to', f.to) : null;
  if (from !== null && to !== null && from > to) {
    throw new AppError('BAD_INPUT', `Invalid time range: from ${show(f.from)} is after to ${show(f.to)}.`, {
      field: 'from',
      value: f.from,
    });
  }
  if (from !== null) {
    const day = from % DAY_SECONDS === 0 ? { sql: 'd.day >= ?', params: [from / DAY_SECONDS] } : undefined;
    terms.push(plainTerm('c.start_utc >= ? AND c.start_wall >= ?', [from - MAX_EAST_SECONDS, from], true, day));
  }
  if (to !== null) {
    const next = to + 1;
    const day = next % DAY_SECONDS === 0 ? { sql: 'd.day < ?', params: [next / DAY_SECONDS] } : undefined;
    terms.push(plainTerm('c.start_utc <= ? AND c.start_wall <= ?', [to + MAX_WEST_SECONDS, to], true, day));
  }

  if (present(f.caller)) terms.push(patternTerm('src', pattern('caller', f.caller)));
  if (present(f.callee)) terms.push(patternTerm('dst', pattern('callee', f.callee)));
  if (present(f.answered_by)) terms.push(patternTerm('answered_by', pattern('answered_by', f.answered_by)));

  const inList = (key: keyof CallFilter, allowed?: readonly string[]): string[] =>
    present(f[key]) ? list(key, f[key], allowed) : [];
  const status = inList('status', DISPOSITIONS);
  if (status.length) {
    const codes = status.map((name) => dispositionCode(name as Disposition));
    terms.push(plainTerm(`c.disposition IN (${marks(codes)})`, codes, true, { sql: `d.disposition IN (${marks(codes)})`, params: codes }));
  }
  const direction = inList('direction', DIRECTIONS);
  if (direction.length) {
    const codes = direction.map((name) => directionCode(name as Direction));
    terms.push(plainTerm(`c.direction IN (${marks(codes)})`, codes, true, { sql: `d.direction IN (${marks(codes)})`, params: codes }));
  }
  const kinds = inList('action_type');
  if (kinds.length) terms.push(actionTerm(kinds));
  const outcomes = inList('outcome', OUTCOMES);
  if (outcomes.length) {
    const codes = outcomes.map((name) => outcomeCode(name as Outcome));
    terms.push(plainTerm(`c.outcome IN (${marks(codes)})`, codes, true));
  }
  const srcTrunks = inList('src_trunk');
  if (srcTrunks.length) terms.push(valuesTerm('src_trunk_name', 'calls_by_src_trunk', srcTrunks, true));
  const dstTrunks = inList('dst_trunk');
  if (dstTrunks.length) terms.push(valuesTerm('dst_trunk_name', 'calls_by_dst_trunk', dstTrunks, true));
  const accounts = inList('account_code');
  if (accounts.length) terms.push(valuesTerm('account_code', 'calls_by_account_code', accounts, true));

  const bounds: [keyof CallFilter, keyof CallFilter, string, string][] = [
    ['min_talk', 'max_talk', 'billsec', 'talk time'],
    ['min_call', 'max_call', 'duration', 'call time'],
  ];
  for (const [minKey, maxKey, column, label] of bounds) {
    const min = present(f[minKey]) ? seconds(minKey, f[minKey]) : null;
    const max = present(f[maxKey]) ? seconds(maxKey, f[maxKey]) : null;
    if (min !== null && max !== null && min > max) {
      throw new AppError('BAD_INPUT', `Invalid ${label} range: ${minKey} ${min} is above ${maxKey} ${max}.`, {
        field: minKey,
        value: min,
      });
    }
    if (min !== null) terms.push(plainTerm(`c.${column} >= ?`, [min], true));
    if (max !== null) terms.push(plainTerm(`c.${column} <= ?`, [max], true));
  }

  const costStatuses = inList('cost_status', COST_STATUSES);
  if (costStatuses.length) {
    const codes = costStatuses.map((name) => COST_CODES[name as CostStatus]);
    terms.push(plainTerm(`c.cost_status IN (${marks(codes)})`, codes, false));
  }
  const minCost = present(f.min_cost) ? costE4Bound('min_cost', f.min_cost) : null;
  const maxCost = present(f.max_cost) ? costE4Bound('max_cost', f.max_cost) : null;
  if (minCost !== null && maxCost !== null && minCost > maxCost) {
    throw new AppError('BAD_INPUT', `Invalid cost range: min_cost ${f.min_cost} is above max_cost ${f.max_cost}.`, { field: 'min_cost', value: f.min_cost });
  }
  // An unrated call has no cost (NULL): no bound matches it.
  if (minCost !== null) terms.push(plainTerm('c.cost_e4 >= ?', [minCost], false));
  if (maxCost !== null) terms.push(plainTerm('c.cost_e4 <= ?', [maxCost], false));

  if (present(f.has_recording)) {
    if (typeof f.has_recording !== 'boolean') throw bad('has_recording', f.has_recording, 'expected true or false');
    const flag = f.has_recording ? 1 : 0;
    terms.push(plainTerm('c.has_recording = ?', [flag], true, { sql: 'd.has_recording = ?', params: [flag] }));
  }

  const callerName = present(f.caller_name) ? text('caller_name', f.caller_name) : null;
  const search = present(f.search) ? text('search', f.search) : null;
  terms.push(...textTerms(callerName, search, names));

  return { terms, pbxIds };
}
