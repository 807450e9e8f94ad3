import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateCalls } from '../../main/simulator/generator.js';
import type { Db } from '../../main/store/db-type.js';
import { openConnection } from '../../main/store/db.js';
import { openStore } from '../../main/store/store.js';
import { foldInStartOrder } from '../../main/reports/fold.js';
import { tempDir } from '../support/fs.js';

const tmp = tempDir('ucmcdr-fold-');
const path = join(tmp.dir, 'cache.sqlite');
let db: Db;

beforeAll(() => {
  const store = openStore(path);
  try {
    const pbx = store.profiles.save({ name: 'office', url: 'https://192.0.2.10:8443', api: 'auto', user: 'cdrapi', tz: 'Europe/London' }).id;
    const calls = [...generateCalls({ count: 800, seed: 3, start: new Date('2024-03-01T00:00:00Z'), end: new Date('2024-03-05T00:00:00Z'), tz: 'Europe/London' })];
    store.calls.ingest(pbx, calls, { origin: 'sync' });
  } finally {
    store.close();
  }
  db = openConnection(path);
});
afterAll(() => {
  db.close();
  tmp.cleanup();
});

function folded(where: string, params: unknown[]): { ids: number[]; sql: string[] } {
  const ids: number[] = [];
  const sql: string[] = [];
  const prepare = db.prepare.bind(db);
  db.prepare = ((text: string) => {
    sql.push(text);
    return prepare(text);
  }) as typeof db.prepare;
  try {
    foldInStartOrder(db, where, params, ['c.id'], (_start: number, id: number) => ids.push(id));
  } finally {
    db.prepare = prepare;
  }
  return { ids, sql };
}

function expected(where: string, params: unknown[]): number[] {
  return db.prepare(`SELECT c.id FROM calls AS c WHERE ${where} ORDER BY c.start_utc, c.id`).pluck().all(...params) as number[];
}

describe('foldInStartOrder', () => {
  it('reads calls_by_start directly when the planner walks it, in start order', () => {
    const where = 'c.billsec > ?';
    const { ids, sql } = folded(where, [0]);
    expect(sql.some((s) => s.includes('INDEXED BY calls_by_start'))).toBe(true);
    expect(ids.length).toBeGreaterThan(100);
    expect(ids).toEqual(expected(where, [0]));
  });

  it('sorts in a subquery when another index drives the selection, still in start order', () => {
    const src = db.prepare("SELECT src FROM calls GROUP BY src ORDER BY count(*) DESC LIMIT 1").pluck().get() as string;
    const where = 'c.src = ?';
    const { ids, sql } = folded(where, [src]);
    expect(sql.some((s) => s.includes('INDEXED BY'))).toBe(false);
    expect(ids.length).toBeGreaterThan(5);
    expect(ids).toEqual(expected(where, [src]));
  });
});
