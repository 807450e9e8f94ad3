import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect } from 'vitest';
import type { CallRow, CostsReport, SessionDetail } from '../../preload/api.js';
import { sessionText } from '../../main/cli/commands/session.js';
import { AppError } from '../../main/errors.js';
import type { SheetProblem } from '../../main/rates/sheet.js';
import { assignPlan, importRateSheet, lookupRate, rerateCalls } from '../../main/rates/plans.js';
import type { Store } from '../../main/store/types.js';
import { call, flatCall, record } from '../support/calls.js';
import { it } from '../support/fixtures.js';

/**
 * Call costs checked against a computation written here from the rules, not from main/rates:
 * dial plans, longest prefix with effective dates, minimum, increment, connect fee, half-up rounding,
 * plans per PBX and trunk, unrated and not billable calls, re-rating after every kind of change, and
 * the costs report's rows and totals.
 */

interface Row {
  prefix: string;
  destination: string;
  rate: string;
  connect: string;
  minimum: number;
  increment: number;
  from: string;
}

interface Plan {
  currency: string;
  rows: Row[];
}

interface Dial {
  cc: string;
  national: string;
  international: string;
}

function sheet(rows: Row[]): string {
  return ['Prefix,Destination,Rate,Connect,Min,Increment,Effective', ...rows.map((r) => [r.prefix, r.destination, r.rate, r.connect, r.minimum, r.increment, r.from].join(','))].join('\n');
}

/** Exact decimal text -> BigInt numerator over 10^8. */
function e8(text: string): bigint {
  const [whole = '0', frac = ''] = text.split('.');
  return BigInt(whole) * 100_000_000n + BigInt((frac + '00000000').slice(0, 8));
}

function expectedE164(dialled: string, dial: Dial): string {
  if (/[^\d+\s\-().]/.test(dialled)) return '';
  const digits = dialled.replace(/[^\d]/g, '');
  if (dialled.trim().startsWith('+')) return digits;
  if (dial.international !== '' && digits.startsWith(dial.international)) return digits.slice(dial.international.length);
  if (dial.national !== '' && digits.startsWith(dial.national)) return dial.cc + digits.slice(dial.national.length);
  return digits;
}

/** cost in ten-thousandths: connect + rate x billed / 60, half up. */
function expectedCost(billsec: number, row: Row): { e4: number; billed: number } {
  const billed = Math.max(row.minimum, Math.ceil(billsec / row.increment) * row.increment);
  // In units of 10^-8 / 60: connect*60 + rate*billed.
  const numerator = e8(row.connect) * 60n + e8(row.rate) * BigInt(billed);
  const unit = 60n * 10_000n; // 10^-8/60 -> 10^-4
  return { e4: Number((numerator * 2n + unit) / (2n * unit)), billed };
}

function expectedRow(plan: Plan, e164: string, start: string): Row | null {
  const matching = plan.rows.filter((r) => e164.startsWith(r.prefix) && (r.from === '' || r.from <= start.slice(0, 10)));
  if (matching.length === 0) return null;
  const longest = Math.max(...matching.map((r) => r.prefix.length));
  return matching.filter((r) => r.prefix.length === longest).sort((a, b) => (a.from < b.from ? 1 : -1))[0] ?? null;
}

interface World {
  plans: Map<string, Plan>;
  /** (pbx, trunk) -> plan name; trunk '*' = every trunk. */
  scopes: { plan: string; pbx: string[]; trunks: string[] }[];
  dial: Map<string, Dial>;
}

function expectedOf(world: World, call: CallRow): { status: CallRow['cost_status']; cost: number | null; currency: string; row: Row | null; billed: number } {
  const none = { status: 'not_billable' as const, cost: 0, currency: '', row: null, billed: 0 };
  if (call.outcome !== 'answered' || call.billsec <= 0 || call.dst_trunk_name === '') return none;
  const scope = world.scopes.find((s) => (s.pbx.length === 0 || s.pbx.includes(call.pbx)) && (s.trunks.length === 0 || s.trunks.includes(call.dst_trunk_name)));
  if (scope === undefined) return none;
  const plan = world.plans.get(scope.plan) as Plan;
  const row = expectedRow(plan, expectedE164(call.dst, world.dial.get(call.pbx) as Dial), call.start);
  if (row === null) return { status: 'unrated', cost: null, currency: plan.currency, row: null, billed: 0 };
  const { e4, billed } = expectedCost(call.billsec, row);
  return { status: 'rated', cost: e4 / 10_000, currency: plan.currency, row, billed };
}

function allCalls(store: Store): CallRow[] {
  const rows: CallRow[] = [];
  let cursor: string | null = null;
  for (let page = 0; page < 100; page++) {
    const result = store.calls.page({ filter: {}, limit: 1000, cursor });
    rows.push(...result.rows);
    cursor = result.next_cursor;
    if (cursor === null) break;
  }
  return rows;
}

/** A seeded PRNG: the same calls on every run. */
function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

const UK: Plan = {
  currency: 'GBP',
  rows: [
    { prefix: '44', destination: 'UK', rate: '0.01', connect: '0', minimum: 60, increment: 60, from: '' },
    { prefix: '447', destination: 'UK mobile', rate: '0.0512', connect: '0', minimum: 30, increment: 6, from: '' },
    { prefix: '4420', destination: 'London', rate: '0.0079', connect: '0.015', minimum: 0, increment: 1, from: '' },
    { prefix: '33', destination: 'France', rate: '0.03', connect: '0', minimum: 0, increment: 1, from: '' },
    { prefix: '33', destination: 'France', rate: '0.021', connect: '0', minimum: 0, increment: 1, from: '2025-03-15' },
    { prefix: '336', destination: 'France mobile', rate: '0.09', connect: '0.0001', minimum: 0, increment: 30, from: '2025-03-20' },
    { prefix: '1', destination: 'USA', rate: '0.00999', connect: '0', minimum: 1, increment: 1, from: '' },
  ],
};

const US: Plan = {
  currency: 'GBP',
  rows: [
    { prefix: '1', destination: 'USA', rate: '0.005', connect: '0', minimum: 6, increment: 6, from: '' },
    { prefix: '1212', destination: 'New York', rate: '0.004', connect: '0.01', minimum: 0, increment: 1, from: '' },
    { prefix: '44', destination: 'UK', rate: '0.02', connect: '0', minimum: 0, increment: 60, from: '' },
  ],
};

const DIALLED: Record<string, string[]> = {
  office: ['02079460000', '07700900123', '0033123456789', '0033612345678', '+1 (212) 555-0100', '001212555', '0131 496 0000', '123', '*97', '0086123456', '1212555'],
  branch: ['12125550100', '011442079460000', '2125550100', '+447700900123', '0114420', '15555550100', '*98', '01133123'],
};

function generate(store: Store, seed: number, count: number): void {
  const next = random(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)] as T;
  for (const pbx of ['office', 'branch']) {
    const id = store.profiles.getByName(pbx)?.id as number;
    const calls = Array.from({ length: count }, (_, i) => {
      const day = 10 + Math.floor(next() * 20);
      const start = `2025-03-${String(day).padStart(2, '0')} ${String(Math.floor(next() * 24)).padStart(2, '0')}:${String(Math.floor(next() * 60)).padStart(2, '0')}:07`;
      const outbound = next() < 0.8;
      const disposition = pick(['ANSWERED', 'ANSWERED', 'ANSWERED', 'NO ANSWER', 'BUSY']);
      const billsec = disposition === 'ANSWERED' ? pick([0, 1, 5, 29, 30, 31, 59, 60, 61, 119, 600, 3601]) : 0;
      return flatCall({
        session: `${pbx}-${seed}-${i}`,
        start,
        src: outbound ? pick(['1000', '1001', '1002']) : '441234567',
        dst: outbound ? pick(DIALLED[pbx] as string[]) : '1000',
        disposition,
        billsec,
        duration: billsec + 5,
        dst_trunk_name: outbound ? pick(['BT', 'GSM', 'BT']) : '',
        src_trunk_name: outbound ? '' : 'BT',
        accountcode: pick(['', 'sales', 'support']),
      });
    });
    store.calls.ingest(id, calls, { origin: 'sync' });
  }
}

async function load(store: Store, dir: string, name: string, plan: Plan, scope: { pbx: string[]; trunks: string[] }): Promise<void> {
  const file = join(dir, `${name}.csv`);
  writeFileSync(file, sheet(plan.rows));
  await importRateSheet(store, file, { plan: name, currency: plan.currency, scope });
}

function checkEveryCall(store: Store, world: World): CallRow[] {
  const calls = allCalls(store);
  const seen = { rated: 0, unrated: 0, not_billable: 0 };
  for (const call of calls) {
    const expected = expectedOf(world, call);
    expect({ session: call.session, status: call.cost_status, cost: call.cost, currency: call.cost_currency, destination: call.rate_destination }).toEqual({
      session: call.session,
      status: expected.status,
      cost: expected.cost,
      currency: expected.currency === '' ? '' : expected.currency,
      destination: expected.row?.destination ?? '',
    });
    seen[call.cost_status]++;
  }
  // The generated calls exercise every status, or the comparison proves little.
  expect(seen.rated).toBeGreaterThan(20);
  expect(seen.unrated).toBeGreaterThan(0);
  expect(seen.not_billable).toBeGreaterThan(0);
  return calls;
}

function setDialPlans(store: Store, world: World): void {
  for (const [name, d] of world.dial) {
    const p = store.profiles.getByName(name);
    if (p === null) throw new Error(name);
    store.profiles.save({ ...p, country_code: d.cc, national_prefix: d.national, international_prefix: d.international });
  }
}

function addPbxs(store: Store): void {
  for (const name of ['office', 'branch']) store.profiles.save({ name, url: 'https://192.0.2.10:8443', api: 'auto', user: 'cdrapi', tz: 'Europe/London' });
}

describe('call costs', () => {
  it('prices every call as the rules say, rates new calls at ingest and keeps costs current after each kind of change', async ({ store, dir }) => {
    addPbxs(store);
    const world: World = {
      plans: new Map([['UK', UK], ['US', US]]),
      scopes: [
        { plan: 'UK', pbx: ['office'], trunks: ['BT'] },
        { plan: 'US', pbx: ['branch'], trunks: [] },
      ],
      dial: new Map([
        ['office', { cc: '44', national: '0', international: '00' }],
        ['branch', { cc: '1', national: '1', international: '011' }],
      ]),
    };
    setDialPlans(store, world);
    generate(store, 1, 150);
    await load(store, dir, 'UK', UK, { pbx: ['office'], trunks: ['BT'] });
    await load(store, dir, 'US', US, { pbx: ['branch'], trunks: [] });
    expect(store.rates.state().stale).toBe(true);
    await rerateCalls(store);
    expect(store.rates.state().stale).toBe(false);
    checkEveryCall(store, world);

    // New calls are priced as they are stored, without a pass.
    generate(store, 2, 60);
    expect(store.rates.state().stale).toBe(false);
    checkEveryCall(store, world);

    // The session view says how the figure was made.
    const london = allCalls(store).find((c) => c.cost_status === 'rated' && c.rate_destination === 'London') as CallRow;
    const detail = store.calls.session(london.id);
    expect(detail?.cost).toMatchObject({ status: 'rated', plan: 'UK', e164: '442079460000', row: { prefix: '4420', rate: '0.0079', connect: '0.015' } });
    expect(detail?.cost.billed_seconds).toBe(expectedOf(world, london).billed);
    expect(sessionText(detail as SessionDetail)).toContain(`Cost      ${(london.cost as number).toFixed(4)} GBP: plan UK, 442079460000 by prefix 4420 (London)`);
    const free = allCalls(store).find((c) => c.outcome !== 'answered') as CallRow;
    expect(store.calls.session(free.id)?.cost).toMatchObject({ status: 'not_billable', cost: 0, reason: 'Not billable: nobody answered it.' });

    // A replaced sheet, a changed dial plan and a new assignment each make costs stale until a pass.
    const cheaper: Plan = { currency: 'GBP', rows: UK.rows.map((r) => ({ ...r, rate: r.prefix === '44' ? '0.005' : r.rate })).filter((r) => r.prefix !== '4420') };
    await load(store, dir, 'UK', cheaper, { pbx: ['office'], trunks: ['BT'] });
    world.plans.set('UK', cheaper);
    world.dial.set('branch', { cc: '1', national: '', international: '011' });
    setDialPlans(store, world);
    assignPlan(store, 'UK', { pbx: ['office'], trunks: ['BT', 'GSM'] });
    world.scopes[0] = { plan: 'UK', pbx: ['office'], trunks: ['BT', 'GSM'] };
    expect(store.rates.state().stale).toBe(true);
    const result = await rerateCalls(store);
    expect(result.changed).toBeGreaterThan(0);
    checkEveryCall(store, world);

    // A merge that changes a call's talk time prices it again.
    const office = store.profiles.getByName('office')?.id as number;
    const rated = allCalls(store).find((c) => c.pbx === 'office' && c.cost_status === 'rated' && c.billsec === 600) as CallRow;
    const longer = flatCall({ session: rated.session, start: rated.start.replace('T', ' '), src: rated.src, dst: rated.dst, billsec: 1200, duration: 1205, dst_trunk_name: rated.dst_trunk_name });
    store.calls.ingest(office, [longer], { origin: 'sync' });
    const after = allCalls(store).find((c) => c.session === rated.session) as CallRow;
    expect(after.billsec).toBe(1200);
    expect(after.cost).toBe(expectedOf(world, after).cost);
    expect(after.cost).toBeGreaterThan(rated.cost as number);

    // Removing a plan leaves its calls not billable (0), never stale prices.
    store.rates.remove('US');
    world.scopes = world.scopes.filter((s) => s.plan !== 'US');
    await rerateCalls(store);
    for (const call of allCalls(store).filter((c) => c.pbx === 'branch')) expect([call.cost_status, call.cost]).toEqual(['not_billable', 0]);
  });

  it('adds up the costs report by each key exactly as the calls say, and counts unrated calls apart', async ({ store, dir }) => {
    addPbxs(store);
    const world: World = {
      plans: new Map([['UK', UK]]),
      scopes: [{ plan: 'UK', pbx: [], trunks: [] }],
      dial: new Map([
        ['office', { cc: '44', national: '0', international: '00' }],
        ['branch', { cc: '1', national: '1', international: '011' }],
      ]),
    };
    setDialPlans(store, world);
    await load(store, dir, 'UK', UK, { pbx: [], trunks: [] });
    generate(store, 3, 200);
    const calls = checkEveryCall(store, world);
    const filter = { from: '2025-03-12', to: '2025-03-25', pbx: ['office', 'branch'] };
    const inFilter = calls.filter((c) => c.start >= '2025-03-12' && c.start <= '2025-03-25T23:59:59');
    const keys: Record<CostsReport['by'], (c: CallRow) => string> = {
      extension: (c) => c.src,
      trunk: (c) => c.dst_trunk_name,
      account: (c) => c.account_code,
      destination: (c) => c.rate_destination,
      day: (c) => c.start.slice(0, 10),
      month: (c) => c.start.slice(0, 7),
    };
    for (const by of Object.keys(keys) as CostsReport['by'][]) {
      const report = store.reports.run({ kind: 'costs', filter, by }) as CostsReport;
      const groups = new Map<string, { calls: number; billed: number; e4: number }>();
      for (const c of inFilter.filter((c) => c.cost_status === 'rated')) {
        const key = keys[by](c);
        const g = groups.get(key) ?? { calls: 0, billed: 0, e4: 0 };
        g.calls++;
        g.billed += expectedOf(world, c).billed;
        g.e4 += Math.round((c.cost as number) * 10_000);
        groups.set(key, g);
      }
      const expected = [...groups].map(([key, g]) => ({ key, calls: g.calls, billed_seconds: g.billed, cost: g.e4 / 10_000 }));
      expect(report.rows).toEqual(expect.arrayContaining(expected));
      expect(report.rows).toHaveLength(expected.length);
      expect(report.currency).toBe('GBP');
      const totalE4 = [...groups.values()].reduce((n, g) => n + g.e4, 0);
      expect(report.total).toEqual({
        calls: expected.reduce((n, r) => n + r.calls, 0),
        billed_seconds: expected.reduce((n, r) => n + r.billed_seconds, 0),
        cost: totalE4 / 10_000,
      });
      expect(report.unrated.calls).toBe(inFilter.filter((c) => c.cost_status === 'unrated').length);
    }
    // Sorted by cost, dearest first, unrated calls last, across pages.
    const byCost: CallRow[] = [];
    let cursor: string | null = null;
    for (let page = 0; page < 100; page++) {
      const result = store.calls.page({ filter: {}, sort: { field: 'cost', dir: 'desc' }, limit: 37, cursor });
      byCost.push(...result.rows);
      cursor = result.next_cursor;
      if (cursor === null) break;
    }
    expect(byCost.map((c) => c.id).sort()).toEqual(calls.map((c) => c.id).sort());
    const costOrder = byCost.map((c) => c.cost ?? -1);
    expect(costOrder).toEqual([...costOrder].sort((a, b) => b - a));

    // The cost filters select exactly the calls whose cost field says so.
    const rated = store.calls.totals({ ...filter, cost_status: ['rated'], min_cost: 0.05, max_cost: 1 });
    expect(rated.count).toBe(inFilter.filter((c) => c.cost_status === 'rated' && (c.cost as number) >= 0.05 && (c.cost as number) <= 1).length);
    const unrated = store.calls.totals({ ...filter, cost_status: ['unrated'] });
    expect(unrated.count).toBe(inFilter.filter((c) => c.cost_status === 'unrated').length);
  });

  it('refuses a second plan for calls another plan prices, naming it', async ({ store, dir }) => {
    addPbxs(store);
    await load(store, dir, 'UK', UK, { pbx: ['office'], trunks: ['BT'] });
    await expect(load(store, dir, 'Other', US, { pbx: [], trunks: ['BT'] })).rejects.toThrow(/plan "UK" already prices/);
    await load(store, dir, 'Other', US, { pbx: [], trunks: ['GSM'] });
    expect(store.rates.list().map((p) => p.name)).toEqual(['Other', 'UK']);
    expect(() => assignPlan(store, 'Other', { pbx: ['office'], trunks: [] })).toThrow(/plan "UK" already prices/);
  });

  it('refuses a bad sheet whole, listing every bad line, and keeps the plan it would replace', async ({ store, dir }) => {
    addPbxs(store);
    await load(store, dir, 'UK', UK, { pbx: [], trunks: [] });
    const file = join(dir, 'bad.csv');
    writeFileSync(file, 'Prefix,Rate\n44,0.01\n,0.02\n33,abc\n49,-1\n44,0.03\n');
    const error = (await importRateSheet(store, file, { plan: 'UK' }).then(
      () => null,
      (e: unknown) => e,
    )) as AppError | null;
    expect(error).toBeInstanceOf(AppError);
    expect((error?.details?.['problems'] as SheetProblem[]).map((p) => p.line)).toEqual([3, 4, 5, 6]);
    expect(error?.message).toMatch(/refused whole/);
    expect(store.rates.get('UK')?.row_count).toBe(UK.rows.length);
    expect(store.rates.state().stale).toBe(true);
  });

  it('never explains a call by a row of a newer sheet while it waits to be priced again', async ({ store, dir }) => {
    addPbxs(store);
    const office = store.profiles.getByName('office')?.id as number;
    store.calls.ingest(office, [flatCall({ session: 'de', start: '2025-03-10 10:00:00', dst: '49301234567', billsec: 60, dst_trunk_name: 'BT' })], { origin: 'sync' });
    await load(store, dir, 'BT', { currency: 'GBP', rows: [{ prefix: '49', destination: 'Germany', rate: '0.03', connect: '0', minimum: 0, increment: 1, from: '' }] }, { pbx: [], trunks: [] });
    await rerateCalls(store);
    expect(allCalls(store)[0]).toMatchObject({ cost: 0.03, rate_destination: 'Germany' });
    await load(store, dir, 'BT', { currency: 'GBP', rows: [{ prefix: '33', destination: 'France', rate: '0.5', connect: '0', minimum: 60, increment: 60, from: '' }] }, { pbx: [], trunks: [] });
    expect(allCalls(store)[0]).toMatchObject({ cost: 0.03, rate_destination: '' });
    expect(store.calls.session(allCalls(store)[0]?.id as number)?.cost).toMatchObject({ row: null, reason: expect.stringMatching(/replaced/) });
    expect((store.reports.run({ kind: 'costs', filter: {}, by: 'destination' }) as CostsReport).rows).toEqual([
      { key: '(being calculated again)', calls: 1, billed_seconds: 0, cost: 0.03 },
    ]);
  });

  it('prices a call forwarded out by a trunk for the number it was forwarded to, not the extension it rang', async ({ store, dir }) => {
    addPbxs(store);
    const office = store.profiles.getByName('office');
    store.profiles.save({ ...(office as NonNullable<typeof office>), country_code: '44', national_prefix: '0', international_prefix: '00' });
    const start = '2025-03-10 10:00:00';
    const rang = record({ AcctId: '1', src: '02079460000', dst: '1001', start, duration: '20', billsec: '0', disposition: 'NO ANSWER', action_type: 'DIAL', src_trunk_name: 'BT' });
    const forwarded = record({
      AcctId: '2', src: '02079460000', dst: '07700900123', start, duration: '140', billsec: '120', disposition: 'ANSWERED',
      action_type: 'CALLFORWARD', dst_trunk_name: 'BT', dstchannel: 'PJSIP/trunk_2-0001', answer: '2025-03-10 10:00:20', end: '2025-03-10 10:02:20',
    });
    const main = record({ src: '02079460000', dst: '1001', start, duration: '140', billsec: '120', session: 'fw', action_type: 'DIAL', disposition: 'ANSWERED' });
    store.calls.ingest(office?.id as number, [call('fw', main, [rang, forwarded])], { origin: 'sync' });
    await load(store, dir, 'UK', UK, { pbx: [], trunks: [] });
    await rerateCalls(store);
    const row = allCalls(store)[0] as CallRow;
    expect(row.route.map((s) => s.kind)).toContain('CALLFORWARD');
    expect(row.dst).toBe('1001');
    // 447: UK mobile, 0.0512/min, 30/6: 120 s billed -> 0.1024.
    expect(row).toMatchObject({ cost_status: 'rated', cost: 0.1024, rate_destination: 'UK mobile' });
    expect(store.calls.session(row.id)?.cost.e164).toBe('447700900123');
  });

  it('looks up which prefix and price a number gets, and says why when none', async ({ store, dir }) => {
    addPbxs(store);
    const office = store.profiles.getByName('office');
    store.profiles.save({ ...(office as NonNullable<typeof office>), country_code: '44', national_prefix: '0', international_prefix: '00' });
    await load(store, dir, 'UK', UK, { pbx: ['office'], trunks: ['BT'] });
    const london = lookupRate(store, { number: '020 7946 0000', pbx: 'office', trunk: 'BT' });
    expect(london).toMatchObject({ e164: '442079460000', plan: 'UK', currency: 'GBP', row: { prefix: '4420', rate: '0.0079', connect: '0.015' }, reason: '' });
    const france = lookupRate(store, { number: '0033612345678', pbx: 'office', trunk: 'BT', at: '2025-03-16' });
    expect(france.row).toMatchObject({ prefix: '33', rate: '0.021', effective: '2025-03-15T00:00:00' });
    expect(lookupRate(store, { number: '0033612345678', pbx: 'office', trunk: 'BT', at: '2025-03-21' }).row?.prefix).toBe('336');
    expect(lookupRate(store, { number: '0086123', pbx: 'office', trunk: 'BT' })).toMatchObject({ row: null, reason: expect.stringMatching(/No prefix of plan "UK" matches 86123/) });
    expect(lookupRate(store, { number: '0086123', pbx: 'office' }).reason).toMatch(/name the trunk \(BT\)/);
    expect(lookupRate(store, { number: '0086123', pbx: 'branch', trunk: 'BT' }).reason).toMatch(/not billable/);
  });
});
