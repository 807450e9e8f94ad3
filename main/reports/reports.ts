import type { CallFilter } from '../../preload/api.js';
import type {
  AccountsReport,
  ActivityBucket,
  ActivityReport,
  ActivityRow,
  ConcurrencyBucket,
  ConcurrencyReport,
  CostBucket,
  ExtensionRow,
  ExtensionsReport,
  GroupRow,
  GroupsReport,
  HeatmapReport,
  MissedReport,
  MissedRow,
  ReportCounts,
  ReportRequest,
  ReportResult,
  SummaryReport,
  TopReport,
  TrunkRow,
  TrunksReport,
} from '../../preload/reports.js';
import { decodeRoute } from '../cdr/outcome.js';
import { readWallClockBound, wallClockSeconds, wallClockText } from '../cdr/time.js';
import type { Db } from '../store/db-type.js';
import { ANSWERED_OUTCOME, directionCode, directionName } from '../store/codes.js';
import { compileFilter } from '../store/filter.js';
import { bucketLabel, bucketRange, dayLabel, isoWeekday } from './buckets.js';
import { costs } from './costs.js';
import { ConcurrencySweep } from './sweep.js';
import { validateReportRequest } from './validation.js';

/**
 * The reports of docs/reports.md: aggregates over the calls a CallFilter selects, computed in SQL
 * where SQLite can group, and in one ordered pass where a figure needs time order (concurrency).
 * `answered` is outcome answered; `missed` every other outcome; talk is billsec.
 */

const DAY = 86_400;
const HOUR = 3_600;
const ANSWERED = `(c.outcome = ${ANSWERED_OUTCOME})`;

interface Selection {
  where: string;
  params: unknown[];
}

function select(db: Db, filter: CallFilter): Selection {
  const refs = db.prepare<[], { id: number; name: string }>('SELECT id, name FROM pbx').all();
  const compiled = compileFilter(filter, new Map(refs.map((r) => [r.name, r])));
  if (compiled.terms.length === 0) return { where: '1', params: [] };
  return { where: compiled.terms.map((t) => `(${t.sql})`).join(' AND '), params: compiled.terms.flatMap((t) => t.params) };
}

function and(selection: Selection, sql: string, ...params: unknown[]): Selection {
  return { where: `${selection.where} AND ${sql}`, params: [...selection.params, ...params] };
}

function counts(row: { calls: number; answered: number | null; talk: number | null }): ReportCounts {
  const answered = row.answered ?? 0;
  return { calls: row.calls, answered, missed: row.calls - answered, talk_seconds: row.talk ?? 0 };
}

function ratio(part: number, whole: number): number {
  return whole === 0 ? 0 : part / whole;
}

function summary(db: Db, s: Selection): SummaryReport {
  const rows = db
    .prepare<unknown[], { direction: number; calls: number; answered: number; talk: number; answered_talk: number; wait: number }>(
      `SELECT c.direction AS direction, count(*) AS calls, sum(${ANSWERED}) AS answered, sum(c.billsec) AS talk,
         sum(CASE WHEN ${ANSWERED} THEN c.billsec ELSE 0 END) AS answered_talk,
         sum(CASE WHEN ${ANSWERED} THEN max(c.duration - c.billsec, 0) ELSE 0 END) AS wait
       FROM calls AS c WHERE ${s.where} GROUP BY c.direction`,
    )
    .all(...s.params);
  const total = { calls: 0, answered: 0, talk: 0, answered_talk: 0, wait: 0 };
  const byDirection: SummaryReport['by_direction'] = {};
  for (const row of rows) {
    for (const key of Object.keys(total) as (keyof typeof total)[]) total[key] += row[key] ?? 0;
    byDirection[directionName(row.direction)] = counts(row);
  }
  return {
    kind: 'summary',
    ...counts(total),
    asr: ratio(total.answered, total.calls),
    acd: ratio(total.answered_talk, total.answered),
    avg_wait: ratio(total.wait, total.answered),
    by_direction: byDirection,
  };
}

/** Calls, answered and talk per hour or day of wall clock, keyed by that second. */
function perSlot(db: Db, s: Selection, slot: number): Map<number, ReportCounts> {
  const rows = db
    .prepare<unknown[], { slot: number; calls: number; answered: number; talk: number }>(
      `SELECT (c.start_wall / ${slot}) * ${slot} AS slot, count(*) AS calls, sum(${ANSWERED}) AS answered, sum(c.billsec) AS talk
       FROM calls AS c WHERE ${s.where} GROUP BY 1`,
    )
    .all(...s.params);
  return new Map(rows.map((r) => [r.slot, counts(r)]));
}

function activityRows(by: ActivityBucket, slots: Map<number, ReportCounts>, first: number, last: number): ActivityRow[] {
  const rows = new Map(bucketRange(by, first, last).map((bucket) => [bucket, { bucket, calls: 0, answered: 0, missed: 0, talk_seconds: 0 }]));
  for (const [slot, c] of slots) {
    const row = rows.get(bucketLabel(by, slot));
    if (row === undefined) continue;
    row.calls += c.calls;
    row.answered += c.answered;
    row.missed += c.missed;
    row.talk_seconds += c.talk_seconds;
  }
  return [...rows.values()];
}

/** A filter's from/to as wall-clock seconds (a date alone covers its whole day), or null. */
function bound(value: string | undefined, end: boolean): number | null {
  if (value === undefined || value === '') return null;
  const read = readWallClockBound(value, { end });
  return 'local' in read ? wallClockSeconds(read.local) : null;
}

function activity(db: Db, filter: CallFilter, s: Selection, by: ActivityBucket, compare: boolean): ActivityReport {
  const slot = by === 'hour' ? HOUR : DAY;
  const slots = perSlot(db, s, slot);
  const keys = [...slots.keys()];
  const report: ActivityReport = { kind: 'activity', by, rows: [] };
  if (keys.length > 0) report.rows = activityRows(by, slots, Math.min(...keys), Math.max(...keys));
  if (!compare) return report;
  const from = bound(filter.from, false) ?? (keys.length > 0 ? Math.min(...keys) : null);
  const to = bound(filter.to, true) ?? (keys.length > 0 ? Math.max(...keys) + slot - 1 : null);
  if (from === null || to === null) {
    report.previous = { from: '', to: '', rows: [] };
    return report;
  }
  const length = to - from + 1;
  const previous = { ...filter, from: wallClockText(from - length), to: wallClockText(from - 1) };
  const before = perSlot(db, select(db, previous), slot);
  report.previous = { from: previous.from, to: previous.to, rows: activityRows(by, before, from - length, from - 1) };
  return report;
}

function heatmap(db: Db, s: Selection): HeatmapReport {
  const cells = Array.from({ length: 168 }, (_, i) => ({ weekday: Math.floor(i / 24) + 1, hour: i % 24, calls: 0, answered: 0, missed: 0 }));
  for (const [slot, c] of perSlot(db, s, HOUR)) {
    const cell = cells[(isoWeekday(slot) - 1) * 24 + Math.floor((slot % DAY) / HOUR)] as HeatmapReport['cells'][number];
    cell.calls += c.calls;
    cell.answered += c.answered;
    cell.missed += c.missed;
  }
  return { kind: 'heatmap', cells };
}

function top(db: Db, s: Selection, of: 'callers' | 'destinations', limit: number): TopReport {
  const column = of === 'callers' ? 'c.src' : 'c.dst';
  const name = of === 'callers' ? 'max(c.caller_name)' : "''";
  const rows = db
    .prepare<unknown[], { number: string; name: string; calls: number; answered: number; talk: number }>(
      `SELECT ${column} AS number, ${name} AS name, count(*) AS calls, sum(${ANSWERED}) AS answered, sum(c.billsec) AS talk
       FROM calls AS c WHERE ${s.where} AND ${column} <> '' GROUP BY ${column}
       ORDER BY calls DESC, talk DESC, number ASC LIMIT ?`,
    )
    .all(...s.params, limit);
  return { kind: 'top', of, rows: rows.map((r) => ({ number: r.number, name: r.name ?? '', calls: r.calls, answered: r.answered, talk_seconds: r.talk })) };
}

function accounts(db: Db, s: Selection): AccountsReport {
  const rows = db
    .prepare<unknown[], { account_code: string; calls: number; answered: number; talk: number }>(
      `SELECT c.account_code AS account_code, count(*) AS calls, sum(${ANSWERED}) AS answered, sum(c.billsec) AS talk
       FROM calls AS c WHERE ${s.where} AND c.account_code <> '' GROUP BY c.account_code ORDER BY calls DESC, account_code ASC`,
    )
    .all(...s.params);
  return { kind: 'accounts', rows: rows.map((r) => ({ account_code: r.account_code, calls: r.calls, answered: r.answered, talk_seconds: r.talk })) };
}

/**
 * Per local extension: outgoing = internal or outbound calls it placed (src); incoming = internal or
 * inbound calls to it (dst) or answered by it; answered = those it answered (answered_by, outcome
 * answered); missed = incoming calls to it with another outcome. A number is an extension when it
 * places internal or outbound calls or answers a call (the PBX only fills answered_by with
 * extensions and ring-group/queue numbers).
 */
function extensions(db: Db, s: Selection): ExtensionsReport {
  const inbound = directionCode('inbound');
  const outbound = directionCode('outbound');
  const internal = directionCode('internal');
  const rows = new Map<string, ExtensionRow>();
  const row = (extension: string): ExtensionRow => {
    let r = rows.get(extension);
    if (r === undefined) rows.set(extension, (r = { extension, name: '', outgoing: 0, incoming: 0, answered: 0, missed: 0, talk_seconds: 0 }));
    return r;
  };
  const placed = db
    .prepare<unknown[], { ext: string; name: string; calls: number; talk: number }>(
      `SELECT c.src AS ext, max(c.caller_name) AS name, count(*) AS calls, sum(c.billsec) AS talk FROM calls AS c
       WHERE ${s.where} AND c.direction IN (${outbound}, ${internal}) AND c.src <> '' GROUP BY c.src`,
    )
    .all(...s.params);
  for (const p of placed) {
    const r = row(p.ext);
    r.name = p.name ?? '';
    r.outgoing += p.calls;
    r.talk_seconds += p.talk;
  }
  const received = db
    .prepare<unknown[], { dst: string; answered_by: string; answered: number; calls: number; talk: number }>(
      `SELECT c.dst AS dst, c.answered_by AS answered_by, ${ANSWERED} AS answered, count(*) AS calls, sum(c.billsec) AS talk
       FROM calls AS c WHERE ${s.where} AND c.direction IN (${inbound}, ${internal}) GROUP BY 1, 2, 3`,
    )
    .all(...s.params);
  const isExtension = (n: string) => rows.has(n);
  for (const r of received) if (r.answered === 1 && r.answered_by !== '') row(r.answered_by);
  for (const r of received) {
    const answeredBy = r.answered === 1 && r.answered_by !== '' ? r.answered_by : null;
    if (answeredBy !== null) {
      const ext = row(answeredBy);
      ext.incoming += r.calls;
      ext.answered += r.calls;
      ext.talk_seconds += r.talk;
      if (r.dst !== answeredBy && isExtension(r.dst)) row(r.dst).incoming += r.calls;
    } else if (isExtension(r.dst)) {
      const ext = row(r.dst);
      ext.incoming += r.calls;
      ext.missed += r.calls;
    }
  }
  return {
    kind: 'extensions',
    rows: [...rows.values()].sort((a, b) => b.outgoing + b.incoming - (a.outgoing + a.incoming) || a.extension.localeCompare(b.extension)),
  };
}

/** Peak concurrent calls over calls read in start order: the first moment (a call's start) the peak is reached. */
function peakOf(rows: Iterable<{ start: number; duration: number; wall: number }>): { peak: number; peak_at: string | null } {
  const sweep = new ConcurrencySweep();
  let peak = 0;
  let at: number | null = null;
  for (const r of rows) {
    const now = sweep.add(r.start, r.start + Math.max(r.duration, 1));
    if (now > peak) {
      peak = now;
      at = r.wall;
    }
  }
  return { peak, peak_at: at === null ? null : wallClockText(at) };
}

function trunks(db: Db, s: Selection): TrunksReport {
  const totals = db
    .prepare<unknown[], { trunk: string; inbound: number; outbound: number; answered: number; talk: number }>(
      `SELECT trunk, sum(inbound) AS inbound, sum(outbound) AS outbound, sum(answered) AS answered, sum(talk) AS talk FROM (
         SELECT c.src_trunk_name AS trunk, 1 AS inbound, 0 AS outbound, ${ANSWERED} AS answered, c.billsec AS talk
           FROM calls AS c WHERE ${s.where} AND c.src_trunk_name <> ''
         UNION ALL
         SELECT c.dst_trunk_name, 0, 1, ${ANSWERED}, c.billsec
           FROM calls AS c WHERE ${s.where} AND c.dst_trunk_name <> '' AND c.dst_trunk_name <> c.src_trunk_name
       ) GROUP BY trunk ORDER BY trunk`,
    )
    .all(...s.params, ...s.params);
  const rows: TrunkRow[] = totals.map((t) => {
    const using = and(s, '(c.src_trunk_name = ? OR c.dst_trunk_name = ?)', t.trunk, t.trunk);
    const { peak, peak_at } = peakOf(timeline(db, using));
    return { trunk: t.trunk, inbound: t.inbound, outbound: t.outbound, answered: t.answered, talk_seconds: t.talk, peak_concurrent: peak, peak_at };
  });
  return { kind: 'trunks', rows };
}

/** The selected calls' start instant, duration and wall-clock start, in start order, read lazily. */
function timeline(db: Db, s: Selection): IterableIterator<{ start: number; duration: number; wall: number }> {
  return db
    .prepare<unknown[], { start: number; duration: number; wall: number }>(
      `SELECT c.start_utc AS start, c.duration AS duration, c.start_wall AS wall FROM calls AS c WHERE ${s.where} ORDER BY c.start_utc, c.id`,
    )
    .iterate(...s.params);
}

function concurrency(db: Db, s: Selection, by: ConcurrencyBucket, trunk: string | undefined): ConcurrencyReport {
  const selection = trunk === undefined ? s : and(s, '(c.src_trunk_name = ? OR c.dst_trunk_name = ?)', trunk, trunk);
  const sweep = new ConcurrencySweep();
  const size = by === 'hour' ? HOUR : DAY;
  // Keyed by the bucket's first second: a label is written once per bucket, not once per call.
  const buckets = new Map<number, { bucket: string; peak: number; peak_at: string | null }>();
  let peak = 0;
  let peakAt: number | null = null;
  let key = Number.NaN;
  let row = { bucket: '', peak: 0, peak_at: null as string | null };
  // The count only rises when a call starts, so a bucket's peak is reached at one of its calls' starts.
  for (const r of timeline(db, selection)) {
    const now = sweep.add(r.start, r.start + Math.max(r.duration, 1));
    const start = Math.floor(r.wall / size) * size;
    if (start !== key) {
      key = start;
      const known = buckets.get(start);
      if (known === undefined) {
        row = { bucket: by === 'hour' ? bucketLabel('hour', start) : dayLabel(start), peak: 0, peak_at: null };
        buckets.set(start, row);
      } else row = known;
    }
    if (now > row.peak) {
      row.peak = now;
      row.peak_at = wallClockText(r.wall);
    }
    if (now > peak) {
      peak = now;
      peakAt = r.wall;
    }
  }
  return { kind: 'concurrency', by, peak, peak_at: peakAt === null ? null : wallClockText(peakAt), rows: [...buckets.values()] };
}

/**
 * Ring groups and queues: calls whose route has a RINGGROUP or QUEUE step, once per group they
 * passed. Answered when a person answered the call (outcome answered); answered_by counts the
 * extensions that did.
 */
function groups(db: Db, s: Selection): GroupsReport {
  const rows = db
    .prepare<unknown[], { route: string; answered: number; answered_by: string; wait: number }>(
      `SELECT c.route AS route, ${ANSWERED} AS answered, c.answered_by AS answered_by, max(c.duration - c.billsec, 0) AS wait
       FROM calls AS c WHERE ${s.where} AND (c.route LIKE '%RINGGROUP:%' OR c.route LIKE '%QUEUE:%')`,
    )
    .iterate(...s.params);
  const byGroup = new Map<string, GroupRow & { waitSum: number; members: Map<string, number> }>();
  for (const r of rows) {
    const seen = new Set<string>();
    for (const step of decodeRoute(r.route)) {
      if (step.kind !== 'RINGGROUP' && step.kind !== 'QUEUE') continue;
      const key = `${step.kind}:${step.target}`;
      if (seen.has(key)) continue;
      seen.add(key);
      let g = byGroup.get(key);
      if (g === undefined) {
        g = { kind: step.kind, group: step.target, offered: 0, answered: 0, missed: 0, answer_rate: 0, avg_wait: 0, answered_by: [], waitSum: 0, members: new Map() };
        byGroup.set(key, g);
      }
      g.offered++;
      if (r.answered === 1) {
        g.answered++;
        g.waitSum += r.wait;
        if (r.answered_by !== '') g.members.set(r.answered_by, (g.members.get(r.answered_by) ?? 0) + 1);
      } else g.missed++;
    }
  }
  return {
    kind: 'groups',
    rows: [...byGroup.values()]
      .sort((a, b) => a.kind.localeCompare(b.kind) || a.group.localeCompare(b.group, undefined, { numeric: true }))
      .map(({ waitSum, members, ...g }) => ({
        ...g,
        answer_rate: ratio(g.answered, g.offered),
        avg_wait: ratio(waitSum, g.answered),
        answered_by: [...members]
          .map(([extension, calls]) => ({ extension, calls }))
          .sort((a, b) => b.calls - a.calls || a.extension.localeCompare(b.extension)),
      })),
  };
}

/**
 * Unreturned missed calls: inbound calls of the selection whose outcome is not answered and whose
 * caller number had no later answered call from or to it in the same PBX, anywhere in the cache.
 */
function missed(db: Db, s: Selection): MissedReport {
  const candidates = db
    .prepare<unknown[], { pbx_id: number; pbx: string; number: string; name: string; start: number; wall: number; session: string }>(
      `SELECT c.pbx_id AS pbx_id, p.name AS pbx, c.src AS number, c.caller_name AS name, c.start_utc AS start, c.start_wall AS wall,
         c.session AS session
       FROM calls AS c CROSS JOIN pbx AS p ON p.id = c.pbx_id
       WHERE ${s.where} AND c.direction = ${directionCode('inbound')} AND NOT ${ANSWERED} AND c.src <> ''`,
    )
    .all(...s.params);
  const lastAnswered = db.prepare<[number, string, number, string], { last: number | null }>(
    `SELECT max(last) AS last FROM (
       SELECT max(start_utc) AS last FROM calls WHERE pbx_id = ? AND src = ? AND outcome = ${ANSWERED_OUTCOME}
       UNION ALL
       SELECT max(start_utc) FROM calls WHERE pbx_id = ? AND dst = ? AND outcome = ${ANSWERED_OUTCOME})`,
  );
  const answeredAt = new Map<string, number>();
  const rows = new Map<string, MissedRow & { lastWall: number }>();
  for (const c of candidates) {
    const key = `${c.pbx_id}\u0000${c.number}`;
    let last = answeredAt.get(key);
    if (last === undefined) {
      last = lastAnswered.get(c.pbx_id, c.number, c.pbx_id, c.number)?.last ?? Number.NEGATIVE_INFINITY;
      answeredAt.set(key, last as number);
    }
    if (last > c.start) continue;
    const row = rows.get(key);
    if (row === undefined) {
      rows.set(key, { number: c.number, name: c.name, pbx: c.pbx, attempts: 1, first_missed: wallClockText(c.wall), last_missed: wallClockText(c.wall), last_session: c.session, lastWall: c.wall });
      continue;
    }
    row.attempts++;
    if (wallClockText(c.wall) < row.first_missed) row.first_missed = wallClockText(c.wall);
    if (c.wall >= row.lastWall) {
      row.lastWall = c.wall;
      row.last_missed = wallClockText(c.wall);
      row.last_session = c.session;
      if (c.name !== '') row.name = c.name;
    }
  }
  return {
    kind: 'missed',
    rows: [...rows.values()]
      .sort((a, b) => b.lastWall - a.lastWall || a.number.localeCompare(b.number))
      .map(({ lastWall: _, ...row }) => row),
  };
}

/** Runs one report over the calls its filter selects. Throws AppError BAD_INPUT for a bad request. */
export function runReport(db: Db, request: ReportRequest): ReportResult {
  const r = validateReportRequest(request);
  const s = select(db, r.filter);
  switch (r.kind) {
    case 'summary':
      return summary(db, s);
    case 'activity':
      return activity(db, r.filter, s, (r.by as ActivityBucket | undefined) ?? 'day', r.compare === 'previous');
    case 'heatmap':
      return heatmap(db, s);
    case 'top':
      return top(db, s, r.of ?? 'callers', r.limit ?? 10);
    case 'extensions':
      return extensions(db, s);
    case 'trunks':
      return trunks(db, s);
    case 'groups':
      return groups(db, s);
    case 'concurrency':
      return concurrency(db, s, r.by === 'hour' ? 'hour' : 'day', r.trunk);
    case 'missed':
      return missed(db, s);
    case 'accounts':
      return accounts(db, s);
    case 'costs':
      return costs(db, s, (r.by as CostBucket | undefined) ?? 'extension');
  }
}
