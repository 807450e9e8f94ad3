import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CallRow, CostsReport, PbxProfile, RateLookup, RatePlan, RatePlanDetail } from '../../preload/api.js';
import type { CdrCall } from '../../main/cdr/types.js';
import { openStore } from '../../main/store/store.js';
import { flatCall } from '../support/calls.js';
import { tempDir } from '../support/fs.js';
import { cli } from './helpers.js';

/**
 * `ucmcdr rates` and the cost fields of `calls` and `report costs`, through the CLI: a PBX's dial plan,
 * importing, listing, showing and removing plans, lookups, the cost filters, a refused sheet that
 * changes nothing, overlapping plans, and the help. The pricing rules themselves are checked against
 * an independent computation in test/rates/costs.test.ts; the costs here are a few worked by hand.
 */

const tmp = tempDir('ucmcdr-rates-');
const db = join(tmp.dir, 'cache.sqlite');
const sheets = {
  bt: join(tmp.dir, 'bt-rates.csv'),
  btBad: join(tmp.dir, 'bt-rates-bad.csv'),
  mobile: join(tmp.dir, 'mobile.csv'),
};

/** UK mobile: 2p connect, 5p/min, 30 s minimum then 6 s steps; UK: 1p/min by the minute; France 10p/min, 60 s minimum. */
const BT_SHEET = ['Prefix,Destination,Rate,Connect,Min,Increment', '44,UK,0.01,0,0,60', '447,UK mobile,0.05,0.02,30,6', '33,France,0.1,0,60,60'];

const TRUNK = 'BT SIP';

/**
 * Calls of office (dial plan set by the tests) and branch (none), by session:
 * - uk-mobile: 65 s -> 66 s billed -> 0.02 + 0.05 x 66 / 60 = 0.075
 * - uk-fixed: 61 s -> 120 s billed -> 0.01 x 2 = 0.02
 * - france: 10 s -> 60 s minimum -> 0.1
 * - japan: no prefix of the sheet -> unrated
 * - no-answer, internal: never billable; gsm: a trunk BT does not price; branch: a PBX BT does not price.
 */
const OFFICE: CdrCall[] = [
  flatCall({ session: 'uk-mobile', start: '2025-03-03 09:00:00', src: '1001', dst: '07911123456', dst_trunk_name: TRUNK, duration: 70, billsec: 65, userfield: 'Outbound' }),
  flatCall({ session: 'uk-fixed', start: '2025-03-03 10:00:00', src: '1002', dst: '02071234567', dst_trunk_name: TRUNK, duration: 70, billsec: 61, userfield: 'Outbound' }),
  flatCall({ session: 'france', start: '2025-03-04 11:00:00', src: '1001', dst: '0033123456789', dst_trunk_name: TRUNK, duration: 20, billsec: 10, userfield: 'Outbound' }),
  flatCall({ session: 'japan', start: '2025-03-04 12:00:00', src: '1003', dst: '0081312345678', dst_trunk_name: TRUNK, duration: 40, billsec: 30, userfield: 'Outbound' }),
  flatCall({ session: 'no-answer', start: '2025-03-05 08:00:00', src: '1001', dst: '07911123456', dst_trunk_name: TRUNK, disposition: 'NO ANSWER', userfield: 'Outbound' }),
  flatCall({ session: 'internal', start: '2025-03-05 09:00:00', src: '1001', dst: '1002', duration: 50, billsec: 45 }),
  flatCall({ session: 'gsm', start: '2025-03-06 09:00:00', src: '1002', dst: '07700900123', dst_trunk_name: 'GSM', duration: 110, billsec: 100, userfield: 'Outbound' }),
];
const BRANCH: CdrCall[] = [
  flatCall({ session: 'branch', start: '2025-03-06 10:00:00', src: '2001', dst: '07911123456', dst_trunk_name: TRUNK, duration: 70, billsec: 60, userfield: 'Outbound' }),
];
const SESSIONS = [...OFFICE, ...BRANCH].map((c) => c.session).sort();

type Cost = Pick<CallRow, 'cost' | 'cost_status' | 'cost_currency' | 'rate_destination'>;
const NOT_BILLABLE: Cost = { cost: 0, cost_status: 'not_billable', cost_currency: '', rate_destination: '' };

/** What each call costs once plan BT prices office's calls by BT SIP. */
const PRICED_BY_BT: Record<string, Cost> = {
  'uk-mobile': { cost: 0.075, cost_status: 'rated', cost_currency: 'GBP', rate_destination: 'UK mobile' },
  'uk-fixed': { cost: 0.02, cost_status: 'rated', cost_currency: 'GBP', rate_destination: 'UK' },
  france: { cost: 0.1, cost_status: 'rated', cost_currency: 'GBP', rate_destination: 'France' },
  japan: { cost: null, cost_status: 'unrated', cost_currency: 'GBP', rate_destination: '' },
  'no-answer': NOT_BILLABLE,
  internal: NOT_BILLABLE,
  gsm: NOT_BILLABLE,
  branch: NOT_BILLABLE,
};

beforeAll(() => {
  writeFileSync(sheets.bt, `${BT_SHEET.join('\n')}\n`);
  // The good lines of BT_SHEET with other prices, and three bad lines among them (lines 3, 4 and 6).
  writeFileSync(
    sheets.btBad,
    [
      'Prefix,Destination,Rate,Connect,Min,Increment',
      '44,UK,0.02,0,0,60',
      '4x7,UK mobile,0.06,0.02,30,6',
      '33,France,abc,0,60,60',
      '49,Germany,0.03,0,0,60',
      '1,USA,0.01,0,0,0',
      '',
    ].join('\n'),
  );
  // Other header names (synonyms), semicolons and a decimal comma, as a spreadsheet in Europe saves it.
  writeFileSync(sheets.mobile, 'Dial Code;Description;Price per minute;Setup;Billing Increment;Valid From\n447;UK mobile;0,10;0;1;2025-01-01\n');
  const store = openStore(db);
  try {
    const office = store.profiles.save({ name: 'office', url: 'https://192.0.2.10:8443', api: 'legacy', user: 'cdrapi', tz: 'UTC' }).id;
    const branch = store.profiles.save({ name: 'branch', url: 'https://192.0.2.20:8443', api: 'legacy', user: 'cdrapi', tz: 'UTC' }).id;
    store.calls.ingest(office, OFFICE, { origin: 'sync' });
    store.calls.ingest(branch, BRANCH, { origin: 'sync' });
  } finally {
    store.close();
  }
});
afterAll(() => tmp.cleanup());

async function ok(argv: string[]): Promise<{ stdout: string; stderr: string }> {
  const run = await cli(['--db', db, ...argv]);
  expect(run.code, run.stderr).toBe(0);
  return run;
}

async function calls(...filter: string[]): Promise<CallRow[]> {
  const run = await ok(['calls', '--format', 'json', '--limit', '1000', ...filter]);
  expect(run.stderr).toBe('');
  return JSON.parse(run.stdout) as CallRow[];
}

/** Each call's cost fields, by session. */
async function costs(): Promise<Record<string, Cost>> {
  const rows = await calls();
  expect(rows.map((r) => r.session).sort()).toEqual(SESSIONS);
  return Object.fromEntries(
    rows.map((r) => [r.session, { cost: r.cost, cost_status: r.cost_status, cost_currency: r.cost_currency, rate_destination: r.rate_destination }]),
  );
}

async function plans(): Promise<RatePlan[]> {
  return JSON.parse((await ok(['rates', 'list', '--format', 'json'])).stdout) as RatePlan[];
}

async function plan(name: string): Promise<RatePlanDetail> {
  return JSON.parse((await ok(['rates', 'show', name, '--format', 'json'])).stdout) as RatePlanDetail;
}

async function lookup(...argv: string[]): Promise<RateLookup> {
  return JSON.parse((await ok(['rates', 'lookup', ...argv, '--format', 'json'])).stdout) as RateLookup;
}

describe('ucmcdr pbx set: the dial plan', () => {
  it('sets country code, national and international prefix, names them, and pbx list shows them', async () => {
    const run = await ok(['pbx', 'set', 'office', '--country-code', '44', '--national-prefix', '0', '--international-prefix', '00']);
    expect(run.stdout).toBe('Updated office: dial plan country code 44, national prefix 0, international prefix 00.\n');
    const profiles = JSON.parse((await ok(['pbx', 'list', '--format', 'json'])).stdout) as PbxProfile[];
    const dial = (name: string) => {
      const p = profiles.find((x) => x.name === name);
      return p && { country_code: p.country_code, national_prefix: p.national_prefix, international_prefix: p.international_prefix };
    };
    expect(dial('office')).toEqual({ country_code: '44', national_prefix: '0', international_prefix: '00' });
    expect(dial('branch')).toEqual({ country_code: '', national_prefix: '', international_prefix: '' });
    // No plan yet: nothing costs anything.
    expect(await costs()).toEqual(Object.fromEntries(SESSIONS.map((s) => [s, NOT_BILLABLE])));
  });
});

describe('ucmcdr rates import, list, show', () => {
  it('says there are no plans yet, and how to import one', async () => {
    expect((await ok(['rates', 'list'])).stdout).toBe('No rate plans yet: import a carrier rate sheet with "ucmcdr rates import FILE --plan NAME".\n');
    expect(await plans()).toEqual([]);
  });

  it('creates a plan, saying rows, currency and scope on stdout and that the costs are up to date on stderr', async () => {
    const run = await ok(['rates', 'import', sheets.bt, '--plan', 'BT', '--currency', 'gbp', '--pbx', 'office', '--trunk', TRUNK]);
    expect(run.stdout).toBe('Created plan BT: 3 rows in GBP, for office by BT SIP.\n');
    // The four office calls by BT SIP with talk time get a cost; japan matches no prefix.
    expect(run.stderr).toBe(
      'Costs up to date: 4 calls priced anew; 1 billable calls match no prefix (unrated: ucmcdr calls --cost-status unrated).\n',
    );
  });

  it('lists the plan as a table and as JSON with the documented field names', async () => {
    const table = (await ok(['rates', 'list'])).stdout.trimEnd().split('\n');
    expect(table).toHaveLength(2);
    expect(table[0]).toMatch(/^PLAN\s+CURRENCY\s+ROWS\s+APPLIES TO\s+FILE\s+IMPORTED$/);
    expect(table[1]).toMatch(/^BT\s+GBP\s+3\s+office by BT SIP\s+bt-rates\.csv\s+\d{4}-\d\d-\d\d \d\d:\d\d$/);
    const [bt, ...others] = await plans();
    expect(others).toEqual([]);
    expect(Object.keys(bt!).sort()).toEqual(['currency', 'file', 'imported_at', 'name', 'pbx', 'row_count', 'trunks']);
    expect(bt).toMatchObject({ name: 'BT', currency: 'GBP', pbx: ['office'], trunks: [TRUNK], file: 'bt-rates.csv', row_count: 3 });
    expect(Math.abs(Date.parse(bt!.imported_at) - Date.now())).toBeLessThan(60_000);
  });

  it('shows a plan with its rows, as a table and as JSON', async () => {
    const text = (await ok(['rates', 'show', 'BT'])).stdout.trimEnd().split('\n');
    expect(text[0]).toBe('Plan BT (GBP) for office by BT SIP, from bt-rates.csv');
    expect(text[1]).toMatch(/^PREFIX\s+DESTINATION\s+RATE\/MIN\s+CONNECT\s+MIN \(S\)\s+INCR \(S\)\s+FROM$/);
    expect(text.slice(2).map((line) => line.trim().split(/\s{2,}/))).toEqual([
      ['33', 'France', '0.1', '0', '60', '60'],
      ['44', 'UK', '0.01', '0', '0', '60'],
      ['447', 'UK mobile', '0.05', '0.02', '30', '6'],
    ]);
    const detail = await plan('BT');
    expect(detail).toMatchObject({ name: 'BT', currency: 'GBP', pbx: ['office'], trunks: [TRUNK], row_count: 3 });
    expect(detail.rows).toEqual([
      { line: 4, prefix: '33', destination: 'France', rate: '0.1', connect: '0', minimum: 60, increment: 60, effective: null },
      { line: 2, prefix: '44', destination: 'UK', rate: '0.01', connect: '0', minimum: 0, increment: 60, effective: null },
      { line: 3, prefix: '447', destination: 'UK mobile', rate: '0.05', connect: '0.02', minimum: 30, increment: 6, effective: null },
    ]);
  });
});

describe('ucmcdr rates lookup', () => {
  it('turns a dialled number into E.164 by the dial plan and names the longest prefix, as text and JSON', async () => {
    const text = await ok(['rates', 'lookup', '07911123456', '--pbx', 'office', '--trunk', TRUNK]);
    expect(text.stdout).toBe(
      'Number 07911123456 -> E.164 447911123456\nPlan BT (GBP)\nPrefix 447 (UK mobile): 0.05/min, connect 0.02, minimum 30 s, increment 6 s\n',
    );
    expect(await lookup('07911123456', '--pbx', 'office', '--trunk', TRUNK)).toEqual({
      number: '07911123456',
      e164: '447911123456',
      plan: 'BT',
      currency: 'GBP',
      row: { line: 3, prefix: '447', destination: 'UK mobile', rate: '0.05', connect: '0.02', minimum: 30, increment: 6, effective: null },
      reason: '',
    });
    const international = await lookup('0033123456789', '--pbx', 'office', '--trunk', TRUNK);
    expect([international.e164, international.row?.prefix]).toEqual(['33123456789', '33']);
  });

  it('says why there is no row: no prefix, no trunk named, a trunk or PBX no plan prices', async () => {
    const japan = await lookup('0081312345678', '--pbx', 'office', '--trunk', TRUNK);
    expect(japan).toMatchObject({ e164: '81312345678', plan: 'BT', row: null });
    expect(japan.reason).toMatch(/^No prefix of plan "BT" matches 81312345678 at \d{4}-\d\d-\d\dT[\d:]+: such calls are unrated\.$/);
    const noTrunk = await lookup('07911123456', '--pbx', 'office');
    expect(noTrunk).toMatchObject({ plan: null, row: null, reason: 'The plans of "office" price calls by their trunk: name the trunk (BT SIP).' });
    const gsm = await lookup('07911123456', '--pbx', 'office', '--trunk', 'GSM');
    expect(gsm).toMatchObject({ plan: null, row: null, reason: 'No rate plan prices calls of "office" by trunk "GSM": such calls are not billable.' });
    // branch has no dial plan: the number stays as dialled, and no plan prices its calls.
    const branch = await lookup('07911123456', '--pbx', 'branch', '--trunk', TRUNK);
    expect(branch).toMatchObject({ e164: '07911123456', plan: null, row: null });
    const text = await ok(['rates', 'lookup', '0081312345678', '--pbx', 'office', '--trunk', TRUNK]);
    expect(text.stdout).toMatch(/^Number 0081312345678 -> E\.164 81312345678\nPlan BT \(GBP\)\nNo prefix of plan "BT" matches 81312345678 at .*: such calls are unrated\.\n$/);
  });
});

describe('costs in calls and report costs', () => {
  it('gives every call its cost, status, currency and rate destination', async () => {
    expect(await costs()).toEqual(PRICED_BY_BT);
  });

  it('selects by --cost-status, --min-cost and --max-cost what the cost fields say', async () => {
    const all = await calls();
    const sessions = (rows: CallRow[]) => rows.map((r) => r.session).sort();
    const expected = (keep: (r: CallRow) => boolean) => sessions(all.filter(keep));

    expect(sessions(await calls('--cost-status', 'unrated'))).toEqual(['japan']);
    expect(sessions(await calls('--cost-status', 'rated,unrated'))).toEqual(['france', 'japan', 'uk-fixed', 'uk-mobile']);
    expect(sessions(await calls('--cost-status', 'not_billable'))).toEqual(expected((r) => r.cost_status === 'not_billable'));
    // Bounds are inclusive; a not billable call costs 0; an unrated call has no cost and matches no bound.
    expect(sessions(await calls('--min-cost', '0.075'))).toEqual(['france', 'uk-mobile']);
    expect(sessions(await calls('--min-cost', '0.075'))).toEqual(expected((r) => r.cost !== null && r.cost >= 0.075));
    expect(sessions(await calls('--max-cost', '0.02'))).toEqual(expected((r) => r.cost !== null && r.cost <= 0.02));
    expect(sessions(await calls('--max-cost', '0.02'))).toContain('uk-fixed');
    expect(sessions(await calls('--min-cost', '0.0001'))).toEqual(['france', 'uk-fixed', 'uk-mobile']);
    expect(sessions(await calls('--min-cost', '0.03', '--max-cost', '0.09'))).toEqual(['uk-mobile']);
    expect(sessions(await calls('--min-cost', '0.0751'))).toEqual(['france']);
  });

  it('report costs --by destination adds up the calls, and its table ends with a Total line', async () => {
    const all = await calls();
    const json = JSON.parse((await ok(['report', 'costs', '--by', 'destination', '--format', 'json'])).stdout) as CostsReport;
    expect(json).toMatchObject({ kind: 'costs', by: 'destination', currency: 'GBP', unrated: { calls: 1 }, stale: false });
    const rated = all.filter((r) => r.cost_status === 'rated');
    const byDestination = new Map<string, { calls: number; cost: number }>();
    for (const r of rated) {
      const b = byDestination.get(r.rate_destination) ?? { calls: 0, cost: 0 };
      byDestination.set(r.rate_destination, { calls: b.calls + 1, cost: b.cost + r.cost! });
    }
    expect(json.rows.map((r) => ({ key: r.key, calls: r.calls, cost: r.cost }))).toEqual([
      { key: 'France', calls: 1, cost: 0.1 },
      { key: 'UK mobile', calls: 1, cost: 0.075 },
      { key: 'UK', calls: 1, cost: 0.02 },
    ]);
    for (const r of json.rows) expect(r.cost).toBeCloseTo(byDestination.get(r.key)!.cost, 10);
    // Billed seconds by the rows' minimum and increment: 60 (France), 66 (UK mobile), 120 (UK).
    expect(json.rows.map((r) => r.billed_seconds)).toEqual([60, 66, 120]);
    expect(json.total).toEqual({ calls: 3, billed_seconds: 246, cost: 0.195 });

    const table = (await ok(['report', 'costs', '--by', 'destination'])).stdout.trimEnd().split('\n');
    expect(table[0]).toMatch(/^DESTINATION\s+CALLS\s+BILLED \(S\)\s+COST \(GBP\)$/);
    expect(table.find((line) => line.startsWith('France'))).toMatch(/^France\s+1\s+60\s+0\.1000$/);
    // The unrated call is counted apart, and the Total line says so.
    expect(table.find((line) => line.startsWith('Total'))).toMatch(/^Total, 1 unrated not included\s+3\s+246\s+0\.1950$/);
  });

  it('refuses --min-cost that is not an amount at option parsing, and a reversed range', async () => {
    const bad = await cli(['--db', db, 'calls', '--min-cost', 'abc']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/^ucmcdr: option '--min-cost <amount>' argument 'abc' is invalid\. Expected an amount such as 12 or 0\.5/);
    expect(bad.stdout).toBe('');
    const tooFine = await cli(['--db', db, 'calls', '--max-cost', '0.00001']);
    expect(tooFine.code).toBe(2);
    expect(tooFine.stderr).toMatch(/^ucmcdr: option '--max-cost <amount>' argument '0\.00001' is invalid/);
    const reversed = await cli(['--db', db, 'calls', '--min-cost', '0.2', '--max-cost', '0.1']);
    expect(reversed.code).toBe(2);
    expect(reversed.stderr).toBe('ucmcdr: --min-cost 0.2 is more than --max-cost 0.1: swap them or widen the range.\n');
  });
});

describe('refused changes leave plans and costs as they were', () => {
  it('refuses a sheet with bad lines whole: every bad line on stderr, then one error line, exit 1', async () => {
    const planBefore = await plan('BT');
    const costsBefore = await costs();
    const run = await cli(['--db', db, 'rates', 'import', sheets.btBad, '--plan', 'BT', '--currency', 'EUR']);
    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
    const lines = run.stderr.trimEnd().split('\n');
    expect(lines).toHaveLength(4);
    expect(lines[0]).toMatch(/^line 3: prefix "4x7" is not digits/);
    expect(lines[1]).toMatch(/^line 4: rate "abc" is not a number/);
    expect(lines[2]).toMatch(/^line 6: increment "0" has a 0-second step/);
    expect(lines[3]).toBe(
      `ucmcdr: Rate sheet ${sheets.btBad} was refused whole (nothing changed): 3 bad line(s), listed above. Correct them and import it again.`,
    );
    expect(await plan('BT')).toEqual(planBefore);
    expect(await costs()).toEqual(costsBefore);
    expect((await ok(['rates', 'rerate'])).stdout).toBe('Costs are up to date.\n');
  });

  it('refuses a plan that would price calls another plan prices, naming that plan', async () => {
    const run = await cli(['--db', db, 'rates', 'import', sheets.bt, '--plan', 'Other', '--pbx', 'office']);
    expect(run.code).toBe(2);
    expect(run.stderr).toBe(
      'ucmcdr: Plan "Other" would apply to calls that plan "BT" already prices (it covers "office" by "BT SIP"). ' +
        'Give each plan its own PBXs (--pbx) or destination trunks (--trunk), or change that plan first (ucmcdr rates assign).\n',
    );
    const everywhere = await cli(['--db', db, 'rates', 'import', sheets.bt, '--plan', 'Other']);
    expect(everywhere.code).toBe(2);
    expect(everywhere.stderr).toMatch(/^ucmcdr: Plan "Other" would apply to calls that plan "BT" already prices/);
    expect((await plans()).map((p) => p.name)).toEqual(['BT']);
    expect(await costs()).toEqual(PRICED_BY_BT);
  });

  it('refuses a currency that is not a three-letter code, before changing anything', async () => {
    for (const currency of ['pounds', 'G8P', '']) {
      const run = await cli(['--db', db, 'rates', 'import', sheets.bt, '--plan', 'BT', '--currency', currency]);
      expect(run.code, currency).toBe(2);
      expect(run.stderr).toBe(`ucmcdr: Currency "${currency}" is not a three-letter ISO 4217 code such as GBP, EUR or USD.\n`);
    }
    expect((await plan('BT')).currency).toBe('GBP');
  });

  it('names the unknown plan or PBX', async () => {
    const noPlan = 'ucmcdr: There is no rate plan named "Nope": see ucmcdr rates list.\n';
    for (const argv of [['rates', 'show', 'Nope'], ['rates', 'remove', 'Nope'], ['rates', 'assign', 'Nope', '--pbx', 'office']]) {
      const run = await cli(['--db', db, ...argv]);
      expect(run.code, argv.join(' ')).toBe(1);
      expect(run.stderr, argv.join(' ')).toBe(noPlan);
    }
    const noPbx = 'ucmcdr: There is no PBX named "nowhere": see ucmcdr pbx list.\n';
    for (const argv of [
      ['rates', 'import', sheets.bt, '--plan', 'New', '--pbx', 'nowhere'],
      ['rates', 'assign', 'BT', '--pbx', 'nowhere'],
      ['rates', 'lookup', '07911123456', '--pbx', 'nowhere'],
    ]) {
      const run = await cli(['--db', db, ...argv]);
      expect(run.code, argv.join(' ')).toBe(1);
      expect(run.stderr, argv.join(' ')).toBe(noPbx);
    }
    const noFile = await cli(['--db', db, 'rates', 'import', join(tmp.dir, 'missing.csv'), '--plan', 'BT']);
    expect(noFile.code).toBe(2);
    expect(noFile.stderr).toMatch(/^ucmcdr: .*missing\.csv/);
    const noPlanOption = await cli(['--db', db, 'rates', 'import', sheets.bt]);
    expect(noPlanOption.code).toBe(2);
    expect(noPlanOption.stderr).toMatch(/required option '--plan <name>' not specified/);
    expect((await plans()).map((p) => p.name)).toEqual(['BT']);
    expect(await costs()).toEqual(PRICED_BY_BT);
  });
});

describe('a second plan, and removing plans', () => {
  it('prices another trunk in another currency from a sheet with other header names, and a report refuses to mix currencies', async () => {
    const run = await ok(['rates', 'import', sheets.mobile, '--plan', 'Mobile', '--currency', 'EUR', '--pbx', 'office', '--trunk', 'GSM']);
    expect(run.stdout).toBe('Created plan Mobile: 1 rows in EUR, for office by GSM.\n');
    expect(run.stderr).toMatch(/^Costs up to date: 1 calls priced anew; 1 billable calls match no prefix/);
    // 100 s at 0.10/min, per second: 0.1666... -> 0.1667.
    expect(await costs()).toEqual({
      ...PRICED_BY_BT,
      gsm: { cost: 0.1667, cost_status: 'rated', cost_currency: 'EUR', rate_destination: 'UK mobile' },
    });
    expect((await plan('Mobile')).rows).toEqual([
      { line: 2, prefix: '447', destination: 'UK mobile', rate: '0.1', connect: '0', minimum: 0, increment: 1, effective: '2025-01-01T00:00:00' },
    ]);
    const mixed = await cli(['--db', db, 'report', 'costs']);
    expect(mixed.code).toBe(2);
    expect(mixed.stderr).toMatch(/^ucmcdr: These calls are priced in EUR and GBP: a cost report adds up one currency\./);
    const gsm = JSON.parse((await ok(['report', 'costs', '--by', 'trunk', '--dst-trunk', 'GSM', '--format', 'json'])).stdout) as CostsReport;
    expect(gsm).toMatchObject({ currency: 'EUR', rows: [{ key: 'GSM', calls: 1, cost: 0.1667 }], total: { calls: 1, cost: 0.1667 } });
  });

  it('rates remove makes the calls a plan priced not billable', async () => {
    const removed = await ok(['rates', 'remove', 'Mobile']);
    expect(removed.stdout).toBe('Removed plan Mobile.\n');
    expect(removed.stderr).toMatch(/^Costs up to date: 1 calls priced anew/);
    expect(await costs()).toEqual(PRICED_BY_BT);

    const last = await ok(['rates', 'remove', 'BT']);
    expect(last.stdout).toBe('Removed plan BT.\n');
    expect(last.stderr).toBe('Costs up to date: 4 calls priced anew.\n');
    expect(await costs()).toEqual(Object.fromEntries(SESSIONS.map((s) => [s, NOT_BILLABLE])));
    expect(await plans()).toEqual([]);
    expect(await calls('--cost-status', 'rated,unrated')).toEqual([]);
    const report = JSON.parse((await ok(['report', 'costs', '--format', 'json'])).stdout) as CostsReport;
    expect(report).toMatchObject({ rows: [], total: { calls: 0, billed_seconds: 0, cost: 0 }, unrated: { calls: 0 }, stale: false });
  });
});

describe('ucmcdr rates --help', () => {
  it('rates --help says what a plan is, names the columns, and gives examples of every subcommand', async () => {
    const run = await cli(['rates', '--help']);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^Usage: ucmcdr rates /);
    for (const sub of ['import', 'assign', 'list', 'show', 'remove', 'lookup', 'rerate']) expect(run.stdout).toMatch(new RegExp(`^ {2}${sub} `, 'm'));
    expect(run.stdout).toContain('prefix, destination, rate per minute, connect fee,\nminimum, increment, effective date');
    expect(run.stdout).toMatch(/Examples:\n {2}ucmcdr rates import carrier\.csv --plan BT --currency GBP/);
    expect(run.stdout).toMatch(/^ {2}ucmcdr rates lookup .* --pbx office/m);
  });

  it('rates import --help lists the header synonyms it reads and gives examples', async () => {
    const run = await cli(['rates', 'import', '--help']);
    expect(run.code).toBe(0);
    const help = run.stdout.replace(/\s+/g, ' ');
    for (const synonyms of [
      'prefix / code / dial code',
      'destination / description / country',
      'rate / price / per minute',
      'connect / connection fee / setup',
      'min / minimum',
      'increment / interval / billing increment',
      'from / effective / valid from',
    ]) {
      expect(help).toContain(synonyms);
    }
    expect(run.stdout).toMatch(/Examples:\n {2}ucmcdr rates import carrier\.csv --plan BT --currency GBP\n {2}ucmcdr rates import mobile\.csv /);
  });
});
