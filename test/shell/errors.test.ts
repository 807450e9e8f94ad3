import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { AppError, toAppError } from '../../main/errors.js';

describe('toAppError', () => {
  it('turns the SQLite failures that come from the machine into DB_ERROR advice, extended codes included', () => {
    const full = toAppError(new Database.SqliteError('database or disk is full', 'SQLITE_FULL'));
    expect(full).toMatchObject({ code: 'DB_ERROR', details: { sqlite_code: 'SQLITE_FULL' } });
    expect(full.message).toBe(
      'The disk holding the cache is full. Free some space and run it again: what was stored before is kept, and a file imported again is recognised. (SQLite: database or disk is full)',
    );
    const io = toAppError(new Database.SqliteError('disk I/O error', 'SQLITE_IOERR_WRITE'));
    expect(io.code).toBe('DB_ERROR');
    expect(io.message).toMatch(/^Reading or writing the cache file failed .*\(SQLite: disk I\/O error\)$/);
    expect(toAppError(new Database.SqliteError('database is locked', 'SQLITE_BUSY')).message).toMatch(/^The cache is busy/);
  });

  it('keeps other errors as they are or as INTERNAL, with no stack trace in the message', () => {
    const own = new AppError('NOT_FOUND', 'There is no PBX with id 3.');
    expect(toAppError(own)).toBe(own);
    // A SQLite error that is our own mistake (a constraint, a type mismatch) is not the machine's.
    const constraint = toAppError(new Database.SqliteError('UNIQUE constraint failed: pbx.name', 'SQLITE_CONSTRAINT_UNIQUE'));
    expect(constraint).toMatchObject({ code: 'INTERNAL', message: 'Unexpected error: UNIQUE constraint failed: pbx.name' });
    expect(toAppError(new TypeError('x is undefined'))).toMatchObject({ code: 'INTERNAL', message: 'Unexpected error: x is undefined' });
  });
});
