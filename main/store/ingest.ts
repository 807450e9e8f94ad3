import { rankOfOrigin, SOURCE_RANKS } from '../cdr/authority.js';
import { mergeCalls, type MergeConflict, type MergeMode } from '../cdr/merge.js';
import type { CdrCall, CdrRecord } from '../cdr/types.js';
import { AppError } from '../errors.js';
import { createDayTally, type DayFacts } from './call-days.js';
import type { Db } from './db-type.js';
import { createNameLearner } from './contacts.js';
import type { FieldSets, StoredFields } from './field-sets.js';
import { prepareCall, preparedToCall, RecordEncoder, ROW_COLUMNS, storedRecords, type PreparedCall, type PreparedRecord, type PreparedRow, type RowColumn } from './prepare.js';
import type { Rater, RatesArea } from './rates.js';
import type { IngestCounts, IngestOptions } from './types.js';

/**
 * What a merge rewrites: the prepared row but its session, and the rank of the best source seen;
 * origin, import time and creating import stay those of the call's first delivery.
 */
const REDERIVED_COLUMNS = ROW_COLUMNS.filter((column) => column !== 'session');

/** The call_days key and talk time of a prepared row. */
function dayFacts(pbxId: number, row: PreparedRow): DayFacts {
  return {
    pbx_id: pbxId,
    start_wall: row.start_wall as number,
    disposition: row.disposition as number,
    direction: row.direction as number,
    action_kind: row.action_kind as string,
    src_trunk_name: row.src_trunk_name as string,
    dst_trunk_name: row.dst_trunk_name as string,
    account_code: row.account_code as string,
    has_recording: row.has_recording as number,
    billsec: row.billsec as number,
  };
}

interface StoredCall extends DayFacts {
  id: number;
  session: string;
  legs: number;
  origin: string;
  authority: number | null;
}

interface StoredRecord {
  seq: number;
  fields: StoredFields;
}

export interface Ingest {
  /** Derives and stores calls of one PBX in one transaction (see CallsArea.ingest). */
  calls(pbxId: number, calls: CdrCall[], options: IngestOptions): IngestCounts;
  /** Stores calls prepared elsewhere (prepareCall with this PBX's clock) in one transaction. */
  prepared(pbxId: number, calls: PreparedCall[], options: IngestOptions): IngestCounts;
  /**
   * Takes back what one import wrote, inside the caller's transaction: removes the calls it created and
   * withdraws the values it filled into known calls where nothing changed them since (see withdraw).
   * Returns how many calls were removed and how many were restored.
   */
  undoImport(importId: number): { removed: number; restored: number };
}

/** A call in the JSON form import_merges keeps. */
function snapshot(call: CdrCall): string {
  return JSON.stringify(call);
}

function sameRecords(a: CdrCall, b: CdrCall): boolean {
  return JSON.stringify([a.main, a.legs]) === JSON.stringify([b.main, b.legs]);
}

/**
 * A known call with one import's contribution taken back. Unchanged since that import: exactly as it
 * was before. Changed since (a later sync or file): field by field, a value the import filled in and
 * that still holds what it filled is emptied again, and a leg it added that is still as it left it is
 * dropped; everything that came later stays. null when nothing is left to withdraw.
 */
function withdraw(current: CdrCall, before: CdrCall, after: CdrCall): CdrCall | null {
  if (sameRecords(current, after)) return sameRecords(current, before) ? null : before;
  if (current.legs.length !== after.legs.length) return null;
  let changed = false;
  const restore = (now: CdrRecord, was: CdrRecord | undefined, filled: CdrRecord | undefined): CdrRecord => {
    if (filled === undefined) return now;
    let record: CdrRecord | null = null;
    for (const key in filled) {
      const value = filled[key] as string;
      const prior = was?.[key];
      if (value === '' || (prior !== undefined && prior !== '') || now[key] !== value) continue;
      record ??= { ...now };
      if (prior === undefined) delete record[key];
      else record[key] = prior;
      changed = true;
    }
    return record ?? now;
  };
  const main = restore(current.main, before.main, after.main);
  const legs: CdrRecord[] = [];
  current.legs.forEach((leg, i) => {
    const added = i >= before.legs.length;
    if (added && JSON.stringify(leg) === JSON.stringify(after.legs[i])) {
      changed = true;
      return;
    }
    legs.push(added ? leg : restore(leg, before.legs[i], after.legs[i]));
  });
  return changed ? { session: current.session, main, legs } : null;
}

function checkCall(call: CdrCall, index: number): void {
  if (typeof call !== 'object' || call === null || typeof call.session !== 'string' || call.session === '') {
    throw new AppError('BAD_INPUT', `Call #${index + 1} of the batch has no session id; it cannot be stored.`, { index });
  }
  if (typeof call.main !== 'object' || call.main === null || !Array.isArray(call.legs)) {
    throw new AppError('BAD_INPUT', `Call "${call.session}" has no summary record or leg list.`, { session: call.session });
  }
}

/** Whether a prepared row has a value (null included) for every column. */
function completeRow(row: unknown): row is PreparedRow {
  if (typeof row !== 'object' || row === null) return false;
  for (const column of ROW_COLUMNS) if ((row as Record<string, unknown>)[column] === undefined) return false;
  return true;
}

function checkPrepared(call: PreparedCall, index: number): void {
  const row: unknown = call?.row;
  const session = completeRow(row) ? row.session : undefined;
  if (typeof session !== 'string' || session === '' || typeof call.main !== 'object' || !Array.isArray(call.legs)) {
    throw new AppError('BAD_INPUT', `Prepared call #${index + 1} of the batch is not in the shape prepareCall makes.`, { index });
  }
}

/** IngestOptions as the write routine uses them. */
interface WriteOptions {
  origin: string;
  /** Seconds since the epoch, or null. */
  importedAt: number | null;
  /** SOURCE_RANKS of the delivery. */
  rank: number;
  importId: number | null;
  anywhere: boolean;
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
export function createIngest(db: Db, fieldSets: FieldSets, rates: RatesArea): Ingest {
  // The row's columns are bound by name from PreparedCall.row; the delivery's values follow positionally.
  // Positional parameters, listed from the one column list: binding a million rows by name took about
  // 2 µs more per row (better-sqlite3 looks each name up), a tenth of what writing a call costs.
  const insertCall = db.prepare(
    `INSERT INTO calls (${ROW_COLUMNS.map((c) => `"${c}"`).join(', ')}, pbx_id, origin, imported_at, authority, import_id)
     VALUES (${ROW_COLUMNS.map(() => '?').join(', ')}, ?, ?, ?, ?, ?) ON CONFLICT (session, pbx_id) DO NOTHING`,
  );
  const updateCall = db.prepare(
    `UPDATE calls SET ${REDERIVED_COLUMNS.map((c) => `"${c}" = ?`).join(', ')}, authority = ? WHERE id = ?`,
  );
  const rowValues = (row: PreparedRow): PreparedRow[RowColumn][] => ROW_COLUMNS.map((c) => row[c]);
  const rederivedValues = (row: PreparedRow): PreparedRow[RowColumn][] => REDERIVED_COLUMNS.map((c) => row[c]);
  const storedColumns = `c.id, c.session, c.legs, c.pbx_id, c.start_wall, c.disposition, c.direction, c.action_kind,
       c.src_trunk_name, c.dst_trunk_name, c.account_code, c.has_recording, c.billsec, c.origin, c.authority, l.seq, l.fields`;
  const findCall = db.prepare<[string, number], StoredCall & StoredRecord>(
    `SELECT ${storedColumns} FROM calls AS c JOIN legs AS l ON l.call_id = c.id WHERE c.session = ? AND c.pbx_id = ? ORDER BY l.seq`,
  );
  const findCallById = db.prepare<[number], StoredCall & StoredRecord>(
    `SELECT ${storedColumns} FROM calls AS c JOIN legs AS l ON l.call_id = c.id WHERE c.id = ? ORDER BY l.seq`,
  );
  // The UNIQUE (session, pbx_id) index answers this with a seek.
  const sessionHomes = db.prepare<[string], { pbx_id: number }>('SELECT pbx_id FROM calls WHERE session = ? ORDER BY pbx_id');
  const otherSourcesHoldCalls = db.prepare<[number], { id: number }>('SELECT id FROM pbx WHERE id <> ? AND call_count > 0 LIMIT 1');
  const importSourcesHoldCalls = db.prepare<[number], { id: number }>(
    "SELECT id FROM pbx WHERE id <> ? AND kind = 'import' AND call_count > 0 LIMIT 1",
  );
  const importedCopy = db.prepare<[string, number], { pbx_id: number }>(
    `SELECT c.pbx_id FROM calls AS c JOIN pbx AS p ON p.id = c.pbx_id WHERE c.session = ? AND p.kind = 'import' AND c.pbx_id <> ?
     ORDER BY c.pbx_id LIMIT 1`,
  );
  const moveCall = db.prepare('UPDATE calls SET pbx_id = ?, import_id = NULL WHERE id = ?');
  const insertConflict = db.prepare(
    `INSERT INTO call_conflicts (call_id, acct_id, field, kept, offered, origin, import_id, at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT (call_id, acct_id, field, offered) DO NOTHING`,
  );
  const recordMerge = db.prepare(
    `INSERT INTO import_merges (import_id, call_id, before, after) VALUES (?, ?, ?, ?)
     ON CONFLICT (import_id, call_id) DO UPDATE SET after = excluded.after`,
  );
  const importMerges = db.prepare<[number], { call_id: number; before: string; after: string }>(
    'SELECT call_id, before, after FROM import_merges WHERE import_id = ?',
  );
  const createdCalls = db.prepare<[number], StoredCall & { src: string }>(
    `SELECT id, session, legs, pbx_id, start_wall, disposition, direction, action_kind, src_trunk_name, dst_trunk_name,
       account_code, has_recording, billsec, origin, authority, src FROM calls WHERE import_id = ?`,
  );
  const deleteCall = db.prepare('DELETE FROM calls WHERE id = ?');
  const forgetImport = db.prepare('DELETE FROM call_conflicts WHERE import_id = ?');
  const forgetMerges = db.prepare('DELETE FROM import_merges WHERE import_id = ?');
  // derived stays empty since schema 8: a session's reading derives a record's values again (records.ts).
  const insertRecord = db.prepare("INSERT INTO legs (call_id, seq, acct_id, fields, derived) VALUES (?, ?, ?, ?, '')");
  const deleteRecords = db.prepare('DELETE FROM legs WHERE call_id = ?');
  const insertText = db.prepare('INSERT INTO calls_fts (rowid, name, text) VALUES (?, ?, ?)');
  const deleteText = db.prepare('DELETE FROM calls_fts WHERE rowid = ?');
  const pbxClock = db.prepare<[number], { tz: string; model: string }>('SELECT tz, model FROM pbx WHERE id = ?');
  const days = createDayTally(db);
  const addTotals = db.prepare('UPDATE pbx SET call_count = call_count + ?, talk_seconds = talk_seconds + ? WHERE id = ?');
  /** Calls and talk time added per PBX since the last flush. */
  const totals = new Map<number, { calls: number; talk: number }>();
  function addTotal(pbxId: number, calls: number, talk: number): void {
    const sum = totals.get(pbxId);
    if (sum === undefined) totals.set(pbxId, { calls, talk });
    else {
      sum.calls += calls;
      sum.talk += talk;
    }
  }
  function flushTotals(): void {
    for (const [pbxId, sum] of totals) if (sum.calls !== 0 || sum.talk !== 0) addTotals.run(sum.calls, sum.talk, pbxId);
    totals.clear();
  }
  const encoder = new RecordEncoder();
  // The phonebook learns extensions' names from the calls stored, once per batch (contacts.ts).
  const learner = createNameLearner(db);

  /** Prices a new call when a plan may apply (rates.ts); a call nothing prices keeps the defaults. */
  function rateNew(rater: Rater, callId: number, pbxId: number, row: PreparedRow): void {
    rates.rateNew(rater, callId, {
      pbx_id: pbxId,
      dst: row.dst as string,
      route: row.route as string,
      dst_trunk_name: row.dst_trunk_name as string,
      billsec: row.billsec as number,
      outcome: row.outcome as number,
      start: row.start as string,
    });
  }

  /** The profile's zone turns wall clocks into instants; its model tells FXO from FXS ports. */
  function clockOf(pbxId: number): { tz: string; model: string } {
    const pbx = pbxClock.get(pbxId);
    if (pbx === undefined) throw new AppError('NOT_FOUND', `There is no PBX with id ${pbxId} to store calls for.`, { pbxId });
    return pbx;
  }

  function writeRecords(callId: number, call: PreparedCall): void {
    const { main } = call;
    insertRecord.run(callId, 0, main.acct_id, fieldSets.stored(main));
    call.legs.forEach((leg, i) => {
      insertRecord.run(callId, i + 1, leg.acct_id, fieldSets.stored(leg));
    });
  }

  function writeText(callId: number, row: PreparedRow): void {
    insertText.run(callId, row.caller_name_fold, row.search_text);
  }

  /**
   * Whether a delivery repeats exactly what is stored: same leg count, same records in the same
   * order, compared in their stored form, without decoding anything. A re-imported file is mostly
   * such calls. Merging them would change nothing either.
   */
  function storedAlready(stored: StoredCall, records: StoredRecord[], call: PreparedCall): boolean {
    if (stored.legs !== call.row.legs || records.length !== call.legs.length + 1) return false;
    const same = (record: StoredRecord | undefined, prepared: PreparedRecord): boolean =>
      record !== undefined && fieldSets.holds(record.fields, prepared);
    return same(records[0], call.main) && call.legs.every((leg, i) => same(records[i + 1], leg));
  }

  function findStored(session: string, pbxId: number): StoredCallWithRecords | null {
    return withRecords(findCall.all(session, pbxId));
  }

  function withRecords(rows: (StoredCall & StoredRecord)[]): StoredCallWithRecords | null {
    const first = rows[0];
    return first === undefined ? null : { call: first, records: rows };
  }

  /** Replaces a stored call's row, records, text and day tally by those of `next`. */
  function rewrite(stored: StoredCall, next: PreparedCall, authority: number): void {
    updateCall.run(...rederivedValues(next.row), authority, stored.id);
    deleteRecords.run(stored.id);
    writeRecords(stored.id, next);
    deleteText.run(stored.id);
    writeText(stored.id, next.row);
    const nextFacts = dayFacts(stored.pbx_id, next.row);
    days.add(stored, -1);
    days.add(nextFacts, 1);
    addTotal(stored.pbx_id, 0, nextFacts.billsec - stored.billsec);
    // A merge can change the talk time, trunk, number or outcome: what the call costs follows.
    rates.rateCall(stored.id);
    learner.note(stored.pbx_id, next.row);
  }

  /**
   * A sync delivering a call that was imported into an import-only source (history imported before the
   * PBX was added) takes that copy into the PBX's own source instead of storing the call twice. The
   * copy keeps its records, origin and conflicts; it leaves its import (undoing that import no longer
   * removes it) and its source's tallies. Returns the copy, now in `pbxId`, or null.
   */
  function adoptImported(session: string, pbxId: number): StoredCallWithRecords | null {
    const copy = importedCopy.get(session, pbxId);
    if (copy === undefined) return null;
    const found = findStored(session, copy.pbx_id) as StoredCallWithRecords;
    days.add(found.call, -1);
    addTotal(copy.pbx_id, -1, -found.call.billsec);
    moveCall.run(pbxId, found.call.id);
    const moved = findStored(session, pbxId) as StoredCallWithRecords;
    days.add(moved.call, 1);
    addTotal(pbxId, 1, moved.call.billsec);
    return moved;
  }

  /** The PBX whose copy of a session a delivery for `pbxId` merges into: its own, else the first holding it. */
  function homeOf(session: string, pbxId: number): number | null {
    const homes = sessionHomes.all(session);
    if (homes.length === 0) return null;
    return homes.some((home) => home.pbx_id === pbxId) ? pbxId : (homes[0] as { pbx_id: number }).pbx_id;
  }

  /**
   * A better source replaces; the PBX's API also replaces its own earlier answer (a transfer still in
   * progress at one sync is complete at the next); anything else only fills; a damaged file changes nothing.
   */
  function modeFor(incoming: number, stored: StoredCall): MergeMode {
    if (incoming === SOURCE_RANKS.damaged) return 'none';
    const rank = stored.authority ?? rankOfOrigin(stored.origin);
    return incoming > rank || (incoming === SOURCE_RANKS.api && rank === SOURCE_RANKS.api) ? 'replace' : 'fill';
  }

  function keepConflicts(stored: StoredCall, conflicts: MergeConflict[], o: WriteOptions, at: number): void {
    for (const c of conflicts) {
      insertConflict.run(stored.id, c.acct_id, c.field, c.kept, c.offered, c.stored_kept ? o.origin : stored.origin, o.importId, at);
    }
  }

  function readCall(stored: StoredCall, records: StoredRecord[]): CdrCall {
    return { session: stored.session, ...storedRecords(fieldSets.decodeCall(records.map((r) => r.fields)), stored.legs, (r) => r) };
  }

  const write = db.transaction((pbxId: number, calls: PreparedCall[], o: WriteOptions): IngestCounts => {
    clockOf(pbxId);
    const counts: IngestCounts = { inserted: 0, unchanged: 0, merged: 0, kept: 0, elsewhere: {} };
    // Looking a session up in every source costs a seek per call: only when another source holds calls.
    const anywhere = o.anywhere && otherSourcesHoldCalls.get(pbxId) !== undefined;
    const adopt = o.rank === SOURCE_RANKS.api && importSourcesHoldCalls.get(pbxId) !== undefined;
    const now = Math.floor(Date.now() / 1000);
    const rater = rates.rater();
    let afterKnown = false;
    for (const call of calls) {
      const session = call.row.session as string;
      let home = pbxId;
      let found: StoredCallWithRecords | null = null;
      if (anywhere) {
        home = homeOf(session, pbxId) ?? pbxId;
        found = findStored(session, home);
      } else if (afterKnown) {
        found = findStored(session, pbxId);
      }
      let adopted = false;
      if (found === null && adopt) {
        // Not looked for in its own PBX yet (a new call after a new one): look there first.
        if (!anywhere && !afterKnown) found = findStored(session, pbxId);
        if (found === null) {
          found = adoptImported(session, pbxId);
          adopted = found !== null;
        }
      }
      if (found === null) {
        const inserted = insertCall.run(...rowValues(call.row), pbxId, o.origin, o.importedAt, o.rank, o.importId);
        if (inserted.changes === 1) {
          const id = Number(inserted.lastInsertRowid);
          writeRecords(id, call);
          writeText(id, call.row);
          rateNew(rater, id, pbxId, call.row);
          learner.note(pbxId, call.row);
          const facts = dayFacts(pbxId, call.row);
          days.add(facts, 1);
          counts.inserted++;
          addTotal(pbxId, 1, facts.billsec);
          afterKnown = false;
          continue;
        }
        found = findStored(session, pbxId) as StoredCallWithRecords;
      }
      afterKnown = true;
      if (home !== pbxId) counts.elsewhere[home] = (counts.elsewhere[home] ?? 0) + 1;
      const { call: stored, records } = found;
      // An adopted copy is derived again with its new PBX's clock even when the records are the same.
      if (!adopted && storedAlready(stored, records, call)) {
        counts.unchanged++;
        continue;
      }
      const before = readCall(stored, records);
      const merged = mergeCalls(before, preparedToCall(call), modeFor(o.rank, stored));
      // The API updating its own answer is not a disagreement worth keeping.
      if (o.rank !== SOURCE_RANKS.api || stored.origin !== 'sync') keepConflicts(stored, merged.conflicts, o, now);
      counts.kept += merged.conflicts.filter((c) => c.stored_kept).length;
      if (!merged.changed && !adopted) {
        counts.unchanged++;
        continue;
      }
      const { tz, model } = clockOf(home);
      rewrite(stored, prepareCall(merged.call, tz, model, encoder), Math.max(o.rank, stored.authority ?? rankOfOrigin(stored.origin)));
      if (o.importId !== null) recordMerge.run(o.importId, stored.id, snapshot(before), snapshot(merged.call));
      counts.merged++;
    }
    days.flush();
    flushTotals();
    learner.flush();
    return counts;
  });

  function undoImport(importId: number): { removed: number; restored: number } {
    let removed = 0;
    let restored = 0;
    /** The callers of the calls taken away or changed, per PBX: their learned names are looked up again. */
    const callers = new Map<number, string[]>();
    const touched = (pbxId: number, src: string): void => {
      const list = callers.get(pbxId);
      if (list === undefined) callers.set(pbxId, [src]);
      else list.push(src);
    };
    try {
      for (const stored of createdCalls.all(importId)) {
        touched(stored.pbx_id, stored.src);
        days.add(stored, -1);
        addTotal(stored.pbx_id, -1, -stored.billsec);
        deleteCall.run(stored.id);
        removed++;
      }
      for (const merge of importMerges.all(importId)) {
        const found = withRecords(findCallById.all(merge.call_id));
        if (found === null) continue;
        const current = readCall(found.call, found.records);
        const next = withdraw(current, JSON.parse(merge.before) as CdrCall, JSON.parse(merge.after) as CdrCall);
        if (next === null) continue;
        const { tz, model } = clockOf(found.call.pbx_id);
        const prepared = prepareCall(next, tz, model, encoder);
        touched(found.call.pbx_id, prepared.row.src as string);
        touched(found.call.pbx_id, current.main['src'] ?? '');
        rewrite(found.call, prepared, found.call.authority ?? rankOfOrigin(found.call.origin));
        restored++;
      }
      forgetImport.run(importId);
      forgetMerges.run(importId);
      days.flush();
      flushTotals();
      learner.clear();
      for (const [pbxId, sources] of callers) learner.relearn(pbxId, sources);
    } catch (error) {
      days.clear();
      totals.clear();
      learner.clear();
      fieldSets.forget();
      throw error;
    }
    return { removed, restored };
  }

  function checkArguments(pbxId: number, calls: unknown, options: IngestOptions): void {
    if (typeof pbxId !== 'number' || !Number.isSafeInteger(pbxId)) {
      throw new AppError('BAD_INPUT', `ingest needs a PBX id (a whole number), got ${JSON.stringify(pbxId)}.`);
    }
    if (!Array.isArray(calls)) throw new AppError('BAD_INPUT', 'ingest expects a list of calls.');
    if (typeof options?.origin !== 'string' || options.origin === '') {
      throw new AppError('BAD_INPUT', 'ingest needs the origin of the calls (sync or import:<file>).');
    }
    if (options.source !== undefined && !(options.source in SOURCE_RANKS)) {
      throw new AppError('BAD_INPUT', `ingest's source must be one of ${Object.keys(SOURCE_RANKS).join(', ')}, got ${JSON.stringify(options.source)}.`);
    }
    const id = options.import_id;
    if (id !== undefined && (typeof id !== 'number' || !Number.isSafeInteger(id) || id <= 0)) {
      throw new AppError('BAD_INPUT', `ingest's import_id must be an import log id, got ${JSON.stringify(id)}.`);
    }
    const at = options.imported_at;
    if (at !== undefined && (typeof at !== 'number' || !Number.isSafeInteger(at) || at < 0)) {
      throw new AppError('BAD_INPUT', `ingest's imported_at must be a time in ms since the epoch, got ${JSON.stringify(at)}.`);
    }
  }

  function writeAll(pbxId: number, calls: PreparedCall[], options: IngestOptions): IngestCounts {
    const source = options.source ?? (options.origin === 'sync' ? 'api' : 'page-csv');
    const o: WriteOptions = {
      origin: options.origin,
      importedAt: options.imported_at === undefined ? null : Math.floor(options.imported_at / 1000),
      rank: SOURCE_RANKS[source],
      importId: options.import_id ?? null,
      anywhere: options.anywhere === true,
    };
    try {
      return write(pbxId, calls, o);
    } catch (error) {
      days.clear();
      totals.clear();
      learner.clear();
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
    undoImport,
  };
}
