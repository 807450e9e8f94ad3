import type { LegView } from '../../preload/api.js';
import { deriveCall } from '../cdr/derive.js';
import { mergeCalls } from '../cdr/merge.js';
import { isoUtc } from '../cdr/time.js';
import type { CallSummary, CdrCall, CdrRecord, LegSummary } from '../cdr/types.js';
import { AppError } from '../errors.js';
import type { Db } from './db.js';
import { foldText } from './text.js';
import type { IngestCounts, IngestOptions } from './types.js';

/** Record fields whose values the free-text search finds: numbers, names and trunks of every record. */
const SEARCHED_FIELDS = [
  'src',
  'dst',
  'dstanswer',
  'caller_name',
  'clid',
  'channel_ext',
  'dstchannel_ext',
  'action_owner',
  'src_trunk_name',
  'dst_trunk_name',
] as const;

const CALL_COLUMNS = [
  'pbx_id',
  'session',
  'start',
  'start_utc',
  'start_wall',
  'answer',
  '"end"',
  'src',
  'dst',
  'caller_name',
  'caller_name_fold',
  'clid',
  'answered_by',
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

/** Wall clock `YYYY-MM-DDTHH:MM:SS` as seconds, read as if it were UTC (see migrations: start_wall). */
export function wallSeconds(local: string): number {
  return Date.UTC(
    Number(local.slice(0, 4)),
    Number(local.slice(5, 7)) - 1,
    Number(local.slice(8, 10)),
    Number(local.slice(11, 13)),
    Number(local.slice(14, 16)),
    Number(local.slice(17, 19)),
  ) / 1000;
}

/** The derived half of a LegView; stored once per record so the session view never re-derives. */
function derivedLeg(leg: LegSummary): Omit<LegView, 'fields'> {
  return {
    acct_id: leg.acct_id,
    start: leg.start?.local ?? null,
    start_utc: leg.start === null ? null : isoUtc(leg.start.utc),
    answer: leg.answer?.local ?? null,
    end: leg.end?.local ?? null,
    disposition: leg.disposition,
    action_kind: leg.action_kind,
    action_target: leg.action_target,
    channel: leg.channel,
    dstchannel: leg.dstchannel,
    recordings: leg.recordings.map((r) => r.path),
  };
}

function searchText(call: CdrCall, summary: CallSummary): string {
  const values = new Set<string>([
    summary.src,
    summary.dst,
    summary.answered_by,
    summary.caller_name,
    summary.clid,
    summary.src_trunk_name,
    summary.dst_trunk_name,
  ]);
  const collect = (record: CdrRecord): void => {
    for (const field of SEARCHED_FIELDS) {
      const value = record[field];
      if (value) values.add(value);
    }
  };
  collect(call.main);
  for (const leg of call.legs) collect(leg);
  values.delete('');
  // Terms are split on whitespace before they are searched, so joining with a space keeps a match
  // from spanning two values.
  return foldText([...values].join(' '));
}

function callValues(pbxId: number, summary: CallSummary, legCount: number, origin: string): unknown[] {
  const recordings = summary.recordings.map((r) => r.path);
  return [
    pbxId,
    summary.session,
    summary.start.local,
    Math.floor(summary.start.utc / 1000),
    wallSeconds(summary.start.local),
    summary.answer?.local ?? null,
    summary.end?.local ?? null,
    summary.src,
    summary.dst,
    summary.caller_name,
    foldText(summary.caller_name),
    summary.clid,
    summary.answered_by,
    summary.disposition,
    summary.direction,
    summary.action_type,
    summary.action_kind,
    summary.action_target,
    summary.duration,
    summary.billsec,
    summary.src_trunk_name,
    summary.dst_trunk_name,
    summary.account_code,
    recordings.length === 0 ? null : JSON.stringify(recordings),
    recordings.length === 0 ? 0 : 1,
    legCount,
    summary.nat ? 1 : 0,
    origin,
  ];
}

interface StoredCall {
  id: number;
  session: string;
  billsec: number;
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
export function createIngest(db: Db): Ingest {
  const placeholders = CALL_COLUMNS.map(() => '?').join(', ');
  const insertCall = db.prepare(
    `INSERT INTO calls (${CALL_COLUMNS.join(', ')}) VALUES (${placeholders}) ON CONFLICT (session, pbx_id) DO NOTHING`,
  );
  const updateCall = db.prepare(
    `UPDATE calls SET ${CALL_COLUMNS.filter((c) => c !== 'pbx_id' && c !== 'session' && c !== 'origin')
      .map((c) => `${c} = ?`)
      .join(', ')} WHERE id = ?`,
  );
  const findCall = db.prepare<[string, number], StoredCall>(
    'SELECT id, session, billsec, legs FROM calls WHERE session = ? AND pbx_id = ?',
  );
  const readRecords = db.prepare<[number], StoredRecord>('SELECT seq, fields FROM legs WHERE call_id = ? ORDER BY seq');
  const insertRecord = db.prepare('INSERT INTO legs (call_id, seq, acct_id, fields, derived) VALUES (?, ?, ?, ?, ?)');
  const deleteRecords = db.prepare('DELETE FROM legs WHERE call_id = ?');
  const insertText = db.prepare('INSERT INTO calls_fts (rowid, name, text) VALUES (?, ?, ?)');
  const deleteText = db.prepare('DELETE FROM calls_fts WHERE rowid = ?');
  const pbxClock = db.prepare<[number], { tz: string; model: string }>('SELECT tz, model FROM pbx WHERE id = ?');
  const addTotals = db.prepare('UPDATE pbx SET call_count = call_count + ?, talk_seconds = talk_seconds + ? WHERE id = ?');

  function writeRecords(callId: number, call: CdrCall, summary: CallSummary): void {
    const mainJson = JSON.stringify(call.main);
    insertRecord.run(callId, 0, summary.main.acct_id, mainJson, JSON.stringify(derivedLeg(summary.main)));
    const only = call.legs.length === 1 ? JSON.stringify(call.legs[0]) : null;
    if (only === mainJson) return;
    call.legs.forEach((leg, i) => {
      const derived = summary.legs[i] as LegSummary;
      insertRecord.run(callId, i + 1, derived.acct_id, i === 0 && only !== null ? only : JSON.stringify(leg), JSON.stringify(derivedLeg(derived)));
    });
  }

  function readCall(stored: StoredCall): CdrCall {
    const records = readRecords.all(stored.id);
    const main = JSON.parse((records[0] as StoredRecord).fields) as CdrRecord;
    const legs = records.length === 1 && stored.legs === 1 ? [main] : records.slice(1).map((r) => JSON.parse(r.fields) as CdrRecord);
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
      const inserted = insertCall.run(...callValues(pbxId, summary, call.legs.length, origin));
      if (inserted.changes === 1) {
        const id = Number(inserted.lastInsertRowid);
        writeRecords(id, call, summary);
        insertText.run(id, foldText(summary.caller_name), searchText(call, summary));
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
      const values = callValues(pbxId, next, merged.call.legs.length, origin);
      updateCall.run(...values.slice(2, -1), stored.id);
      deleteRecords.run(stored.id);
      writeRecords(stored.id, merged.call, next);
      deleteText.run(stored.id);
      insertText.run(stored.id, foldText(next.caller_name), searchText(merged.call, next));
      talkAdded += next.billsec - stored.billsec;
      counts.merged++;
    });
    addTotals.run(counts.inserted, talkAdded, pbxId);
    return counts;
  });

  return (pbxId, calls, options) => {
    if (!Array.isArray(calls)) throw new AppError('BAD_INPUT', 'ingest expects a list of calls.');
    if (typeof options?.origin !== 'string' || options.origin === '') {
      throw new AppError('BAD_INPUT', 'ingest needs the origin of the calls (sync or import:<file>).');
    }
    return run(pbxId, calls, options.origin);
  };
}
