import { mergeCalls } from '../cdr/merge.js';
import type { CdrCall } from '../cdr/types.js';
import { AppError } from '../errors.js';
import { createDayTally, type DayFacts } from './call-days.js';
import type { Db } from './db.js';
import type { FieldSets } from './field-sets.js';
import { prepareCall, preparedToCall, RecordEncoder, ROW_COLUMNS, ROW_INDEX, type PreparedCall, type PreparedRecord } from './prepare.js';
import type { IngestCounts, IngestOptions } from './types.js';

/** calls columns as written: the identity, the prepared row, the origin and import time. */
const CALL_COLUMNS = ['pbx_id', ...ROW_COLUMNS, 'origin', 'imported_at'];

/** What a merge rewrites: the prepared row after the session; origin and import time stay those of the call's first delivery. */
const REDERIVED_COLUMNS = ROW_COLUMNS.slice(1);

/** The call_days key and talk time of a prepared row. */
function dayFacts(pbxId: number, row: PreparedCall['row']): DayFacts {
  return {
    pbx_id: pbxId,
    start_wall: row[ROW_INDEX.start_wall] as number,
    disposition: row[ROW_INDEX.disposition] as number,
    direction: row[ROW_INDEX.direction] as number,
    action_kind: row[ROW_INDEX.action_kind] as string,
    src_trunk_name: row[ROW_INDEX.src_trunk_name] as string,
    dst_trunk_name: row[ROW_INDEX.dst_trunk_name] as string,
    account_code: row[ROW_INDEX.account_code] as string,
    has_recording: row[ROW_INDEX.has_recording] as number,
    billsec: row[ROW_INDEX.billsec] as number,
  };
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

export interface Ingest {
  /** Derives and stores calls of one PBX in one transaction (see Store.ingest). */
  calls(pbxId: number, calls: CdrCall[], options: IngestOptions): IngestCounts;
  /** Stores calls prepared elsewhere (prepareCall with this PBX's clock) in one transaction. */
  prepared(pbxId: number, calls: PreparedCall[], options: IngestOptions): IngestCounts;
}

function checkCall(call: CdrCall, index: number): void {
  if (typeof call !== 'object' || call === null || typeof call.session !== 'string' || call.session === '') {
    throw new AppError('BAD_INPUT', `Call #${index + 1} of the batch has no session id; it cannot be stored.`, { index });
  }
  if (typeof call.main !== 'object' || call.main === null || !Array.isArray(call.legs)) {
    throw new AppError('BAD_INPUT', `Call "${call.session}" has no summary record or leg list.`, { session: call.session });
  }
}

function checkPrepared(call: PreparedCall, index: number): void {
  const row: unknown = call?.row;
  const session = Array.isArray(row) && row.length === ROW_COLUMNS.length ? row[ROW_INDEX.session] : undefined;
  if (typeof session !== 'string' || session === '' || typeof call.main !== 'object' || !Array.isArray(call.legs)) {
    throw new AppError('BAD_INPUT', `Prepared call #${index + 1} of the batch is not in the shape prepareCall makes.`, { index });
  }
}

/** A stored call with its records (seq order), as one statement reads them. */
interface StoredCallWithRecords {
  call: StoredCall;
  records: StoredRecord[];
}

/**
 * Builds the ingest routines with their statements prepared once. New sessions take the fast path: one
 * INSERT ... ON CONFLICT DO NOTHING per call (no lookup first), its records and its search text. Only a
 * session already present is read back, merged and, when the merge changed it, prepared again and
 * rewritten. Calls come in runs (a new export; a re-imported file or an overlapping sync window): after
 * a known call the next one is looked up first, which spares a re-delivery the failing insert.
 */
export function createIngest(db: Db, fieldSets: FieldSets): Ingest {
  const placeholders = CALL_COLUMNS.map(() => '?').join(', ');
  const insertCall = db.prepare(
    `INSERT INTO calls (${CALL_COLUMNS.join(', ')}) VALUES (${placeholders}) ON CONFLICT (session, pbx_id) DO NOTHING`,
  );
  const updateCall = db.prepare(`UPDATE calls SET ${REDERIVED_COLUMNS.map((c) => `${c} = ?`).join(', ')} WHERE id = ?`);
  const findCall = db.prepare<[string, number], StoredCall & StoredRecord>(
    `SELECT c.id, c.session, c.legs, c.pbx_id, c.start_wall, c.disposition, c.direction, c.action_kind, c.src_trunk_name,
       c.dst_trunk_name, c.account_code, c.has_recording, c.billsec, l.seq, l.fields
     FROM calls AS c JOIN legs AS l ON l.call_id = c.id WHERE c.session = ? AND c.pbx_id = ? ORDER BY l.seq`,
  );
  const insertRecord = db.prepare('INSERT INTO legs (call_id, seq, acct_id, fields, derived) VALUES (?, ?, ?, ?, ?)');
  const deleteRecords = db.prepare('DELETE FROM legs WHERE call_id = ?');
  const insertText = db.prepare('INSERT INTO calls_fts (rowid, name, text) VALUES (?, ?, ?)');
  const deleteText = db.prepare('DELETE FROM calls_fts WHERE rowid = ?');
  const pbxClock = db.prepare<[number], { tz: string; model: string }>('SELECT tz, model FROM pbx WHERE id = ?');
  const days = createDayTally(db);
  const addTotals = db.prepare('UPDATE pbx SET call_count = call_count + ?, talk_seconds = talk_seconds + ? WHERE id = ?');
  const encoder = new RecordEncoder();

  /** The profile's zone turns wall clocks into instants; its model tells FXO from FXS ports. */
  function clockOf(pbxId: number): { tz: string; model: string } {
    const pbx = pbxClock.get(pbxId);
    if (pbx === undefined) throw new AppError('NOT_FOUND', `There is no PBX with id ${pbxId} to store calls for.`, { pbxId });
    return pbx;
  }

  function writeRecords(callId: number, call: PreparedCall): void {
    const { main } = call;
    insertRecord.run(callId, 0, main.acct_id, fieldSets.stored(main.names, main.values), main.derived);
    call.legs.forEach((leg, i) => {
      insertRecord.run(callId, i + 1, leg.acct_id, fieldSets.stored(leg.names, leg.values), leg.derived);
    });
  }

  function writeText(callId: number, row: PreparedCall['row']): void {
    insertText.run(callId, row[ROW_INDEX.caller_name_fold], row[ROW_INDEX.search_text]);
  }

  /**
   * Whether a delivery repeats exactly what is stored: same leg count, same records in the same
   * order, compared in their stored form, without decoding anything. A re-imported file is mostly
   * such calls. Merging them would change nothing either.
   */
  function storedAlready(stored: StoredCall, records: StoredRecord[], call: PreparedCall): boolean {
    if (stored.legs !== call.row[ROW_INDEX.legs] || records.length !== call.legs.length + 1) return false;
    const same = (record: StoredRecord | undefined, prepared: PreparedRecord): boolean =>
      record?.fields === fieldSets.storedIfKnown(prepared.names, prepared.values);
    return same(records[0], call.main) && call.legs.every((leg, i) => same(records[i + 1], leg));
  }

  function findStored(session: string, pbxId: number): StoredCallWithRecords | null {
    const rows = findCall.all(session, pbxId);
    const first = rows[0];
    return first === undefined ? null : { call: first, records: rows };
  }

  function readCall(stored: StoredCall, records: StoredRecord[]): CdrCall {
    const main = fieldSets.decode((records[0] as StoredRecord).fields);
    const legs = records.length === 1 && stored.legs === 1 ? [main] : records.slice(1).map((r) => fieldSets.decode(r.fields));
    return { session: stored.session, main, legs };
  }

  const write = db.transaction((pbxId: number, calls: PreparedCall[], origin: string, importedAt: number | null): IngestCounts => {
    const { tz, model } = clockOf(pbxId);
    const counts: IngestCounts = { inserted: 0, unchanged: 0, merged: 0 };
    let talkAdded = 0;
    let afterKnown = false;
    for (const call of calls) {
      const session = call.row[ROW_INDEX.session] as string;
      let found = afterKnown ? findStored(session, pbxId) : null;
      if (found === null) {
        const inserted = insertCall.run(pbxId, ...call.row, origin, importedAt);
        if (inserted.changes === 1) {
          const id = Number(inserted.lastInsertRowid);
          writeRecords(id, call);
          writeText(id, call.row);
          const facts = dayFacts(pbxId, call.row);
          days.add(facts, 1);
          counts.inserted++;
          talkAdded += facts.billsec;
          afterKnown = false;
          continue;
        }
        found = findStored(session, pbxId) as StoredCallWithRecords;
      }
      afterKnown = true;
      const { call: stored, records } = found;
      if (storedAlready(stored, records, call)) {
        counts.unchanged++;
        continue;
      }
      const merged = mergeCalls(readCall(stored, records), preparedToCall(call));
      if (!merged.changed) {
        counts.unchanged++;
        continue;
      }
      const next = prepareCall(merged.call, tz, model, encoder);
      updateCall.run(...next.row.slice(1), stored.id);
      deleteRecords.run(stored.id);
      writeRecords(stored.id, next);
      deleteText.run(stored.id);
      writeText(stored.id, next.row);
      const nextFacts = dayFacts(pbxId, next.row);
      days.add(stored, -1);
      days.add(nextFacts, 1);
      talkAdded += nextFacts.billsec - stored.billsec;
      counts.merged++;
    }
    days.flush();
    addTotals.run(counts.inserted, talkAdded, pbxId);
    return counts;
  });

  function checkArguments(pbxId: number, calls: unknown, options: IngestOptions): void {
    if (typeof pbxId !== 'number' || !Number.isSafeInteger(pbxId)) {
      throw new AppError('BAD_INPUT', `ingest needs a PBX id (a whole number), got ${JSON.stringify(pbxId)}.`);
    }
    if (!Array.isArray(calls)) throw new AppError('BAD_INPUT', 'ingest expects a list of calls.');
    if (typeof options?.origin !== 'string' || options.origin === '') {
      throw new AppError('BAD_INPUT', 'ingest needs the origin of the calls (sync or import:<file>).');
    }
    const at = options.imported_at;
    if (at !== undefined && (typeof at !== 'number' || !Number.isSafeInteger(at) || at < 0)) {
      throw new AppError('BAD_INPUT', `ingest's imported_at must be a time in ms since the epoch, got ${JSON.stringify(at)}.`);
    }
  }

  function writeAll(pbxId: number, calls: PreparedCall[], options: IngestOptions): IngestCounts {
    const importedAt = options.imported_at === undefined ? null : Math.floor(options.imported_at / 1000);
    try {
      return write(pbxId, calls, options.origin, importedAt);
    } catch (error) {
      days.clear();
      fieldSets.forget();
      throw error;
    }
  }

  return {
    calls(pbxId, calls, options) {
      checkArguments(pbxId, calls, options);
      calls.forEach(checkCall);
      const { tz, model } = clockOf(pbxId);
      return writeAll(pbxId, calls.map((call) => prepareCall(call, tz, model, encoder)), options);
    },
    prepared(pbxId, calls, options) {
      checkArguments(pbxId, calls, options);
      calls.forEach(checkPrepared);
      return writeAll(pbxId, calls, options);
    },
  };
}
