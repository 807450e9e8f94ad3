import { spawn } from 'node:child_process';
import { copyFileSync, existsSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { CostsReport, RatePlanDetail } from '../../preload/api.js';
import { openStore } from '../../main/store/store.js';
import { flatCall } from '../support/calls.js';
import { tempDir } from '../support/fs.js';
import { cli } from './helpers.js';

/**
 * `ucmcdr rates import` killed with SIGKILL, while it re-rates the cached calls (20,000 calls per
 * transaction) and while it commits the plan. The cache must reopen intact with every call once,
 * the plan old or new but whole, each call's cost the old one or the new one (whole chunks, in id
 * order), the costs marked stale, and `rates rerate` must then give every call the cost a complete
 * pass gives: the same as a copy of the cache where the same import ran to the end.
 */

const CALLS = 100_000;
const BIN = fileURLToPath(new URL('../../bin/ucmcdr.js', import.meta.url));

const tmp = tempDir('ucmcdr-rates-kill-');
/** Calls priced by plan BT from OLD_SHEET, checkpointed: each test starts from a copy. */
const template = join(tmp.dir, 'template.sqlite');
/** The template after `rates import NEW_SHEET` ran to the end: what a complete pass gives. */
const reference = join(tmp.dir, 'reference.sqlite');
const oldSheet = join(tmp.dir, 'old.csv');
const newSheet = join(tmp.dir, 'new.csv');
let db: string;

const OLD_SHEET = ['Prefix,Destination,Rate,Connect,Min,Increment', '44,UK,0.01,0,0,60', '447,UK mobile,0.05,0.02,30,6', '33,France,0.1,0,60,60', '49,Germany,0.03,0,0,1'];
/**
 * Other prices for every call; Germany gone (its calls become unrated), the USA added (its calls
 * become rated), a French price from a date in the middle of the calls, and many prefixes no call
 * dials, so that the plan's own transaction writes a few megabytes.
 */
const NEW_SHEET = [
  'Prefix,Destination,Rate,Connect,Min,Increment,Effective',
  '44,UK,0.012,0,0,60,',
  '447,UK mobile,0.06,0.01,0,1,',
  '33,France,0.09,0,60,30,',
  '33,France,0.08,0,60,30,2024-02-01',
  '1,USA,0.005,0,0,1,',
  ...Array.from({ length: 30_000 }, (_, i) => `8${String(i).padStart(6, '0')},Satellite ${i},1.5,0.5,60,60,`),
];
const NEW_ROWS = NEW_SHEET.length - 1;

/** Numbers as office dials them (dial plan 44 / 0 / 00). */
const NUMBERS = ['07911123456', '02071234567', '0033123456789', '0049301234567', '0012125550100'];

function start(n: number): string {
  return new Date(Date.UTC(2024, 0, 1) + n * 60_000).toISOString().slice(0, 19).replace('T', ' ');
}

/** Office's calls: most leave by trunk BT, every 7th is internal, every 11th unanswered. */
function fillTemplate(): void {
  const store = openStore(template);
  try {
    const id = store.profiles.save({
      name: 'office',
      url: 'https://192.0.2.10:8443',
      api: 'auto',
      user: 'cdrapi',
      tz: 'UTC',
      country_code: '44',
      national_prefix: '0',
      international_prefix: '00',
    }).id;
    for (let batch = 0; batch < CALLS; batch += 5000) {
      const calls = Array.from({ length: 5000 }, (_, i) => {
        const n = batch + i;
        const internal = n % 7 === 0;
        return flatCall({
          session: `s-${n}`,
          start: start(n),
          src: String(1000 + (n % 40)),
          dst: internal ? String(1000 + (n % 30)) : NUMBERS[n % NUMBERS.length]!,
          dst_trunk_name: internal ? '' : 'BT',
          disposition: n % 11 === 0 ? 'NO ANSWER' : 'ANSWERED',
          duration: 700,
          billsec: n % 11 === 0 ? 0 : 1 + (n % 599),
          userfield: internal ? 'Internal' : 'Outbound',
        });
      });
      store.calls.ingest(id, calls, { origin: 'sync' });
    }
  } finally {
    store.close();
  }
}

/** Folds the write-ahead log into the file, so that a copy is the whole cache and the next WAL is the next command's. */
function checkpoint(path: string): void {
  const raw = new Database(path);
  raw.pragma('wal_checkpoint(TRUNCATE)');
  raw.close();
}

async function ok(path: string, argv: string[]): Promise<{ stdout: string; stderr: string }> {
  const run = await cli(['--db', path, ...argv]);
  expect(run.code, run.stderr).toBe(0);
  return run;
}

beforeAll(async () => {
  writeFileSync(oldSheet, `${OLD_SHEET.join('\n')}\n`);
  writeFileSync(newSheet, `${NEW_SHEET.join('\n')}\n`);
  fillTemplate();
  const created = await ok(template, ['rates', 'import', oldSheet, '--plan', 'BT', '--currency', 'GBP', '--pbx', 'office', '--trunk', 'BT']);
  expect(created.stdout).toBe('Created plan BT: 4 rows in GBP, for office by BT.\n');
  checkpoint(template);
  copyFileSync(template, reference);
  const replaced = await ok(reference, ['rates', 'import', newSheet, '--plan', 'BT', '--currency', 'EUR']);
  expect(replaced.stdout).toBe(`Replaced plan BT: ${NEW_ROWS.toLocaleString('en-US')} rows in EUR, for office by BT.\n`);
  checkpoint(reference);
});
afterAll(() => tmp.cleanup());
beforeEach(() => {
  db = join(tmp.dir, `killed-${Date.now()}.sqlite`);
  copyFileSync(template, db);
});

interface Totals {
  calls: number;
  sessions: number;
  talk: number;
}

/** Integrity, and what must never change: the calls themselves. */
function totals(path: string): Totals {
  const raw = new Database(path, { readonly: true });
  try {
    expect(raw.pragma('integrity_check', { simple: true })).toBe('ok');
    return raw.prepare('SELECT count(*) AS calls, count(DISTINCT session) AS sessions, sum(billsec) AS talk FROM calls').get() as Totals;
  } finally {
    raw.close();
  }
}

/** The plan as `rates show --format json` prints it, without the time it was imported. */
async function planOf(path: string): Promise<Omit<RatePlanDetail, 'imported_at'>> {
  const { imported_at: _, ...plan } = JSON.parse((await ok(path, ['rates', 'show', 'BT', '--format', 'json'])).stdout) as RatePlanDetail;
  return plan;
}

/**
 * How each call of `path` stands against the same call in `old` and in `fresh`, by what rating
 * stored (status, cost, plan and row ids): as in old, as in fresh, or neither.
 */
function standing(path: string, old: string, fresh: string): { asOld: number[]; asFresh: number[]; neither: number[] } {
  const raw = new Database(path, { readonly: true });
  try {
    raw.prepare('ATTACH ? AS old').run(old);
    raw.prepare('ATTACH ? AS fresh').run(fresh);
    const rows = raw
      .prepare(
        `SELECT c.id,
           (c.cost_status, c.cost_e4, c.rate_plan_id, c.rate_id) IS (o.cost_status, o.cost_e4, o.rate_plan_id, o.rate_id) AS as_old,
           (c.cost_status, c.cost_e4, c.rate_plan_id, c.rate_id) IS (f.cost_status, f.cost_e4, f.rate_plan_id, f.rate_id) AS as_fresh
         FROM main.calls AS c JOIN old.calls AS o ON o.id = c.id JOIN fresh.calls AS f ON f.id = c.id
         WHERE NOT (as_old AND as_fresh) ORDER BY c.id`,
      )
      .all() as { id: number; as_old: number; as_fresh: number }[];
    return {
      asOld: rows.filter((r) => r.as_old === 1).map((r) => r.id),
      asFresh: rows.filter((r) => r.as_fresh === 1).map((r) => r.id),
      neither: rows.filter((r) => r.as_old === 0 && r.as_fresh === 0).map((r) => r.id),
    };
  } finally {
    raw.close();
  }
}

/**
 * Calls of `path` whose cost differs from the same call's in `other`, by meaning rather than by
 * ids: status, cost, the plan's name and currency, the row's prefix, effective date and destination.
 */
function costDifferences(path: string, other: string): unknown[] {
  const raw = new Database(path, { readonly: true });
  try {
    raw.prepare('ATTACH ? AS other').run(other);
    const side = (schema: string, alias: string) =>
      `(SELECT c.id, c.cost_status, c.cost_e4, p.name AS plan, p.currency, r.prefix, r.effective, r.destination
        FROM ${schema}.calls AS c LEFT JOIN ${schema}.rate_plans AS p ON p.id = c.rate_plan_id LEFT JOIN ${schema}.rate_rows AS r ON r.id = c.rate_id) AS ${alias}`;
    return raw
      .prepare(
        `SELECT a.*, b.cost_status AS other_status, b.cost_e4 AS other_cost, b.prefix AS other_prefix
         FROM ${side('main', 'a')} JOIN ${side('other', 'b')} ON b.id = a.id
         WHERE (a.cost_status, a.cost_e4, a.plan, a.currency, a.prefix, a.effective, a.destination)
           IS NOT (b.cost_status, b.cost_e4, b.plan, b.currency, b.prefix, b.effective, b.destination)
         ORDER BY a.id LIMIT 5`,
      )
      .all();
  } finally {
    raw.close();
  }
}

/**
 * Runs `ucmcdr --db <db> <args>` and kills it with SIGKILL once `ready()` is true. The watch is a
 * busy loop on purpose: a chunk of re-rating commits in about a tenth of a second, which a timer
 * could sleep through. The CLI's progress line is no use here: on a pipe it prints once per two
 * seconds, longer than the whole pass; the committed chunks in the cache are the progress.
 */
async function killWhen(args: string[], ready: () => boolean): Promise<{ signal: NodeJS.Signals | null; stderr: string }> {
  const child = spawn(process.execPath, [BIN, '--db', db, ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<NodeJS.Signals | null>((resolve) => child.once('exit', (_code, signal) => resolve(signal)));
  try {
    const deadline = Date.now() + 20_000;
    while (Date.now() < deadline && !ready()) {
      // Spin: see above.
    }
  } finally {
    child.kill('SIGKILL');
  }
  return { signal: await exited, stderr };
}

/** The costs report by destination, without whether it is stale. */
async function report(path: string): Promise<CostsReport> {
  return JSON.parse((await ok(path, ['report', 'costs', '--by', 'destination', '--format', 'json'])).stdout) as CostsReport;
}

/** After the kill: `rates rerate` finishes the pass, the next one has nothing to do, and every cost is a complete pass's. */
async function finishAndCompare(expected: string): Promise<void> {
  const rerate = await ok(db, ['rates', 'rerate']);
  expect(rerate.stdout).toBe('');
  expect(rerate.stderr).toMatch(/^Costs up to date: [\d,]+ calls priced anew; [\d,]+ billable calls match no prefix \(unrated: ucmcdr calls --cost-status unrated\)\.\n$/);
  expect((await ok(db, ['rates', 'rerate'])).stdout).toBe('Costs are up to date.\n');
  expect(costDifferences(db, expected)).toEqual([]);
  expect(await report(db)).toEqual({ ...(await report(expected)), stale: false });
  // A forced complete pass (the same scope again) finds nothing to change.
  const again = await ok(db, ['rates', 'assign', 'BT', '--pbx', 'office', '--trunk', 'BT']);
  expect(again.stderr).toMatch(/^Costs up to date: 0 calls priced anew; /);
  expect(costDifferences(db, expected)).toEqual([]);
}

describe('kill -9 during rates import', () => {
  it('while re-rating: whole chunks keep their new costs, the plan is the new one, costs are stale, and rates rerate completes them', async () => {
    const before = totals(db);
    expect(before).toEqual({ calls: CALLS, sessions: CALLS, talk: expect.any(Number) });
    // A call early in the first chunk whose cost the new sheet changes: once it has its new cost,
    // the first chunk is committed and four more are to come.
    const { asFresh: changing } = standing(reference, template, reference);
    const probe = changing.find((id) => id > 1000)!;
    expect(probe).toBeLessThan(5000);
    const fresh = new Database(reference, { readonly: true });
    const want = fresh.prepare('SELECT cost_status, cost_e4, rate_id FROM calls WHERE id = ?').get(probe);
    fresh.close();
    const live = new Database(db, { readonly: true });
    const read = live.prepare('SELECT cost_status, cost_e4, rate_id FROM calls WHERE id = ?');
    let killed: Awaited<ReturnType<typeof killWhen>>;
    try {
      killed = await killWhen(['rates', 'import', newSheet, '--plan', 'BT', '--currency', 'EUR'], () => JSON.stringify(read.get(probe)) === JSON.stringify(want));
    } finally {
      live.close();
    }
    expect(killed.signal, killed.stderr).toBe('SIGKILL');

    // Every call once, nothing else about them changed.
    expect(totals(db)).toEqual(before);
    // The plan is the new one, whole.
    expect(await planOf(db)).toEqual(await planOf(reference));
    const listed = (await ok(db, ['rates', 'list'])).stdout;
    expect(listed).toMatch(new RegExp(`^BT\\s+EUR\\s+${NEW_ROWS.toLocaleString('en-US')}\\s+office by BT\\s+new\\.csv`, 'm'));
    // Killed mid-way: each call has its old cost or its new one, never anything else; the ones
    // with the new cost come first in id order (whole chunks, committed in order).
    const { asOld, asFresh, neither } = standing(db, template, reference);
    expect(neither).toEqual([]);
    expect(asFresh.length).toBeGreaterThanOrEqual(1);
    expect(asOld.length, 'the kill came after the last chunk').toBeGreaterThan(0);
    expect(Math.max(...asFresh)).toBeLessThan(Math.min(...asOld));
    // The cache knows its costs are not all current.
    expect((await report(db)).stale).toBe(true);

    await finishAndCompare(reference);
    expect(totals(db)).toEqual(before);
  });

  it('while committing the plan: the plan is the old one or the new one, whole, and the costs follow it', async () => {
    const before = totals(db);
    const wal = `${db}-wal`;
    // Opening the cache writes nothing: the first bytes in the WAL are the plan's transaction being
    // committed (a few megabytes with the sheet's 30,000 rows), so the kill lands during or just after it.
    const killed = await killWhen(
      ['rates', 'import', newSheet, '--plan', 'BT', '--currency', 'EUR'],
      () => existsSync(wal) && (statSync(wal, { throwIfNoEntry: false })?.size ?? 0) > 0,
    );
    expect(killed.signal, killed.stderr).toBe('SIGKILL');

    expect(totals(db)).toEqual(before);
    const plan = await planOf(db);
    const old = await planOf(template);
    if (plan.currency === 'GBP') {
      // The import never committed: all as before, nothing stale.
      expect(plan).toEqual(old);
      expect(costDifferences(db, template)).toEqual([]);
      expect((await ok(db, ['rates', 'rerate'])).stdout).toBe('Costs are up to date.\n');
    } else {
      expect(plan).toEqual(await planOf(reference));
      expect(standing(db, template, reference).neither).toEqual([]);
      await finishAndCompare(reference);
    }
    expect(totals(db)).toEqual(before);
  });
});
