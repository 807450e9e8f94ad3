import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect } from 'vitest';
import { AppError } from '../../main/errors.js';
import type { UpgradeProgress } from '../../main/store/record-upgrade.js';
import { openStore } from '../../main/store/store.js';
import { test } from '../support/fixtures.js';
import { cacheContent, schema7Cache, type CacheContent } from './legacy-cache.js';

/**
 * Issue 16, "Upgrading existing caches": the desktop app and `ucmcdr serve` open an older cache without
 * converting its records (openStore's deferUpgrade) and convert them in the background, batch by
 * batch, while the store answers: it must end as the conversion at opening does, byte for byte.
 */

const CALLS = 1_000;

/** Records still in the JSON form of schema 7. */
function textRecords(path: string): number {
  const raw = new Database(path, { readonly: true });
  try {
    return raw.prepare("SELECT count(*) FROM legs WHERE typeof(fields) = 'text'").pluck().get() as number;
  } finally {
    raw.close();
  }
}

function marker(path: string): string | null {
  const raw = new Database(path, { readonly: true });
  try {
    const row = raw.prepare("SELECT value FROM settings WHERE key = 'records.compact_after'").get() as { value: string } | undefined;
    return row?.value ?? null;
  } finally {
    raw.close();
  }
}

/** A schema 7 cache at `old`, and what the conversion at opening makes of a copy of it. */
function legacyAndExpected(dir: string): { old: string; expected: CacheContent } {
  const old = join(dir, 'old.sqlite');
  schema7Cache(old, CALLS);
  const copy = join(dir, 'converted-at-opening.sqlite');
  copyFileSync(old, copy);
  openStore(copy).close();
  return { old, expected: cacheContent(copy) };
}

function expectSameCache(path: string, expected: CacheContent): void {
  const after = cacheContent(path);
  expect(after.calls).toEqual(expected.calls);
  expect(after.legs).toEqual(expected.legs);
  expect(after.field_sets).toEqual(expected.field_sets);
  expect(after.settings).toEqual(expected.settings);
}

describe('converting an older cache in the background', () => {
  test('a deferred opening returns with every record unconverted and the conversion pending; the cache answers already', ({ dir }) => {
    const { old } = legacyAndExpected(dir);
    const records = textRecords(old);
    expect(records).toBeGreaterThan(CALLS);
    const store = openStore(old, { deferUpgrade: true });
    try {
      expect(store.upgrade.pending()).toBe(true);
      expect(textRecords(old)).toBe(records);
      expect(marker(old)).toBe('0');
      expect(store.calls.totals({}).count).toBe(CALLS);
      const [first] = store.calls.page({ filter: {}, limit: 1 }).rows;
      expect(store.calls.session(first!.id)?.legs.length).toBeGreaterThan(0);
    } finally {
      store.close();
    }
  });

  test('converts batch by batch, answering queries between batches, and ends as the conversion at opening does', async ({ dir }) => {
    const { old, expected } = legacyAndExpected(dir);
    const store = openStore(old, { deferUpgrade: true });
    const progress: UpgradeProgress[] = [];
    /** What the store answered at each pause: the count, a page and a session, while records are in both forms. */
    const between: { phase: string; count: number; rows: number; legs: number; left: number }[] = [];
    try {
      const outcome = await store.upgrade.run({
        batchCalls: 300,
        onProgress: (p) => progress.push(p),
        pause: async (phase) => {
          const rows = store.calls.page({ filter: {}, limit: 50 }).rows;
          const legs = rows.reduce((n, row) => n + (store.calls.session(row.id)?.legs.length ?? 0), 0);
          between.push({ phase, count: store.calls.totals({}).count, rows: rows.length, legs, left: textRecords(old) });
          await new Promise((resolve) => setImmediate(resolve));
        },
      });
      expect(outcome).toBe('done');
      expect(store.upgrade.pending()).toBe(false);
    } finally {
      store.close();
    }
    expect(progress).toEqual([
      { phase: 'records', done: 0, total: CALLS },
      { phase: 'records', done: 300, total: CALLS },
      { phase: 'records', done: 600, total: CALLS },
      { phase: 'records', done: 900, total: CALLS },
      { phase: 'records', done: CALLS, total: CALLS },
      { phase: 'space', done: CALLS, total: CALLS },
    ]);
    // Every pause found the cache whole and answering, with fewer records left in the old form each time.
    expect(between.map((b) => b.phase)).toEqual(['records', 'records', 'records', 'records', 'records', 'space']);
    for (const b of between) {
      expect(b.count).toBe(CALLS);
      expect(b.rows).toBe(50);
      expect(b.legs).toBe(between[0]!.legs);
    }
    const left = between.filter((b) => b.phase === 'records').map((b) => b.left);
    expect(left[0]).toBeGreaterThan(0);
    for (let i = 1; i < left.length; i++) expect(left[i]).toBeLessThan(left[i - 1]!);
    expect(left.at(-1)).toBe(0);
    expect(marker(old)).toBeNull();
    expectSameCache(old, expected);
  });

  test('stops at the next pause when the store closes, and the next opening goes on from the last batch', async ({ dir }) => {
    const { old, expected } = legacyAndExpected(dir);
    const store = openStore(old, { deferUpgrade: true });
    let pauses = 0;
    const outcome = await store.upgrade.run({
      batchCalls: 300,
      pause: async () => {
        // After the second batch: the app closes.
        if (++pauses === 3) store.close();
      },
    });
    expect(outcome).toBe('stopped');
    expect(Number(marker(old))).toBeGreaterThan(0);
    expect(textRecords(old)).toBeGreaterThan(0);
    openStore(old).close();
    expectSameCache(old, expected);
  });

  test('a batch that fails rejects with what to do, and the cache stays usable', async ({ dir }) => {
    const { old } = legacyAndExpected(dir);
    // A record the conversion cannot read, in the third batch.
    const raw = new Database(old);
    raw.prepare("UPDATE legs SET fields = '[1, \"broken' WHERE call_id = (SELECT id FROM calls ORDER BY id LIMIT 1 OFFSET 700)").run();
    raw.close();
    const store = openStore(old, { deferUpgrade: true });
    try {
      const progress: UpgradeProgress[] = [];
      const failure = await store.upgrade.run({ batchCalls: 300, onProgress: (p) => progress.push(p) }).catch((error: unknown) => error);
      expect(failure).toBeInstanceOf(AppError);
      expect(failure).toMatchObject({ code: 'DB_ERROR', message: expect.stringMatching(/stopped .*Nothing is lost.*free some disk space/) });
      expect(progress.at(-1)).toEqual({ phase: 'records', done: 600, total: CALLS });
      // The batches before it stay converted; the cache answers as before.
      expect(marker(old)).not.toBe('0');
      expect(store.calls.totals({}).count).toBe(CALLS);
      expect(store.calls.page({ filter: {}, limit: 10 }).rows).toHaveLength(10);
      expect(store.upgrade.pending()).toBe(true);
    } finally {
      store.close();
    }
  });
});
