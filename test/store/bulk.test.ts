import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import type { CallFilter, CallPageRequest } from '../../preload/api.js';
import type { CdrCall } from '../../main/cdr/types.js';
import { bulkLoadPays, createBulkLoader } from '../../main/store/bulk.js';
import { openConnection, upgradeSchema } from '../../main/store/db.js';
import { MIGRATIONS } from '../../main/store/migrations.js';
import { BULK_MIN_CALLS } from '../../main/importers/tuning.js';
import { openStore } from '../../main/store/store.js';
import type { Store } from '../../main/store/types.js';
import { flatCall, transferCall } from '../support/calls.js';
import { tempDir } from '../support/fs.js';
import { addPbx } from '../support/store.js';

/** The index SQL schema 1 creates, verbatim from sqlite_master of caches made by every release. */
const SCHEMA_1_INDEX_SQL: Record<string, string> = {
  calls_by_start:
    'CREATE INDEX calls_by_start ON calls (\n      start_utc, id, start_wall, pbx_id, disposition, direction, action_kind, has_recording, nat, billsec, duration,\n      src_trunk_name, dst_trunk_name, account_code\n    )',
  calls_by_id:
    'CREATE INDEX calls_by_id ON calls (\n      id, start_wall, pbx_id, disposition, direction, action_kind, has_recording, nat, billsec, duration,\n      src_trunk_name, dst_trunk_name, account_code\n    )',
  calls_by_src: 'CREATE INDEX calls_by_src ON calls (src, start_utc, id, billsec, src_num)',
  calls_by_dst: 'CREATE INDEX calls_by_dst ON calls (dst, start_utc, id, billsec, dst_num)',
  calls_by_answered_by:
    "CREATE INDEX calls_by_answered_by ON calls (answered_by, start_utc, id, billsec, answered_by_num)\n      WHERE answered_by <> ''",
  calls_by_action_kind: 'CREATE INDEX calls_by_action_kind ON calls (action_kind, start_utc, id, billsec)',
  calls_by_src_trunk: "CREATE INDEX calls_by_src_trunk ON calls (src_trunk_name, start_utc, id, billsec) WHERE src_trunk_name <> ''",
  calls_by_dst_trunk: "CREATE INDEX calls_by_dst_trunk ON calls (dst_trunk_name, start_utc, id, billsec) WHERE dst_trunk_name <> ''",
  calls_by_account_code:
    "CREATE INDEX calls_by_account_code ON calls (account_code, start_utc, id, billsec) WHERE account_code <> ''",
};

/** A load this big sets the indexes aside on the small caches of these tests (bulkLoadPays). */
const BIG_LOAD = 1_000_000;

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0).reverse()) cleanup();
});

function cachePath(): string {
  const temp = tempDir();
  cleanups.push(temp.cleanup);
  return join(temp.dir, 'cache.sqlite');
}

/** A plain connection to a cache at the current schema, as the store's own connection is. */
function migratedConnection(path: string): Database.Database {
  const db = openConnection(path);
  upgradeSchema(db);
  return db;
}

function opened(path: string): Store {
  const store = openStore(path);
  cleanups.push(() => store.close());
  return store;
}

/** What the file says, read on a connection of its own. */
function inspect<T>(path: string, read: (db: Database.Database) => T): T {
  const db = new Database(path, { readonly: true });
  try {
    return read(db);
  } finally {
    db.close();
  }
}

function indexSql(path: string): Record<string, string | null> {
  return inspect(path, (db) =>
    Object.fromEntries(
      db
        .prepare<[], { name: string; sql: string | null }>(
          "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'calls' ORDER BY name",
        )
        .all()
        .map((r) => [r.name, r.sql]),
    ),
  );
}

function marker(path: string): string | null {
  return inspect(path, (db) => db.prepare("SELECT value FROM settings WHERE key = 'bulk_load'").pluck().get() as string | undefined) ?? null;
}

function ftsOptions(path: string): Record<string, number> {
  return inspect(path, (db) =>
    Object.fromEntries(
      db
        .prepare<[], { k: string; v: number }>("SELECT k, v FROM calls_fts_config WHERE k IN ('automerge', 'crisismerge')")
        .all()
        .map((r) => [r.k, r.v]),
    ),
  );
}

/** Schema 5's covering indexes for reports. */
const SCHEMA_5_INDEX_SQL = {
  calls_for_reports: 'CREATE INDEX calls_for_reports ON calls (start_wall, pbx_id, direction, outcome, billsec, duration, start_utc)',
  calls_for_top: 'CREATE INDEX calls_for_top ON calls (src, outcome, billsec, caller_name)',
};
/** Schema 9 rebuilds calls_by_start with the outcome at its end. */
const SCHEMA_9_INDEX_SQL = {
  calls_by_start:
    'CREATE INDEX calls_by_start ON calls (\n      start_utc, id, start_wall, pbx_id, disposition, direction, action_kind, has_recording, nat, billsec, duration,\n      src_trunk_name, dst_trunk_name, account_code, outcome\n    )',
};
/** Schema 10 drops calls_by_action_kind and calls_for_top, and builds calls_by_src with the outcome and caller name at its end. */
const { calls_by_action_kind: _dropped, ...SCHEMA_1_INDEX_SQL_KEPT } = SCHEMA_1_INDEX_SQL;
const { calls_for_top: _replaced, ...SCHEMA_5_INDEX_SQL_KEPT } = SCHEMA_5_INDEX_SQL;
const SCHEMA_10_INDEX_SQL = { calls_by_src: 'CREATE INDEX calls_by_src ON calls (src, start_utc, id, billsec, src_num, outcome, caller_name)' };
const SCHEMA_INDEX_SQL: Record<string, string> = { ...SCHEMA_1_INDEX_SQL_KEPT, ...SCHEMA_5_INDEX_SQL_KEPT, ...SCHEMA_9_INDEX_SQL, ...SCHEMA_10_INDEX_SQL };
const FRESH_INDEXES = { ...SCHEMA_INDEX_SQL, sqlite_autoindex_calls_1: null };

function expectFinished(path: string): void {
  expect(indexSql(path)).toEqual(FRESH_INDEXES);
  expect(marker(path)).toBeNull();
  expect(ftsOptions(path)).toEqual({ automerge: 4, crisismerge: 16 });
}

const SWAPPED = ['calls_by_src', 'calls_by_dst', 'calls_by_answered_by'];

function expectStandIns(path: string): void {
  const sql = indexSql(path);
  for (const [name, created] of Object.entries(SCHEMA_INDEX_SQL)) {
    // The number indexes are swapped; those led by time, id or a few values stay, being cheap to keep.
    expect(sql[name]).toBe(SWAPPED.includes(name) ? `CREATE INDEX ${name} ON calls (id)` : created);
  }
  // The identity index, which ingest's conflict check and merge rely on, stays.
  expect(sql).toHaveProperty('sqlite_autoindex_calls_1');
}

function wall(i: number): string {
  return new Date(Date.UTC(2024, 0, 1) + i * 3_600_000).toISOString().slice(0, 19).replace('T', ' ');
}

/** Varied calls: rare and common numbers, trunks, names, statuses, account codes. */
function calls(from: number, count: number): CdrCall[] {
  return Array.from({ length: count }, (_, k) => {
    const i = from + k;
    return flatCall({
      session: `bulk-${i}`,
      start: wall(i),
      src: i % 30 === 0 ? '1001' : i % 3 === 0 ? `0301${String(i).padStart(4, '0')}` : String(1100 + (i % 7)),
      dst: i % 11 === 0 ? '0891555' : String(2000 + (i % 5)),
      caller_name: i % 9 === 0 ? 'Zygmunt Nowak' : i % 2 === 0 ? 'Anna' : '',
      disposition: i % 4 === 0 ? 'NO ANSWER' : 'ANSWERED',
      userfield: i % 3 === 0 ? 'Inbound' : 'Internal',
      src_trunk_name: i % 3 === 0 ? (i % 2 === 0 ? 'trunk_a' : 'trunk_b') : '',
      accountcode: i % 10 === 0 ? 'PROJ1' : '',
      action_type: i % 8 === 0 ? 'QUEUE[6500]' : 'DIAL',
      billsec: i % 4 === 0 ? 0 : 10 + (i % 50),
    });
  });
}

const FILTERS: CallFilter[] = [
  {},
  { caller: '1001' },
  { caller: '0301*' },
  { callee: '0891555', status: ['ANSWERED'] },
  { src_trunk: ['trunk_a'] },
  { account_code: ['PROJ1'] },
  { action_type: ['QUEUE'] },
  { answered_by: '2003' },
  { caller_name: 'zygmunt' },
  { search: '0891' },
  { from: '2024-01-02', to: '2024-01-04T12:00', direction: ['inbound'] },
  { min_talk: 30 },
];

function answers(store: Store): unknown[] {
  return FILTERS.flatMap((filter) => {
    const first: CallPageRequest = { filter, limit: 7 };
    const page = store.calls.page(first);
    const next = page.next_cursor === null ? null : store.calls.page({ ...first, cursor: page.next_cursor });
    const bySrc = store.calls.page({ filter, limit: 5, sort: { field: 'src', dir: 'asc' } });
    return [filter, page, next, bySrc, store.calls.totals(filter)];
  });
}

function liveChild(): { child: ChildProcess; stop: () => Promise<void> } {
  // Stays alive until its stdin closes, so it ends with the test even if the test fails.
  const child = spawn(process.execPath, ['-e', 'process.stdin.resume()'], { stdio: ['pipe', 'ignore', 'ignore'] });
  const exited = once(child, 'exit');
  const stop = async (): Promise<void> => {
    child.stdin?.end();
    await exited;
  };
  cleanups.push(() => child.kill());
  return { child, stop };
}

/** Writes, on a connection of its own, what a loader that died mid-way leaves behind. */
function leaveAbandonedLoad(path: string, pid: number): void {
  const db = new Database(path);
  try {
    db.transaction(() => {
      db.prepare("INSERT INTO settings (key, value) VALUES ('bulk_load', ?)").run(
        JSON.stringify({ pid, started: '2024-05-01T10:00:00.000Z', token: 'died' }),
      );
      const names = Object.keys(SCHEMA_1_INDEX_SQL_KEPT);
      for (const name of names.slice(0, 4)) db.exec(`DROP INDEX ${name}; CREATE INDEX ${name} ON calls (id)`);
      // A loader can die after dropping an index and before its stand-in exists.
      for (const name of names.slice(4)) db.exec(`DROP INDEX ${name}`);
      db.exec("INSERT INTO calls_fts (calls_fts, rank) VALUES ('automerge', 0)");
      db.exec("INSERT INTO calls_fts (calls_fts, rank) VALUES ('crisismerge', 1000)");
    })();
  } finally {
    db.close();
  }
}

function cacheWithCalls(count: number): { path: string; pbx: number } {
  const path = cachePath();
  const store = openStore(path);
  const pbx = addPbx(store, 'Office', 'UTC');
  store.calls.ingest(pbx, calls(0, count), { origin: 'sync' });
  store.close();
  return { path, pbx };
}

describe('the index definitions', () => {
  it('give a fresh cache exactly the index SQL schema 1 always created', () => {
    const path = cachePath();
    opened(path);
    expect(indexSql(path)).toEqual(FRESH_INDEXES);
  });
});

/** Every object of a cache file with its SQL and root page: a rebuilt table or index gets a new root page. */
function objects(path: string): Record<string, { sql: string | null; rootpage: number }> {
  return inspect(path, (db) =>
    Object.fromEntries(
      db
        .prepare<[], { name: string; sql: string | null; rootpage: number }>('SELECT name, sql, rootpage FROM sqlite_master')
        .all()
        .map((r) => [r.name, { sql: r.sql, rootpage: r.rootpage }]),
    ),
  );
}

describe('opening a cache made by an earlier release', () => {
  it('runs only the steps it lacks: every object schema 1 and 2 built stays as it was, page for page', () => {
    const path = cachePath();
    const old = new Database(path);
    old.pragma('journal_mode = WAL');
    old.transaction(() => {
      (MIGRATIONS[0] as (db: Database.Database) => void)(old);
      (MIGRATIONS[1] as (db: Database.Database) => void)(old);
      old.pragma('user_version = 2');
    })();
    old.close();
    const before = objects(path);

    opened(path).close();

    const after = objects(path);
    // Schemas 3, 6 and 7 add columns to these (ALTER TABLE rewrites the CREATE text, not the table's pages).
    const altered = ['calls', 'import_log', 'pbx'];
    for (const [name, object] of Object.entries(before)) {
      if (altered.includes(name)) expect(after[name]?.rootpage, name).toBe(object.rootpage);
      // Schema 9 builds calls_by_start anew, one column wider.
      else if (name === 'calls_by_start') expect(after[name]?.sql, name).toBe(SCHEMA_9_INDEX_SQL.calls_by_start);
      // Schema 10 drops one and builds the other anew, two columns wider.
      else if (name === 'calls_by_action_kind') expect(after[name], name).toBeUndefined();
      else if (name === 'calls_by_src') expect(after[name]?.sql, name).toBe(SCHEMA_10_INDEX_SQL.calls_by_src);
      else expect(after[name], name).toEqual(object);
    }
    const added = Object.keys(after).filter((name) => !(name in before));
    expect(added.sort()).toEqual([
      'alert_calls',
      'alert_calls_by_call',
      'alerts',
      'alerts_by_last',
      'call_conflicts',
      'call_conflicts_by_import',
      'called_countries',
      'calls_for_reports',
      'contacts',
      'contacts_forget_pbx',
      'import_merges',
      'import_merges_by_call',
      'rate_plans',
      'rate_rows',
      'sqlite_autoindex_alerts_1',
      'sqlite_autoindex_rate_plans_1',
      'sqlite_autoindex_rate_rows_1',
      'sqlite_sequence',
      'watch_state',
    ]);
  });

  it('keeps an index whose text differs from what this release would write (no rebuild at open)', () => {
    const { path } = cacheWithCalls(30);
    const db = new Database(path);
    db.exec('DROP INDEX calls_by_src; CREATE INDEX calls_by_src ON calls (src,   start_utc, id, billsec, src_num)');
    db.close();
    const before = objects(path);

    opened(path).close();

    expect(objects(path)).toEqual(before);
  });

  it('restores after a killed load exactly the index SQL the load set aside, not the schema of today', () => {
    const { path } = cacheWithCalls(30);
    const db = new Database(path);
    const older = 'CREATE INDEX calls_by_src ON calls (src,   start_utc, id, billsec, src_num)';
    db.exec(`DROP INDEX calls_by_src; ${older}`);
    db.close();
    const store = openStore(path);
    store.calls.beginBulkLoad(BIG_LOAD);
    expect(JSON.parse(marker(path) as string).indexes).toMatchObject({ calls_by_src: older });
    // The loader dies: its marker names a process that is gone.
    const raw = new Database(path);
    const dead = { ...JSON.parse(marker(path) as string), pid: 2 ** 30 };
    raw.prepare("UPDATE settings SET value = ? WHERE key = 'bulk_load'").run(JSON.stringify(dead));
    raw.close();
    store.close();

    opened(path);

    expect(indexSql(path)['calls_by_src']).toBe(older);
    expect(indexSql(path)['calls_by_dst']).toBe(SCHEMA_1_INDEX_SQL['calls_by_dst']);
    expect(marker(path)).toBeNull();
  });
});

describe('a bulk load', () => {
  it('swaps the number indexes for stand-ins while loading and brings back those of a fresh cache', () => {
    const path = cachePath();
    const store = opened(path);
    const pbx = addPbx(store, 'Office', 'UTC');
    const load = store.calls.beginBulkLoad(BIG_LOAD);
    expectStandIns(path);
    expect(JSON.parse(marker(path) as string)).toMatchObject({ pid: process.pid });
    expect(ftsOptions(path)).toEqual({ automerge: 0, crisismerge: 1000 });

    store.calls.ingest(pbx, calls(0, 50), { origin: 'sync' });
    load.finish();
    expectFinished(path);
    expect(inspect(path, (db) => db.pragma('integrity_check', { simple: true }))).toBe('ok');
  });

  it('answers pages and totals like a cache loaded normally, during the load and after', () => {
    const control = opened(cachePath());
    const controlPbx = addPbx(control, 'Office', 'UTC');
    control.calls.ingest(controlPbx, calls(0, 240), { origin: 'sync' });
    const expected = answers(control);

    const path = cachePath();
    const store = opened(path);
    const pbx = addPbx(store, 'Office', 'UTC');
    const load = store.calls.beginBulkLoad(BIG_LOAD);
    for (let from = 0; from < 240; from += 60) store.transaction(() => store.calls.ingest(pbx, calls(from, 60), { origin: 'sync' }));
    expectStandIns(path);
    expect(answers(store)).toEqual(expected);
    load.finish();
    expect(answers(store)).toEqual(expected);
  });

  it('lets the query planner seek the rebuilt indexes again after finish', () => {
    const path = cachePath();
    const store = opened(path);
    const pbx = addPbx(store, 'Office', 'UTC');
    const load = store.calls.beginBulkLoad(BIG_LOAD);
    store.calls.ingest(pbx, calls(0, 100), { origin: 'sync' });
    load.finish();
    const plan = inspect(path, (db) =>
      db
        .prepare("EXPLAIN QUERY PLAN SELECT id FROM calls INDEXED BY calls_by_src WHERE src = '1001' ORDER BY start_utc DESC")
        .all()
        .map((r) => (r as { detail: string }).detail)
        .join(' | '),
    );
    expect(plan).toContain('SEARCH calls USING COVERING INDEX calls_by_src (src=?)');
    expect(plan).not.toContain('TEMP B-TREE');
  });

  it('does nothing more when finish is called twice, and restores the indexes only when the last overlapping load ends', () => {
    const path = cachePath();
    const store = opened(path);
    const pbx = addPbx(store, 'Office', 'UTC');
    const first = store.calls.beginBulkLoad(BIG_LOAD);
    const second = store.calls.beginBulkLoad(BIG_LOAD);
    store.calls.ingest(pbx, calls(0, 20), { origin: 'sync' });
    first.finish();
    first.finish();
    expectStandIns(path);
    second.finish();
    expectFinished(path);
    second.finish();
    expectFinished(path);
    expect(store.calls.totals({ caller: '1001' }).count).toBe(1);
  });

  it('keeps deduplicating and merging sessions while the indexes are away', () => {
    const path = cachePath();
    const store = opened(path);
    const pbx = addPbx(store, 'Office');
    const full = transferCall();
    const partial: CdrCall = { session: full.session, main: full.main, legs: [full.legs[0] as CdrCall['main']] };
    const load = store.calls.beginBulkLoad(BIG_LOAD);
    expect(store.calls.ingest(pbx, [partial, ...calls(0, 10)], { origin: 'sync' })).toEqual({ inserted: 11, unchanged: 0, merged: 0, kept: 0, elsewhere: {} });
    expect(store.calls.ingest(pbx, calls(0, 10), { origin: 'sync' })).toEqual({ inserted: 0, unchanged: 10, merged: 0, kept: 0, elsewhere: {} });
    expect(store.calls.ingest(pbx, [full], { origin: 'sync' })).toEqual({ inserted: 0, unchanged: 0, merged: 1, kept: 0, elsewhere: {} });
    load.finish();
    expect(store.calls.totals({}).count).toBe(11);
    const [merged] = store.calls.findSession(full.session);
    expect(merged?.legs.map((l) => l.acct_id)).toEqual(['1', '2']);
    expect(merged?.call.answered_by).toBe('1002');
    expect(store.calls.page({ filter: { answered_by: '1002' } }).rows.map((r) => r.session)).toEqual([full.session]);
  });

  it('leaves a consistent cache when a batch fails half-way and the load is then finished', () => {
    const path = cachePath();
    const store = opened(path);
    const pbx = addPbx(store, 'Office', 'UTC');
    const load = store.calls.beginBulkLoad(BIG_LOAD);
    store.transaction(() => store.calls.ingest(pbx, calls(0, 30), { origin: 'sync' }));
    expect(() =>
      store.transaction(() => {
        store.calls.ingest(pbx, calls(30, 30), { origin: 'sync' });
        throw new Error('the file ended in the middle of a row');
      }),
    ).toThrow('the file ended');
    load.finish();

    expectFinished(path);
    expect(store.calls.totals({}).count).toBe(30);
    expect(store.calls.totals({ caller: '1001' }).count).toBe(1);
    expect(store.calls.page({ filter: { search: 'zygmunt' }, limit: 100 }).rows).toHaveLength(4);
    inspect(path, (db) => {
      expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
      expect(db.prepare('SELECT count(*) FROM calls').pluck().get()).toBe(30);
    });
    // FTS5 checks its own structure against the rows it was given.
    const check = new Database(path);
    cleanups.push(() => check.close());
    expect(() => check.exec("INSERT INTO calls_fts (calls_fts, rank) VALUES ('integrity-check', 0)")).not.toThrow();
  });

  it('runs beside an export that still reads the calls: the export keeps the calls it started with', () => {
    const { path, pbx } = cacheWithCalls(10);
    const store = opened(path);
    const rows = store.calls.iterate({});
    expect(rows.next().done).toBe(false);
    const load = store.calls.beginBulkLoad(BIG_LOAD);
    expectStandIns(path);
    store.calls.ingest(pbx, calls(10, 5), { origin: 'sync' });
    load.finish();
    expectFinished(path);
    expect([...rows]).toHaveLength(9);
    expect(store.calls.totals({}).count).toBe(15);
  });

  it('maps no file memory and checkpoints less often while loading, and restores the connection settings after', () => {
    const path = cachePath();
    const db = migratedConnection(path);
    cleanups.push(() => db.close());
    const setting = (name: string): number => db.pragma(name, { simple: true }) as number;
    const before = { mmap: setting('mmap_size'), checkpoint: setting('wal_autocheckpoint'), temp: setting('temp_store') };
    expect(before.mmap).toBeGreaterThan(0);
    const load = createBulkLoader(db).begin(BIG_LOAD);
    expect(setting('mmap_size')).toBe(0);
    expect(setting('wal_autocheckpoint')).toBe(10_000);
    load.finish();
    expect({ mmap: setting('mmap_size'), checkpoint: setting('wal_autocheckpoint'), temp: setting('temp_store') }).toEqual(before);
  });
});

describe('a load too small to set the indexes aside', () => {
  it('takes the lean settings only: indexes, text index options and marker stay as they were', () => {
    const path = cachePath();
    const db = migratedConnection(path);
    cleanups.push(() => db.close());
    const fts = ftsOptions(path);
    const load = createBulkLoader(db).begin(0);
    expect(db.pragma('mmap_size', { simple: true })).toBe(0);
    expect(indexSql(path)).toEqual(FRESH_INDEXES);
    expect(marker(path)).toBeNull();
    expect(ftsOptions(path)).toEqual(fts);
    load.finish();
    expect(db.pragma('mmap_size', { simple: true })).toBeGreaterThan(0);
    expect(indexSql(path)).toEqual(FRESH_INDEXES);
  });

  it('sets the indexes aside when an overlapping load asks, and brings them back when the last one ends', () => {
    const path = cachePath();
    const store = opened(path);
    const pbx = addPbx(store, 'Office', 'UTC');
    const lean = store.calls.beginBulkLoad(0);
    const big = store.calls.beginBulkLoad(BIG_LOAD);
    expectStandIns(path);
    store.calls.ingest(pbx, calls(0, 20), { origin: 'sync' });
    big.finish();
    expectStandIns(path);
    lean.finish();
    expectFinished(path);
    expect(store.calls.totals({ caller: '1001' }).count).toBe(1);
  });
});

describe('when a bulk load pays', () => {
  it('pays for a first big import and for one much larger than the cache, not for a top-up or a small file', () => {
    expect(bulkLoadPays(0, 1_000_000)).toBe(true);
    expect(bulkLoadPays(100_000, 300_000)).toBe(true);
    expect(bulkLoadPays(300_000, 100_000)).toBe(false);
    expect(bulkLoadPays(0, 5_000)).toBe(false);
  });

  it('is decided by the store from the expected size: a small load keeps the indexes in place, a big one sets them aside', () => {
    const path = cachePath();
    const store = opened(path);
    const pbx = addPbx(store, 'Office', 'UTC');
    store.calls.ingest(pbx, calls(0, 20), { origin: 'sync' });

    const small = store.calls.beginBulkLoad(BULK_MIN_CALLS - 1);
    expect(small.indexesAside).toBe(false);
    expect(indexSql(path)).toEqual(FRESH_INDEXES);
    expect(marker(path)).toBeNull();
    small.finish();

    const big = store.calls.beginBulkLoad(BULK_MIN_CALLS);
    expect(big.indexesAside).toBe(true);
    expectStandIns(path);
    big.finish();
    expectFinished(path);
  });

  it('weighs the expected size against the calls cached: a load less than twice the cache keeps the indexes', () => {
    const path = cachePath();
    const store = opened(path);
    const pbx = addPbx(store, 'Office', 'UTC');
    // The store counts its calls from the per-PBX tallies; a big cache is simulated by its tally alone.
    const raw = new Database(path);
    raw.prepare('UPDATE pbx SET call_count = 300000 WHERE id = ?').run(pbx);
    raw.close();

    const topUp = store.calls.beginBulkLoad(500_000);
    expect(topUp.indexesAside).toBe(false);
    expect(indexSql(path)).toEqual(FRESH_INDEXES);
    topUp.finish();

    const bigger = store.calls.beginBulkLoad(600_000);
    expect(bigger.indexesAside).toBe(true);
    expectStandIns(path);
    bigger.finish();
    expectFinished(path);
  });
});

describe('opening a cache a bulk load did not finish', () => {
  it('rebuilds the indexes, restores the text index options and clears the marker of a loader that died', async () => {
    const { path } = cacheWithCalls(40);
    const gone = spawn(process.execPath, ['-e', '0'], { stdio: 'ignore' });
    const [code] = await once(gone, 'exit');
    expect(code).toBe(0);
    leaveAbandonedLoad(path, gone.pid as number);

    const store = opened(path);
    expectFinished(path);
    expect(store.calls.totals({ caller: '1001' }).count).toBe(2);
    expect(store.calls.page({ filter: { src_trunk: ['trunk_a'] }, limit: 100 }).rows).toHaveLength(7);
  });

  it('finishes a load this process abandoned by closing the store without finish', () => {
    const { path, pbx } = cacheWithCalls(10);
    const store = openStore(path);
    const load = store.calls.beginBulkLoad(BIG_LOAD);
    store.calls.ingest(pbx, calls(10, 10), { origin: 'sync' });
    store.close();
    expectStandIns(path);
    // The connection is gone: finishing is left to the next opening.
    expect(() => load.finish()).not.toThrow();

    const reopened = opened(path);
    expectFinished(path);
    expect(reopened.calls.totals({}).count).toBe(20);
  });

  it('treats an unreadable marker as a loader that died', () => {
    const { path } = cacheWithCalls(10);
    const db = new Database(path);
    db.prepare("INSERT INTO settings (key, value) VALUES ('bulk_load', 'not json')").run();
    db.exec('DROP INDEX calls_by_src');
    db.close();
    opened(path);
    expectFinished(path);
  });

  it('leaves the load of another running process alone, and finishes it once that process is gone', async () => {
    const { path } = cacheWithCalls(20);
    const { child, stop } = liveChild();
    leaveAbandonedLoad(path, child.pid as number);

    const meanwhile = openStore(path);
    expect(indexSql(path)).toMatchObject({ calls_by_start: 'CREATE INDEX calls_by_start ON calls (id)' });
    expect(indexSql(path)).not.toHaveProperty('calls_by_account_code');
    expect(JSON.parse(marker(path) as string)).toMatchObject({ pid: child.pid });
    expect(ftsOptions(path)).toEqual({ automerge: 0, crisismerge: 1000 });
    meanwhile.close();

    await stop();
    opened(path);
    expectFinished(path);
  });

  it('leaves a load of this process running on another connection alone', () => {
    const { path, pbx } = cacheWithCalls(10);
    const loader = opened(path);
    const load = loader.calls.beginBulkLoad(BIG_LOAD);
    const reader = opened(path);
    expectStandIns(path);
    loader.calls.ingest(pbx, calls(10, 10), { origin: 'sync' });
    expect(reader.calls.totals({ caller: '1001' }).count).toBe(1);
    load.finish();
    expectFinished(path);
    expect(reader.calls.page({ filter: { caller: '1001' } }).rows).toHaveLength(1);
  });
});
