import { AppError } from '../errors.js';
import { badInput, nonEmpty, wholeNumber } from './checks.js';
import type { Db } from './db-type.js';
import type { RecordingState, RecordingsArea, RecordingStatus } from './types.js';

const RECORDING_STATES: readonly RecordingState[] = ['unknown', 'cached', 'gone'];

/** What is known of each call's recordings: unknown, cached (with the local file) or gone from the PBX. */
export function createRecordings(db: Db): RecordingsArea {
  const getRecording = db.prepare<[number, string], RecordingStatus>(
    'SELECT call_id, path, state, local_path, bytes, checked_at FROM recordings WHERE call_id = ? AND path = ?',
  );
  const putRecording = db.prepare(
    `INSERT INTO recordings (call_id, path, state, local_path, bytes, checked_at) VALUES (?, ?, ?, ?, ?, ?)
     ON CONFLICT (call_id, path) DO UPDATE SET state = excluded.state, local_path = excluded.local_path,
       bytes = excluded.bytes, checked_at = excluded.checked_at`,
  );
  const callExists = db.prepare<[number], { id: number }>('SELECT id FROM calls WHERE id = ?');

  return {
    get(callId, path) {
      return getRecording.get(callId, path) ?? null;
    },

    set(status) {
      if (!RECORDING_STATES.includes(status.state)) {
        throw badInput(`Unknown recording state "${String(status.state)}": use ${RECORDING_STATES.join(', ')}.`);
      }
      if (!callExists.get(status.call_id)) {
        throw new AppError('NOT_FOUND', `There is no call with id ${status.call_id}.`, { call_id: status.call_id });
      }
      putRecording.run(
        status.call_id,
        nonEmpty(status.path, 'Recording path'),
        status.state,
        status.local_path,
        status.bytes === null ? null : wholeNumber(status.bytes, 'Recording size'),
        status.checked_at,
      );
    },
  };
}
