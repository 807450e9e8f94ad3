import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect } from 'vitest';
import { AppError } from '../../main/errors.js';
import { openConnection, upgradeSchema } from '../../main/store/db.js';
import { MIGRATIONS, SCHEMA_VERSION } from '../../main/store/migrations.js';
import { openStore } from '../../main/store/store.js';
import { it } from '../support/fixtures.js';

function caught(fn: () => unknown): AppError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(AppError);
    return error as AppError;
  }
  throw new Error('expected an AppError');
}

describe('opening the cache', () => {
  it('creates missing folders and sets WAL, foreign keys, NORMAL sync and a busy timeout', ({ dir }) => {
    const path = join(dir, 'a', 'b', 'cache.sqlite');
    const db = openConnection(path);
    try {
      upgradeSchema(db);
      expect(existsSync(path)).toBe(true);
      expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
      expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
      expect(db.pragma('synchronous', { simple: true })).toBe(1);
      expect(db.pragma('busy_timeout', { simple: true })).toBeGreaterThan(0);
      expect(db.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
    } finally {
      db.close();
    }
  });

  it('opens a plain connection without touching the schema: only opening the store migrates', ({ dir }) => {
    const path = join(dir, 'cache.sqlite');
    const db = openConnection(path);
    try {
      expect(db.pragma('user_version', { simple: true })).toBe(0);
      expect(db.prepare("SELECT count(*) FROM sqlite_master WHERE name = 'calls'").pluck().get()).toBe(0);
    } finally {
      db.close();
    }
    openStore(path).close();
    const check = new Database(path, { readonly: true });
    expect(check.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
    check.close();
  });

  it('runs each migration once and keeps data across reopenings', ({ dir }) => {
    const path = join(dir, 'cache.sqlite');
    const first = openStore(path);
    first.settings.set('theme', 'dark');
    first.close();
    const second = openStore(path);
    try {
      expect(second.settings.get('theme')).toBe('dark');
      // A re-run of migration 1 would fail on CREATE TABLE; reaching here with the row intact proves it did not.
      const db = new Database(path, { readonly: true });
      expect(db.pragma('user_version', { simple: true })).toBe(MIGRATIONS.length);
      const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").pluck().all();
      db.close();
      expect(tables).toEqual(expect.arrayContaining(['pbx', 'calls', 'legs', 'recordings', 'sync_position', 'import_log', 'settings', 'calls_fts']));
    } finally {
      second.close();
    }
  });

  it('brings a schema 1 cache with calls to schema 2: its calls stay, with no import time', ({ dir }) => {
    const path = join(dir, 'cache.sqlite');
    const old = new Database(path);
    old.transaction(() => {
      (MIGRATIONS[0] as (db: Database.Database) => void)(old);
      old.pragma('user_version = 1');
      old.prepare("INSERT INTO pbx (id, name, kind, tz) VALUES (1, 'Imported', 'import', 'UTC')").run();
      old.prepare(
        `INSERT INTO calls (id, pbx_id, session, start, start_utc, start_wall, src, src_num, dst, dst_num, caller_name,
           caller_name_fold, search_text, clid, answered_by, answered_by_num, disposition, direction, action_type,
           action_kind, action_target, duration, billsec, src_trunk_name, dst_trunk_name, account_code, has_recording,
           legs, nat, origin)
         VALUES (1, 1, 'old-1', '2024-03-01T08:00:00', 1709280000, 1709280000, '1000', 1000, '1001', 1001, '', '',
           '1000 1001', '', '', 0, 1, 3, '', '', '', 30, 20, '', '', '', 0, 0, 0, 'import:old.csv')`,
      ).run();
    })();
    old.close();
    const store = openStore(path);
    try {
      expect(store.calls.get(1)).toMatchObject({ session: 'old-1', origin: 'import:old.csv', imported_at: null });
      const pbx = store.profiles.importSource().id;
      const main = { session: 's-2', src: '1000', dst: '1001', start: '2024-03-01 09:00:00', disposition: 'ANSWERED' };
      store.calls.ingest(pbx, [{ session: 's-2', main, legs: [] }], { origin: 'import:new.csv', imported_at: Date.UTC(2026, 10, 26, 12, 30, 5, 700) });
      expect(store.calls.findSession('s-2')[0]?.call).toMatchObject({ origin: 'import:new.csv', imported_at: '2026-11-26T12:30:05Z' });
    } finally {
      store.close();
    }
    const check = new Database(path, { readonly: true });
    expect(check.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
    check.close();
  });

  it('applies a pending migration in a transaction together with its user_version', ({ dir }) => {
    const path = join(dir, 'cache.sqlite');
    const db = new Database(path);
    db.exec('CREATE TABLE pbx (id INTEGER PRIMARY KEY)');
    db.close();
    // Migration 1 fails half-way (pbx exists): nothing of it may remain and the version stays 0.
    const error = caught(() => openStore(path));
    expect(error.code).toBe('DB_ERROR');
    expect(error.message).toContain(`could not be brought to schema ${SCHEMA_VERSION}`);
    const check = new Database(path, { readonly: true });
    expect(check.pragma('user_version', { simple: true })).toBe(0);
    expect(check.prepare("SELECT count(*) FROM sqlite_master WHERE name = 'calls'").pluck().get()).toBe(0);
    check.close();
  });

  it('refuses a cache from a newer version with DB_TOO_NEW and leaves the file byte-identical', ({ dir }) => {
    const path = join(dir, 'newer.sqlite');
    const db = new Database(path);
    db.exec("CREATE TABLE future (x); INSERT INTO future VALUES ('kept')");
    db.pragma(`user_version = ${SCHEMA_VERSION + 5}`);
    db.close();
    const before = readFileSync(path);

    const error = caught(() => openStore(path));
    expect(error.code).toBe('DB_TOO_NEW');
    expect(error.message).toContain('written by a newer version of UCM CDR Viewer');
    expect(error.message).toContain(`schema ${SCHEMA_VERSION + 5}, this version knows ${SCHEMA_VERSION}`);
    expect(error.message).toContain('Update the app or use another --db file.');
    expect(readFileSync(path).equals(before)).toBe(true);
    expect(existsSync(`${path}-wal`)).toBe(false);
  });

  it('refuses a file that is not SQLite with DB_ERROR naming the file', ({ dir }) => {
    const path = join(dir, 'notes.sqlite');
    writeFileSync(path, 'session,src,dst\n1,1000,1001\n'.repeat(200));
    const before = readFileSync(path);
    const error = caught(() => openStore(path));
    expect(error.code).toBe('DB_ERROR');
    expect(error.message).toContain(path);
    expect(error.message).toContain('not a UCM CDR Viewer cache');
    expect(readFileSync(path).equals(before)).toBe(true);
  });

  it('refuses a folder given as the cache file', ({ dir }) => {
    const error = caught(() => openStore(dir));
    expect(error.code).toBe('DB_ERROR');
    expect(error.message).toContain('is a folder');
  });
});
