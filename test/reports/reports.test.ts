import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CallRow } from '../../preload/api.js';
import type {
  AccountsReport,
  ActivityReport,
  ConcurrencyReport,
  ExtensionsReport,
  GroupsReport,
  HeatmapReport,
  MissedReport,
  SummaryReport,
  TopReport,
  TrunksReport,
} from '../../preload/reports.js';
import { generateCalls } from '../../main/simulator/generator.js';
import { openStore } from '../../main/store/store.js';
import { cli, tempDir } from '../cli/helpers.js';

/**
 * Every report against an independent computation from `ucmcdr calls --format json` rows, on
 * generated office traffic (ring groups, queues, IVR, voicemail, transfers, parking, night calls,
 * callbacks) of two PBXs, for several filters.
 */

const tmp = tempDir('ucmcdr-reports-');
const db = join(tmp.dir, 'cache.sqlite');
let all: CallRow[] = [];

const FILTERS: string[][] = [
  [],
  ['--from', '2024-03-04', '--to', '2024-03-10'],
  ['--direction', 'inbound'],
  ['--pbx', 'branch', '--from', '2024-03-11T08:30'],
  ['--caller', '0.'],
];

beforeAll(() => {
  const store = openStore(db);
  try {
    const sites = [
      { name: 'office', seed: 7, count: 2500 },
      { name: 'branch', seed: 11, count: 1200 },
    ];
    for (const site of sites) {
      const pbx = store.profiles.save({ name: site.name, url: 'https://192.0.2.10:8443', api: 'auto', user: 'cdrapi', tz: 'Europe/London' }).id;
      const calls = [...generateCalls({ count: site.count, seed: site.seed, start: new Date('2024-03-01T00:00:00Z'), end: new Date('2024-03-22T00:00:00Z'), tz: 'Europe/London' })];
      store.calls.ingest(pbx, calls, { origin: 'sync' });
      // A callback: a caller missed earlier reached later, which takes them off the missed list.
      const missedCaller = calls.find((c) => c.main['userfield'] === 'Inbound');
      expect(missedCaller).toBeDefined();
    }
  } finally {
    store.close();
  }
});
afterAll(() => tmp.cleanup());

async function rows(filter: string[]): Promise<CallRow[]> {
  const run = await cli(['--db', db, 'calls', '--format', 'json', '--limit', '100000', ...filter]);
  expect(run.stderr).toBe('');
  return JSON.parse(run.stdout) as CallRow[];
}

async function report<T>(kind: string, filter: string[], extra: string[] = []): Promise<T> {
  const run = await cli(['--db', db, 'report', kind, '--format', 'json', ...extra, ...filter]);
  expect(run.stderr).toBe('');
  return JSON.parse(run.stdout) as T;
}

const answered = (r: CallRow) => r.outcome === 'answered';
const talk = (list: CallRow[]) => list.reduce((n, r) => n + r.billsec, 0);
const counts = (list: CallRow[]) => ({ calls: list.length, answered: list.filter(answered).length, missed: list.filter((r) => !answered(r)).length, talk_seconds: talk(list) });

function groupBy<K>(list: CallRow[], key: (r: CallRow) => K): Map<K, CallRow[]> {
  const out = new Map<K, CallRow[]>();
  for (const r of list) {
    const k = key(r);
    const bucket = out.get(k);
    if (bucket) bucket.push(r);
    else out.set(k, [r]);
  }
  return out;
}

/** ISO week by the definition: the week's Thursday decides the year; week 1 holds January 4th. */
function isoWeek(day: string): string {
  const date = new Date(`${day}T00:00:00Z`);
  const weekday = (date.getUTCDay() + 6) % 7;
  const thursday = new Date(date.getTime() + (3 - weekday) * 86_400_000);
  const jan4 = new Date(Date.UTC(thursday.getUTCFullYear(), 0, 4));
  const week1Monday = jan4.getTime() - ((jan4.getUTCDay() + 6) % 7) * 86_400_000;
  const week = Math.floor((thursday.getTime() - week1Monday) / (7 * 86_400_000)) + 1;
  return `${thursday.getUTCFullYear()}-W${String(week).padStart(2, '0')}`;
}

const instant = (r: CallRow) => Date.parse(r.start_utc) / 1000;

/**
 * Concurrent calls at each call's start, by counting: the calls that started at or before it and end
 * after it ([start, start + max(duration, 1))). Only calls starting within the longest call before it
 * can still run, so the count looks back that far in start order.
 */
function peaks(list: CallRow[]): { at: CallRow; count: number }[] {
  const sorted = [...list].sort((a, b) => instant(a) - instant(b));
  const longest = Math.max(1, ...list.map((r) => r.duration));
  return sorted.map((r) => {
    let count = 0;
    for (let j = sorted.length - 1; j >= 0; j--) {
      const o = sorted[j] as CallRow;
      if (instant(o) > instant(r)) continue;
      if (instant(r) - instant(o) > longest) break;
      if (instant(r) < instant(o) + Math.max(o.duration, 1)) count++;
    }
    return { at: r, count };
  });
}

function peakOf(list: CallRow[]): { peak: number; peak_at: string | null } {
  let best: { peak: number; peak_at: string | null; t: number } = { peak: 0, peak_at: null, t: Infinity };
  for (const p of peaks(list)) {
    if (p.count > best.peak || (p.count === best.peak && instant(p.at) < best.t)) best = { peak: p.count, peak_at: p.at.start, t: instant(p.at) };
  }
  return { peak: best.peak, peak_at: best.peak_at };
}

describe.each(FILTERS)('reports of the calls selected by %j', (...filter) => {
  let selected: CallRow[];
  beforeAll(async () => {
    all = all.length > 0 ? all : await rows([]);
    selected = await rows(filter);
    expect(selected.length).toBeGreaterThan(20);
  });

  it('summary', async () => {
    const got = await report<SummaryReport>('summary', filter);
    const ans = selected.filter(answered);
    expect(got).toMatchObject(counts(selected));
    expect(got.asr).toBeCloseTo(ans.length / selected.length, 10);
    expect(got.acd).toBeCloseTo(talk(ans) / ans.length, 10);
    expect(got.avg_wait).toBeCloseTo(ans.reduce((n, r) => n + Math.max(r.duration - r.billsec, 0), 0) / ans.length, 10);
    expect(got.by_direction).toEqual(Object.fromEntries([...groupBy(selected, (r) => r.direction)].map(([d, list]) => [d, counts(list)])));
  });

  it.each([
    ['hour', (r: CallRow) => r.start.slice(0, 13)],
    ['day', (r: CallRow) => r.start.slice(0, 10)],
    ['week', (r: CallRow) => isoWeek(r.start.slice(0, 10))],
    ['month', (r: CallRow) => r.start.slice(0, 7)],
  ] as const)('activity by %s, zero-filled from the first to the last bucket', async (by, bucketOf) => {
    const got = await report<ActivityReport>('activity', filter, ['--by', by]);
    const expected = groupBy(selected, bucketOf);
    const nonEmpty = got.rows.filter((r) => r.calls > 0);
    expect(nonEmpty.map((r) => r.bucket)).toEqual([...expected.keys()].sort());
    for (const row of nonEmpty) expect(row).toEqual({ bucket: row.bucket, ...counts(expected.get(row.bucket) as CallRow[]) });
    expect(got.rows[0]?.bucket).toBe(nonEmpty[0]?.bucket);
    expect(got.rows.at(-1)?.bucket).toBe(nonEmpty.at(-1)?.bucket);
    expect([...got.rows.map((r) => r.bucket)].sort()).toEqual(got.rows.map((r) => r.bucket));
    if (by === 'day') {
      const first = Date.parse(`${nonEmpty[0]?.bucket}T00:00:00Z`);
      const last = Date.parse(`${nonEmpty.at(-1)?.bucket}T00:00:00Z`);
      expect(got.rows).toHaveLength((last - first) / 86_400_000 + 1);
    }
  });

  it('heatmap: all 168 weekday x hour cells', async () => {
    const got = await report<HeatmapReport>('heatmap', filter);
    expect(got.cells).toHaveLength(168);
    const cellOf = (r: CallRow) => {
      const d = new Date(`${r.start}Z`);
      return `${((d.getUTCDay() + 6) % 7) + 1}/${d.getUTCHours()}`;
    };
    const expected = groupBy(selected, cellOf);
    for (const cell of got.cells) {
      const list = expected.get(`${cell.weekday}/${cell.hour}`) ?? [];
      expect(cell, `${cell.weekday}/${cell.hour}`).toEqual({ weekday: cell.weekday, hour: cell.hour, calls: list.length, answered: list.filter(answered).length, missed: list.filter((r) => !answered(r)).length });
    }
  });

  it.each([
    ['callers', (r: CallRow) => r.src],
    ['destinations', (r: CallRow) => r.dst],
  ] as const)('top %s', async (of, numberOf) => {
    const got = await report<TopReport>('top', filter, ['--of', of, '--limit', '7']);
    const expected = [...groupBy(selected.filter((r) => numberOf(r) !== ''), numberOf)]
      .map(([number, list]) => ({ number, calls: list.length, answered: list.filter(answered).length, talk_seconds: talk(list) }))
      .sort((a, b) => b.calls - a.calls || b.talk_seconds - a.talk_seconds || (a.number < b.number ? -1 : 1))
      .slice(0, 7);
    expect(got.rows.map(({ name: _, ...r }) => r)).toEqual(expected);
  });

  it('accounts', async () => {
    const got = await report<AccountsReport>('accounts', filter);
    const expected = groupBy(selected.filter((r) => r.account_code !== ''), (r) => r.account_code);
    expect(new Map(got.rows.map((r) => [r.account_code, r]))).toEqual(
      new Map([...expected].map(([code, list]) => [code, { account_code: code, calls: list.length, answered: list.filter(answered).length, talk_seconds: talk(list) }])),
    );
  });

  it('groups: ring groups and queues from the route', async () => {
    const got = await report<GroupsReport>('groups', filter);
    const expected = new Map<string, CallRow[]>();
    for (const r of selected) {
      const keys = new Set(r.route.filter((s) => s.kind === 'RINGGROUP' || s.kind === 'QUEUE').map((s) => `${s.kind} ${s.target}`));
      for (const key of keys) expected.set(key, [...(expected.get(key) ?? []), r]);
    }
    expect(got.rows.map((g) => `${g.kind} ${g.group}`).sort()).toEqual([...expected.keys()].sort());
    for (const g of got.rows) {
      const list = expected.get(`${g.kind} ${g.group}`) as CallRow[];
      const ans = list.filter(answered);
      expect(g.offered).toBe(list.length);
      expect(g.answered).toBe(ans.length);
      expect(g.missed).toBe(list.length - ans.length);
      expect(g.answer_rate).toBeCloseTo(ans.length / list.length, 10);
      expect(g.avg_wait).toBeCloseTo(ans.length === 0 ? 0 : ans.reduce((n, r) => n + Math.max(r.duration - r.billsec, 0), 0) / ans.length, 10);
      const by = [...groupBy(ans.filter((r) => r.answered_by !== ''), (r) => r.answered_by)].map(([extension, l]) => ({ extension, calls: l.length }));
      expect([...g.answered_by].sort((a, b) => a.extension.localeCompare(b.extension))).toEqual(by.sort((a, b) => a.extension.localeCompare(b.extension)));
    }
  });

  it('concurrency by day: the overall peak and each day peak, by brute force', async () => {
    const got = await report<ConcurrencyReport>('concurrency', filter);
    expect({ peak: got.peak, peak_at: got.peak_at }).toEqual(peakOf(selected));
    const perDay = new Map<string, number>();
    for (const p of peaks(selected)) perDay.set(p.at.start.slice(0, 10), Math.max(perDay.get(p.at.start.slice(0, 10)) ?? 0, p.count));
    expect(new Map(got.rows.map((r) => [r.bucket, r.peak]))).toEqual(perDay);
  });

  it('trunks: inbound, outbound, answered, talk and the peak over the calls using each', async () => {
    const got = await report<TrunksReport>('trunks', filter);
    const names = new Set(selected.flatMap((r) => [r.src_trunk_name, r.dst_trunk_name]).filter((t) => t !== ''));
    expect(got.rows.map((r) => r.trunk).sort()).toEqual([...names].sort());
    for (const row of got.rows) {
      const using = selected.filter((r) => r.src_trunk_name === row.trunk || r.dst_trunk_name === row.trunk);
      expect(row).toEqual({
        trunk: row.trunk,
        inbound: using.filter((r) => r.src_trunk_name === row.trunk).length,
        outbound: using.filter((r) => r.dst_trunk_name === row.trunk && r.src_trunk_name !== row.trunk).length,
        answered: using.filter(answered).length,
        talk_seconds: talk(using),
        peak_concurrent: peakOf(using).peak,
        peak_at: peakOf(using).peak_at,
      });
    }
  });

  it('extensions, by the rule of docs/reports.md', async () => {
    const got = await report<ExtensionsReport>('extensions', filter);
    const placing = selected.filter((r) => (r.direction === 'outbound' || r.direction === 'internal') && r.src !== '');
    const receiving = selected.filter((r) => r.direction === 'inbound' || r.direction === 'internal');
    const extensions = new Set([...placing.map((r) => r.src), ...receiving.filter((r) => answered(r) && r.answered_by !== '').map((r) => r.answered_by)]);
    expect(got.rows.map((r) => r.extension).sort()).toEqual([...extensions].sort());
    for (const row of got.rows) {
      const e = row.extension;
      const out = placing.filter((r) => r.src === e);
      const took = receiving.filter((r) => answered(r) && r.answered_by === e);
      const rangMissed = receiving.filter((r) => !(answered(r) && r.answered_by !== '') && r.dst === e);
      const rangTaken = receiving.filter((r) => answered(r) && r.answered_by !== '' && r.answered_by !== e && r.dst === e);
      expect(row, e).toMatchObject({
        outgoing: out.length,
        incoming: took.length + rangMissed.length + rangTaken.length,
        answered: took.length,
        missed: rangMissed.length,
        talk_seconds: talk(out) + talk(took),
      });
    }
  });

  it('missed: inbound calls not answered whose number got no later answered call, anywhere in the cache', async () => {
    const got = await report<MissedReport>('missed', filter);
    const unreturned = selected.filter(
      (r) =>
        r.direction === 'inbound' &&
        !answered(r) &&
        r.src !== '' &&
        !all.some((o) => o.pbx === r.pbx && answered(o) && (o.src === r.src || o.dst === r.src) && instant(o) > instant(r)),
    );
    const expected = [...groupBy(unreturned, (r) => `${r.pbx} ${r.src}`)].map(([, list]) => {
      const sorted = [...list].sort((a, b) => a.start.localeCompare(b.start));
      const last = sorted.at(-1) as CallRow;
      return { number: last.src, pbx: last.pbx, attempts: list.length, first_missed: sorted[0]?.start, last_missed: last.start };
    });
    expect(got.rows.map(({ number, pbx, attempts, first_missed, last_missed }) => ({ number, pbx, attempts, first_missed, last_missed }))).toEqual(
      expected.sort((a, b) => (b.last_missed ?? '').localeCompare(a.last_missed ?? '') || a.number.localeCompare(b.number)),
    );
  });
});

describe('the outcome filter and action types along the route', () => {
  it('--outcome selects exactly the calls with those outcomes', async () => {
    all = all.length > 0 ? all : await rows([]);
    for (const outcome of ['answered', 'voicemail', 'unanswered', 'failed'] as const) {
      const got = await rows(['--outcome', outcome]);
      expect(got.map((r) => r.id).sort()).toEqual(all.filter((r) => r.outcome === outcome).map((r) => r.id).sort());
    }
    expect(new Set(all.map((r) => r.outcome))).toEqual(new Set(['answered', 'voicemail', 'unanswered', 'failed']));
  });

  it('--action-type matches a call when its action or any step of its route is that kind', async () => {
    for (const kind of ['TRANSFER', 'QUEUE', 'IVR', 'RINGGROUP', 'VM']) {
      const got = await rows(['--action-type', kind.toLowerCase()]);
      const expected = all.filter((r) => r.action_kind === kind || r.route.some((step) => step.kind === kind));
      expect(got.length, kind).toBeGreaterThan(0);
      expect(got.map((r) => r.id).sort(), kind).toEqual(expected.map((r) => r.id).sort());
    }
    // Transfers hide behind a DIAL action: the route is what finds them.
    const transfers = await rows(['--action-type', 'TRANSFER']);
    expect(transfers.some((r) => r.action_kind !== 'TRANSFER')).toBe(true);
  });
});

describe('report options and files', () => {
  it('activity --compare previous adds the same figures for the period of the same length before', async () => {
    const got = await report<ActivityReport>('activity', ['--from', '2024-03-11', '--to', '2024-03-17'], ['--compare', 'previous']);
    expect(got.previous?.from).toBe('2024-03-04T00:00:00');
    expect(got.previous?.to).toBe('2024-03-10T23:59:59');
    const before = await rows(['--from', '2024-03-04', '--to', '2024-03-10']);
    expect(got.previous?.rows.map((r) => r.calls)).toEqual(
      ['04', '05', '06', '07', '08', '09', '10'].map((d) => before.filter((r) => r.start.startsWith(`2024-03-${d}`)).length),
    );
  });

  it('refuses options that do not belong to the report, naming them', async () => {
    const run = await cli(['--db', db, 'report', 'summary', '--by', 'week']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('The summary report takes no --by');
    const html = await cli(['--db', db, 'report', 'summary', '--format', 'html']);
    expect(html.stderr).toContain('add --out report.html');
  });

  it('prints a table with a totals line and CSV with one line per JSON row', async () => {
    const table = await cli(['--db', db, 'report', 'accounts']);
    expect(table.stdout.split('\n')[0]).toMatch(/^ACCOUNT CODE\s+CALLS\s+ANSWERED\s+TALK \(S\)$/);
    expect(table.stdout).toMatch(/\nTotal\s+[\d,]+/);
    const json = await report<AccountsReport>('accounts', []);
    const csv = await cli(['--db', db, 'report', 'accounts', '--format', 'csv']);
    const lines = csv.stdout.trim().split(/\r?\n/);
    expect(lines[0]).toBe('account_code,calls,answered,talk_seconds');
    expect(lines.slice(1)).toEqual(json.rows.map((r) => `${r.account_code},${r.calls},${r.answered},${r.talk_seconds}`));
  });
});
