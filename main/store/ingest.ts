import { deriveCall } from '../cdr/derive.js';
import { mergeCalls } from '../cdr/merge.js';
import { extensionNumber } from '../cdr/patterns.js';
import type { CallSummary, CdrCall, CdrRecord, LegSummary } from '../cdr/types.js';
import { AppError } from '../errors.js';
import { createDayTally, type DayFacts } from './call-days.js';
import { directionCode, dispositionCode } from './codes.js';
import type { Db } from './db.js';
import type { FieldSets } from './field-sets.js';
import { packLeg } from './records.js';
import { foldText } from './text.js';
import type { IngestCounts, IngestOptions } from './types.js';

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

const CALL_COLUMNS = [
  'pbx_id',
  'session',
  'start',
  'start_utc',
  'start_wall',
  'answer',
  '"end"',
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
  'origin',
] as const;

/**
 * What a merge rewrites: everything between the identity (pbx_id, session) and the origin, which
 * stays where the call first came from. callValues lists values in CALL_COLUMNS order.
 */
const REDERIVED_COLUMNS = CALL_COLUMNS.slice(2, -1);

/** Wall clock `YYYY-MM-DDTHH:MM:SS` as seconds, read as if it were UTC (see migrations: start_wall). */
function wallSeconds(local: string): number {
  return Date.UTC(
    Number(local.slice(0, 4)),
    Number(local.slice(5, 7)) - 1,
    Number(local.slice(8, 10)),
    Number(local.slice(11, 13)),
    Number(local.slice(14, 16)),
    Number(local.slice(17, 19)),
  ) / 1000;
}

/** The folded text a call is found by: its caller name, and everything else searchable. */
interface CallText {
  name: string;
  search: string;
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

function callText(call: CdrCall, summary: CallSummary): CallText {
  return { name: foldText(summary.caller_name), search: searchText(call, summary.caller_name) };
}

function dayFacts(pbxId: number, summary: CallSummary): DayFacts {
  return {
    pbx_id: pbxId,
    start_wall: wallSeconds(summary.start.local),
    disposition: dispositionCode(summary.disposition),
    direction: directionCode(summary.direction),
    action_kind: summary.action_kind,
    src_trunk_name: summary.src_trunk_name,
    dst_trunk_name: summary.dst_trunk_name,
    account_code: summary.account_code,
    has_recording: summary.recordings.length === 0 ? 0 : 1,
    billsec: summary.billsec,
  };
}

function callValues(summary: CallSummary, facts: DayFacts, legCount: number, origin: string, text: CallText): unknown[] {
  const recordings = summary.recordings.map((r) => r.path);
  return [
    facts.pbx_id,
    summary.session,
    summary.start.local,
    Math.floor(summary.start.utc / 1000),
    facts.start_wall,
    summary.answer?.local ?? null,
    summary.end?.local ?? null,
    summary.src,
    extensionNumber(summary.src),
    summary.dst,
    extensionNumber(summary.dst),
    summary.caller_name,
    text.name,
    text.search,
    summary.clid,
    summary.answered_by,
    extensionNumber(summary.answered_by),
    facts.disposition,
    facts.direction,
    summary.action_type,
    facts.action_kind,
    summary.action_target,
    summary.duration,
    facts.billsec,
    facts.src_trunk_name,
    facts.dst_trunk_name,
    facts.account_code,
    recordings.length === 0 ? null : JSON.stringify(recordings),
    facts.has_recording,
    legCount,
    summary.nat ? 1 : 0,
    origin,
  ];
}

interface StoredCall extends DayFacts {
  id: number;
  session: string;
  legs: number;
}

interface StoredRecord {
  seq: number;
  fields: string;
}

export type Ingest = (pbxId: number, calls: CdrCall[], options: IngestOptions) => IngestCounts;

/**
 * Builds the ingest routine with its statements prepared once. New sessions take the fast path: one
 * INSERT ... ON CONFLICT DO NOTHING per call (no lookup first), its records and its search text. Only a
 * session already present is read back, merged and, when the merge changed it, re-derived and
 * rewritten.
 */
export function createIngest(db: Db, fieldSets: FieldSets): Ingest {
  const placeholders = CALL_COLUMNS.map(() => '?').join(', ');
  const insertCall = db.prepare(
    `INSERT INTO calls (${CALL_COLUMNS.join(', ')}) VALUES (${placeholders}) ON CONFLICT (session, pbx_id) DO NOTHING`,
  );
  const updateCall = db.prepare(`UPDATE calls SET ${REDERIVED_COLUMNS.map((c) => `${c} = ?`).join(', ')} WHERE id = ?`);
  const findCall = db.prepare<[string, number], StoredCall>(
    `SELECT id, session, legs, pbx_id, start_wall, disposition, direction, action_kind, src_trunk_name, dst_trunk_name,
       account_code, has_recording, billsec
     FROM calls WHERE session = ? AND pbx_id = ?`,
  );
  const readRecords = db.prepare<[number], StoredRecord>('SELECT seq, fields FROM legs WHERE call_id = ? ORDER BY seq');
  const insertRecord = db.prepare('INSERT INTO legs (call_id, seq, acct_id, fields, derived) VALUES (?, ?, ?, ?, ?)');
  const deleteRecords = db.prepare('DELETE FROM legs WHERE call_id = ?');
  const insertText = db.prepare('INSERT INTO calls_fts (rowid, name, text) VALUES (?, ?, ?)');
  const deleteText = db.prepare('DELETE FROM calls_fts WHERE rowid = ?');
  const pbxClock = db.prepare<[number], { tz: string; model: string }>('SELECT tz, model FROM pbx WHERE id = ?');
  const days = createDayTally(db);
  const addTotals = db.prepare('UPDATE pbx SET call_count = call_count + ?, talk_seconds = talk_seconds + ? WHERE id = ?');

  function writeRecords(callId: number, call: CdrCall, summary: CallSummary): void {
    const mainFields = fieldSets.encode(call.main);
    insertRecord.run(callId, 0, summary.main.acct_id, mainFields, packLeg(summary.main));
    // A flat call's only leg is its summary record: stored once (see migrations).
    if (call.legs.length === 1 && (call.legs[0] === call.main || fieldSets.encode(call.legs[0] as CdrRecord) === mainFields)) {
      return;
    }
    call.legs.forEach((leg, i) => {
      const derived = summary.legs[i] as LegSummary;
      insertRecord.run(callId, i + 1, derived.acct_id, fieldSets.encode(leg), packLeg(derived));
    });
  }

  function readCall(stored: StoredCall): CdrCall {
    const records = readRecords.all(stored.id);
    const main = fieldSets.decode((records[0] as StoredRecord).fields);
    const legs = records.length === 1 && stored.legs === 1 ? [main] : records.slice(1).map((r) => fieldSets.decode(r.fields));
    return { session: stored.session, main, legs };
  }

  function checkCall(call: CdrCall, index: number): void {
    if (typeof call !== 'object' || call === null || typeof call.session !== 'string' || call.session === '') {
      throw new AppError('BAD_INPUT', `Call #${index + 1} of the batch has no session id; it cannot be stored.`, { index });
    }
    if (typeof call.main !== 'object' || call.main === null || !Array.isArray(call.legs)) {
      throw new AppError('BAD_INPUT', `Call "${call.session}" has no summary record or leg list.`, { session: call.session });
    }
  }

  const run = db.transaction((pbxId: number, calls: CdrCall[], origin: string): IngestCounts => {
    const pbx = pbxClock.get(pbxId);
    if (pbx === undefined) throw new AppError('NOT_FOUND', `There is no PBX with id ${pbxId} to store calls for.`, { pbxId });
    // The profile's zone turns wall clocks into instants; its model tells FXO from FXS ports.
    const { tz, model } = pbx;
    const counts: IngestCounts = { inserted: 0, unchanged: 0, merged: 0 };
    let talkAdded = 0;
    calls.forEach((call, index) => {
      checkCall(call, index);
      const summary = deriveCall(call, tz, model);
      const text = callText(call, summary);
      const facts = dayFacts(pbxId, summary);
      const inserted = insertCall.run(...callValues(summary, facts, call.legs.length, origin, text));
      if (inserted.changes === 1) {
        const id = Number(inserted.lastInsertRowid);
        writeRecords(id, call, summary);
        insertText.run(id, text.name, text.search);
        days.add(facts, 1);
        counts.inserted++;
        talkAdded += summary.billsec;
        return;
      }
      const stored = findCall.get(summary.session, pbxId) as StoredCall;
      const merged = mergeCalls(readCall(stored), call);
      if (!merged.changed) {
        counts.unchanged++;
        return;
      }
      const next = deriveCall(merged.call, tz, model);
      const nextText = callText(merged.call, next);
      const nextFacts = dayFacts(pbxId, next);
      const values = callValues(next, nextFacts, merged.call.legs.length, origin, nextText);
      updateCall.run(...values.slice(2, 2 + REDERIVED_COLUMNS.length), stored.id);
      deleteRecords.run(stored.id);
      writeRecords(stored.id, merged.call, next);
      deleteText.run(stored.id);
      insertText.run(stored.id, nextText.name, nextText.search);
      days.add(stored, -1);
      days.add(nextFacts, 1);
      talkAdded += next.billsec - stored.billsec;
      counts.merged++;
    });
    days.flush();
    addTotals.run(counts.inserted, talkAdded, pbxId);
    return counts;
  });

  return (pbxId, calls, options) => {
    if (typeof pbxId !== 'number' || !Number.isSafeInteger(pbxId)) {
      throw new AppError('BAD_INPUT', `ingest needs a PBX id (a whole number), got ${JSON.stringify(pbxId)}.`);
    }
    if (!Array.isArray(calls)) throw new AppError('BAD_INPUT', 'ingest expects a list of calls.');
    if (typeof options?.origin !== 'string' || options.origin === '') {
      throw new AppError('BAD_INPUT', 'ingest needs the origin of the calls (sync or import:<file>).');
    }
    try {
      return run(pbxId, calls, options.origin);
    } catch (error) {
      days.clear();
      fieldSets.forget();
      throw error;
    }
  };
}
