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
import { namedNumbers } from '../store/contacts.js';
import { compileFilter } from '../store/filter.js';
import { bucketLabel, bucketRange, dayLabel, isoWeekday } from './buckets.js';
import { binaryCompare, nocaseKey } from './collation.js';
import { costs } from './costs.js';
import { fold, foldInStartOrder } from './fold.js';
import { ConcurrencySweep } from './sweep.js';
import { validateReportRequest } from './validation.js';

/**
 * The reports of docs/reports.md: aggregates over the calls a CallFilter selects. SQLite groups where
 * an index already holds the rows in group order (top, accounts); elsewhere the rows are folded in
 * JavaScript (fold.ts), which groups without sorting, and in start order where a figure needs time
 * order (concurrency). `answered` is outcome answered; `missed` every other outcome; talk is billsec.
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
  // The same filter as the call list's, phonebook names included, so a report counts the calls the list shows.
  const compiled = compileFilter(filter, new Map(refs.map((r) => [r.name, r])), (needle) => namedNumbers(db, needle));
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
  const perDirection = new Map<number, { calls: number; answered: number; talk: number; answered_talk: number; wait: number }>();
  fold(
    db,
    // The wait of an answered call, NULL for the others.
    `SELECT report_fold(c.direction, c.billsec, CASE WHEN ${ANSWERED} THEN max(c.duration - c.billsec, 0) END) FROM calls AS c WHERE ${s.where}`,
    s.params,
    (direction: number, billsec: number, wait: number | null) => {
      let d = perDirection.get(direction);
      if (d === undefined) perDirection.set(direction, (d = { calls: 0, answered: 0, talk: 0, answered_talk: 0, wait: 0 }));
      d.calls++;
      d.talk += billsec;
      if (wait !== null) {
        d.answered++;
        d.answered_talk += billsec;
        d.wait += wait;
      }
    },
  );
  const total = { calls: 0, answered: 0, talk: 0, answered_talk: 0, wait: 0 };
  const byDirection: SummaryReport['by_direction'] = {};
  for (const [direction, row] of [...perDirection].sort(([a], [b]) => a - b)) {
    for (const key of Object.keys(total) as (keyof typeof total)[]) total[key] += row[key];
    byDirection[directionName(direction)] = counts(row);
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
  const slots = new Map<number, ReportCounts>();
  fold(
    db,
    `SELECT report_fold((c.start_wall / ${slot}) * ${slot}, ${ANSWERED}, c.billsec) FROM calls AS c WHERE ${s.where}`,
    s.params,
    (key: number, answered: number, billsec: number) => {
      let c = slots.get(key);
      if (c === undefined) slots.set(key, (c = { calls: 0, answered: 0, missed: 0, talk_seconds: 0 }));
      c.calls++;
      c.talk_seconds += billsec;
      if (answered === 1) c.answered++;
      else c.missed++;
    },
  );
  return slots;
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
  const placed = new Map<string, { name: string; calls: number; talk: number }>();
  const received: { dst: string; answered_by: string; answered: number; calls: number; talk: number }[] = [];
  const byDst = new Map<string, Map<string, (typeof received)[number][]>>();
  // One pass over the table: the numbers, direction and outcome share no index. Values a call's
  // direction leaves unused arrive as NULL, which costs less than a string.
  fold(
    db,
    `SELECT report_fold(
       CASE WHEN c.direction IN (${outbound}, ${internal}) AND c.src <> '' THEN c.src END,
       CASE WHEN c.direction IN (${outbound}, ${internal}) AND c.src <> '' THEN c.caller_name END,
       CASE WHEN c.direction IN (${inbound}, ${internal}) THEN c.dst END,
       CASE WHEN c.direction IN (${inbound}, ${internal}) THEN c.answered_by END,
       ${ANSWERED}, c.billsec)
     FROM calls AS c WHERE ${s.where}`,
    s.params,
    (src: string | null, name: string | null, dst: string | null, answeredBy: string | null, answered: number, billsec: number) => {
      if (src !== null) {
        const p = placed.get(src);
        if (p === undefined) placed.set(src, { name: name as string, calls: 1, talk: billsec });
        else {
          p.calls++;
          p.talk += billsec;
          if (name !== p.name && binaryCompare(name as string, p.name) > 0) p.name = name as string;
        }
      }
      if (dst !== null && answeredBy !== null) {
        let byAnswerer = byDst.get(dst);
        if (byAnswerer === undefined) byDst.set(dst, (byAnswerer = new Map()));
        let outcomes = byAnswerer.get(answeredBy);
        if (outcomes === undefined) byAnswerer.set(answeredBy, (outcomes = []));
        let r = outcomes[answered];
        if (r === undefined) {
          outcomes[answered] = r = { dst, answered_by: answeredBy, answered, calls: 0, talk: 0 };
          received.push(r);
        }
        r.calls++;
        r.talk += billsec;
      }
    },
  );
  const rows = new Map<string, ExtensionRow>();
  const row = (extension: string): ExtensionRow => {
    let r = rows.get(extension);
    if (r === undefined) rows.set(extension, (r = { extension, name: '', outgoing: 0, incoming: 0, answered: 0, missed: 0, talk_seconds: 0 }));
    return r;
  };
  // Rows are made in the order SQL grouping would list them, so rows the final sort holds equal stay in that order.
  for (const [ext, p] of [...placed].sort(([a], [b]) => binaryCompare(a, b))) {
    const r = row(ext);
    r.name = p.name;
    r.outgoing += p.calls;
    r.talk_seconds += p.talk;
  }
  received.sort((a, b) => binaryCompare(a.dst, b.dst) || binaryCompare(a.answered_by, b.answered_by) || a.answered - b.answered);
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

interface TrunkTally {
  row: TrunkRow;
  sweep: ConcurrencySweep;
  peakWall: number | null;
}

function trunks(db: Db, s: Selection): TrunksReport {
  // Trunk names group as SQL compares them (the columns are NOCASE); a trunk is named as its earliest call spells it.
  const byKey = new Map<string, TrunkTally>();
  const spelled = new Map<string, TrunkTally>();
  const tally = (name: string): TrunkTally | null => {
    if (name === '') return null;
    let t = spelled.get(name);
    if (t === undefined) {
      const key = nocaseKey(name);
      t = byKey.get(key);
      if (t === undefined) {
        const row = { trunk: name, inbound: 0, outbound: 0, answered: 0, talk_seconds: 0, peak_concurrent: 0, peak_at: null };
        byKey.set(key, (t = { row, sweep: new ConcurrencySweep(), peakWall: null }));
      }
      spelled.set(name, t);
    }
    return t;
  };
  const use = (t: TrunkTally, start: number, end: number, wall: number, billsec: number): void => {
    t.row.talk_seconds += billsec;
    const now = t.sweep.add(start, end);
    if (now > t.row.peak_concurrent) {
      t.row.peak_concurrent = now;
      t.peakWall = wall;
    }
  };
  // One pass in start order feeds every trunk's sweep: a call counts for its source trunk (inbound)
  // and for a different destination trunk (outbound). calls_by_start holds every column it reads.
  foldInStartOrder(
    db,
    `${s.where} AND (c.src_trunk_name <> '' OR c.dst_trunk_name <> '')`,
    s.params,
    ['c.duration', 'c.start_wall', 'c.src_trunk_name', 'c.dst_trunk_name', 'c.billsec', ANSWERED],
    (start: number, duration: number, wall: number, src: string, dst: string, billsec: number, answered: number) => {
      const end = start + Math.max(duration, 1);
      const from = tally(src);
      const to = tally(dst);
      if (from !== null) {
        from.row.inbound++;
        from.row.answered += answered;
        use(from, start, end, wall, billsec);
      }
      if (to !== null && to !== from) {
        to.row.outbound++;
        to.row.answered += answered;
        use(to, start, end, wall, billsec);
      }
    },
  );
  return {
    kind: 'trunks',
    rows: [...byKey]
      .sort(([a], [b]) => binaryCompare(a, b))
      .map(([, t]) => ({ ...t.row, peak_at: t.peakWall === null ? null : wallClockText(t.peakWall) })),
  };
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
  foldInStartOrder(db, selection.where, selection.params, ['c.duration', 'c.start_wall'], (start: number, duration: number, wall: number) => {
    const now = sweep.add(start, start + Math.max(duration, 1));
    const first = Math.floor(wall / size) * size;
    if (first !== key) {
      key = first;
      const known = buckets.get(first);
      if (known === undefined) {
        row = { bucket: by === 'hour' ? bucketLabel('hour', first) : dayLabel(first), peak: 0, peak_at: null };
        buckets.set(first, row);
      } else row = known;
    }
    if (now > row.peak) {
      row.peak = now;
      row.peak_at = wallClockText(wall);
    }
    if (now > peak) {
      peak = now;
      peakAt = wall;
    }
  });
  return { kind: 'concurrency', by, peak, peak_at: peakAt === null ? null : wallClockText(peakAt), rows: [...buckets.values()] };
}

/**
 * Ring groups and queues: calls whose route has a RINGGROUP or QUEUE step, once per group they
 * passed. Answered when a person answered the call (outcome answered); answered_by counts the
 * extensions that did.
 */
function groups(db: Db, s: Selection): GroupsReport {
  // Calls grouped by route, outcome and answerer first: a few dozen routes are decoded instead of every
  // call's. The groups are kept in the order their first call came, as the calls came before.
  const kinds: { route: string; answered: boolean; answered_by: string; calls: number; wait: number }[] = [];
  const byRoute = new Map<string, Map<string | null, (typeof kinds)[number]>>();
  // The answerer and the wait only count for answered calls, and NULL otherwise costs less than a value.
  fold(
    db,
    `SELECT report_fold(c.route, CASE WHEN ${ANSWERED} THEN c.answered_by END, CASE WHEN ${ANSWERED} THEN max(c.duration - c.billsec, 0) END)
     FROM calls AS c WHERE ${s.where} AND (c.route LIKE '%RINGGROUP:%' OR c.route LIKE '%QUEUE:%')`,
    s.params,
    (route: string, answeredBy: string | null, wait: number | null) => {
      let outcomes = byRoute.get(route);
      if (outcomes === undefined) byRoute.set(route, (outcomes = new Map()));
      let k = outcomes.get(answeredBy);
      if (k === undefined) {
        outcomes.set(answeredBy, (k = { route, answered: answeredBy !== null, answered_by: answeredBy ?? '', calls: 0, wait: 0 }));
        kinds.push(k);
      }
      k.calls++;
      k.wait += wait ?? 0;
    },
  );
  const byGroup = new Map<string, GroupRow & { waitSum: number; members: Map<string, number> }>();
  for (const r of kinds) {
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
      g.offered += r.calls;
      if (r.answered) {
        g.answered += r.calls;
        g.waitSum += r.wait;
        if (r.answered_by !== '') g.members.set(r.answered_by, (g.members.get(r.answered_by) ?? 0) + r.calls);
      } else g.missed += r.calls;
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
  const candidates: { pbx_id: number; pbx: string; number: string; name: string; start: number; wall: number; session: string }[] = [];
  fold(
    db,
    `SELECT report_fold(c.pbx_id, p.name, c.src, c.caller_name, c.start_utc, c.start_wall, c.session)
     FROM calls AS c CROSS JOIN pbx AS p ON p.id = c.pbx_id
     WHERE ${s.where} AND c.direction = ${directionCode('inbound')} AND NOT ${ANSWERED} AND c.src <> ''`,
    s.params,
    (pbx_id: number, pbx: string, number: string, name: string, start: number, wall: number, session: string) => {
      candidates.push({ pbx_id, pbx, number, name, start, wall, session });
    },
  );
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
