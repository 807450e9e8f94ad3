import { describe, expect, it } from 'vitest';
import { parseCdrJson } from '../../main/cdr/parse-json.js';
import type { CdrCall, CdrRecord } from '../../main/cdr/types.js';
import { AppError } from '../../main/errors.js';
import { fixture } from './fixtures.js';

type RawRecord = Record<string, string>;
type RawEntry = Record<string, unknown>;

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (error) {
    return error instanceof AppError ? error.code : 'not an AppError';
  }
  return undefined;
}

function subKeys(entry: RawEntry): string[] {
  return Object.keys(entry)
    .filter((key) => /^sub_cdr_\d+$/.test(key))
    .sort((a, b) => Number(a.slice(8)) - Number(b.slice(8)));
}

describe('parseCdrJson on the guide example', () => {
  const raw = JSON.parse(fixture('guide-transfer.json')) as { cdr_root: RawEntry[] };
  const { calls, problems } = parseCdrJson(fixture('guide-transfer.json'));

  it('reads one call identified by its cdr key, with main and two legs in order', () => {
    expect(problems).toEqual([]);
    expect(calls).toHaveLength(1);
    expect(calls[0]?.session).toBe('1461920017104140-1000');
    expect(calls[0]?.legs.map((leg) => leg['AcctId'])).toEqual(['1', '2']);
  });

  it('keeps every field of every record exactly as sent', () => {
    const entry = raw.cdr_root[0] as RawEntry;
    expect(calls[0]?.main).toEqual(entry['main_cdr']);
    expect(calls[0]?.legs).toEqual([entry['sub_cdr_1'], entry['sub_cdr_2']]);
    expect(calls[0]?.legs[0]?.['clid']).toBe('"John Doe" <1000>');
  });
});

describe('parseCdrJson on the UCM63xx capture', () => {
  const text = fixture('ucm63xx-cdrapi-capture-2022-08.json');
  const raw = JSON.parse(text) as { cdr_root: RawEntry[] };
  const { calls, problems } = parseCdrJson(text);

  /** Identity per the rule: a record's own session, else the entry's (cdr key, else main's session). */
  function identity(entry: RawEntry, record: RawRecord): string {
    if (record['session']) return record['session'];
    if (typeof entry['cdr'] === 'string' && entry['cdr'] !== '') return entry['cdr'];
    return (entry['main_cdr'] as RawRecord | undefined)?.['session'] ?? '';
  }

  function recordsOf(entry: RawEntry): RawRecord[] {
    return 'main_cdr' in entry
      ? (subKeys(entry).map((key) => entry[key]) as RawRecord[])
      : [Object.fromEntries(Object.entries(entry).filter(([key]) => key !== 'cdr')) as RawRecord];
  }

  it('makes one call per session named by any record, as the capture holds 15 calls, with no problems', () => {
    const expected = new Set(raw.cdr_root.flatMap((entry) => recordsOf(entry).map((record) => identity(entry, record))));
    expect(problems).toEqual([]);
    expect(calls).toHaveLength(15);
    expect(new Set(calls.map((c) => c.session))).toEqual(expected);
  });

  it('keeps every leg record field by field, unknown fields included', () => {
    const bySession = new Map(calls.map((c) => [c.session, c] as [string, CdrCall]));
    let compared = 0;
    for (const entry of raw.cdr_root) {
      for (const record of recordsOf(entry)) {
        const call = bySession.get(identity(entry, record)) as CdrCall;
        const leg = call.legs.find((l) => l['AcctId'] === record['AcctId']) as CdrRecord;
        expect(leg).toEqual(record);
        compared++;
      }
    }
    expect(compared).toBe(60);
    expect(calls.reduce((n, c) => n + c.legs.length, 0)).toBe(60);
    const withExtras = calls[0]?.legs[0] as CdrRecord;
    expect(Object.keys(withExtras)).toEqual(expect.arrayContaining(['nat_call', 'gdms_unique_code', 'recordfiles_desc']));
  });

  it('merges the repeated main records: a later non-empty value wins, nothing is erased', () => {
    const mains = raw.cdr_root.filter((entry) => 'main_cdr' in entry).map((entry) => entry['main_cdr'] as RawRecord);
    const merged = calls.find((c) => c.session === '1661157236570719-07917330699')?.main as CdrRecord;
    for (const field of Object.keys(mains[0] as RawRecord)) {
      const last = mains.map((m) => m[field] ?? '').filter((v) => v !== '').pop() ?? '';
      expect(merged[field], field).toBe(last);
    }
  });
});

describe('parseCdrJson shapes', () => {
  it('orders sub_cdr_N numerically, not lexically', () => {
    const entry: Record<string, unknown> = { cdr: 's', main_cdr: { session: 's' } };
    for (const n of [10, 2, 1, 11, 9, 3, 4, 5, 6, 7, 8]) entry[`sub_cdr_${n}`] = { AcctId: String(n) };
    const { calls } = parseCdrJson(JSON.stringify({ cdr_root: [entry] }));
    expect(calls[0]?.legs.map((leg) => leg['AcctId'])).toEqual(['1', '2', '3', '4', '5', '6', '7', '8', '9', '10', '11']);
  });

  it('takes the identity from main session when cdr is empty, else from the first leg', () => {
    const body = {
      cdr_root: [
        { cdr: '', main_cdr: { session: 'from-main' }, sub_cdr_1: { AcctId: '1', session: '' } },
        { cdr: '', main_cdr: { session: '' }, sub_cdr_1: { AcctId: '2', session: 'from-leg' } },
        { cdr: '', AcctId: '3', session: 'flat-one' },
      ],
    };
    expect(parseCdrJson(JSON.stringify(body)).calls.map((c) => c.session)).toEqual(['from-main', 'from-leg', 'flat-one']);
  });

  it('files each leg under the session it names, so one packet can carry legs of several calls', () => {
    const body = {
      cdr_root: [
        {
          cdr: '',
          main_cdr: { session: 'a', src: '100' },
          sub_cdr_1: { AcctId: '1', session: 'a' },
          sub_cdr_2: { AcctId: '2', session: 'b', src: '200' },
          sub_cdr_3: { AcctId: '3', session: 'b' },
          sub_cdr_4: { AcctId: '4', session: 'c' },
        },
      ],
    };
    const calls = parseCdrJson(JSON.stringify(body)).calls;
    expect(calls.map((c) => [c.session, c.legs.map((leg) => leg['AcctId'])])).toEqual([
      ['a', ['1']],
      ['b', ['2', '3']],
      ['c', ['4']],
    ]);
    expect(calls[0]?.main).toEqual({ session: 'a', src: '100' });
    expect(calls[1]?.main).toEqual({ session: 'b' });
    expect(calls[2]?.main).toBe(calls[2]?.legs[0]);
  });

  it('reports an entry without any identity as a problem with its position, and keeps going', () => {
    const body = { cdr_root: [{ cdr: '', AcctId: '1', session: '' }, 42, { cdr: 'ok', AcctId: '2' }] };
    const { calls, problems } = parseCdrJson(JSON.stringify(body));
    expect(calls.map((c) => c.session)).toEqual(['ok']);
    expect(problems.map((p) => p.position)).toEqual(['cdr_root[0]', 'cdr_root[1]']);
    expect(problems[0]?.reason).toContain('no identity');
  });

  it('keeps values as strings: numbers as written, null as empty', () => {
    const body = '{"cdr_root":[{"cdr":"s","AcctId":17,"duration":0,"billsec":12.5,"userfield":null,"video_call":false}]}';
    const record = parseCdrJson(body).calls[0]?.main;
    expect(record).toEqual({ AcctId: '17', duration: '0', billsec: '12.5', userfield: '', video_call: 'false' });
  });

  it('makes a flat entry a call whose main is its only leg, without the envelope key', () => {
    const { calls } = parseCdrJson('{"cdr_root":[{"cdr":"s","AcctId":"5","src":"203"}]}');
    expect(calls[0]).toEqual({ session: 's', main: { AcctId: '5', src: '203' }, legs: [{ AcctId: '5', src: '203' }] });
    expect(calls[0]?.legs[0]).toBe(calls[0]?.main);
  });

  it('merges a call delivered twice in one response', () => {
    const body = {
      cdr_root: [
        { cdr: 's', main_cdr: { session: 's', src: '1' }, sub_cdr_1: { AcctId: '1', dst: '' } },
        { cdr: 't', AcctId: '9', session: 't' },
        { cdr: 's', main_cdr: { session: 's', src: '1' }, sub_cdr_1: { AcctId: '1', dst: '2' }, sub_cdr_2: { AcctId: '2' } },
      ],
    };
    const { calls } = parseCdrJson(JSON.stringify(body));
    expect(calls.map((c) => c.session)).toEqual(['s', 't']);
    expect(calls[0]?.legs).toEqual([{ AcctId: '1', dst: '2' }, { AcctId: '2' }]);
  });

  it('accepts the empty container of a query without results', () => {
    expect(parseCdrJson('{"cdr_root":[]}')).toEqual({ calls: [], problems: [] });
    expect(parseCdrJson('{"cdr_root":[],"status":0}').calls).toEqual([]);
  });

  it.each(['{"status":-6}', '[1,2]', '{"cdr_root":{}}', '{"cdr_root": [', 'null'])('refuses %j as BAD_FILE', (text) => {
    expect(codeOf(() => parseCdrJson(text))).toBe('BAD_FILE');
  });
});
