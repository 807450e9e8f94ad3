import { wallClockToUtc } from '../cdr/time.js';
import type { Db } from './db-type.js';

/**
 * A PBX's wall clock is stored as text (calls.start, the `s` of each record in legs.derived) and never
 * changes; the instants derived from it (calls.start_utc, the `u` of each record) depend on the
 * profile's zone. When the zone of a profile is corrected, these are recomputed from the wall clock,
 * with the one zone converter (main/cdr/time.ts). Nothing else stored depends on the zone: call_days
 * counts wall-clock days, the search text holds no times.
 *
 * The caller runs this inside the transaction that saves the new zone, so a reader (or a process
 * killed meanwhile) sees every instant of the source either all old or all new.
 */

/** Rows read per round: writes are refused while a statement of the same connection is iterated. */
const CHUNK = 5000;

interface CallStart {
  id: number;
  start: string;
  start_utc: number;
}

interface LegDerived {
  call_id: number;
  seq: number;
  derived: string;
}

function seconds(local: string, tz: string): number {
  return Math.floor(wallClockToUtc(local, tz) / 1000);
}

/** Recomputes the instants of every call of `pbxId` for zone `tz`; returns how many calls it read. */
export function retimeCalls(db: Db, pbxId: number, tz: string): number {
  // No index is led by pbx_id (see migrations): walking ids in order reads the table once in all.
  const calls = db.prepare<[number, number, number], CallStart>(
    'SELECT id, start, start_utc FROM calls WHERE pbx_id = ? AND id > ? ORDER BY id LIMIT ?',
  );
  const legs = db.prepare<[number, number, number], LegDerived>(
    `SELECT l.call_id, l.seq, l.derived FROM legs l JOIN calls c ON c.id = l.call_id
     WHERE l.call_id BETWEEN ? AND ? AND c.pbx_id = ?`,
  );
  const setCall = db.prepare<[number, number]>('UPDATE calls SET start_utc = ? WHERE id = ?');
  const setLeg = db.prepare<[string, number, number]>('UPDATE legs SET derived = ? WHERE call_id = ? AND seq = ?');

  let after = 0;
  let read = 0;
  for (;;) {
    const chunk = calls.all(pbxId, after, CHUNK);
    if (chunk.length === 0) return read;
    for (const call of chunk) {
      const utc = seconds(call.start, tz);
      if (utc !== call.start_utc) setCall.run(utc, call.id);
    }
    const first = (chunk[0] as CallStart).id;
    after = (chunk[chunk.length - 1] as CallStart).id;
    for (const leg of legs.all(first, after, pbxId)) {
      const packed = JSON.parse(leg.derived) as { s?: string; u?: number };
      if (packed.s === undefined) continue;
      const utc = seconds(packed.s, tz);
      if (utc === packed.u) continue;
      packed.u = utc;
      setLeg.run(JSON.stringify(packed), leg.call_id, leg.seq);
    }
    read += chunk.length;
  }
}
