import type { Statement } from 'better-sqlite3';
import type {
  CallFilter,
  CallPage,
  CallPageRequest,
  CallRow,
  CallSort,
  CallTotals,
  FilterOptions,
  LegView,
  SessionDetail,
  ConflictView,
  SortField,
} from '../../preload/api.js';
import { isoUtc } from '../cdr/time.js';
import { AppError } from '../errors.js';
import { decodeRoute } from '../cdr/outcome.js';
import { directionName, dispositionName, outcomeName } from './codes.js';
import type { CallCost } from '../../preload/costs.js';
import { costStatusName } from './rates.js';
import { decodeCursor, encodeCursor, validateSort, type KeysetPosition } from './cursor.js';
import type { Db } from './db-type.js';
import type { FieldSets, StoredFields } from './field-sets.js';
import { compileFilter, type CompiledFilter, type PbxRef, type Term } from './filter.js';
import { storedRecords } from './prepare.js';
import { DEFAULT_PROBE_LIMITS, planQuery, type ProbeLimits } from './plan.js';
import { legView } from './records.js';
import { deriveCall } from '../cdr/derive.js';
import { analogCallee, decodeChannel } from '../cdr/channels.js';
import { createNameLookup, namedNumbers } from './contacts.js';
import type { CdrCall, CdrRecord, LegSummary } from '../cdr/types.js';

/**
 * The one query engine behind the call table, the CLI and export: CallFilter -> parameterized SQL,
 * keyset pages, totals of the whole filtered set, lazy iteration, session detail.
 */

export const DEFAULT_PAGE_SIZE = 100;
export const MAX_PAGE_SIZE = 1000;

const SORT_KEYS: Record<SortField, string> = {
  start: 'c.start_utc',
  pbx: 'p.name',
  src: 'c.src',
  dst: 'c.dst',
  // Case-insensitive order, the way people read names.
  caller_name: 'c.caller_name_fold',
  answered_by: 'c.answered_by',
  disposition: 'c.disposition',
  direction: 'c.direction',
  action_type: 'c.action_type',
  duration: 'c.duration',
  billsec: 'c.billsec',
  src_trunk_name: 'c.src_trunk_name',
  dst_trunk_name: 'c.dst_trunk_name',
  account_code: 'c.account_code',
  // An unrated call has no cost: it sorts below every priced one instead of dropping out of the keyset.
  cost: 'coalesce(c.cost_e4, -1)',
};

const ROW_COLUMNS = `c.id, c.session, p.name AS pbx, c.start, c.start_utc, c.answer, c."end", c.src, c.dst,
  c.caller_name, c.clid, c.answered_by, c.disposition, c.direction, c.action_type, c.action_kind, c.action_target,
  c.duration, c.billsec, c.src_trunk_name, c.dst_trunk_name, c.account_code, c.recordings, c.legs, c.nat, c.origin,
  c.imported_at, c.outcome, c.route, c.cost_status, c.cost_e4, c.pbx_id, p.model AS pbx_model,
  (SELECT currency FROM rate_plans WHERE id = c.rate_plan_id) AS cost_currency,
  (SELECT destination FROM rate_rows WHERE id = c.rate_id) AS rate_destination`;

const PAGE_REQUEST_KEYS = ['filter', 'sort', 'limit', 'cursor'];

interface CallDbRow
  extends Omit<
    CallRow,
    | 'start_utc'
    | 'recordings'
    | 'nat'
    | 'disposition'
    | 'direction'
    | 'imported_at'
    | 'outcome'
    | 'route'
    | 'cost'
    | 'cost_status'
    | 'cost_currency'
    | 'rate_destination'
    | 'dst_line'
    | 'callee_name'
    | 'answered_by_name'
  > {
  pbx_id: number;
  pbx_model: string;
  cost_status: number;
  cost_e4: number | null;
  cost_currency: string | null;
  rate_destination: string | null;
  start_utc: number;
  imported_at: number | null;
  outcome: number;
  route: string;
  disposition: number;
  direction: number;
  recordings: string | null;
  nat: number;
  sort_key?: string | number;
}

interface RecordDbRow {
  seq: number;
  acct_id: string;
  fields: StoredFields;
}

function toCallRow(row: CallDbRow): CallRow {
  return {
    id: row.id,
    session: row.session,
    pbx: row.pbx,
    start: row.start,
    start_utc: isoUtc(row.start_utc * 1000),
    answer: row.answer,
    end: row.end,
    src: row.src,
    dst: row.dst,
    caller_name: row.caller_name,
    clid: row.clid,
    answered_by: row.answered_by,
    disposition: dispositionName(row.disposition),
    direction: directionName(row.direction),
    action_type: row.action_type,
    action_kind: row.action_kind,
    action_target: row.action_target,
    duration: row.duration,
    billsec: row.billsec,
    src_trunk_name: row.src_trunk_name,
    dst_trunk_name: row.dst_trunk_name,
    account_code: row.account_code,
    recordings: row.recordings === null ? [] : (JSON.parse(row.recordings) as string[]),
    legs: row.legs,
    nat: row.nat === 1,
    origin: row.origin,
    imported_at: row.imported_at === null ? null : isoUtc(row.imported_at * 1000),
    outcome: outcomeName(row.outcome) ?? 'unanswered',
    route: decodeRoute(row.route),
    cost: row.cost_e4 === null ? null : row.cost_e4 / 10_000,
    cost_status: costStatusName(row.cost_status),
    cost_currency: row.cost_currency ?? '',
    rate_destination: row.rate_destination ?? '',
    dst_line: '',
    callee_name: '',
    answered_by_name: '',
  };
}

/** Whether a call's destination says nothing of its callee, so its channels may (CallRow.dst_line). */
function dstSaysNothing(dst: string): boolean {
  return dst === 's' || dst === '';
}

function orderBy(sort: CallSort): string {
  const dir = sort.dir === 'asc' ? 'ASC' : 'DESC';
  if (sort.field === 'start') return `c.start_utc ${dir}, c.id ${dir}`;
  return `${SORT_KEYS[sort.field]} ${dir}, c.start_utc ${dir}, c.id ${dir}`;
}

function keysetCondition(sort: CallSort, position: KeysetPosition): { sql: string; params: unknown[] } {
  const op = sort.dir === 'asc' ? '>' : '<';
  if (sort.field === 'start') return { sql: `(c.start_utc, c.id) ${op} (?, ?)`, params: [position.startUtc, position.id] };
  return {
    sql: `(${SORT_KEYS[sort.field]}, c.start_utc, c.id) ${op} (?, ?, ?)`,
    params: [position.key, position.startUtc, position.id],
  };
}

function requireCallId(callId: unknown): number {
  if (typeof callId !== 'number' || !Number.isSafeInteger(callId) || callId < 1) {
    throw new AppError('BAD_INPUT', `A call id must be a positive whole number, got ${JSON.stringify(callId) ?? String(callId)}.`, {
      call_id: callId,
    });
  }
  return callId;
}

function validateLimit(limit: unknown): number {
  if (limit === undefined || limit === null) return DEFAULT_PAGE_SIZE;
  if (typeof limit !== 'number' || !Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE_SIZE) {
    throw new AppError('BAD_INPUT', `Invalid page size ${JSON.stringify(limit)}: use a whole number from 1 to ${MAX_PAGE_SIZE}.`, {
      limit,
    });
  }
  return limit;
}

export interface Queries {
  page(request: CallPageRequest): CallPage;
  totals(filter: CallFilter): CallTotals;
  iterate(filter: CallFilter, sort?: CallSort): IterableIterator<CallRow>;
  /** Ends the iterators not finished yet: a connection cannot close in the middle of a read. */
  endReads(): void;
  getCall(callId: number): CallRow | null;
  session(callId: number): SessionDetail | null;
  mainRecords(callIds: readonly number[]): Map<number, CdrRecord>;
  findSession(session: string, pbxName?: string): SessionDetail[];
  filterOptions(): FilterOptions;
}

/** One statement, ready to run: what page/iterate/totals execute (and what the plan test explains). */
export interface BuiltQuery {
  sql: string;
  params: unknown[];
}

export interface BuiltPageQuery extends BuiltQuery {
  sort: CallSort;
  /** Rows to return; the statement's last parameter asks for one more to know whether a page follows. */
  limit: number;
}

type PbxTotalsRow = PbxRef & { call_count: number; talk_seconds: number };

function pbxRows(db: Db): PbxTotalsRow[] {
  return db.prepare<[], PbxTotalsRow>('SELECT id, name, call_count, talk_seconds FROM pbx').all();
}

function compile(db: Db, filter: unknown): { compiled: CompiledFilter; refs: PbxTotalsRow[] } {
  const refs = pbxRows(db);
  return { compiled: compileFilter(filter, new Map(refs.map((r) => [r.name, r])), (needle) => namedNumbers(db, needle)), refs };
}

/** A PBX filter that selects only PBXs without calls matches nothing: answer without a scan. */
function selectsNothing(compiled: CompiledFilter, refs: PbxTotalsRow[]): boolean {
  if (compiled.pbxIds === null) return false;
  const ids = new Set(compiled.pbxIds);
  return refs.every((r) => !ids.has(r.id) || r.call_count === 0);
}

function selectQuery(
  db: Db,
  compiled: CompiledFilter,
  sort: CallSort,
  position: KeysetPosition | null,
  limits: ProbeLimits,
): BuiltQuery {
  const plan = planQuery(db, compiled, 'page', sort.field === 'start', limits);
  let where = plan.where;
  const params = [...plan.params];
  if (position !== null) {
    const keyset = keysetCondition(sort, position);
    where = `${where} AND ${keyset.sql}`;
    params.push(...keyset.params);
  }
  const sql = `SELECT ${ROW_COLUMNS}, ${SORT_KEYS[sort.field]} AS sort_key
    FROM calls AS c ${plan.hint} CROSS JOIN pbx AS p ON p.id = c.pbx_id
    WHERE ${where} ORDER BY ${orderBy(sort)}`;
  return { sql, params };
}

/** Validates a page request and builds its statement; null when it certainly matches nothing. */
export function buildPageQuery(db: Db, request: CallPageRequest, limits = DEFAULT_PROBE_LIMITS): BuiltPageQuery | null {
  if (typeof request !== 'object' || request === null) throw new AppError('BAD_INPUT', 'A page request must be an object.');
  for (const key of Object.keys(request)) {
    if (!PAGE_REQUEST_KEYS.includes(key)) {
      throw new AppError('BAD_INPUT', `Unknown page request field "${key}": use ${PAGE_REQUEST_KEYS.join(', ')}.`, {
        field: key,
      });
    }
  }
  const limit = validateLimit(request.limit);
  const sort = validateSort(request.sort);
  const position = request.cursor === undefined || request.cursor === null ? null : decodeCursor(request.cursor, sort);
  const { compiled, refs } = compile(db, request.filter);
  if (selectsNothing(compiled, refs)) return null;
  const query = selectQuery(db, compiled, sort, position, limits);
  return { sql: `${query.sql} LIMIT ?`, params: [...query.params, limit + 1], sort, limit };
}

/**
 * Count and talk time of a filter: straight from the PBX totals kept by ingest when the filter is
 * empty or names PBXs only; from the per-day tallies when every filter can be answered per day;
 * else from the calls. Returns the totals or the statement to run (null: matches nothing).
 */
export function buildTotalsQuery(db: Db, filter: CallFilter, limits = DEFAULT_PROBE_LIMITS): CallTotals | BuiltQuery | null {
  const { compiled, refs } = compile(db, filter);
  const onlyPbx = compiled.terms.length === 0 || (compiled.terms.length === 1 && compiled.pbxIds !== null);
  if (onlyPbx) {
    const ids = compiled.pbxIds === null ? null : new Set(compiled.pbxIds);
    const chosen = refs.filter((r) => ids === null || ids.has(r.id));
    return {
      count: chosen.reduce((n, r) => n + r.call_count, 0),
      talk_seconds: chosen.reduce((n, r) => n + r.talk_seconds, 0),
    };
  }
  if (selectsNothing(compiled, refs)) return null;
  if (compiled.terms.every((t) => t.day !== undefined)) {
    const days = compiled.terms.map((t) => t.day as NonNullable<Term['day']>);
    return {
      sql: `SELECT coalesce(sum(d.calls), 0) AS count, coalesce(sum(d.talk), 0) AS talk_seconds FROM call_days AS d
        WHERE ${days.map((d) => d.sql).join(' AND ')}`,
      params: days.flatMap((d) => d.params),
    };
  }
  const plan = planQuery(db, compiled, 'count', false, limits);
  return {
    sql: `SELECT count(*) AS count, coalesce(sum(c.billsec), 0) AS talk_seconds FROM calls AS c ${plan.hint} WHERE ${plan.where}`,
    params: plan.params,
  };
}

/** Every matching call in sort order; validation and planning happen at the call, rows are read lazily. */
export function buildIterateQuery(db: Db, filter: CallFilter, sort?: CallSort, limits = DEFAULT_PROBE_LIMITS): BuiltQuery | null {
  const order = validateSort(sort);
  const { compiled, refs } = compile(db, filter);
  if (selectsNothing(compiled, refs)) return null;
  return selectQuery(db, compiled, order, null, limits);
}

/** Statements built from filter shapes, kept while they are in use (bounded: shapes are few in practice). */
function statementCache(db: Db, size: number): (sql: string) => Statement<unknown[]> {
  const cache = new Map<string, Statement<unknown[]>>();
  return (sql) => {
    let stmt = cache.get(sql);
    if (stmt) {
      cache.delete(sql);
    } else {
      stmt = db.prepare(sql);
      if (cache.size >= size) cache.delete(cache.keys().next().value as string);
    }
    cache.set(sql, stmt);
    return stmt;
  };
}

/** Distinct non-empty values of an indexed column, one index seek per value (no full scan). */
function distinctValues(db: Db, column: string): string[] {
  const sql = `WITH RECURSIVE v(x) AS (
      SELECT min(${column}) FROM calls WHERE ${column} <> ''
      UNION ALL
      SELECT (SELECT min(${column}) FROM calls WHERE ${column} > v.x AND ${column} <> '') FROM v WHERE v.x IS NOT NULL
    ) SELECT x FROM v WHERE x IS NOT NULL`;
  return db.prepare(sql).pluck().all() as string[];
}

/** `explainCost` tells how a call's cost was made (the rates area), for the session view. */
export function createQueries(db: Db, fieldSets: FieldSets, explainCost: (callId: number) => CallCost | null): Queries {
  /** Iterators handed out and not finished yet (endReads). */
  const openReads = new Set<IterableIterator<CallRow>>();
  const prepare = statementCache(db, 128);
  const callById = db.prepare<[number], CallDbRow>(
    `SELECT ${ROW_COLUMNS} FROM calls AS c CROSS JOIN pbx AS p ON p.id = c.pbx_id WHERE c.id = ?`,
  );
  const recordsOf = db.prepare<[number], RecordDbRow>('SELECT seq, acct_id, fields FROM legs WHERE call_id = ? ORDER BY seq');
  const clockOf = db.prepare<[number], { tz: string; model: string }>(
    'SELECT p.tz, p.model FROM calls AS c CROSS JOIN pbx AS p ON p.id = c.pbx_id WHERE c.id = ?',
  );
  // seq 0 is the summary record (see migrations); ids arrive as one JSON array, a batch per statement.
  const mainRecordsOf = db.prepare<[string], { call_id: number; fields: StoredFields }>(
    'SELECT l.call_id, l.fields FROM json_each(?) AS j CROSS JOIN legs AS l ON l.call_id = j.value AND l.seq = 0',
  );
  const idsBySession = db.prepare<[string], { id: number }>('SELECT id FROM calls WHERE session = ? ORDER BY pbx_id');
  const idBySessionAndPbx = db.prepare<[string, number], { id: number }>(
    'SELECT id FROM calls WHERE session = ? AND pbx_id = ?',
  );

  const names = createNameLookup(db);

  /** CallRow.dst_line: an analog call named after the port of its decoded channels (main/cdr/channels.ts). */
  function dstLine(row: CallDbRow): string {
    if (!dstSaysNothing(row.dst)) return '';
    const records = fieldSets.decodeCall(recordsOf.all(row.id).map((r) => r.fields));
    const channels = records.flatMap((record) => [
      decodeChannel(record['channel'] ?? '', row.pbx_model, 'source'),
      decodeChannel(record['dstchannel'] ?? '', row.pbx_model, 'destination'),
    ]);
    return analogCallee(row.dst, channels);
  }

  /** The rows of a page (or one call) as the contract has them: names from the phonebook, analog lines. */
  function toCallRows(found: readonly CallDbRow[]): CallRow[] {
    const looked = names.names(found.flatMap((r) => [{ pbxId: r.pbx_id, number: r.dst }, { pbxId: r.pbx_id, number: r.answered_by }]));
    return found.map((r, i) => {
      const row = toCallRow(r);
      row.dst_line = dstLine(r);
      row.callee_name = looked[2 * i] as string;
      row.answered_by_name = looked[2 * i + 1] as string;
      return row;
    });
  }

  const conflictsOf = db.prepare<[number], ConflictView>(
    'SELECT acct_id, field, kept, offered, origin FROM call_conflicts WHERE call_id = ? ORDER BY at, acct_id, field',
  );

  function session(callId: number): SessionDetail | null {
    const row = callById.get(requireCallId(callId));
    if (!row) return null;
    const rows = recordsOf.all(row.id);
    const decoded = fieldSets.decodeCall(rows.map((r) => r.fields));
    const records = rows.map((r, i) => ({ acct_id: r.acct_id, fields: decoded[i] as CdrRecord }));
    const stored = storedRecords(records, row.legs, (r) => r);
    // Each record's times, disposition and channels are derived again with the PBX's clock, as ingest
    // derived them (records.ts); the call's row is what ingest stored.
    const { tz, model } = clockOf.get(row.id) as { tz: string; model: string };
    const call: CdrCall = { session: row.session, main: stored.main.fields, legs: stored.legs.map((r) => r.fields) };
    const summary = deriveCall(call, tz, model);
    const view = (record: { acct_id: string; fields: CdrRecord }, leg: LegSummary): LegView => legView(record.acct_id, record.fields, leg);
    const main = view(stored.main, summary.main);
    const legs = stored.legs.map((record, i) => view(record, summary.legs[i] as LegSummary));
    return { call: toCallRows([row])[0] as CallRow, main, legs, conflicts: conflictsOf.all(row.id), cost: explainCost(row.id) as CallCost };
  }

  return {
    page(request) {
      const query = buildPageQuery(db, request);
      if (query === null) return { rows: [], next_cursor: null };
      const found = prepare(query.sql).all(...query.params) as CallDbRow[];
      const more = found.length > query.limit;
      const rows = more ? found.slice(0, query.limit) : found;
      const last = rows[rows.length - 1];
      const next =
        more && last
          ? encodeCursor(query.sort, { key: last.sort_key as string | number, startUtc: last.start_utc, id: last.id })
          : null;
      return { rows: toCallRows(rows), next_cursor: next };
    },

    totals(filter) {
      const query = buildTotalsQuery(db, filter);
      if (query === null) return { count: 0, talk_seconds: 0 };
      if (!('sql' in query)) return query;
      return prepare(query.sql).get(...query.params) as CallTotals;
    },

    iterate(filter, sort) {
      const query = buildIterateQuery(db, filter, sort);
      if (query === null) return [][Symbol.iterator]();
      // While the iterator is open its connection can still read but refuses writes (CallsArea.iterate
      // runs on a connection of its own for that reason). A statement of its own, not the cache's: two
      // exports of one filter may run at once, and a statement can be iterated only once at a time.
      const rows = db.prepare(query.sql).iterate(...query.params) as IterableIterator<CallDbRow>;
      // The phonebook read once for the whole read: a lookup per row would cost a statement per row.
      const nameOf = names.snapshot();
      // Not a generator: return() must end the statement even before the first next().
      const mapped: IterableIterator<CallRow> = {
        next() {
          const next = rows.next();
          if (next.done !== true) {
            const found = next.value;
            const row = toCallRow(found);
            row.dst_line = dstLine(found);
            row.callee_name = nameOf(found.pbx_id, found.dst);
            row.answered_by_name = nameOf(found.pbx_id, found.answered_by);
            return { done: false, value: row };
          }
          openReads.delete(mapped);
          return { done: true, value: undefined };
        },
        return(value?: unknown) {
          openReads.delete(mapped);
          rows.return?.();
          return { done: true, value };
        },
        [Symbol.iterator]() {
          return mapped;
        },
      };
      openReads.add(mapped);
      return mapped;
    },

    endReads() {
      for (const read of openReads) read.return?.();
    },

    getCall(callId) {
      const row = callById.get(requireCallId(callId));
      return row ? (toCallRows([row])[0] as CallRow) : null;
    },

    session,

    mainRecords(callIds) {
      const records = new Map<number, CdrRecord>();
      for (const row of mainRecordsOf.all(JSON.stringify(callIds))) records.set(row.call_id, fieldSets.decode(row.fields));
      return records;
    },

    findSession(sessionId, pbxName) {
      if (typeof sessionId !== 'string' || sessionId.trim() === '') {
        throw new AppError('BAD_INPUT', `A session id must be non-empty text, got ${JSON.stringify(sessionId)}.`);
      }
      const id = sessionId.trim();
      if (pbxName === undefined) return idsBySession.all(id).map((r) => session(r.id) as SessionDetail);
      const pbx = pbxRows(db).find((r) => r.name === pbxName);
      if (!pbx) throw new AppError('BAD_INPUT', `Unknown PBX "${pbxName}".`, { pbx: pbxName });
      const row = idBySessionAndPbx.get(id, pbx.id);
      return row ? [session(row.id) as SessionDetail] : [];
    },

    filterOptions() {
      return {
        pbx: pbxRows(db)
          .map((r) => r.name)
          .sort((a, b) => a.localeCompare(b)),
        src_trunk: distinctValues(db, 'src_trunk_name'),
        dst_trunk: distinctValues(db, 'dst_trunk_name'),
        // No index holds the action kinds (schema 10); the day tallies hold each one still in use.
        action_type: db.prepare("SELECT DISTINCT action_kind FROM call_days WHERE action_kind <> '' ORDER BY action_kind").pluck().all() as string[],
        account_code: distinctValues(db, 'account_code'),
      };
    },
  };
}
