import type { ApiErrorCode, ApiErrorPayload } from '../preload/api.js';

/**
 * Errors are values with a stable code (the contract's API_ERROR_CODES) and a human message. Every
 * layer (CLI, IPC, web mode) shows `message` as is, so it must say what was wrong and what to do, and
 * never contain a secret.
 */
export class AppError extends Error {
  readonly code: ApiErrorCode;
  /** Structured, secret-free extra facts (fingerprints, positions, excerpts). */
  readonly details?: Record<string, unknown>;

  constructor(code: ApiErrorCode, message: string, details?: Record<string, unknown>) {
    super(message);
    this.name = 'AppError';
    this.code = code;
    this.details = details;
  }
}

export function isAppError(value: unknown): value is AppError {
  return value instanceof AppError;
}

/**
 * What to tell the user for the SQLite failures that come from the machine rather than from us
 * (better-sqlite3's SqliteError carries SQLite's result code name). A failed write is always rolled
 * back whole, so each says that what was stored before is kept.
 */
const SQLITE_ERRORS: Record<string, string> = {
  SQLITE_FULL: 'The disk holding the cache is full. Free some space and run it again: what was stored before is kept, and a file imported again is recognised.',
  SQLITE_READONLY: 'The cache file cannot be written (read-only file, folder or disk). Make it writable, or use another cache file (--db on the command line).',
  SQLITE_CANTOPEN: 'The cache file cannot be opened. Check that its folder exists and is writable, or use another cache file (--db on the command line).',
  SQLITE_IOERR: 'Reading or writing the cache file failed (a disk or file system error). Check the disk; what was stored before is kept.',
  SQLITE_CORRUPT: 'The cache file is damaged. Restore it from a backup, or start a new cache (--db on the command line) and sync or import again.',
  SQLITE_NOTADB: 'The cache file is not a cache (not an SQLite database). Use another file (--db on the command line).',
  SQLITE_BUSY: 'The cache is busy: another program is writing to it. Try again when it has finished.',
};

function sqliteError(value: Error): AppError | null {
  const code = (value as Error & { code?: unknown }).code;
  if (value.name !== 'SqliteError' || typeof code !== 'string') return null;
  // Extended codes (SQLITE_IOERR_WRITE, SQLITE_BUSY_SNAPSHOT) share their primary code's advice.
  const primary = Object.keys(SQLITE_ERRORS).find((name) => code === name || code.startsWith(`${name}_`));
  if (primary === undefined) return null;
  return new AppError('DB_ERROR', `${SQLITE_ERRORS[primary]} (SQLite: ${value.message})`, { sqlite_code: code });
}

/** Turns anything thrown into an AppError without leaking stack traces to users. */
export function toAppError(value: unknown): AppError {
  if (value instanceof AppError) return value;
  if (value instanceof Error && value.name === 'AbortError') return new AppError('CANCELLED', 'Cancelled.');
  const fromSqlite = value instanceof Error ? sqliteError(value) : null;
  if (fromSqlite !== null) return fromSqlite;
  const message = value instanceof Error ? value.message : String(value);
  return new AppError('INTERNAL', `Unexpected error: ${message}`);
}

/** Anything thrown, as the error half of the contract's ApiResult (and of import results). */
export function toErrorPayload(error: unknown): ApiErrorPayload {
  const appError = toAppError(error);
  const payload: ApiErrorPayload = { code: appError.code, message: appError.message };
  if (appError.details !== undefined) payload.details = appError.details;
  return payload;
}
