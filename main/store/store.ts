import { AppError } from '../errors.js';
import { createBulkLoader } from './bulk.js';
import { openDatabase, type Db } from './db.js';
import { createFieldSets } from './field-sets.js';
import { createIngest } from './ingest.js';
import { createProfiles } from './profiles.js';
import { createQueries, type Queries } from './query.js';
import { createImportLog } from './imports.js';
import type { RecordingState, RecordingStatus, Store, SyncPosition } from './types.js';

const RECORDING_STATES: readonly RecordingState[] = ['unknown', 'cached', 'gone'];
const WALL_CLOCK = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$/;

interface SyncPositionRow {
  window_start: string;
  window_end: string;
  page_offset: number;
  newest_start: string | null;
  in_progress: number;
  full: number;
}

function bad(message: string, details?: Record<string, unknown>): AppError {
  return new AppError('BAD_INPUT', message, details);
}

function wholeNumber(value: unknown, what: string): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
    throw bad(`${what} must be a whole number, 0 or more, got ${JSON.stringify(value) ?? String(value)}.`);
  }
  return value;
}

function wallClock(value: unknown, what: string): string {
  if (typeof value !== 'string' || !WALL_CLOCK.test(value)) {
    throw bad(`${what} must be a PBX wall-clock time YYYY-MM-DDTHH:MM:SS, got ${JSON.stringify(value) ?? String(value)}.`);
  }
  return value;
}

function nonEmpty(value: unknown, what: string): string {
  if (typeof value !== 'string' || value === '') throw bad(`${what} must be non-empty text.`);
  return value;
}

/** Opens (or creates) the cache at `path`: the single implementation of the Store surface. */
export function openStore(path: string): Store {
  const db = openDatabase(path);
  const profiles = createProfiles(db);
  const fieldSets = createFieldSets(db);
  const ingest = createIngest(db, fieldSets);
  const queries = createQueries(db, fieldSets);
  const bulk = createBulkLoader(db);
  const imports = createImportLog(db, ingest);

  /**
   * Long reads (exports) run on a connection of their own, opened on first use. better-sqlite3 refuses
   * every write on a connection while one of its statements is being iterated, and an export iterates
   * for minutes: on the shared connection a sync or import started meanwhile would fail. In WAL mode the
   * reader keeps the snapshot it started with while writes go on beside it.
   */
  let reader: { db: Db; queries: Queries } | null = null;
  function readerQueries(): Queries {
    if (reader === null) {
      const readerDb = openDatabase(path);
      // An export reads its calls once, in order: mapped pages would only add to the process's memory
      // what the main connection already maps, and a small cache is enough for a forward scan.
      readerDb.pragma('mmap_size = 0');
      readerDb.pragma('cache_size = -16384');
      reader = { db: readerDb, queries: createQueries(readerDb, createFieldSets(readerDb)) };
    }
    return reader.queries;
  }

  const getPosition = db.prepare<[number], SyncPositionRow>('SELECT * FROM sync_position WHERE pbx_id = ?');
  const putPosition = db.prepare(
    `INSERT INTO sync_position (pbx_id, window_start, window_end, page_offset, newest_start, in_progress, full)
     VALUES (?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT (pbx_id) DO UPDATE SET window_start = excluded.window_start, window_end = excluded.window_end,
       page_offset = excluded.page_offset, newest_start = excluded.newest_start, in_progress = excluded.in_progress,
       full = excluded.full`,
  );
  const dropPosition = db.prepare('DELETE FROM sync_position WHERE pbx_id = ?');
  const getRecording = db.prepare<[number, string], RecordingStatus>(
    'SELECT call_id, path, state, local_path, bytes, checked_at FROM recordings WHERE call_id = ? AND path = ?',
  );
  const putRecording = db.prepare(
    `INSERT INTO recordings (call_id, path, state, local_path, bytes, checked_at) VALUES (?, ?, ?, ?, ?, ?)
     ON CONFLICT (call_id, path) DO UPDATE SET state = excluded.state, local_path = excluded.local_path,
       bytes = excluded.bytes, checked_at = excluded.checked_at`,
  );
  const callExists = db.prepare<[number], { id: number }>('SELECT id FROM calls WHERE id = ?');
  const getSetting = db.prepare<[string], { value: string }>('SELECT value FROM settings WHERE key = ?');
  const putSetting = db.prepare(
    'INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value',
  );

  function requirePbx(pbxId: number): number {
    if (profiles.get(pbxId) === null) throw new AppError('NOT_FOUND', `There is no PBX with id ${pbxId}.`, { id: pbxId });
    return pbxId;
  }

  return {
    path,
    close() {
      bulk.abandon();
      reader?.queries.endReads();
      reader?.db.close();
      db.close();
    },
    transaction<T>(fn: () => T): T {
      try {
        return db.transaction(fn)();
      } catch (error) {
        fieldSets.forget();
        throw error;
      }
    },

    listPbx: () => profiles.list(),
    getPbx: (id) => profiles.get(id),
    getPbxByName: (name) => profiles.getByName(name),
    savePbx: (input) => profiles.save(input),
    removePbx: (id) => profiles.remove(id),
    keepPbxHistory: (id) => profiles.keepHistory(id),
    importSource: () => profiles.importSource(),
    findImportSource: () => profiles.findImportSource(),
    setSyncOutcome: (pbxId, outcome) => profiles.setSyncOutcome(pbxId, outcome),

    ingest: (pbxId, calls, options) => ingest.calls(pbxId, calls, options),
    ingestPrepared: (pbxId, calls, options) => ingest.prepared(pbxId, calls, options),
    beginBulkLoad: (options) => bulk.begin(options),

    page: (request) => queries.page(request),
    totals: (filter) => queries.totals(filter),
    iterate: (filter, sort) => readerQueries().iterate(filter, sort),
    getCall: (callId) => queries.getCall(callId),
    session: (callId) => queries.session(callId),
    findSession: (session, pbxName) => queries.findSession(session, pbxName),
    filterOptions: () => queries.filterOptions(),

    getSyncPosition(pbxId) {
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

    setSyncPosition(pbxId, position: SyncPosition | null) {
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

    getRecording(callId, path) {
      return getRecording.get(callId, path) ?? null;
    },

    setRecording(status) {
      if (!RECORDING_STATES.includes(status.state)) {
        throw bad(`Unknown recording state "${String(status.state)}": use ${RECORDING_STATES.join(', ')}.`);
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

    beginImport: (start) => imports.begin({ ...start, pbx_id: requirePbx(start.pbx_id) }),
    updateImport: (id, counts, state) => imports.update(id, counts, state),
    listImports: () => imports.list(),
    undoImport(id) {
      try {
        return imports.undo(id);
      } catch (error) {
        fieldSets.forget();
        throw error;
      }
    },

    getSetting(key) {
      return getSetting.get(nonEmpty(key, 'Setting key'))?.value ?? null;
    },

    setSetting(key, value) {
      if (typeof value !== 'string') throw bad(`Setting "${key}" must be text.`);
      putSetting.run(nonEmpty(key, 'Setting key'), value);
    },
  };
}
