import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CallFilter, CallRow, CallSort } from '../../preload/api.js';
import { AppError } from '../../main/errors.js';
import { foldText } from '../../main/store/text.js';
import type { Store } from '../../main/store/types.js';
import { flatCall, transferCall, type CallSpec } from '../support/calls.js';
import { addPbx, tempStore } from '../support/store.js';

/**
 * A few hundred generated calls of two PBXs in different zones. Each filter is checked against a
 * predicate over the same specs, and every expectation must include some calls and exclude others,
 * so a filter that stops filtering (or filters everything) fails.
 */

interface Spec extends CallSpec {
  pbx: 'Office' | 'Branch';
  direction: string;
  caller_name: string;
  src: string;
  dst: string;
  disposition: string;
  action_type: string;
  billsec: number;
  duration: number;
}

const NAMES = ['MÜLLER', 'Müller-Lüdenscheidt', 'José García', 'Anna Bauer', 'STRASSE GmbH', 'Straße AG', '', 'Zoë', 'Jo'];
const DISPOSITIONS = ['ANSWERED', 'ANSWERED', 'ANSWERED', 'NO ANSWER', 'BUSY', 'FAILED', 'CONGESTION'];
const ACTIONS = ['DIAL', 'DIAL', 'DIAL', 'RINGGROUP[6400]', 'QUEUE[6500]', 'IVR[7000]', 'VM', 'TRANSFER'];
const USERFIELDS = ['Inbound', 'Outbound', 'Internal', 'External'];

function pad(n: number, width: number): string {
  return String(n).padStart(width, '0');
}

function wall(minutes: number): string {
  return new Date(Date.UTC(2024, 2, 1) + minutes * 60_000).toISOString().slice(0, 19).replace('T', ' ');
}

function generate(count: number): Spec[] {
  let seed = 7;
  const rnd = (n: number): number => {
    // Park-Miller: exact in doubles, so the data set is the same on every run.
    seed = (seed * 48271) % 2147483647;
    return seed % n;
  };
  const specs: Spec[] = [];
  for (let i = 0; i < count; i++) {
    const userfield = USERFIELDS[rnd(4)] as string;
    const fromOutside = userfield === 'Inbound' || userfield === 'External';
    const toOutside = userfield === 'Outbound' || userfield === 'External';
    const disposition = DISPOSITIONS[rnd(DISPOSITIONS.length)] as string;
    const billsec = disposition === 'ANSWERED' ? rnd(300) : 0;
    const src = fromOutside ? `0301234${pad(rnd(60), 3)}` : `10${pad(rnd(20), 2)}`;
    const dst = toOutside ? `0891555${pad(rnd(40), 3)}` : userfield === 'Internal' ? `3${pad(rnd(15), 3)}` : `20${pad(rnd(15), 2)}`;
    const recorded = disposition === 'ANSWERED' && rnd(4) === 0;
    specs.push({
      // Groups of three share a start: two of them on the same PBX, ties for the keyset.
      pbx: i % 3 === 0 ? 'Branch' : 'Office',
      session: `${1709251200 + i}-${src}`,
      start: wall(Math.floor(i / 3) * 397),
      src,
      dst,
      caller_name: NAMES[rnd(NAMES.length)] as string,
      disposition,
      userfield,
      direction: userfield.toLowerCase(),
      action_type: ACTIONS[rnd(ACTIONS.length)] as string,
      billsec,
      duration: billsec + rnd(40),
      src_trunk_name: fromOutside ? (['trunk_a', 'Telekom'][rnd(2)] as string) : '',
      dst_trunk_name: toOutside ? (['trunk_a', 'Sipgate'][rnd(2)] as string) : '',
      accountcode: rnd(10) === 0 ? (['PROJ1', 'SALES'][rnd(2)] as string) : '',
      recordfiles: recorded ? `2024-03/auto-${i}-${src}-${dst}.wav@` : '',
      dstanswer: disposition === 'ANSWERED' ? dst : '',
    });
  }
  return specs;
}

const specs = generate(360);
let store: Store;
let cleanup: () => void;

beforeAll(() => {
  ({ store, cleanup } = tempStore());
  const office = addPbx(store, 'Office', 'Europe/Berlin');
  const branch = addPbx(store, 'Branch', 'America/New_York');
  store.calls.ingest(office, specs.filter((s) => s.pbx === 'Office').map(flatCall), { origin: 'sync' });
  store.calls.ingest(branch, specs.filter((s) => s.pbx === 'Branch').map(flatCall), { origin: 'import:branch.csv' });
});
afterAll(() => cleanup());

/**
 * The names the phonebook learns from these calls: per PBX and extension, the caller name of its
 * latest internal call (the later of two at the same start).
 */
const learned = new Map<string, { at: string; name: string }>();
for (const s of specs) {
  if (s.userfield !== 'Internal' || s.caller_name === '') continue;
  const key = `${s.pbx} ${s.src}`;
  const before = learned.get(key);
  if (before === undefined || s.start >= before.at) learned.set(key, { at: s.start, name: s.caller_name });
}

/** Whether the caller, callee or answering party of a call has a learned name holding `word`. */
function namedBy(s: Spec, word: string): boolean {
  return [s.src, s.dst, s.dstanswer ?? ''].some((n) => foldText(learned.get(`${s.pbx} ${n}`)?.name ?? '').includes(word));
}

function sessions(filter: CallFilter): string[] {
  return [...store.calls.iterate(filter)].map((r) => r.session).sort();
}

function expected(predicate: (s: Spec) => boolean): string[] {
  const out = specs.filter(predicate).map((s) => s.session).sort();
  // A meaningful check keeps some calls and drops others.
  expect(out.length).toBeGreaterThan(0);
  expect(out.length).toBeLessThan(specs.length);
  return out;
}

function expectFilter(filter: CallFilter, predicate: (s: Spec) => boolean): void {
  const want = expected(predicate);
  expect(sessions(filter)).toEqual(want);
  const talk = specs.filter(predicate).reduce((n, s) => n + s.billsec, 0);
  expect(store.calls.totals(filter)).toEqual({ count: want.length, talk_seconds: talk });
}

const day = (s: Spec): string => s.start.slice(0, 10);
const kind = (s: Spec): string => s.action_type.replace(/\[.*$/, '');

describe('filters', () => {
  it('limits to one or more PBXs', () => {
    expectFilter({ pbx: ['Branch'] }, (s) => s.pbx === 'Branch');
    expect(sessions({ pbx: ['Branch', 'Office'] })).toHaveLength(specs.length);
  });

  it('takes whole days for dates and inclusive wall-clock bounds for times', () => {
    expectFilter({ from: '2024-03-05', to: '2024-03-07' }, (s) => day(s) >= '2024-03-05' && day(s) <= '2024-03-07');
    expectFilter({ from: '2024-03-10T06:37' }, (s) => s.start >= '2024-03-10 06:37:00');
    const edge = specs[150] as Spec;
    const at = edge.start.replace(' ', 'T');
    expectFilter({ from: at, to: at }, (s) => s.start === edge.start);
    expectFilter({ to: '2024-03-04T13:14:59', pbx: ['Office'] }, (s) => s.start <= '2024-03-04 13:14:59' && s.pbx === 'Office');
  });

  it('matches caller numbers with the cdrapi pattern language', () => {
    expectFilter({ caller: '1001' }, (s) => s.src === '1001');
    expectFilter({ caller: '1001,1003-1005' }, (s) => ['1001', '1003', '1004', '1005'].includes(s.src));
    expectFilter({ caller: '10_5' }, (s) => /^10.5$/.test(s.src));
    expectFilter({ caller: '0301234@' }, (s) => s.src.startsWith('0301234'));
    expectFilter({ callee: '@55@' }, (s) => s.dst.includes('55'));
    expectFilter({ callee: '2000-2005' }, (s) => /^\d+$/.test(s.dst) && Number(s.dst) >= 2000 && Number(s.dst) <= 2005);
  });

  it('matches numbers with the UCM page pattern language', () => {
    expectFilter({ callee: '3XXX' }, (s) => /^3\d{3}$/.test(s.dst));
    expectFilter({ caller: '100x' }, (s) => /^100\d$/.test(s.src));
    expectFilter({ caller: '030.' }, (s) => s.src.startsWith('030'));
  });

  it('matches who answered', () => {
    expectFilter({ answered_by: '3001,3002' }, (s) => s.dstanswer === '3001' || s.dstanswer === '3002');
    expectFilter({ answered_by: '2@' }, (s) => (s.dstanswer ?? '').startsWith('2'));
  });

  it('finds caller names case-insensitively, Unicode included', () => {
    expectFilter({ caller_name: 'müller' }, (s) => s.caller_name.toLowerCase().includes('müller'));
    expectFilter({ caller_name: 'MÜLLER-lüden' }, (s) => s.caller_name === 'Müller-Lüdenscheidt');
    // ß folds to ss, so both spellings of the street meet.
    expectFilter({ caller_name: 'straße' }, (s) => s.caller_name === 'Straße AG' || s.caller_name === 'STRASSE GmbH');
    expectFilter({ caller_name: 'GARCÍA' }, (s) => s.caller_name === 'José García');
    // Two characters are below the trigram index: the scan path must give the same answer.
    expectFilter({ caller_name: 'jo' }, (s) => s.caller_name === 'José García' || s.caller_name === 'Jo');
  });

  it('filters by status, direction and action kind', () => {
    expectFilter({ status: ['BUSY', 'FAILED'] }, (s) => s.disposition === 'BUSY' || s.disposition === 'FAILED');
    expectFilter({ direction: ['inbound'] }, (s) => s.direction === 'inbound');
    expectFilter({ direction: ['outbound', 'external'] }, (s) => s.direction === 'outbound' || s.direction === 'external');
    expectFilter({ action_type: ['RINGGROUP'] }, (s) => kind(s) === 'RINGGROUP');
    expectFilter({ action_type: ['ringgroup', 'Queue'] }, (s) => kind(s) === 'RINGGROUP' || kind(s) === 'QUEUE');
  });

  it('filters by trunks and account codes', () => {
    expectFilter({ src_trunk: ['Telekom'] }, (s) => s.src_trunk_name === 'Telekom');
    expectFilter({ dst_trunk: ['Sipgate', 'trunk_a'] }, (s) => s.dst_trunk_name === 'Sipgate' || s.dst_trunk_name === 'trunk_a');
    expectFilter({ account_code: ['PROJ1'] }, (s) => s.accountcode === 'PROJ1');
  });

  it('filters by talk and call time ranges', () => {
    expectFilter({ min_talk: 100, max_talk: 200 }, (s) => s.billsec >= 100 && s.billsec <= 200);
    expectFilter({ min_talk: 250 }, (s) => s.billsec >= 250);
    expectFilter({ max_call: 20 }, (s) => s.duration <= 20);
    expectFilter({ min_call: 30, max_call: 60 }, (s) => s.duration >= 30 && s.duration <= 60);
  });

  it('filters by recording', () => {
    expectFilter({ has_recording: true }, (s) => s.recordfiles !== '');
    expectFilter({ has_recording: false }, (s) => s.recordfiles === '');
    const row = store.calls.page({ filter: { has_recording: true }, limit: 1 }).rows[0] as CallRow;
    expect(row.recordings).toEqual([expect.stringMatching(/^2024-03\/auto-\d+-.+\.wav$/)]);
  });

  it('searches free text over numbers, names and trunks', () => {
    expectFilter({ search: 'telekom' }, (s) => s.src_trunk_name === 'Telekom');
    expectFilter({ search: '0891555' }, (s) => s.dst.includes('0891555'));
    // A word finds the caller names of the calls, and the calls of numbers whose learned name holds it.
    expectFilter({ search: 'garc' }, (s) => s.caller_name === 'José García' || namedBy(s, 'garc'));
    const muller = specs.find((s) => s.caller_name === 'MÜLLER' && s.src.startsWith('10')) as Spec;
    expectFilter(
      { search: `müller ${muller.src}` },
      (s) => (s.caller_name.toLowerCase().includes('müller') || namedBy(s, 'müller')) && s.src.includes(muller.src),
    );
    const short = (s: Spec): boolean =>
      [s.src, s.dst, s.dstanswer ?? '', foldText(s.caller_name), s.src_trunk_name ?? '', s.dst_trunk_name ?? ''].some((v) =>
        v.toLowerCase().includes('55'),
      );
    expectFilter({ search: '55' }, short);
  });

  it('folds accents: a needle without them finds the names written with them, and the other way round', () => {
    const plain = (s: Spec): string => s.caller_name.normalize('NFKD').replace(/[\u0300-\u036f]/g, '').toLowerCase();
    // Through the caller-name filter: a search also finds the calls to numbers named so (test/store/contacts.test.ts).
    expectFilter({ caller_name: 'jose' }, (s) => s.caller_name === 'José García');
    expectFilter({ caller_name: 'muller' }, (s) => plain(s).includes('muller'));
    expectFilter({ caller_name: 'MÜLLER-LUDENSCHEIDT' }, (s) => s.caller_name === 'Müller-Lüdenscheidt');
    expectFilter({ caller_name: 'ZOE' }, (s) => s.caller_name === 'Zoë');
    // Short needles take the instr() path over the same folded text.
    expectFilter({ caller_name: 'zo' }, (s) => plain(s).includes('zo'));
  });

  it('finds a call by its whole session id, alone or beside other filters, and not by a part of it', () => {
    const target = specs[specs.length - 5] as Spec;
    expectFilter({ search: target.session }, (s) => s.session === target.session);
    expectFilter({ search: ` ${target.session} `, pbx: [target.pbx] }, (s) => s.session === target.session);
    expect(sessions({ search: target.session, pbx: [target.pbx === 'Office' ? 'Branch' : 'Office'] })).toEqual([]);
    // A session id with other words is free text only, which holds no session.
    expect(sessions({ search: `${target.session} ${target.src}` })).toEqual([]);
    expect(sessions({ search: target.session.slice(0, 12) })).toEqual([]);
  });

  it('combines filters', () => {
    expectFilter(
      { direction: ['inbound'], status: ['ANSWERED'], src_trunk: ['Telekom'], from: '2024-03-03', pbx: ['Office'] },
      (s) =>
        s.direction === 'inbound' &&
        s.disposition === 'ANSWERED' &&
        s.src_trunk_name === 'Telekom' &&
        day(s) >= '2024-03-03' &&
        s.pbx === 'Office',
    );
    expectFilter({ caller: '10XX', callee: '3XXX', min_talk: 1 }, (s) => /^10\d\d$/.test(s.src) && /^3\d{3}$/.test(s.dst) && s.billsec >= 1);
  });

  it('treats empty text and empty lists as no filter', () => {
    expect(sessions({ caller: '', search: '  ', status: [] })).toHaveLength(specs.length);
  });
});

describe('rows', () => {
  it('returns rows exactly as the contract names them', () => {
    const spec = specs.find((s) => s.pbx === 'Branch' && s.disposition === 'ANSWERED') as Spec;
    const row = store.calls.findSession(spec.session)[0]?.call;
    expect(store.calls.get(row?.id ?? 0)).toEqual(row);
    expect(row).toMatchObject({
      session: spec.session,
      pbx: 'Branch',
      start: spec.start.replace(' ', 'T'),
      src: spec.src,
      dst: spec.dst,
      caller_name: spec.caller_name,
      disposition: 'ANSWERED',
      direction: spec.direction,
      action_type: spec.action_type,
      duration: spec.duration,
      billsec: spec.billsec,
      legs: 1,
      nat: false,
      origin: 'import:branch.csv',
    });
    // New York is UTC-5 in early March.
    const utc = new Date(Date.parse(`${spec.start.replace(' ', 'T')}Z`) + 5 * 3600_000).toISOString().replace('.000Z', 'Z');
    expect(row?.start_utc).toBe(utc);
  });

  it('sorts newest first by default, across PBXs by their instant', () => {
    const rows = store.calls.page({ filter: {}, limit: 50 }).rows;
    const instants = rows.map((r) => r.start_utc);
    expect([...instants].sort().reverse()).toEqual(instants);
  });
});

function walk(filter: CallFilter, sort: CallSort | undefined, limit: number): CallRow[] {
  const rows: CallRow[] = [];
  let cursor: string | null = null;
  for (let pages = 0; pages < 1000; pages++) {
    const page = store.calls.page({ filter, sort, limit, cursor });
    rows.push(...page.rows);
    if (page.next_cursor === null) return rows;
    cursor = page.next_cursor;
  }
  throw new Error('pagination did not end');
}

function sortKey(row: CallRow, sort: CallSort): string | number {
  switch (sort.field) {
    case 'start':
      return row.start_utc;
    case 'caller_name':
      return foldText(row.caller_name);
    case 'src_trunk_name':
    case 'dst_trunk_name':
    case 'account_code':
      return row[sort.field].toLowerCase();
    case 'cost':
      return row.cost ?? -1;
    default:
      return row[sort.field];
  }
}

describe('keyset pagination', () => {
  const sorts: CallSort[] = [
    { field: 'start', dir: 'desc' },
    { field: 'start', dir: 'asc' },
    { field: 'src', dir: 'asc' },
    { field: 'caller_name', dir: 'desc' },
    { field: 'billsec', dir: 'desc' },
    { field: 'pbx', dir: 'asc' },
    { field: 'disposition', dir: 'asc' },
    { field: 'src_trunk_name', dir: 'desc' },
    { field: 'cost', dir: 'desc' },
  ];
  for (const sort of sorts) {
    it(`walks every call once, in order, sorted by ${sort.field} ${sort.dir}`, () => {
      const rows = walk({}, sort, 7);
      expect(rows).toHaveLength(specs.length);
      expect(new Set(rows.map((r) => r.id)).size).toBe(specs.length);
      const sign = sort.dir === 'asc' ? 1 : -1;
      const ordered = [...rows].sort((a, b) => {
        const ka = sortKey(a, sort);
        const kb = sortKey(b, sort);
        if (ka !== kb) return (ka < kb ? -1 : 1) * sign;
        if (a.start_utc !== b.start_utc) return (a.start_utc < b.start_utc ? -1 : 1) * sign;
        return (a.id - b.id) * sign;
      });
      expect(rows.map((r) => r.id)).toEqual(ordered.map((r) => r.id));
      expect([...store.calls.iterate({}, sort)].map((r) => r.id)).toEqual(rows.map((r) => r.id));
    });
  }

  it('walks a filtered set through pages whose boundary falls inside ties', () => {
    const filter: CallFilter = { pbx: ['Office'], status: ['ANSWERED', 'NO ANSWER'] };
    const rows = walk(filter, undefined, 2);
    expect(rows.map((r) => r.session).sort()).toEqual(sessions(filter));
    expect(new Set(rows.map((r) => r.id)).size).toBe(rows.length);
  });

  it('has no next page after the last row', () => {
    const page = store.calls.page({ filter: { caller: '1001' }, limit: 1000 });
    expect(page.next_cursor).toBeNull();
    expect(page.rows.length).toBe(specs.filter((s) => s.src === '1001').length);
  });
});

describe('totals and options', () => {
  it('counts the whole set and sums its talk time', () => {
    expect(store.calls.totals({})).toEqual({ count: specs.length, talk_seconds: specs.reduce((n, s) => n + s.billsec, 0) });
    const branch = specs.filter((s) => s.pbx === 'Branch');
    expect(store.calls.totals({ pbx: ['Branch'] })).toEqual({ count: branch.length, talk_seconds: branch.reduce((n, s) => n + s.billsec, 0) });
  });

  it('offers the distinct trunks, action kinds, account codes and PBX names', () => {
    expect(store.calls.filterOptions()).toEqual({
      pbx: ['Branch', 'Office'],
      src_trunk: ['Telekom', 'trunk_a'],
      dst_trunk: ['Sipgate', 'trunk_a'],
      action_type: ['DIAL', 'IVR', 'QUEUE', 'RINGGROUP', 'TRANSFER', 'VM'],
      account_code: ['PROJ1', 'SALES'],
    });
  });
});

function rejection(fn: () => unknown): AppError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).code).toBe('BAD_INPUT');
    return error as AppError;
  }
  throw new Error('expected BAD_INPUT');
}

describe('invalid values', () => {
  const cases: [string, () => unknown, RegExp][] = [
    ['an unknown status', () => store.calls.totals({ status: ['DONE' as never] }), /"DONE".*ANSWERED/],
    ['an unknown direction', () => store.calls.totals({ direction: ['sideways' as never] }), /"sideways"/],
    ['min above max talk', () => store.calls.totals({ min_talk: 50, max_talk: 10 }), /min_talk 50 is above max_talk 10/],
    ['min above max call', () => store.calls.totals({ min_call: 9, max_call: 3 }), /min_call 9 is above max_call 3/],
    ['a negative time', () => store.calls.totals({ min_call: -1 }), /min_call filter -1/],
    ['a fractional time', () => store.calls.totals({ max_talk: 1.5 }), /max_talk filter 1\.5/],
    ['a date that does not exist', () => store.calls.totals({ from: '2024-02-30' }), /"2024-02-30".*does not exist/],
    ['a date in another format', () => store.calls.totals({ to: '03/01/2024' }), /"03\/01\/2024".*YYYY-MM-DD/],
    ['from after to', () => store.calls.totals({ from: '2024-03-02', to: '2024-03-01' }), /"2024-03-02" is after to "2024-03-01"/],
    ['a bad number pattern', () => store.calls.totals({ caller: '5300-5301-5302' }), /caller filter.*"5300-5301-5302"/],
    ['a misplaced X', () => store.calls.totals({ callee: '3X1' }), /callee filter.*"3X1"/],
    ['an unknown PBX', () => store.calls.totals({ pbx: ['Nowhere'] }), /"Nowhere".*known: Branch, Office/],
    ['has_recording as text', () => store.calls.totals({ has_recording: 'yes' as never }), /has_recording filter "yes"/],
    ['an unknown filter', () => store.calls.totals({ calee: '1001' } as never), /Unknown filter "calee"/],
    ['a page size of 0', () => store.calls.page({ filter: {}, limit: 0 }), /page size 0/],
    ['a page size above 1000', () => store.calls.page({ filter: {}, limit: 1001 }), /page size 1001/],
    ['a damaged cursor', () => store.calls.page({ filter: {}, cursor: 'not a cursor!' }), /cursor/],
    ['an unknown sort field', () => store.calls.page({ filter: {}, sort: { field: 'colour' as never, dir: 'asc' } }), /"colour"/],
    ['an unknown sort direction', () => store.calls.page({ filter: {}, sort: { field: 'src', dir: 'up' as never } }), /"up"/],
    ['a trunk list given as text', () => store.calls.totals({ src_trunk: 'Telekom' as never }), /src_trunk filter "Telekom".*list/],
  ];
  for (const [what, run, message] of cases) {
    it(`rejects ${what}, naming the value`, () => {
      expect(rejection(run).message).toMatch(message);
    });
  }

  it('rejects a cursor from another sort', () => {
    const page = store.calls.page({ filter: {}, limit: 5 });
    const error = rejection(() => store.calls.page({ filter: {}, limit: 5, cursor: page.next_cursor, sort: { field: 'src', dir: 'asc' } }));
    expect(error.message).toContain('belongs to the sort start desc');
  });

  it('rejects a forged cursor whose position is not a row position', () => {
    const forged = Buffer.from(JSON.stringify(['start', 'desc', 'x', 'y', -1])).toString('base64url');
    expect(rejection(() => store.calls.page({ filter: {}, cursor: forged })).message).toContain('damaged');
  });
});

describe('merges and free text', () => {
  it('finds a transfer target by search only once the leg that reached it has arrived', () => {
    const pbx = addPbx(store, 'Lab', 'UTC');
    const full = transferCall('lab-transfer');
    store.calls.ingest(pbx, [{ ...full, legs: [full.legs[0] as Record<string, string>] }], { origin: 'sync' });
    expect(sessions({ pbx: ['Lab'], search: '1002' })).toEqual([]);
    store.calls.ingest(pbx, [full], { origin: 'sync' });
    expect(sessions({ pbx: ['Lab'], search: '1002' })).toEqual(['lab-transfer']);
    store.profiles.remove(pbx);
  });
});
