import { encodeRoute, judgeCall } from '../cdr/outcome.js';
import type { CdrCall } from '../cdr/types.js';
import { dispositionName, outcomeCode } from './codes.js';
import type { Db } from './db-type.js';
import { createFieldSets, type StoredFields } from './field-sets.js';
import { storedRecords } from './prepare.js';

/** Calls judged per statement: their records are read together, then their rows updated. */
const CHUNK = 2_000;

interface RecordRow {
  id: number;
  session: string;
  legs: number;
  disposition: number;
  seq: number;
  fields: StoredFields;
}

/**
 * Gives every cached call its outcome and route (schema 4), from its stored records, inside the
 * migration's transaction. better-sqlite3 cannot write while a statement is being read, so the calls
 * are read in chunks of ids and each chunk is updated after it was read.
 */
export function judgeCachedCalls(db: Db): void {
  const fieldSets = createFieldSets(db);
  const ids = db.prepare<[], number>('SELECT id FROM calls ORDER BY id').pluck().all();
  const read = db.prepare<[number, number], RecordRow>(
    `SELECT c.id, c.session, c.legs, c.disposition, l.seq, l.fields FROM calls AS c JOIN legs AS l ON l.call_id = c.id
     WHERE c.id BETWEEN ? AND ? ORDER BY c.id, l.seq`,
  );
  const update = db.prepare('UPDATE calls SET outcome = ?, route = ? WHERE id = ?');
  for (let i = 0; i < ids.length; i += CHUNK) {
    const first = ids[i] as number;
    const last = ids[Math.min(i + CHUNK, ids.length) - 1] as number;
    const byCall = new Map<number, RecordRow[]>();
    for (const row of read.all(first, last)) {
      const records = byCall.get(row.id);
      if (records === undefined) byCall.set(row.id, [row]);
      else records.push(row);
    }
    for (const [id, records] of byCall) {
      const head = records[0] as RecordRow;
      const decoded = fieldSets.decodeCall(records.map((r) => r.fields));
      const call: CdrCall = { session: head.session, ...storedRecords(decoded, head.legs, (r) => r) };
      const judged = judgeCall(call, dispositionName(head.disposition));
      update.run(outcomeCode(judged.outcome), encodeRoute(judged.route), id);
    }
  }
}
