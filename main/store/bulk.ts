import { randomUUID } from 'node:crypto';
import { AppError } from '../errors.js';
import { BULK_MIN_CACHE_MULTIPLE, BULK_MIN_CALLS, CRISIS_MERGE, LOAD_SETTINGS } from '../importers/tuning.js';
import type { Db } from './db-type.js';
import { schemaIndexSql } from './migrations.js';
import type { BulkLoad } from './types.js';

/**
 * Big loads into the cache (CallsArea.beginBulkLoad). The indexes of `calls` led by a phone number take
 * each new call at a random place of a large b-tree, which once the table is large costs about as much
 * per row as writing the row; building them afterwards by sorting is cheaper. So a bulk load swaps those for
 * stand-ins and rebuilds the real ones at the end. The other indexes are led by time, id or a handful
 * of values (action kinds, trunks, account codes): new calls append to a few hot pages, so keeping them
 * costs less than a stand-in plus a rebuild. Measured on 300,000 and 1,000,000 calls: swapping the
 * three number indexes loaded as fast as swapping all nine and took half the time to finish.
 *
 * Stand-ins, not plain drops: the query planner (plan.ts) names indexes with INDEXED BY, which fails
 * outright when the index does not exist. A stand-in of the same name on (id) only grows at its right
 * edge, so it is cheap to keep, and any query forced onto it still runs (a scan plus lookups): correct,
 * only slower, while the load lasts.
 *
 * The FTS5 table merges its segments as it goes (automerge), rewriting the same text several times
 * over a big load. During the load it only merges when a level reaches CRISIS_MERGE segments
 * (main/importers/tuning.ts, with the other numbers a load is tuned by), and
 * finishing merges everything once ('optimize'). FTS5 keeps these options in the table, so finishing
 * writes its defaults back.
 *
 * The marker row in `settings` (written with the stand-ins, removed with the last finishing step) lets
 * the next opening of the cache finish a load whose process died; the pid in it tells a dead loader
 * from one still at work, and it records the exact SQL of each index it set aside, which is what the
 * repair restores: the cache gets back its own indexes, whatever release built them. Only for a marker
 * without that record (unreadable, or older than it) does the repair fall back to the schema's
 * definitions, and then only for indexes that are missing or stand-ins. An index that exists is never
 * rebuilt for looking different from today's definition: that is a migration's job.
 */

const MARKER_KEY = 'bulk_load';

const SWAPPED_NAMES = ['calls_by_src', 'calls_by_dst', 'calls_by_answered_by'];

/** FTS5's own defaults, written back when a load ends (the options persist in the table). */
const FTS_DEFAULT_AUTOMERGE = 4;
const FTS_DEFAULT_CRISIS_MERGE = 16;

interface LoadMarker {
  pid: number;
  started: string;
  /** Tells this process's own loads apart from a dead one that had the same pid. */
  token: string;
  /** Name -> exact SQL of each index set aside (absent in markers of releases before it was kept). */
  indexes?: Record<string, string>;
}

/** Markers of the loads this process is running, on any connection. */
const loadingHere = new Set<string>();

function standInSql(name: string): string {
  return `CREATE INDEX ${name} ON calls (id)`;
}

function currentIndexes(db: Db): Map<string, string | null> {
  const rows = db
    .prepare<[], { name: string; sql: string | null }>("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'calls'")
    .all();
  return new Map(rows.map((r) => [r.name, r.sql]));
}

/**
 * Replaces each swapped index, unless already a stand-in (another load is running), by its stand-in.
 * Returns the SQL of the indexes it set aside, for the marker.
 */
function swapInStandIns(db: Db): Record<string, string> {
  const current = currentIndexes(db);
  const setAside: Record<string, string> = {};
  for (const name of SWAPPED_NAMES) {
    const sql = current.get(name);
    if (sql === standInSql(name)) continue;
    if (typeof sql === 'string') setAside[name] = sql;
    db.exec(`DROP INDEX IF EXISTS ${name}`);
    db.exec(standInSql(name));
  }
  return setAside;
}

interface IndexDefinition {
  name: string;
  sql: string;
}

/**
 * What to build again: the indexes the marker set aside, as they were; without that record, the
 * schema's indexes that are missing or stand-ins.
 */
function indexesToRebuild(db: Db, marker: LoadMarker | null): IndexDefinition[] {
  const current = currentIndexes(db);
  if (marker?.indexes !== undefined) {
    return Object.entries(marker.indexes)
      .filter(([name, sql]) => current.get(name) !== sql)
      .map(([name, sql]) => ({ name, sql }));
  }
  return [...schemaIndexSql()]
    .filter(([name]) => !current.has(name) || current.get(name) === standInSql(name))
    .map(([name, sql]) => ({ name, sql }));
}

/** Whether a swapped index is a stand-in or missing: a load set it aside and nobody finished it. */
function standInsLeft(db: Db): boolean {
  const current = currentIndexes(db);
  return SWAPPED_NAMES.some((name) => !current.has(name) || current.get(name) === standInSql(name));
}

function rebuildIndexes(db: Db, indexes: IndexDefinition[]): void {
  if (indexes.length === 0) return;
  db.transaction(() => {
    for (const index of indexes) {
      db.exec(`DROP INDEX IF EXISTS ${index.name}`);
      db.exec(index.sql);
    }
  })();
}

function setFtsMerging(db: Db, automerge: number, crisisMerge: number): void {
  // FTS5 refuses these values as bound parameters (it wants integers, and JS numbers bind as reals).
  db.exec(`INSERT INTO calls_fts (calls_fts, rank) VALUES ('automerge', ${automerge})`);
  db.exec(`INSERT INTO calls_fts (calls_fts, rank) VALUES ('crisismerge', ${crisisMerge})`);
}

function validIndexes(value: unknown): value is Record<string, string> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  return Object.entries(value).every(([name, sql]) => SWAPPED_NAMES.includes(name) && typeof sql === 'string' && sql.startsWith(`CREATE INDEX ${name} `));
}

function readMarker(db: Db): { raw: string; marker: LoadMarker | null } | null {
  const row = db.prepare<[string], { value: string }>('SELECT value FROM settings WHERE key = ?').get(MARKER_KEY);
  if (row === undefined) return null;
  try {
    const parsed = JSON.parse(row.value) as Partial<LoadMarker>;
    const valid =
      Number.isSafeInteger(parsed.pid) &&
      typeof parsed.token === 'string' &&
      typeof parsed.started === 'string' &&
      (parsed.indexes === undefined || validIndexes(parsed.indexes));
    return { raw: row.value, marker: valid ? (parsed as LoadMarker) : null };
  } catch {
    return { raw: row.value, marker: null };
  }
}

/** Whether the process that wrote the marker is still running its load. */
function loaderAlive(marker: LoadMarker | null): boolean {
  if (marker === null) return false;
  if (marker.pid === process.pid) return loadingHere.has(marker.token);
  try {
    process.kill(marker.pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to someone else, so it may well be loading.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

type ConnectionSettings = Record<string, number>;

/** Sets numeric pragmas of this connection and returns their values before, to restore them with. */
function setPragmas(db: Db, values: ConnectionSettings): ConnectionSettings {
  const before: ConnectionSettings = {};
  for (const [name, value] of Object.entries(values)) {
    before[name] = db.pragma(name, { simple: true }) as number;
    db.pragma(`${name} = ${value}`);
  }
  return before;
}

/** Removes this load's marker (never a newer load's, which has another value). */
function dropMarker(db: Db, markerValue: string | null): void {
  if (markerValue !== null) db.prepare('DELETE FROM settings WHERE key = ? AND value = ?').run(MARKER_KEY, markerValue);
}

/** Merges the text index into one segment, writes FTS5's defaults back and drops the marker, atomically. */
function settleText(db: Db, markerValue: string | null): void {
  db.transaction(() => {
    db.exec("INSERT INTO calls_fts (calls_fts) VALUES ('optimize')");
    setFtsMerging(db, FTS_DEFAULT_AUTOMERGE, FTS_DEFAULT_CRISIS_MERGE);
    dropMarker(db, markerValue);
  })();
}

/**
 * The finishing steps, shared by finish() and the repair at open (both without mmap). Sorting for
 * CREATE INDEX spills to a temp file instead of memory, so a rebuild of a million calls stays within
 * the memory of a normal load.
 */
function completeLoad(db: Db, marker: LoadMarker | null, markerValue: string | null, settleFts: boolean): void {
  // 1 = FILE.
  const before = setPragmas(db, { temp_store: 1 });
  try {
    rebuildIndexes(db, indexesToRebuild(db, marker));
    if (settleFts) settleText(db, markerValue);
    else dropMarker(db, markerValue);
  } finally {
    setPragmas(db, before);
  }
}

function dbError(db: Db, doing: string, error: unknown, next: string): AppError {
  const reason = error instanceof Error ? error.message : String(error);
  return new AppError('DB_ERROR', `${doing} the cache "${db.name}" failed (SQLite says: ${reason}). ${next}`, { path: db.name });
}

const RETRY = 'Close other programs using the cache and try again, or use another --db file.';

/**
 * At open: finishes what a load whose process is gone left behind (stand-in or missing indexes, FTS
 * options, the marker). A load still running elsewhere is left to finish itself.
 */
export function finishAbandonedLoad(db: Db): void {
  const found = readMarker(db);
  if (found !== null && loaderAlive(found.marker)) return;
  if (found === null && !standInsLeft(db)) return;
  const before = setPragmas(db, { mmap_size: 0 });
  try {
    completeLoad(db, found?.marker ?? null, found?.raw ?? null, found !== null);
  } catch (error) {
    throw dbError(db, 'Rebuilding the indexes an interrupted import left unbuilt in', error, RETRY);
  } finally {
    setPragmas(db, before);
  }
}

/**
 * Whether loading `incoming` calls into a cache that holds `cached` is worth setting the indexes aside.
 * Beginning on a full cache reads the swapped indexes and builds their stand-ins, finishing sorts every
 * call of the cache, while the saving grows with the calls loaded (and with how many distinct numbers
 * they have): see BULK_MIN_CALLS and BULK_MIN_CACHE_MULTIPLE.
 */
export function bulkLoadPays(cached: number, incoming: number): boolean {
  return incoming >= BULK_MIN_CALLS && incoming >= BULK_MIN_CACHE_MULTIPLE * cached;
}

interface RunningLoad {
  token: string;
  /** The marker written when the indexes were set aside; null while they are in place. */
  marker: LoadMarker | null;
  markerValue: string | null;
  /** The connection's settings before the load. */
  before: ConnectionSettings;
  /** begin() calls not finished yet. */
  handles: number;
}

export interface BulkLoader {
  /**
   * Begins a load of about `expectedCalls` calls (see CallsArea.beginBulkLoad): the lean settings
   * always, the indexes set aside when bulkLoadPays against the calls cached now.
   */
  begin(expectedCalls: number): BulkLoad;
  /** The connection is closing: its unfinished loads become abandoned ones, for the next opening. */
  abandon(): void;
}

/**
 * Bulk loads on one connection. Loads may overlap (two imports at once): they share the settings and,
 * once any of them asks, the set-aside indexes, which come back when the last one finishes.
 */
export function createBulkLoader(db: Db): BulkLoader {
  /** The load running on this connection, shared by overlapping begin() calls. */
  let current: RunningLoad | null = null;
  const cachedCalls = db.prepare<[], { calls: number }>('SELECT coalesce(sum(call_count), 0) AS calls FROM pbx');

  function start(): RunningLoad {
    try {
      return { token: randomUUID(), marker: null, markerValue: null, before: setPragmas(db, LOAD_SETTINGS), handles: 0 };
    } catch (error) {
      throw dbError(db, 'Preparing a big load of', error, RETRY);
    }
  }

  function setIndexesAside(load: RunningLoad): void {
    let marker: LoadMarker | null = null;
    try {
      db.transaction(() => {
        // A load of another connection may have set them aside already: its record of them is kept.
        const indexes = { ...readMarker(db)?.marker?.indexes, ...swapInStandIns(db) };
        marker = { pid: process.pid, started: new Date().toISOString(), token: load.token, indexes };
        db.prepare('INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value').run(
          MARKER_KEY,
          JSON.stringify(marker),
        );
        setFtsMerging(db, 0, CRISIS_MERGE);
      })();
    } catch (error) {
      throw dbError(db, 'Preparing a big load of', error, RETRY);
    }
    load.marker = marker;
    load.markerValue = JSON.stringify(marker);
    loadingHere.add(load.token);
  }

  function complete(load: RunningLoad): void {
    if (load.markerValue !== null) {
      try {
        completeLoad(db, load.marker, load.markerValue, true);
      } catch (error) {
        throw dbError(
          db,
          'Rebuilding the indexes after a big load of',
          error,
          'Searches stay correct but slow until it succeeds: finish again, or close and reopen the cache, which rebuilds them.',
        );
      }
    }
    setPragmas(db, load.before);
    loadingHere.delete(load.token);
  }

  return {
    begin(expectedCalls) {
      if (typeof expectedCalls !== 'number' || !(expectedCalls >= 0)) {
        throw new AppError('BAD_INPUT', `A bulk load expects a number of calls, 0 or more, got ${JSON.stringify(expectedCalls)}.`);
      }
      // Every load takes the lean settings: a big file that mostly repeats cached calls reads far more
      // pages than it writes, which through memory-mapped pages would count as this process's memory.
      const setAside = bulkLoadPays((cachedCalls.get() as { calls: number }).calls, expectedCalls);
      const started = current === null;
      const load = current ?? start();
      if (setAside && load.markerValue === null) {
        try {
          setIndexesAside(load);
        } catch (error) {
          if (started) setPragmas(db, load.before);
          throw error;
        }
      }
      current = load;
      load.handles++;
      let finished = false;
      return {
        indexesAside: setAside,
        finish() {
          // A load abandoned when the store closed is finished by the next opening, not here.
          if (finished || load !== current) return;
          if (load.handles === 1) {
            complete(load);
            current = null;
          }
          load.handles--;
          finished = true;
        },
      };
    },
    abandon() {
      if (current !== null) loadingHere.delete(current.token);
      current = null;
    },
  };
}
