import { existsSync, mkdirSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { AppError } from '../errors.js';
import type { Db } from './db-type.js';
import { MIGRATIONS, SCHEMA_VERSION, migrate } from './migrations.js';

// The connection type's home is db-type.ts; named here too for callers that open and use a connection.
export type { Db } from './db-type.js';

function notADatabase(path: string, cause: unknown): AppError {
  const reason = cause instanceof Error ? cause.message : String(cause);
  return new AppError(
    'DB_ERROR',
    `"${path}" is not a UCM CDR Viewer cache (SQLite says: ${reason}). Choose another --db file or move this one away.`,
    { path },
  );
}

function tooNew(path: string, version: number): AppError {
  return new AppError(
    'DB_TOO_NEW',
    `The cache "${path}" was written by a newer version of UCM CDR Viewer (schema ${version}, this version knows ${SCHEMA_VERSION}). Update the app or use another --db file.`,
    { path, schema: version, known: SCHEMA_VERSION },
  );
}

/**
 * Reads the schema version of an existing file without being able to change it: a cache from a newer
 * app must stay byte-identical, and a read-write open could already replay a WAL or change the
 * journal mode before we had a chance to look.
 */
function existingSchemaVersion(path: string): number {
  let probe: Db | undefined;
  try {
    probe = new Database(path, { readonly: true, fileMustExist: true });
    return probe.pragma('user_version', { simple: true }) as number;
  } catch (error) {
    throw notADatabase(path, error);
  } finally {
    probe?.close();
  }
}

/**
 * Opens (creating folders and file when needed) a connection to the cache at `path`, with the cache's
 * connection settings. Refuses a file written by a newer app (DB_TOO_NEW, file untouched) or one that
 * is not SQLite (DB_ERROR). It changes no schema: the store's opening (openStore) brings the schema up
 * to date and repairs an interrupted load once, on its main connection; its export reader opens with
 * this alone.
 */
const DEFAULT_MAP_BYTES = 1 << 30;

/** `mapBytes`: how much of the file SQLite reads through a memory map (default 1 GB, see below). */
export function openConnection(path: string, mapBytes = DEFAULT_MAP_BYTES): Db {
  if (path === '' || path === ':memory:') {
    throw new AppError('BAD_INPUT', `The cache needs a file path, got "${path}".`, { path });
  }
  if (existsSync(path)) {
    if (statSync(path).isDirectory()) {
      throw new AppError('DB_ERROR', `"${path}" is a folder, not a cache file. Pass a file path with --db.`, { path });
    }
    const version = existingSchemaVersion(path);
    if (version > MIGRATIONS.length) throw tooNew(path, version);
  } else {
    mkdirSync(dirname(path), { recursive: true });
  }

  let db: Db;
  try {
    db = new Database(path);
  } catch (error) {
    throw notADatabase(path, error);
  }
  try {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.pragma('foreign_keys = ON');
    db.pragma('busy_timeout = 5000');
    // Queries scan compact indexes of up to millions of entries; a larger page cache and memory-mapped
    // reads keep repeated first-page and count queries off the read() path. Reports scan the calls
    // table itself (305 MB at a million calls): mapping the first 1 GB of the file instead of 256 MB
    // took whole-cache groups from 285 to 235 ms and extensions from 615 to 545 ms on the bench cache.
    // The mapped pages are the file's, shared with the OS cache, not memory of the process's own.
    db.pragma('cache_size = -65536');
    db.pragma(`mmap_size = ${mapBytes}`);
    db.pragma('temp_store = MEMORY');
    // Another process may have migrated the file between the probe and this open.
    const version = db.pragma('user_version', { simple: true }) as number;
    if (version > MIGRATIONS.length) throw tooNew(path, version);
    return db;
  } catch (error) {
    db.close();
    if (error instanceof AppError) throw error;
    throw notADatabase(path, error);
  }
}

/** Brings the schema of an open cache up to date (migrations.ts); a failed step leaves nothing behind. */
export function upgradeSchema(db: Db): void {
  try {
    migrate(db);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new AppError(
      'DB_ERROR',
      `The cache "${db.name}" could not be brought to schema ${SCHEMA_VERSION} (SQLite says: ${reason}); the failed step left nothing behind. Use another --db file.`,
      { path: db.name },
    );
  }
}
