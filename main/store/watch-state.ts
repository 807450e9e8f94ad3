import type { Db } from './db-type.js';

/** What the watch loop knows of a PBX between rounds (and processes): times in seconds since the epoch. */
export interface WatchRecord {
  pbx_id: number;
  last_success: number | null;
  last_attempt: number | null;
  /** When the current run of failures began; null while syncs succeed. */
  failing_since: number | null;
  failures: number;
  last_error: string | null;
  next_run: number | null;
}

/** The watch loop's state per PBX (schema 7, main/watch/). */
export interface WatchStateArea {
  get(pbxId: number): WatchRecord;
  put(record: WatchRecord): void;
}

export function createWatchState(db: Db): WatchStateArea {
  const read = db.prepare<[number], WatchRecord>('SELECT * FROM watch_state WHERE pbx_id = ?');
  const write = db.prepare(
    `INSERT INTO watch_state (pbx_id, last_success, last_attempt, failing_since, failures, last_error, next_run)
     VALUES (@pbx_id, @last_success, @last_attempt, @failing_since, @failures, @last_error, @next_run)
     ON CONFLICT (pbx_id) DO UPDATE SET last_success = excluded.last_success, last_attempt = excluded.last_attempt,
       failing_since = excluded.failing_since, failures = excluded.failures, last_error = excluded.last_error,
       next_run = excluded.next_run`,
  );
  return {
    get(pbxId) {
      return read.get(pbxId) ?? { pbx_id: pbxId, last_success: null, last_attempt: null, failing_since: null, failures: 0, last_error: null, next_run: null };
    },
    put(record) {
      write.run(record);
    },
  };
}
