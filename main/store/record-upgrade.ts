import { statfsSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { AppError } from '../errors.js';
import type { Db } from './db-type.js';
import { compactCall, type StoredFields } from './field-sets.js';

/**
 * Schema 8's conversion of the records stored before it (see schema8 in migrations.ts for the design):
 * the calls after the marker `records.compact_after` have their JSON records rewritten in the compact
 * form (field-sets.ts) and their derived copy emptied, a batch of calls per transaction, the marker
 * moved in the same transaction. Runs at every opening until it is through; a kill loses at most the
 * batch in progress, which the next opening does again. The CLI's commands convert at once, in
 * openStore (compactRecords); the desktop app and `ucmcdr serve` open without it and convert in the
 * background (compactRecordsInBackground, main/app/upgrade.ts), the window showing the progress, while
 * the store serves requests: readers take either form, ingest writes the compact one.
 *
 * The rows shrink in place, to about a quarter, but their pages stay where they are (SQLite merges a
 * page only once it is two thirds empty) and new records append after them: on the bench cache the
 * converted records held 585 MB of 2,502 MB of pages. So the last batch sets the marker to `vacuum`,
 * and a VACUUM rebuilds the file with full pages (3,418 MB to 1,498 MB on the bench cache; about as
 * long as converting). A VACUUM is one transaction: killed, it leaves the file as it was and the
 * marker, and the next opening runs it again; one that fails (a full disk, another process holding
 * the cache) leaves the cache whole and converted, and is tried again at the next opening.
 */

/**
 * Calls per transaction: about 62,000 records on the bench data, well under a second of work, so a
 * kill loses little and another process waiting for the cache (busy_timeout 5 s) gets its turn.
 */
export const UPGRADE_BATCH_CALLS = 20_000;

const MARKER = 'records.compact_after';
const VACUUM = 'vacuum';

export interface UpgradeProgress {
  /** `records`: converting records, before the first batch and after each; `space`: about to give the freed space back. */
  phase: 'records' | 'space';
  /**
   * Calls converted so far in this opening, and how many there were to convert when it began (grown to
   * `done` when calls stored meanwhile, compact already, were passed over too).
   */
  done: number;
  total: number;
}

/** Whether records are left to convert or the space to give back: the conversion has work to do. */
export function upgradePending(db: Db): boolean {
  return db.prepare<[string], { value: string }>('SELECT value FROM settings WHERE key = ?').get(MARKER) !== undefined;
}

/** Converts everything left at once, reporting after each batch (the CLI: openStore without deferUpgrade). */
export function compactRecords(db: Db, onProgress?: (progress: UpgradeProgress) => void): void {
  for (const progress of upgradeSteps(db, UPGRADE_BATCH_CALLS)) onProgress?.(progress);
}

export interface BackgroundUpgradeOptions {
  /** Calls per transaction (default UPGRADE_BATCH_CALLS; tests make it small so a small cache takes several). */
  batchCalls?: number;
  onProgress?: (progress: UpgradeProgress) => void;
  /**
   * Gives way to other work after each report, before the next batch (or the VACUUM, `space`): by
   * default one turn of the event loop (setImmediate), so requests waiting for the connection are
   * answered between batches; before the VACUUM long enough for the window to show that it comes.
   */
  pause?: (phase: UpgradeProgress['phase']) => Promise<void>;
  /** Checked after every pause: once true, the conversion stops there (the next opening goes on). */
  stopped?: () => boolean;
}

/**
 * Before the VACUUM, which holds the connection (and a desktop app's main process) until it ends, the
 * "giving disk space back" report must reach the window and be drawn: an IPC message or a server-sent
 * event takes a few ms, a frame 16 ms; 200 ms leaves room on a busy machine and is nothing next to the
 * VACUUM (about as long as converting: a minute per million calls on the bench cache).
 */
export const SPACE_NOTICE_MS = 200;

function giveWay(phase: UpgradeProgress['phase']): Promise<void> {
  return new Promise((resolve) => (phase === 'space' ? setTimeout(resolve, SPACE_NOTICE_MS) : setImmediate(resolve)));
}

/**
 * The same conversion as compactRecords, giving way between batches: the desktop app and `ucmcdr
 * serve` run it after opening, while the store serves requests (readers take either form of a record,
 * ingest writes the compact one). Resolves `done` when the cache is through (or had nothing to do),
 * `stopped` when `stopped()` said so; rejects with the conversion's AppError (see compactRecords).
 */
export async function compactRecordsInBackground(db: Db, options: BackgroundUpgradeOptions = {}): Promise<'done' | 'stopped'> {
  const pause = options.pause ?? giveWay;
  const steps = upgradeSteps(db, options.batchCalls ?? UPGRADE_BATCH_CALLS);
  try {
    for (let step = steps.next(); !step.done; step = steps.next()) {
      options.onProgress?.(step.value);
      await pause(step.value.phase);
      if (options.stopped?.() === true) return 'stopped';
    }
    return 'done';
  } finally {
    steps.return();
  }
}

/**
 * The conversion, one step per turn: it yields the progress before the first batch and after each,
 * converting the next batch when resumed, then yields `space` and runs the VACUUM when resumed again.
 */
function* upgradeSteps(db: Db, batchCalls: number): Generator<UpgradeProgress, void, void> {
  const marker = db.prepare<[string], { value: string }>('SELECT value FROM settings WHERE key = ?');
  const start = marker.get(MARKER);
  if (start === undefined) return;
  let done = 0;
  let total = 0;
  if (start.value !== VACUUM) {
    total = (db.prepare('SELECT count(*) AS n FROM calls WHERE id > ?').get(Number(start.value)) as { n: number }).n;
    yield { phase: 'records', done, total };
    const batch = convertBatch(db, batchCalls);
    for (;;) {
      let converted: number | null;
      try {
        converted = batch.immediate();
      } catch (error) {
        const reason = error instanceof Error ? error.message : String(error);
        throw new AppError(
          'DB_ERROR',
          `Converting the records of the cache "${db.name}" to schema 8 stopped (${reason}). Nothing is lost: every record is readable, and the next start goes on where this one stopped; if it stops again, free some disk space on the drive that holds the cache.`,
          { path: db.name },
        );
      }
      if (converted === null) break;
      done += converted;
      total = Math.max(total, done);
      yield { phase: 'records', done, total };
    }
  }
  // Without room for the VACUUM's copy the converted cache works as it is; the space comes back at an
  // opening with room (and nothing announces a step that will not run).
  if (!roomFor(db.name)) return;
  yield { phase: 'space', done, total };
  giveSpaceBack(db);
}

/** The conversion of the next batch of calls: how many it held, null when none was left. */
function convertBatch(db: Db, batchCalls: number): { immediate(): number | null } {
  const marker = db.prepare<[string], { value: string }>('SELECT value FROM settings WHERE key = ?');
  const nextIds = db.prepare<[number, number], { id: number }>('SELECT id FROM calls WHERE id > ? ORDER BY id LIMIT ?');
  // Every record of the batch's calls, in call and seq order: a record is coded after the one before it.
  const records = db.prepare<[number, number], { rowid: number; call_id: number; fields: StoredFields }>(
    'SELECT rowid, call_id, fields FROM legs WHERE call_id > ? AND call_id <= ? ORDER BY call_id, seq',
  );
  const setRecord = db.prepare("UPDATE legs SET fields = ?, derived = '' WHERE rowid = ?");
  const setMarker = db.prepare('UPDATE settings SET value = ? WHERE key = ?');
  return db.transaction((): number | null => {
    // Read inside the transaction: another process may have converted meanwhile.
    const row = marker.get(MARKER);
    if (row === undefined || row.value === VACUUM) return null;
    const after = Number(row.value);
    const ids = nextIds.all(after, batchCalls);
    const last = ids[ids.length - 1];
    if (last !== undefined) {
      const rows = records.all(after, last.id);
      for (let from = 0; from < rows.length; ) {
        let to = from + 1;
        while (to < rows.length && (rows[to] as { call_id: number }).call_id === (rows[from] as { call_id: number }).call_id) to++;
        const call = rows.slice(from, to);
        const compact = compactCall(call.map((r) => r.fields));
        call.forEach((record, i) => {
          if (typeof record.fields === 'string') setRecord.run(compact[i], record.rowid);
        });
        from = to;
      }
    }
    setMarker.run(ids.length < batchCalls ? VACUUM : String((last as { id: number }).id), MARKER);
    return ids.length === 0 ? null : ids.length;
  });
}

/**
 * Whether the disk holding the cache has room for a copy of it (and its temporary files) to spare: a
 * VACUUM writes a copy as big as the cache, and without room for it would only fail after a long while
 * at every opening.
 */
function roomFor(path: string): boolean {
  try {
    const disk = statfsSync(dirname(path));
    return disk.bavail * disk.bsize > statSync(path).size * 2.2;
  } catch {
    return true;
  }
}

/** VACUUM (there is room for it), then the marker goes; a failed one is left to the next opening (see above). */
function giveSpaceBack(db: Db): void {
  // The rebuilt copy goes to a temporary file, not to memory (the connection's temp_store): it is as
  // big as the cache.
  const before = db.pragma('temp_store', { simple: true }) as number;
  db.pragma('temp_store = FILE');
  try {
    db.exec('VACUUM');
    db.prepare('DELETE FROM settings WHERE key = ?').run(MARKER);
    // The rebuilt file went through the write-ahead log: give that back too.
    db.pragma('wal_checkpoint(TRUNCATE)');
  } catch {
    // Converted and whole either way; the next opening tries again.
  } finally {
    db.pragma(`temp_store = ${before}`);
  }
}
