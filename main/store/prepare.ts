import { deriveCall } from '../cdr/derive.js';
import { extensionNumber } from '../cdr/patterns.js';
import { wallClockSeconds } from '../cdr/time.js';
import { RecordShapes } from '../cdr/record-shape.js';
import type { CallSummary, CdrCall, CdrRecord } from '../cdr/types.js';
import { encodeRoute, judgeCall } from '../cdr/outcome.js';
import { directionCode, dispositionCode, outcomeCode } from './codes.js';
import { encodeValues } from './record-codec.js';
import { foldText } from './text.js';

/**
 * Turning a call into the values the cache stores (derivations, search text, encoded records) is pure
 * JavaScript that needs no database. It is kept apart from the writes so that a big import can run it
 * on another thread (main/importers/prepare-worker.ts) while this one writes to SQLite; ingest runs the
 * same code in-line. Everything here is plain data that survives a structured clone.
 */

/**
 * Record fields whose values the free-text search finds: numbers, names and trunks of every record.
 * The call's caller name is indexed in its own FTS column (the caller-name filter reads it there and a
 * search reads all columns), so it is not repeated here; clid is split into its name and number.
 */
const SEARCHED_FIELDS = [
  'src',
  'dst',
  'dstanswer',
  'channel_ext',
  'dstchannel_ext',
  'action_owner',
  'src_trunk_name',
  'dst_trunk_name',
  'caller_name',
] as const;

const CLID = /^\s*"?([^"<]*?)"?\s*<([^>]*)>\s*$/;

/**
 * The columns of calls a prepared call fills: everything but pbx_id and what the delivery says (origin,
 * import time, rank, import). The one list of them: PreparedCall.row is keyed by these names, ingest's
 * statements name and bind them from it (named parameters), and a batch crossing threads lists its
 * rows' values in this order (main/importers/prepare-protocol.ts), so no order can drift.
 */
export const ROW_COLUMNS = [
  'session',
  'start',
  'start_utc',
  'start_wall',
  'answer',
  'end',
  'src',
  'src_num',
  'dst',
  'dst_num',
  'caller_name',
  'caller_name_fold',
  'search_text',
  'clid',
  'answered_by',
  'answered_by_num',
  'disposition',
  'direction',
  'action_type',
  'action_kind',
  'action_target',
  'duration',
  'billsec',
  'src_trunk_name',
  'dst_trunk_name',
  'account_code',
  'recordings',
  'has_recording',
  'legs',
  'nat',
  'outcome',
  'route',
] as const;

export type RowColumn = (typeof ROW_COLUMNS)[number];

/** A call's stored row: one value per column of ROW_COLUMNS, by name. */
export type PreparedRow = Record<RowColumn, string | number | null>;

/** A raw record as legs stores it, before its field list is given an id (field-sets.ts). */
export interface PreparedRecord {
  /** The record's field names, as a JSON array. */
  names: string;
  /** Its values in the same order, as a JSON array. */
  values: string;
  acct_id: string;
  /**
   * The values in the compact coding (record-codec.ts), one latin1 character per byte; null when they
   * cannot be coded exactly and the record is stored as JSON. A record's derived values (times,
   * disposition, channels) are not stored: a session's reading derives them again (records.ts).
   */
  packed: string | null;
}

export interface PreparedCall {
  /** The values of the call's row in calls. */
  row: PreparedRow;
  /** The summary record (legs seq 0). */
  main: PreparedRecord;
  /** The sub records (seq 1..N); empty when the call's only leg is its summary record, stored once. */
  legs: PreparedRecord[];
}

/** What the trigram index holds for a call besides its caller name; the index cost grows with its length. */
function searchText(call: CdrCall, callerName: string): string {
  const seen = new Set<string>(['', callerName]);
  const parts: string[] = [];
  const add = (value: string | undefined): void => {
    if (value !== undefined && !seen.has(value)) {
      seen.add(value);
      parts.push(value);
    }
  };
  const collect = (record: CdrRecord): void => {
    for (const field of SEARCHED_FIELDS) add(record[field]);
    const clid = record['clid'];
    if (clid) {
      const parsed = CLID.exec(clid);
      if (parsed) {
        add(parsed[1]);
        add(parsed[2]);
      } else {
        add(clid);
      }
    }
  };
  collect(call.main);
  for (const leg of call.legs) if (leg !== call.main) collect(leg);
  // Terms are split on whitespace before they are searched, so joining with a space keeps a match
  // from spanning two values.
  return foldText(parts.join(' '));
}

function rowValues(call: CdrCall, summary: CallSummary): PreparedRow {
  const recordings = summary.recordings.map((r) => r.path);
  const judged = judgeCall(call, summary.disposition);
  // One object literal with every column (the type refuses a missing or unknown one), written in
  // ROW_COLUMNS order so that every row shares one shape.
  return {
    session: summary.session,
    start: summary.start.local,
    start_utc: Math.floor(summary.start.utc / 1000),
    start_wall: wallClockSeconds(summary.start.local),
    answer: summary.answer?.local ?? null,
    end: summary.end?.local ?? null,
    src: summary.src,
    src_num: extensionNumber(summary.src),
    dst: summary.dst,
    dst_num: extensionNumber(summary.dst),
    caller_name: summary.caller_name,
    caller_name_fold: foldText(summary.caller_name),
    search_text: searchText(call, summary.caller_name),
    clid: summary.clid,
    answered_by: summary.answered_by,
    answered_by_num: extensionNumber(summary.answered_by),
    disposition: dispositionCode(summary.disposition),
    direction: directionCode(summary.direction),
    action_type: summary.action_type,
    action_kind: summary.action_kind,
    action_target: summary.action_target,
    duration: summary.duration,
    billsec: summary.billsec,
    src_trunk_name: summary.src_trunk_name,
    dst_trunk_name: summary.dst_trunk_name,
    account_code: summary.account_code,
    recordings: recordings.length === 0 ? null : JSON.stringify(recordings),
    has_recording: recordings.length === 0 ? 0 : 1,
    legs: call.legs.length,
    nat: summary.nat ? 1 : 0,
    outcome: outcomeCode(judged.outcome),
    route: encodeRoute(judged.route),
  };
}

/**
 * Encodes raw records as (names, values) JSON. Consecutive records nearly always share their field
 * names, so the names' JSON is built once per run of equal field lists.
 */
export class RecordEncoder {
  private lastKeys: string[] = [];
  private lastNames = '[]';

  names(keys: string[]): string {
    const last = this.lastKeys;
    let same = keys.length === last.length;
    for (let i = 0; same && i < keys.length; i++) same = keys[i] === last[i];
    if (!same) {
      this.lastKeys = keys;
      this.lastNames = JSON.stringify(keys);
    }
    return this.lastNames;
  }

  /** The values of the record encode() saw last, for the record after it. */
  lastValues: unknown[] = [];

  /** `previous`: the values of the record stored before this one in its call (null for the first). */
  encode(record: CdrRecord, acctId: string, previous: readonly unknown[] | null): PreparedRecord {
    const values = Object.values(record);
    this.lastValues = values;
    return {
      names: this.names(Object.keys(record)),
      values: JSON.stringify(values),
      acct_id: acctId,
      packed: encodeValues(values, previous),
    };
  }
}

/** Derives and encodes one call with its PBX's time zone and model. */
export function prepareCall(call: CdrCall, tz: string, model: string, encoder: RecordEncoder): PreparedCall {
  const summary = deriveCall(call, tz, model);
  const main = encoder.encode(call.main, summary.main.acct_id, null);
  let previous = encoder.lastValues;
  const only = call.legs.length === 1 ? (call.legs[0] as CdrRecord) : null;
  // A flat call's only leg is its summary record: stored once (see migrations).
  const flat = only !== null && (only === call.main || (encoder.names(Object.keys(only)) === main.names && JSON.stringify(Object.values(only)) === main.values));
  return {
    row: rowValues(call, summary),
    main,
    legs: flat
      ? []
      : call.legs.map((leg, i) => {
          const encoded = encoder.encode(leg, (summary.legs[i] as { acct_id: string }).acct_id, previous);
          previous = encoder.lastValues;
          return encoded;
        }),
  };
}

/**
 * A call's records as legs holds them (seq order) read back into its summary and legs: a flat call's
 * only leg is its summary record, stored once (see prepareCall), so it is read once and is both.
 */
export function storedRecords<R, T>(records: readonly R[], legCount: number, read: (record: R) => T): { main: T; legs: T[] } {
  const main = read(records[0] as R);
  return { main, legs: records.length === 1 && legCount === 1 ? [main] : records.slice(1).map(read) };
}

const shapes = new RecordShapes();

/** The raw record back from its encoding (for merging a prepared call into a stored one). */
export function decodePrepared(record: PreparedRecord): CdrRecord {
  const names = JSON.parse(record.names) as string[];
  const values = JSON.parse(record.values) as string[];
  const decoded = shapes.blank(names);
  for (let i = 0; i < names.length; i++) decoded[names[i] as string] = values[i] as string;
  return decoded;
}

/** The call a prepared call was made from: same session, records and leg order. */
export function preparedToCall(prepared: PreparedCall): CdrCall {
  const main = decodePrepared(prepared.main);
  const session = prepared.row.session as string;
  if (prepared.legs.length > 0) return { session, main, legs: prepared.legs.map(decodePrepared) };
  return { session, main, legs: prepared.row.legs === 0 ? [] : [main] };
}
