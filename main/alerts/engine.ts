import type { AlertRuleSettings, AlertScanResult } from '../../preload/alerts.js';
import type { DialPlan } from '../../preload/costs.js';
import { normalizeNumber } from '../cdr/dial-plan.js';
import { readWallClockBound, wallClockSeconds, wallClockText } from '../cdr/time.js';
import { AppError } from '../errors.js';
import { ConcurrencySweep } from '../reports/sweep.js';
import type { AlertsArea, RaiseInput } from '../store/alerts.js';
import { directionCode, outcomeCode } from '../store/codes.js';
import type { Db } from '../store/db-type.js';
import { countryCode } from './countries.js';
import { isOpen, lastClosing, parseBusinessHours, type BusinessHours } from './hours.js';
import { RULE_SEVERITY } from './settings.js';

/**
 * The alert rules of docs/watch.md over a set of calls: the calls a sync or an import added (ids
 * above the watermark), or a period of history (a scan). Calls are read in chunks, each chunk's
 * alerts written in one transaction together with the watermark, so a killed round is either done or
 * repeated, and repeating it only joins calls to the alerts it raised (one alert per rule, PBX and
 * episode). Rules that need more than the new calls (a burst's earlier attempts, the weeks before a
 * day) read that context from the cache.
 */

const DAY = 86_400;
const CHUNK = 50_000;
/** How far back a burst of failed calls is followed from its newest attempt. */
const BURST_LOOK_BACK = 6 * 3600;
/** Wall clock and instant differ by at most this (UTC-12 .. UTC+14). */
const MAX_OFFSET = 14 * 3600;

interface CallFact {
  id: number;
  pbx_id: number;
  start: string;
  start_wall: number;
  start_utc: number;
  duration: number;
  billsec: number;
  src: string;
  dst: string;
  direction: number;
  outcome: number;
  dst_trunk_name: string;
}

interface DayFigures {
  peak: number;
  minutes: number;
  international: number;
}

/**
 * Figures of past days kept between evaluations of one store (a long-running app or watch): the 28
 * days before a day and its weekdays of the weeks before are read once, not after every sync. A day
 * that receives calls is forgotten before they are evaluated. Bounded: cleared when it grows past
 * MAX_CACHED_DAYS (a scan of years).
 */
export type DayCache = Map<string, DayFigures>;
const MAX_CACHED_DAYS = 20_000;

interface PbxFacts {
  id: number;
  name: string;
  dial: DialPlan;
  hours: BusinessHours;
}

const FACT_COLUMNS = 'id, pbx_id, start, start_wall, start_utc, duration, billsec, src, dst, direction, outcome, dst_trunk_name';
const OUTBOUND = directionCode('outbound');
const FAILED = [outcomeCode('failed'), outcomeCode('unanswered')];

function groupBy<T, K>(items: readonly T[], key: (item: T) => K): Map<K, T[]> {
  const out = new Map<K, T[]>();
  for (const item of items) {
    const k = key(item);
    const list = out.get(k);
    if (list === undefined) out.set(k, [item]);
    else list.push(item);
  }
  return out;
}

function dayOf(wall: number): string {
  return wallClockText(Math.floor(wall / DAY) * DAY).slice(0, 10);
}

function span(calls: readonly CallFact[]): { first_at: string; last_at: string } {
  let first = calls[0] as CallFact;
  let last = first;
  for (const c of calls) {
    if (c.start_wall < first.start_wall) first = c;
    if (c.start_wall > last.start_wall) last = c;
  }
  return { first_at: first.start, last_at: last.start };
}

function count(n: number, what: string): string {
  return `${n.toLocaleString('en-US')} ${what}${n === 1 ? '' : 's'}`;
}

/** One evaluation (a round or a scan): per-process caches of figures that do not change under it. */
export class AlertEngine {
  private readonly pbxs = new Map<number, PbxFacts>();
  /** `${pbx}:${day}` -> the day's figures, shared by the evaluations of one store (see DayCache). */
  private readonly days: DayCache;
  private readonly firstCall = new Map<number, number | null>();
  raised = 0;
  joined = 0;

  constructor(
    private readonly db: Db,
    private readonly alerts: AlertsArea,
    days: DayCache = new Map(),
    private readonly settings: AlertRuleSettings = alerts.rules(),
  ) {
    this.days = days;
  }

  private pbx(id: number): PbxFacts {
    let facts = this.pbxs.get(id);
    if (facts === undefined) {
      const row = this.db
        .prepare<[number], DialPlan & { name: string; business_hours: string }>(
          'SELECT name, country_code, national_prefix, international_prefix, business_hours FROM pbx WHERE id = ?',
        )
        .get(id);
      if (row === undefined) throw new AppError('NOT_FOUND', `There is no PBX with id ${id}.`, { id });
      let hours: BusinessHours;
      try {
        hours = parseBusinessHours(row.business_hours);
      } catch {
        hours = parseBusinessHours('Mon-Fri 07:00-19:00');
      }
      facts = { id, name: row.name, dial: row, hours };
      this.pbxs.set(id, facts);
    }
    return facts;
  }

  private raise(input: Omit<RaiseInput, 'severity'>): void {
    const result = this.alerts.raise({ ...input, severity: RULE_SEVERITY[input.rule] });
    if (result.created) this.raised++;
    else this.joined += result.joined;
  }

  /** Evaluates these calls (any PBXs, any order) in the caller's transaction. */
  evaluate(calls: readonly CallFact[]): void {
    if (this.days.size > MAX_CACHED_DAYS) this.days.clear();
    for (const c of calls) this.days.delete(`${c.pbx_id}:${Math.floor(c.start_wall / DAY)}`);
    for (const [pbxId, list] of groupBy(calls, (c) => c.pbx_id)) {
      const pbx = this.pbx(pbxId);
      const outbound = list.filter((c) => c.direction === OUTBOUND);
      const e164 = new Map(outbound.map((c) => [c.id, normalizeNumber(c.dst, pbx.dial)]));
      const s = this.settings;
      if (s['premium-destination'].enabled) {
        // Without a dial plan a number dialled with the ITU's international prefix 00 is still read as
        // international: a PBX nobody configured is the one that most needs this rule.
        const dial = pbx.dial.international_prefix === '' ? { ...pbx.dial, international_prefix: '00' } : pbx.dial;
        this.premium(pbx, outbound, dial === pbx.dial ? e164 : new Map(outbound.map((c) => [c.id, normalizeNumber(c.dst, dial)])));
      }
      if (s['after-hours'].enabled) this.afterHours(pbx, outbound);
      if (s['failed-burst'].enabled) this.failedBurst(pbx, outbound);
      const days = [...new Set(outbound.map((c) => Math.floor(c.start_wall / DAY)))];
      if (s['concurrency-spike'].enabled) for (const day of days) this.concurrency(pbx, day);
      if (s['volume-drift'].enabled) for (const day of days) this.volume(pbx, day);
      this.newDestinations(pbx, outbound, e164);
    }
  }

  private premium(pbx: PbxFacts, outbound: readonly CallFact[], e164: ReadonlyMap<number, string>): void {
    const prefixes = this.settings['premium-destination'].prefixes;
    const hits = outbound.filter((c) => {
      const number = e164.get(c.id) ?? '';
      return number !== '' && prefixes.some((p) => number.startsWith(p));
    });
    for (const [day, calls] of groupBy(hits, (c) => dayOf(c.start_wall))) {
      this.raise({
        rule: 'premium-destination',
        pbx_id: pbx.id,
        episode: `day:${day}`,
        title: `Calls to premium or international-network numbers on ${pbx.name} (${day})`,
        ...span(calls),
        call_ids: calls.map((c) => c.id),
      });
    }
  }

  private afterHours(pbx: PbxFacts, outbound: readonly CallFact[]): void {
    const closed = outbound.filter((c) => c.dst_trunk_name !== '' && !isOpen(pbx.hours, c.start_wall));
    for (const [closing, calls] of groupBy(closed, (c) => lastClosing(pbx.hours, c.start_wall))) {
      const since = closing === null ? dayOf((calls[0] as CallFact).start_wall) : wallClockText(closing);
      this.raise({
        rule: 'after-hours',
        pbx_id: pbx.id,
        episode: `closed:${since}`,
        title: `Outbound calls over a trunk outside business hours on ${pbx.name} (closed since ${since.replace('T', ' ').slice(0, 16)})`,
        ...span(calls),
        call_ids: calls.map((c) => c.id),
      });
    }
  }

  /**
   * Failed or unanswered outbound attempts of one caller, chained while each follows the previous
   * within the window: a chain holding `calls` attempts within one window is a burst, named by its
   * first attempt. The earlier attempts of a chain are read from the cache, so a burst split over two
   * syncs is one alert.
   */
  private failedBurst(pbx: PbxFacts, outbound: readonly CallFact[]): void {
    const { calls: needed, minutes } = this.settings['failed-burst'];
    const window = minutes * 60;
    const failing = outbound.filter((c) => FAILED.includes(c.outcome) && c.src !== '');
    // The instant bounds (wall clock widened by the largest UTC offsets) let calls_by_src seek to the
    // window instead of reading every call the caller ever made.
    const context = this.db.prepare<[string, number, number, number, number, number], CallFact>(
      `SELECT ${FACT_COLUMNS} FROM calls WHERE src = ? AND start_utc BETWEEN ? AND ? AND pbx_id = ? AND direction = ${OUTBOUND}
         AND outcome IN (${FAILED.join(', ')}) AND start_wall BETWEEN ? AND ? ORDER BY start_wall, id`,
    );
    const continuing = this.db.prepare<[number, string, string], { episode: string }>(
      `SELECT episode FROM alerts WHERE rule = 'failed-burst' AND pbx_id = ? AND episode LIKE ? AND last_at >= ? ORDER BY last_at DESC LIMIT 1`,
    );
    for (const [caller, calls] of groupBy(failing, (c) => c.src)) {
      const walls = calls.map((c) => c.start_wall);
      const from = Math.min(...walls) - BURST_LOOK_BACK;
      const to = Math.max(...walls) + window;
      const attempts = context.all(caller, from - MAX_OFFSET, to + MAX_OFFSET, pbx.id, from, to);
      let chain: CallFact[] = [];
      const flush = () => {
        if (chain.length >= needed && this.hasBurst(chain, needed, window)) {
          const first = chain[0] as CallFact;
          // A burst longer than the look-back starts before the attempts read here: it continues the
          // alert whose last attempt is within the window of this chain's first one.
          const ongoing = first.start_wall - window <= from ? continuing.get(pbx.id, `caller:${caller}:%`, wallClockText(first.start_wall - window)) : undefined;
          this.raise({
            rule: 'failed-burst',
            pbx_id: pbx.id,
            episode: ongoing?.episode ?? `caller:${caller}:${first.start}`,
            title: `${count(chain.length, 'failed or unanswered outbound call')} from ${caller} on ${pbx.name}`,
            ...span(chain),
            call_ids: chain.map((c) => c.id),
          });
        }
        chain = [];
      };
      for (const attempt of attempts) {
        const previous = chain[chain.length - 1];
        if (previous !== undefined && attempt.start_wall - previous.start_wall > window) flush();
        chain.push(attempt);
      }
      flush();
    }
  }

  private hasBurst(chain: readonly CallFact[], needed: number, window: number): boolean {
    for (let i = 0; i + needed - 1 < chain.length; i++) {
      if ((chain[i + needed - 1] as CallFact).start_wall - (chain[i] as CallFact).start_wall <= window) return true;
    }
    return false;
  }

  private outboundOfDay(pbxId: number, day: number): CallFact[] {
    return this.db
      .prepare<[number, number, number], CallFact>(
        `SELECT ${FACT_COLUMNS} FROM calls WHERE pbx_id = ? AND direction = ${OUTBOUND} AND start_wall >= ? AND start_wall < ?
         ORDER BY start_utc, id`,
      )
      .all(pbxId, day * DAY, (day + 1) * DAY);
  }

  /**
   * A day's figures the rules compare with: its peak of outbound calls at once and its outbound talk
   * minutes (all, and to other countries). The peak and the minutes come from the covering index
   * calls_for_reports (no table row per call); international minutes need the numbers.
   */
  private dayFigures(pbx: PbxFacts, day: number): DayFigures {
    const key = `${pbx.id}:${day}`;
    const known = this.days.get(key);
    if (known !== undefined) return known;
    const spans = this.db
      .prepare<[number, number, number], { start_utc: number; duration: number; billsec: number }>(
        `SELECT start_utc, duration, billsec FROM calls WHERE pbx_id = ? AND direction = ${OUTBOUND} AND start_wall >= ? AND start_wall < ?
         ORDER BY start_utc`,
      )
      .all(pbx.id, day * DAY, (day + 1) * DAY);
    const sweep = new ConcurrencySweep();
    let peak = 0;
    let minutes = 0;
    for (const c of spans) {
      peak = Math.max(peak, sweep.add(c.start_utc, c.start_utc + Math.max(c.duration, 1)));
      minutes += c.billsec / 60;
    }
    let international = 0;
    if (pbx.dial.country_code !== '' && minutes > 0) {
      for (const c of this.outboundOfDay(pbx.id, day)) if (c.billsec > 0 && this.isInternational(pbx, c)) international += c.billsec / 60;
    }
    const figures = { peak, minutes, international };
    this.days.set(key, figures);
    return figures;
  }

  private isInternational(pbx: PbxFacts, c: CallFact): boolean {
    const number = normalizeNumber(c.dst, pbx.dial);
    return number !== '' && countryCode(number) !== pbx.dial.country_code;
  }

  private concurrency(pbx: PbxFacts, day: number): void {
    const { factor, minimum, days } = this.settings['concurrency-spike'];
    let highest = 0;
    for (let back = 1; back <= days; back++) highest = Math.max(highest, this.dayFigures(pbx, day - back).peak);
    const threshold = Math.max(minimum, factor * highest);
    if (this.dayFigures(pbx, day).peak <= threshold) return;
    // Only a spike needs the calls themselves: those in progress at the first moment of the peak.
    const calls = this.outboundOfDay(pbx.id, day);
    const sweep = new ConcurrencySweep();
    let peak = 0;
    let at = -1;
    for (const c of calls) {
      const now = sweep.add(c.start_utc, c.start_utc + Math.max(c.duration, 1));
      if (now > peak) {
        peak = now;
        at = c.start_utc;
      }
    }
    const inProgress = calls.filter((c) => c.start_utc <= at && c.start_utc + Math.max(c.duration, 1) > at);
    const label = dayOf(day * DAY);
    this.raise({
      rule: 'concurrency-spike',
      pbx_id: pbx.id,
      episode: `day:${label}`,
      title: `${peak} outbound calls at once on ${pbx.name} (${label}; threshold ${threshold})`,
      ...span(inProgress),
      call_ids: inProgress.map((c) => c.id),
    });
  }

  /**
   * A day's outbound talk minutes (and those to other countries, when the PBX's dial plan names its
   * own) against the mean of the same weekday in the weeks before.
   */
  private volume(pbx: PbxFacts, day: number): void {
    const { factor, weeks, minimum_minutes: floor } = this.settings['volume-drift'];
    // Without weeks of history before the day there is nothing to compare with: a new PBX is not drifting.
    if (this.firstCallOf(pbx.id) > (day - 7 * weeks) * DAY + DAY) return;
    const today = this.dayFigures(pbx, day);
    const before = Array.from({ length: weeks }, (_, w) => this.dayFigures(pbx, day - 7 * (w + 1)));
    const label = dayOf(day * DAY);
    const check = (kind: 'minutes' | 'international') => {
      const value = today[kind];
      const mean = before.reduce((n, past) => n + past[kind], 0) / weeks;
      if (value < floor || value <= factor * mean) return;
      const calls = this.outboundOfDay(pbx.id, day).filter((c) => c.billsec > 0 && (kind === 'minutes' || this.isInternational(pbx, c)));
      if (calls.length === 0) return;
      const what = kind === 'minutes' ? 'outbound' : 'international';
      this.raise({
        rule: 'volume-drift',
        pbx_id: pbx.id,
        episode: `${kind}:${label}`,
        title: `${Math.round(value)} ${what} minutes on ${pbx.name} (${label}), against a mean of ${Math.round(mean)} on the ${weeks} same weekdays before`,
        ...span(calls),
        call_ids: calls.map((c) => c.id),
      });
    };
    check('minutes');
    if (pbx.dial.country_code !== '') check('international');
  }

  /**
   * Remembers the first call to each country per PBX (even with the rule off, so turning it on does
   * not take every country for new), then flags long calls that are the first to their country once
   * the PBX's learning days are over. Needs the PBX's own country code: without it a national number
   * cannot be told from an international one.
   */
  private newDestinations(pbx: PbxFacts, outbound: readonly CallFact[], e164: ReadonlyMap<number, string>): void {
    if (pbx.dial.country_code === '') return;
    const remember = this.db.prepare(
      `INSERT INTO called_countries (pbx_id, country, first_utc) VALUES (?, ?, ?)
       ON CONFLICT (pbx_id, country) DO UPDATE SET first_utc = min(first_utc, excluded.first_utc)`,
    );
    const firstTo = this.db.prepare<[number, string], { first_utc: number }>('SELECT first_utc FROM called_countries WHERE pbx_id = ? AND country = ?');
    const countries = new Map<number, string>();
    for (const c of outbound) {
      const country = countryCode(e164.get(c.id) ?? '');
      if (country === '') continue;
      countries.set(c.id, country);
      remember.run(pbx.id, country, c.start_utc);
    }
    const rule = this.settings['new-destination-long-call'];
    if (!rule.enabled) return;
    const learnedBy = this.firstCallOf(pbx.id) + rule.learning_days * DAY;
    for (const c of outbound) {
      const country = countries.get(c.id);
      if (country === undefined || country === pbx.dial.country_code || c.billsec < rule.minutes * 60 || c.start_utc < learnedBy) continue;
      if ((firstTo.get(pbx.id, country)?.first_utc ?? c.start_utc) < c.start_utc) continue;
      this.raise({
        rule: 'new-destination-long-call',
        pbx_id: pbx.id,
        episode: `country:${country}`,
        title: `A ${Math.round(c.billsec / 60)}-minute call to +${country}, a country never called before from ${pbx.name}`,
        first_at: c.start,
        last_at: c.start,
        call_ids: [c.id],
      });
    }
  }

  private firstCallOf(pbxId: number): number {
    let first = this.firstCall.get(pbxId);
    if (first === undefined) {
      first = this.db.prepare<[number], { t: number | null }>('SELECT min(start_utc) AS t FROM calls WHERE pbx_id = ?').get(pbxId)?.t ?? null;
      this.firstCall.set(pbxId, first);
    }
    return first ?? 0;
  }
}

/**
 * The calls a sync or import added since the last evaluation (ids above the watermark), chunk by chunk.
 * Every rule looks at outbound calls only (evaluate), so only those are read: after an import of a
 * million calls, holding a chunk of every call cost the import some 100 MB of its peak memory.
 */
export function evaluateNewCalls(db: Db, alerts: AlertsArea, days?: DayCache): AlertScanResult {
  const engine = new AlertEngine(db, alerts, days);
  const chunkEnd = db.prepare<[number, number], { calls: number; last: number | null }>(
    'SELECT count(*) AS calls, max(id) AS last FROM (SELECT id FROM calls WHERE id > ? ORDER BY id LIMIT ?)',
  );
  const read = db.prepare<[number, number], CallFact>(`SELECT ${FACT_COLUMNS} FROM calls WHERE id > ? AND id <= ? AND direction = ${OUTBOUND} ORDER BY id`);
  let calls = 0;
  for (;;) {
    const done = db.transaction(() => {
      const after = alerts.watermark();
      const chunk = chunkEnd.get(after, CHUNK) as { calls: number; last: number | null };
      if (chunk.last === null) return true;
      engine.evaluate(read.all(after, chunk.last));
      alerts.setWatermark(chunk.last);
      calls += chunk.calls;
      return chunk.calls < CHUNK;
    })();
    if (done) break;
  }
  return { calls, raised: engine.raised, joined: engine.joined };
}

/** The rules over a period of history (`ucmcdr alerts scan`): PBX names, wall-clock bounds. */
export function scanCalls(db: Db, alerts: AlertsArea, range: { pbxIds: number[]; from?: string; to?: string }, days?: DayCache): AlertScanResult {
  const bound = (value: string | undefined, end: boolean): number | null => {
    if (value === undefined || value === '') return null;
    const read = readWallClockBound(value, { end });
    if ('problem' in read) throw new AppError('BAD_INPUT', `"${value}" is not a date: write YYYY-MM-DD or YYYY-MM-DDTHH:MM.`, { field: end ? 'to' : 'from' });
    return wallClockSeconds(read.local);
  };
  const from = bound(range.from, false) ?? Number.MIN_SAFE_INTEGER;
  const to = bound(range.to, true) ?? Number.MAX_SAFE_INTEGER;
  const pbxTerm = range.pbxIds.length === 0 ? '' : ` AND pbx_id IN (${range.pbxIds.map(() => '?').join(', ')})`;
  const read = db.prepare<unknown[], CallFact>(
    `SELECT ${FACT_COLUMNS} FROM calls WHERE (start_utc, id) > (?, ?) AND start_wall BETWEEN ? AND ?${pbxTerm} ORDER BY start_utc, id LIMIT ?`,
  );
  const engine = new AlertEngine(db, alerts, days);
  let after = { utc: Number.MIN_SAFE_INTEGER, id: 0 };
  let calls = 0;
  for (;;) {
    const chunk = db.transaction(() => {
      const rows = read.all(after.utc, after.id, from, to, ...range.pbxIds, CHUNK);
      if (rows.length > 0) engine.evaluate(rows);
      return rows;
    })();
    calls += chunk.length;
    const last = chunk[chunk.length - 1];
    if (last === undefined || chunk.length < CHUNK) break;
    after = { utc: last.start_utc, id: last.id };
  }
  return { calls, raised: engine.raised, joined: engine.joined };
}
