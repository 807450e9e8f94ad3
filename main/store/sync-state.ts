import type { PbxProfile } from '../../preload/api.js';
import { isWallClock } from '../cdr/time.js';
import { AppError } from '../errors.js';
import { badInput, wholeNumber } from './checks.js';
import type { Db } from './db-type.js';
import type { SyncPosition, SyncStateArea } from './types.js';

const SYNC_STATES: readonly PbxProfile['last_sync_state'][] = ['never', 'ok', 'failed', 'cancelled', 'running'];

interface SyncPositionRow {
  window_start: string;
  window_end: string;
  page_offset: number;
  newest_start: string | null;
  in_progress: number;
  full: number;
}

function wallClock(value: unknown, what: string): string {
  if (typeof value !== 'string' || !isWallClock(value)) {
    throw badInput(`${what} must be a PBX wall-clock time YYYY-MM-DDTHH:MM:SS, got ${JSON.stringify(value) ?? String(value)}.`);
  }
  return value;
}

function positiveId(id: unknown): number {
  if (typeof id !== 'number' || !Number.isSafeInteger(id) || id < 1) {
    throw badInput(`PBX id must be a positive whole number, got ${JSON.stringify(id) ?? String(id)}.`, { id });
  }
  return id;
}

/**
 * Where each PBX's sync stands: the position a sync resumes from (sync_position, written in the
 * transaction of the page it follows) and the outcome of the last sync (on the profile's row, shown
 * with it). `requirePbx` returns the id of an existing profile or throws NOT_FOUND.
 */
export function createSyncState(db: Db, requirePbx: (pbxId: number) => number): SyncStateArea {
  const getPosition = db.prepare<[number], SyncPositionRow>('SELECT * FROM sync_position WHERE pbx_id = ?');
  const putPosition = db.prepare(
    `INSERT INTO sync_position (pbx_id, window_start, window_end, page_offset, newest_start, in_progress, full)
     VALUES (?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT (pbx_id) DO UPDATE SET window_start = excluded.window_start, window_end = excluded.window_end,
       page_offset = excluded.page_offset, newest_start = excluded.newest_start, in_progress = excluded.in_progress,
       full = excluded.full`,
  );
  const dropPosition = db.prepare('DELETE FROM sync_position WHERE pbx_id = ?');
  const putOutcome = db.prepare('UPDATE pbx SET last_sync_state = ?, last_sync_error = ?, last_sync_at = ? WHERE id = ?');

  return {
    position(pbxId) {
      const row = getPosition.get(requirePbx(pbxId));
      if (!row) return null;
      return {
        window_start: row.window_start,
        window_end: row.window_end,
        offset: row.page_offset,
        newest_start: row.newest_start,
        in_progress: row.in_progress === 1,
        full: row.full === 1,
      };
    },

    setPosition(pbxId, position: SyncPosition | null) {
      requirePbx(pbxId);
      if (position === null) {
        dropPosition.run(pbxId);
        return;
      }
      putPosition.run(
        pbxId,
        wallClock(position.window_start, 'window_start'),
        wallClock(position.window_end, 'window_end'),
        wholeNumber(position.offset, 'offset'),
        position.newest_start === null ? null : wallClock(position.newest_start, 'newest_start'),
        position.in_progress ? 1 : 0,
        position.full ? 1 : 0,
      );
    },

    setOutcome(pbxId, outcome) {
      if (!SYNC_STATES.includes(outcome.state)) {
        throw badInput(`Unknown sync state "${String(outcome.state)}": use ${SYNC_STATES.join(', ')}.`, { state: outcome.state });
      }
      const at = outcome.at ?? new Date().toISOString();
      if (putOutcome.run(outcome.state, outcome.error ?? null, at, positiveId(pbxId)).changes === 0) {
        throw new AppError('NOT_FOUND', `There is no PBX with id ${pbxId}.`, { id: pbxId });
      }
    },
  };
}
