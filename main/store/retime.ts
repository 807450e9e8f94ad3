import { wallClockToUtc } from '../cdr/time.js';
import type { Db } from './db-type.js';

/**
 * A PBX's wall clock is stored as text (calls.start) and never changes; the instant derived from it
 * (calls.start_utc) depends on the profile's zone. When the zone of a profile is corrected, it is
 * recomputed from the wall clock, with the one zone converter (main/cdr/time.ts). Nothing else stored
 * depends on the zone: call_days counts wall-clock days, the search text holds no times, and a
 * record's own instants are derived with the profile's zone whenever its session is read (schema 8;
 * before, legs.derived held them and this rewrote them too).
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

function seconds(local: string, tz: string): number {
  return Math.floor(wallClockToUtc(local, tz) / 1000);
}

/** Recomputes the instants of every call of `pbxId` for zone `tz`; returns how many calls it read. */
export function retimeCalls(db: Db, pbxId: number, tz: string): number {
  // No index is led by pbx_id (see migrations): walking ids in order reads the table once in all.
  const calls = db.prepare<[number, number, number], CallStart>(
    'SELECT id, start, start_utc FROM calls WHERE pbx_id = ? AND id > ? ORDER BY id LIMIT ?',
  );
  const setCall = db.prepare<[number, number]>('UPDATE calls SET start_utc = ? WHERE id = ?');

  let after = 0;
  let read = 0;
  for (;;) {
    const chunk = calls.all(pbxId, after, CHUNK);
    if (chunk.length === 0) return read;
    for (const call of chunk) {
      const utc = seconds(call.start, tz);
      if (utc !== call.start_utc) setCall.run(utc, call.id);
    }
    after = (chunk[chunk.length - 1] as CallStart).id;
    read += chunk.length;
  }
}
