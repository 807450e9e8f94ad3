import type { Db } from './db-type.js';

/**
 * call_days keeps, per PBX and wall-clock day, the number of calls and their talk time for each
 * combination of the enumerable filter values. A count that filters only on those (status,
 * direction, action kind, trunks, account code, recording, PBX, whole days) sums a few thousand rows
 * instead of scanning an index of a million entries. Ingest adds to it in the same transaction as the
 * calls it describes; the PBX cascade removes it.
 */

/** The values of one call that call_days is keyed by, as stored in calls. */
export interface DayFacts {
  pbx_id: number;
  start_wall: number;
  disposition: number;
  direction: number;
  action_kind: string;
  src_trunk_name: string;
  dst_trunk_name: string;
  account_code: string;
  has_recording: number;
  billsec: number;
}

export const DAY_SECONDS = 86_400;

const KEY_COLUMNS = [
  'day',
  'pbx_id',
  'disposition',
  'direction',
  'action_kind',
  'src_trunk_name',
  'dst_trunk_name',
  'account_code',
  'has_recording',
] as const;

interface Delta {
  key: unknown[];
  calls: number;
  talk: number;
}

/** Collects the changes of one batch and writes them once per distinct key. */
export interface DayTally {
  add(facts: DayFacts, sign: 1 | -1): void;
  /** Writes and clears what was collected; call inside the batch's transaction. */
  flush(): void;
  /** Forgets what was collected without writing (the batch failed). */
  clear(): void;
}

export function createDayTally(db: Db): DayTally {
  const upsert = db.prepare(
    `INSERT INTO call_days (${KEY_COLUMNS.join(', ')}, calls, talk) VALUES (${KEY_COLUMNS.map(() => '?').join(', ')}, ?, ?)
     ON CONFLICT (${KEY_COLUMNS.join(', ')}) DO UPDATE SET calls = calls + excluded.calls, talk = talk + excluded.talk`,
  );
  const dropEmpty = db.prepare(
    `DELETE FROM call_days WHERE ${KEY_COLUMNS.map((c) => `${c} = ?`).join(' AND ')} AND calls = 0`,
  );
  const deltas = new Map<string, Delta>();

  return {
    add(facts, sign) {
      const key = [
        Math.floor(facts.start_wall / DAY_SECONDS),
        facts.pbx_id,
        facts.disposition,
        facts.direction,
        facts.action_kind,
        facts.src_trunk_name,
        facts.dst_trunk_name,
        facts.account_code,
        facts.has_recording,
      ];
      const id = key.join('\u0001');
      let delta = deltas.get(id);
      if (delta === undefined) {
        delta = { key, calls: 0, talk: 0 };
        deltas.set(id, delta);
      }
      delta.calls += sign;
      delta.talk += sign * facts.billsec;
    },
    flush() {
      for (const delta of deltas.values()) {
        if (delta.calls === 0 && delta.talk === 0) continue;
        upsert.run(...delta.key, delta.calls, delta.talk);
        if (delta.calls < 0) dropEmpty.run(...delta.key);
      }
      deltas.clear();
    },
    clear() {
      deltas.clear();
    },
  };
}
