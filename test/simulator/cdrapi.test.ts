import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CdrCall } from '../../main/cdr/types.js';
import { startSimulator, UCM63XX_FIELDS, type RunningSimulator } from '../../main/simulator/index.js';
import { DigestClient } from './client.js';

type Entry = Record<string, unknown> & { cdr?: string; session?: string; main_cdr?: Record<string, string> };

function sessionOf(entry: Entry): string {
  return entry.main_cdr?.session ?? (entry.session as string);
}

function startMs(call: CdrCall): number {
  return Date.parse(`${String(call.main.start).replace(' ', 'T')}Z`);
}

let sim: RunningSimulator;
let client: DigestClient;

async function sessions(query: string): Promise<string[]> {
  const body = await client.json<{ cdr_root: Entry[] }>(query === '' ? '/cdrapi?format=json' : `/cdrapi?format=json&${query}`);
  return body.cdr_root.map(sessionOf);
}

function unique(list: readonly string[]): string[] {
  return [...new Set(list)];
}

/** Sessions of the calls a predicate selects, in served order. */
function expected(predicate: (call: CdrCall) => boolean): string[] {
  return sim.calls.filter(predicate).map((c) => c.session);
}

beforeAll(async () => {
  sim = await startSimulator({ calls: 1200, seed: 7, days: 60, now: new Date('2024-03-15T12:00:00Z') });
  client = new DigestClient(sim);
});
afterAll(() => sim.close());

describe('cdrapi output and paging', () => {
  it('answers CSV with the header line when no format is given', async () => {
    const text = await client.text('/cdrapi?numRecords=3');
    const lines = text.split('\r\n');
    expect(lines[0]).toBe(UCM63XX_FIELDS.join(','));
    expect(lines.length).toBeGreaterThan(3);
  });

  it('accepts the format in upper case', async () => {
    expect(await client.text('/cdrapi?format=XML&numRecords=1')).toMatch(/^<root>\n<cdr session="/);
    expect(JSON.parse(await client.text('/cdrapi?format=JSON&numRecords=1')).cdr_root).toHaveLength(1);
  });

  it('returns 1000 records by default and never more than 1000', async () => {
    expect(await sessions('')).toHaveLength(1000);
    expect(await sessions('numRecords=5000')).toHaveLength(1000);
    expect(await sessions('numRecords=0')).toHaveLength(0);
  });

  it('returns records sorted by start time, ascending', async () => {
    const body = await client.json<{ cdr_root: Entry[] }>('/cdrapi?format=json&numRecords=1000');
    const starts = body.cdr_root.map((e) => String(e.main_cdr?.start ?? e.start));
    expect(starts).toEqual([...starts].sort());
  });

  it('delivers some calls twice in a row, as real devices do, and every call at least once', async () => {
    const all = [...(await sessions('offset=0')), ...(await sessions('offset=1000'))];
    const doubled = all.filter((s, i) => all[i + 1] === s);
    expect(doubled.length).toBeGreaterThan(0);
    expect(unique(all)).toEqual(sim.calls.map((c) => c.session));
  });

  it('pages by offset so that the pages add up to the whole list, and stay the same when calls are appended', async () => {
    const whole = await sessions('numRecords=600');
    const pages: string[] = [];
    for (let offset = 0; offset < 600; offset += 150) pages.push(...(await sessions(`numRecords=150&offset=${offset}`)));
    expect(pages).toEqual(whole);
    const before = sim.calls.length;
    const added = sim.addCalls(30);
    expect(sim.calls.length).toBe(before + 30);
    expect(startMs(added[0]!)).toBeGreaterThan(startMs(sim.calls[before - 1]!));
    expect(await sessions('numRecords=600')).toEqual(whole);
    const tail = unique(await sessions(`offset=${1200 - 60}`));
    expect(tail.slice(-30)).toEqual(added.map((c) => c.session));
  });
});

describe('cdrapi filters', () => {
  it('matches caller exactly', async () => {
    expect(unique(await sessions('caller=1000'))).toEqual(expected((c) => c.main.src === '1000'));
  });

  it('matches a comma list and a range of callers', async () => {
    const got = unique(await sessions('caller=1000,1002-1004'));
    expect(got).toEqual(expected((c) => c.main.src === '1000' || (Number(c.main.src) >= 1002 && Number(c.main.src) <= 1004)));
    expect(got.length).toBeGreaterThan(0);
  });

  it('concatenates repeated caller parameters', async () => {
    expect(unique(await sessions('caller=1000&caller=1002-1004'))).toEqual(unique(await sessions('caller=1000,1002-1004')));
  });

  it("treats '@' as any run and '_' as one character", async () => {
    expect(unique(await sessions('caller=07@'))).toEqual(expected((c) => String(c.main.src).startsWith('07')));
    expect(unique(await sessions('caller=100_'))).toEqual(expected((c) => /^100.$/.test(String(c.main.src))));
    expect(unique(await sessions('callee=@7'))).toEqual(expected((c) => String(c.main.dst).endsWith('7')));
  });

  it("matches values without digits with the range 0-0 (analogue lines and Anonymous)", async () => {
    const got = unique(await sessions('caller=0-0'));
    expect(got).toEqual(expected((c) => !/\d/.test(String(c.main.src))));
    expect(got.length).toBeGreaterThan(0);
  });

  it('filters callee and answeredby', async () => {
    expect(unique(await sessions('callee=6300'))).toEqual(expected((c) => c.main.dst === '6300'));
    const answered = unique(await sessions('answeredby=1003'));
    expect(answered).toEqual(expected((c) => [c.main, ...c.legs].some((r) => r.dstanswer === '1003')));
    expect(answered.some((s) => sim.calls.find((c) => c.session === s)!.legs.length > 1)).toBe(true);
  });

  it('filters talk time with minDur and maxDur, inclusive', async () => {
    const got = unique(await sessions('minDur=30&maxDur=60'));
    expect(got).toEqual(expected((c) => Number(c.main.billsec) >= 30 && Number(c.main.billsec) <= 60));
  });

  it('filters start time inclusively in every wall-clock form', async () => {
    const pivot = sim.calls[300]!;
    const wall = String(pivot.main.start);
    const [date, time] = wall.split(' ') as [string, string];
    const pivotMs = startMs(pivot);
    const from = expected((c) => startMs(c) >= pivotMs);
    const upTo = expected((c) => startMs(c) <= pivotMs);
    expect(unique(await sessions(`startTime=${date}T${time}`))).toEqual(from);
    expect(unique(await sessions(`startTime=${date}T${time}.000`))).toEqual(from);
    expect(unique(await sessions(`endTime=${date}T${time}`))).toEqual(upTo);
    expect(unique(await sessions(`endTime=${date}T${time}.999`))).toEqual(upTo);
    const minute = time.slice(0, 5);
    expect(unique(await sessions(`startTime=${date}T${minute}&endTime=${date}T${minute}:59`))).toEqual(
      expected((c) => String(c.main.start).startsWith(`${date} ${minute}`)),
    );
  });

  it('reads a date alone as midnight, zone offsets (with %2B for +), epoch seconds and now', async () => {
    const day = String(sim.calls[500]!.main.start).slice(0, 10);
    const dayStart = Date.parse(`${day}T00:00:00Z`);
    const sameDay = expected((c) => startMs(c) >= dayStart && startMs(c) < dayStart + 86_400_000);
    expect(unique(await sessions(`startTime=${day}&endTime=${day}T23:59:59`))).toEqual(sameDay);
    expect(unique(await sessions(`startTime=${day}T02:00:00%2B02:00&endTime=${day}T18:59:59-05:00`))).toEqual(sameDay);
    expect(unique(await sessions(`startTime=${dayStart / 1000}&endTime=${dayStart / 1000 + 86_399}`))).toEqual(sameDay);
    expect(await sessions('startTime=now')).toEqual([]);
    expect((await sessions('endTime=now')).length).toBe(1000);
  });

  it('reads a time of day alone as a time on 2000-01-01', async () => {
    expect(await sessions('endTime=23:59')).toEqual([]);
    expect(await sessions('startTime=08:00:00.000&numRecords=10')).toEqual(await sessions('numRecords=10'));
  });

  it('treats an empty startTime or endTime as no bound', async () => {
    expect(await sessions('startTime=&endTime=&numRecords=20')).toEqual(await sessions('numRecords=20'));
  });
});

describe('cdrapi errors: only the header or empty container, status 200', () => {
  const BAD_QUERIES = {
    'a disallowed character in caller': 'caller=10%2400',
    'a disallowed character in startTime': 'startTime=2024-03-01%2000:00',
    "a raw '+' in a zone offset (it reads as a space)": 'startTime=2024-03-01T00:00:00+02:00',
    'a non-digit in numRecords': 'numRecords=1O',
    'a negative offset': 'offset=-1',
    'a non-digit in minDur': 'minDur=5s',
    'a non-digit in maxDur': 'maxDur=1.5',
    'multiple hyphens in a range': 'caller=5300-5301-,6300',
    'an empty caller': 'caller=',
    'an empty numRecords': 'numRecords=',
    'a leading comma': 'caller=,5300',
    'consecutive commas': 'callee=5300,,5303',
    'an unknown parameter': 'callr=5300',
    'a repeated minDur': 'minDur=5&minDur=10',
    'a repeated offset': 'offset=0&offset=10',
    'a repeated answeredby': 'answeredby=1000&answeredby=1001',
    'an impossible date': 'startTime=2024-02-30T00:00',
    'an unknown time form': 'endTime=yesterday',
  };

  it.each(Object.entries(BAD_QUERIES))('returns no records for %s', async (_why, query) => {
    expect(await client.json(`/cdrapi?format=json&${query}`)).toEqual({ cdr_root: [] });
    expect(await client.text(`/cdrapi?format=xml&${query}`)).toBe('<root>\n</root>\n');
    expect(await client.text(`/cdrapi?${query}`)).toBe(`${UCM63XX_FIELDS.join(',')}\r\n`);
  });

  it('returns only the CSV header when the format is unknown', async () => {
    expect(await client.text('/cdrapi?format=html&numRecords=5')).toBe(`${UCM63XX_FIELDS.join(',')}\r\n`);
  });

  it("returns no records when the URI ends with '&'", async () => {
    expect(await client.json('/cdrapi?format=json&numRecords=5&')).toEqual({ cdr_root: [] });
  });

  it('answers a valid query that matches nothing with the same empty container', async () => {
    expect(await client.json('/cdrapi?format=json&caller=9999')).toEqual({ cdr_root: [] });
  });
});

describe('cdrapi in a PBX time zone', () => {
  it('reads times without an offset as the PBX wall clock, and times with one as instants', async () => {
    const ny = await startSimulator({ calls: 300, seed: 3, days: 10, tz: 'America/New_York', now: new Date('2024-07-10T12:00:00Z') });
    try {
      const c = new DigestClient(ny);
      const pivot = String(ny.calls[150]!.main.start);
      const wall = pivot.replace(' ', 'T');
      const get = async (q: string) =>
        (await c.json<{ cdr_root: Entry[] }>(`/cdrapi?format=json&${q}`)).cdr_root.map(sessionOf);
      const fromPivot = ny.calls.filter((x) => String(x.main.start) >= pivot).map((x) => x.session);
      expect(unique(await get(`startTime=${wall}`))).toEqual(fromPivot);
      // New York is UTC-4 in July: the same instant written with its offset.
      expect(unique(await get(`startTime=${wall}-04:00`))).toEqual(fromPivot);
      const hours = ny.calls.map((x) => Number(String(x.main.start).slice(11, 13)));
      const inOfficeHours = hours.filter((h) => h >= 8 && h < 18).length;
      expect(inOfficeHours / hours.length).toBeGreaterThan(0.7);
    } finally {
      await ny.close();
    }
  });
});
