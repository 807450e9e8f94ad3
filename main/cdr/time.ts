import { AppError } from '../errors.js';
import type { PbxTime } from './types.js';

/**
 * The one date/time module. PBXs write their wall clock without a zone, in several shapes depending on
 * the device and the export; everything downstream works with the canonical wall clock
 * `YYYY-MM-DDTHH:MM:SS` plus the UTC instant it denotes in the PBX profile's IANA zone.
 */

export type DateOrder = 'mdy' | 'dmy';

const HOUR_MS = 3_600_000;

// The form cdrapi writes for nearly every record, checked first because it runs millions of times.
const CANONICAL = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}$/;
const ISO_LIKE = /^(\d{4})[-/](\d{1,2})[-/](\d{1,2})(?:[T ]\s*(\d{1,2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?)?$/;
const SLASHED = /^(\d{1,2})\/(\d{1,2})\/(\d{4})(?:[T ]\s*(\d{1,2}):(\d{2})(?::(\d{2}))?(?:\s*([AaPp])\.?[Mm]\.?)?)?$/;

/** The number written by two ASCII digits at `at` (the caller has checked they are digits). */
function twoDigits(text: string, at: number): number {
  return (text.charCodeAt(at) - 48) * 10 + text.charCodeAt(at + 1) - 48;
}

function pad2(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

function unparseable(text: string, why: string): AppError {
  return new AppError(
    'BAD_INPUT',
    `Cannot read the date/time "${text}": ${why}. ` +
      'Expected a form such as 2021-03-18 15:14:33 or 7/13/2018 12:00:12 PM.',
    { value: text },
  );
}

function assemble(
  text: string,
  year: number,
  month: number,
  day: number,
  hour: number,
  minute: number,
  second: number,
): string {
  if (month < 1 || month > 12) throw unparseable(text, `month ${month} does not exist`);
  if (day < 1 || day > daysInMonth(year, month)) throw unparseable(text, `day ${day} does not exist in that month`);
  if (hour > 23 || minute > 59 || second > 59) throw unparseable(text, 'the time of day is out of range');
  return `${year}-${pad2(month)}-${pad2(day)}T${pad2(hour)}:${pad2(minute)}:${pad2(second)}`;
}

function to24h(text: string, hour: number, meridiem: string | undefined): number {
  if (meridiem === undefined) return hour;
  if (hour < 1 || hour > 12) throw unparseable(text, `hour ${hour} does not exist on a 12-hour clock`);
  const pm = meridiem === 'p' || meridiem === 'P';
  return (hour % 12) + (pm ? 12 : 0);
}

/**
 * Reads a PBX wall-clock time in any form devices and their exports write and returns it as
 * `YYYY-MM-DDTHH:MM:SS`, or null for an empty value (a call never answered has no answer time).
 * Slashed dates are month-first unless `order` says day-first; a date alone means midnight.
 * Throws AppError('BAD_INPUT') naming the value when it is not a date/time.
 */
export function parsePbxDateTime(text: string, order: DateOrder = 'mdy'): string | null {
  if (CANONICAL.test(text)) {
    const month = twoDigits(text, 5);
    const day = twoDigits(text, 8);
    const hour = twoDigits(text, 11);
    const minute = twoDigits(text, 14);
    const second = twoDigits(text, 17);
    if (month >= 1 && month <= 12 && day >= 1 && day <= 28 && hour <= 23 && minute <= 59 && second <= 59) {
      return text.charCodeAt(10) === 84 ? text : `${text.slice(0, 10)}T${text.slice(11)}`;
    }
    return assemble(text, Number(text.slice(0, 4)), month, day, hour, minute, second);
  }
  const trimmed = text.trim();
  if (trimmed === '') return null;
  const iso = ISO_LIKE.exec(trimmed);
  if (iso) {
    return assemble(
      text,
      Number(iso[1]),
      Number(iso[2]),
      Number(iso[3]),
      Number(iso[4] ?? 0),
      Number(iso[5] ?? 0),
      Number(iso[6] ?? 0),
    );
  }
  const slashed = SLASHED.exec(trimmed);
  if (slashed) {
    const first = Number(slashed[1]);
    const second = Number(slashed[2]);
    const hour = to24h(text, Number(slashed[4] ?? 0), slashed[7]);
    const [month, day] = order === 'dmy' ? [second, first] : [first, second];
    return assemble(text, Number(slashed[3]), month, day, hour, Number(slashed[5] ?? 0), Number(slashed[6] ?? 0));
  }
  throw unparseable(text, 'it is not in a known date/time form');
}

/** A date/time a person typed, read: the wall clock, or both readings when the order is not known. */
export type TypedDateTime = { value: string } | { ambiguous: Record<DateOrder, string> };

/**
 * Reads a date or time a person typed (the CLI's --from/--to): `YYYY-MM-DD[THH:MM[:SS]]`, or a
 * slashed date. The value is `YYYY-MM-DD` for a date alone (so a caller can treat it as the whole
 * day) and `YYYY-MM-DDTHH:MM:SS` otherwise. A slashed date is read only when it can be read one way:
 * a number over 12 is the day, two equal numbers read the same either way, and otherwise only `order`
 * decides; without it both readings come back so the caller can show them. Unlike a file, a single
 * typed value has no other dates to learn the order from. Throws AppError('BAD_INPUT') for a value
 * that is not a date or does not exist.
 */
export function readTypedDateTime(text: string, order?: DateOrder): TypedDateTime {
  const trimmed = text.trim();
  const slashed = SLASHED.exec(trimmed);
  // Both forms keep the hour in group 4; a value neither reads is refused by parsePbxDateTime below.
  const dateOnly = (slashed ?? ISO_LIKE.exec(trimmed))?.[4] === undefined;
  const read = (how: DateOrder | undefined): string => {
    const local = parsePbxDateTime(trimmed, how);
    if (local === null) throw unparseable(text, 'it is empty');
    return dateOnly ? local.slice(0, 10) : local;
  };
  if (!slashed || order !== undefined) return { value: read(order) };
  const first = Number(slashed[1]);
  const second = Number(slashed[2]);
  if (first > 12) return { value: read('dmy') };
  if (second > 12 || first === second) return { value: read('mdy') };
  return { ambiguous: { mdy: read('mdy'), dmy: read('dmy') } };
}

/** Why a text is not a wall-clock bound: not in the form, or a date or time that does not exist. */
export type WallClockBound = { local: string } | { problem: 'form' | 'nonexistent' };

const BOUND = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2}))?)?$/;
const BOUND_OR_SPACE = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2}))?)?$/;

/**
 * Reads a wall-clock bound as call filters and cdrapi queries take it: `YYYY-MM-DD` or
 * `YYYY-MM-DDTHH:MM[:SS]` (with `space`, a space works instead of the T), surrounding blanks ignored.
 * A missing time or seconds is taken from the start of the day or minute, or with `end` from its end,
 * so that a date alone as an upper bound covers the whole day. Returns the canonical
 * `YYYY-MM-DDTHH:MM:SS`, or the problem for the caller to word: the form, or a date or time that does
 * not exist. Years before 100 count as not existing, as they always did here.
 */
export function readWallClockBound(text: string, options: { end?: boolean; space?: boolean } = {}): WallClockBound {
  const m = (options.space === true ? BOUND_OR_SPACE : BOUND).exec(text.trim());
  if (!m) return { problem: 'form' };
  const end = options.end === true;
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const hour = m[4] === undefined ? (end ? 23 : 0) : Number(m[4]);
  const minute = m[5] === undefined ? (end ? 59 : 0) : Number(m[5]);
  const second = m[6] === undefined ? (end ? 59 : 0) : Number(m[6]);
  const exists =
    year >= 100 && month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth(year, month) && hour <= 23 && minute <= 59 && second <= 59;
  if (!exists) return { problem: 'nonexistent' };
  return { local: `${m[1]}-${m[2]}-${m[3]}T${pad2(hour)}:${pad2(minute)}:${pad2(second)}` };
}

/**
 * A canonical wall clock `YYYY-MM-DDTHH:MM:SS` as seconds, read as if it were UTC: the zone-free
 * number the cache keeps in calls.start_wall and compares filter bounds with.
 */
export function wallClockSeconds(local: string): number {
  return (
    Date.UTC(
      Number(local.slice(0, 4)),
      Number(local.slice(5, 7)) - 1,
      Number(local.slice(8, 10)),
      Number(local.slice(11, 13)),
      Number(local.slice(14, 16)),
      Number(local.slice(17, 19)),
    ) / 1000
  );
}

const SLASHED_DATE = /^\s*(\d{1,2})\/(\d{1,2})\/(\d{4})/;
const MERIDIEM = /\d\s*[AaPp]\.?[Mm]\.?\s*$/;

/** Whether the dates seen so far run in one direction (equal neighbours allowed) under one reading. */
class Run {
  private last = -1;
  private rises = false;
  private falls = false;

  add(day: number): void {
    if (this.last >= 0) {
      if (day > this.last) this.rises = true;
      else if (day < this.last) this.falls = true;
    }
    this.last = day;
  }

  /** One direction and at least two distinct dates. */
  get ordered(): boolean {
    return this.rises !== this.falls;
  }

  get oneDate(): boolean {
    return !this.rises && !this.falls;
  }
}

/**
 * What a file's slashed dates tell about their order, gathered one value at a time in constant state
 * (files run to millions of rows). In decreasing strength:
 * - a number over 12 can only be a day: in first place it proves day-first, in second month-first;
 * - times with AM/PM are written the US way, month-first;
 * - CDR exports list calls in time order (either way round), so when the rows' dates run in one
 *   direction under one reading and not under the other, the other reading is not how the file was
 *   written. Days within one month run in order under both readings and prove nothing; crossing a
 *   month boundary does (01/03 .. 12/03 then 01/04 is Mar 12 -> Apr 1, but Dec 3 -> Jan 4).
 */
export class DateOrderEvidence {
  /** A slashed value seen, for a message that shows what the file's dates look like. */
  example: string | null = null;
  private dayFirst = false;
  private monthFirst = false;
  private meridiem = false;
  private readonly runs: Record<DateOrder, Run> = { mdy: new Run(), dmy: new Run() };

  /**
   * Takes one date value. `rowStart` marks the value that orders the rows (the start time), given once
   * per row in file order; answer and end times only add the other evidence. Returns false for a
   * value that is not a slashed date.
   */
  add(value: string, rowStart = false): boolean {
    const match = SLASHED_DATE.exec(value);
    if (!match) return false;
    this.example ??= value.trim();
    const first = Number(match[1]);
    const second = Number(match[2]);
    if (first > 12) this.dayFirst = true;
    if (second > 12) this.monthFirst = true;
    if (!this.meridiem && MERIDIEM.test(value)) this.meridiem = true;
    if (rowStart) {
      const year = Number(match[3]) * 10_000;
      this.runs.mdy.add(year + first * 100 + second);
      this.runs.dmy.add(year + second * 100 + first);
    }
    return true;
  }

  /** The order a number over 12 proves; null while none has, or when values contradict each other. */
  proven(): DateOrder | null {
    if (this.dayFirst === this.monthFirst) return null;
    return this.dayFirst ? 'dmy' : 'mdy';
  }

  /** The order all the values seen decide, or null when both readings remain possible. */
  decide(): DateOrder | null {
    if (this.dayFirst || this.monthFirst) return this.proven();
    if (this.meridiem) return 'mdy';
    const { mdy, dmy } = this.runs;
    if (mdy.ordered === dmy.ordered) return null;
    return mdy.ordered ? 'mdy' : 'dmy';
  }

  /** Why decide() found no order, in words for the refusal. */
  undecided(): string {
    if (this.dayFirst && this.monthFirst) return 'some dates have a day over 12 in first place and others in second place';
    const { mdy } = this.runs;
    const rows = mdy.oneDate ? 'all rows are on one date' : `the rows run in time order ${mdy.ordered ? 'either' : 'neither'} way`;
    return `no day is over 12, no time has AM/PM, and ${rows}`;
  }
}

/**
 * Decides whether slashed dates are month-first or day-first from the start times of a file's rows,
 * in file order (see DateOrderEvidence). Returns null when both readings remain possible or the values
 * contradict each other (the importer then asks).
 */
export function inferDateOrder(samples: Iterable<string>): DateOrder | null {
  const evidence = new DateOrderEvidence();
  for (const sample of samples) evidence.add(sample, true);
  return evidence.decide();
}

/** The zone of the machine the app runs on: the default for a PBX profile. */
export function defaultTimeZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(tz: string): Intl.DateTimeFormat | null {
  let formatter = formatters.get(tz);
  if (formatter) return formatter;
  try {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone: tz,
      hourCycle: 'h23',
      era: 'short',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
  } catch {
    return null;
  }
  formatters.set(tz, formatter);
  return formatter;
}

// The time-zone check lives with the contract because the renderer's forms make it too; main's
// callers keep finding it here, beside the conversions it guards.
export { isValidTimeZone } from '../../preload/checks.js';

function requireFormatter(tz: string): Intl.DateTimeFormat {
  const formatter = typeof tz === 'string' && tz.trim() !== '' ? formatterFor(tz) : null;
  if (!formatter) {
    throw new AppError(
      'BAD_INPUT',
      `Unknown time zone "${String(tz)}": use an IANA zone name such as Europe/London or America/New_York.`,
      { value: tz },
    );
  }
  return formatter;
}

/** Wall clock the zone shows at an instant, as milliseconds of a UTC calendar (seconds precision). */
function wallClockAt(formatter: Intl.DateTimeFormat, utcMs: number): number {
  let year = 0;
  let month = 1;
  let day = 1;
  let hour = 0;
  let minute = 0;
  let second = 0;
  let bc = false;
  for (const part of formatter.formatToParts(utcMs)) {
    switch (part.type) {
      case 'year':
        year = Number(part.value);
        break;
      case 'month':
        month = Number(part.value);
        break;
      case 'day':
        day = Number(part.value);
        break;
      case 'hour':
        hour = Number(part.value);
        break;
      case 'minute':
        minute = Number(part.value);
        break;
      case 'second':
        second = Number(part.value);
        break;
      case 'era':
        bc = part.value.startsWith('B');
        break;
    }
  }
  const date = new Date(0);
  date.setUTCFullYear(bc ? 1 - year : year, month - 1, day);
  date.setUTCHours(hour, minute, second, 0);
  return date.getTime();
}

/** Offset (wall clock minus UTC, ms) of the zone at an instant. */
function offsetAt(formatter: Intl.DateTimeFormat, utcMs: number): number {
  const whole = Math.floor(utcMs / 1000) * 1000;
  return wallClockAt(formatter, whole) - whole;
}

/**
 * Resolves a naive wall-clock instant (its fields read as UTC) to the real instant. Zone offsets on
 * either side of a transition are found 12 hours away; an offset is a valid reading when the zone
 * really shows that offset at the resulting instant. `exact` is false unless the reading is unique.
 * No valid reading = the clock skipped this time
 * (spring forward): keep the offset from before, which lands as far after the gap as the time was
 * into it. Two valid readings = the clock repeated it (fall back): the earlier instant wins.
 */
function resolveNaive(formatter: Intl.DateTimeFormat, naive: number): { utc: number; exact: boolean } {
  const before = offsetAt(formatter, naive - 12 * HOUR_MS);
  const after = offsetAt(formatter, naive + 12 * HOUR_MS);
  if (before === after) {
    const utc = naive - before;
    const actual = offsetAt(formatter, utc);
    if (actual === before) return { utc, exact: true };
    // Rare: two transitions within a day. Trust the offset in force at the first guess.
    return { utc: naive - actual, exact: false };
  }
  const earlier = naive - before;
  const later = naive - after;
  const earlierValid = offsetAt(formatter, earlier) === before;
  const laterValid = offsetAt(formatter, later) === after;
  if (earlierValid && laterValid) return { utc: Math.min(earlier, later), exact: false };
  if (earlierValid) return { utc: earlier, exact: true };
  if (laterValid) return { utc: later, exact: true };
  return { utc: naive - before, exact: false };
}

/**
 * Ingest converts three times per record, millions of records, so the Intl work is done once per zone
 * and day: a day whose wall clock maps to instants that all share one offset is stored with that
 * offset; a day near a transition is resolved hour by hour, and an hour that touches the transition is
 * marked NaN so each time in it is resolved on its own. The hot path is one Map lookup per call.
 * (Two transitions within ~50 hours that cancel out would hide from the day check; no zone has that
 * in the era of telephone switches.)
 */
interface ZoneClock {
  /** null for UTC, which needs no lookup. */
  formatter: Intl.DateTimeFormat | null;
  /** `YYYY-MM-DD` -> offset of the whole day, or NaN when a transition is near. */
  days: Map<string, number>;
  /** `YYYY-MM-DDTHH` -> instant of the hour's first second, or NaN when the hour touches a transition. */
  hours: Map<string, number>;
  /** The last hour looked up: records mostly arrive in time order, so most lookups repeat it. */
  lastKey: string;
  lastStart: number;
}

const zoneClocks = new Map<string, ZoneClock>();

let lastZone: ZoneClock | null = null;
let lastZoneName = '';

function zoneClock(tz: string): ZoneClock {
  if (tz === lastZoneName && lastZone) return lastZone;
  let zone = zoneClocks.get(tz);
  if (!zone) {
    zone = {
      formatter: tz === 'UTC' ? null : requireFormatter(tz),
      days: new Map(),
      hours: new Map(),
      lastKey: '',
      lastStart: Number.NaN,
    };
    zoneClocks.set(tz, zone);
  }
  lastZone = zone;
  lastZoneName = tz;
  return zone;
}

const LOCAL = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}$/;
const STORED_LOCAL = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$/;

/** Whether text has the canonical wall-clock shape `YYYY-MM-DDTHH:MM:SS` (the T included), as the cache keeps it. */
export function isWallClock(text: string): boolean {
  return STORED_LOCAL.test(text);
}

function badWallClock(local: string, why: string): AppError {
  return new AppError('BAD_INPUT', `Invalid wall-clock time "${local}": ${why}.`, { value: local });
}

/** The wall-clock hour of `local` read as if it were UTC, validated. */
function naiveHour(local: string): number {
  const year = Number(local.slice(0, 4));
  const month = Number(local.slice(5, 7));
  const day = Number(local.slice(8, 10));
  const hour = Number(local.slice(11, 13));
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month) || hour > 23) {
    throw badWallClock(local, 'no such date or hour');
  }
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  date.setUTCHours(hour, 0, 0, 0);
  return date.getTime();
}

function dayOffset(zone: ZoneClock, formatter: Intl.DateTimeFormat, dayKey: string, dayStart: number): number {
  let offset = zone.days.get(dayKey);
  if (offset === undefined) {
    // Wall-clock offsets lie within -12h..+14h, so the day's instants lie within these bounds.
    const first = offsetAt(formatter, dayStart - 14 * HOUR_MS);
    const last = offsetAt(formatter, dayStart + 36 * HOUR_MS);
    offset = first === last ? first : Number.NaN;
    zone.days.set(dayKey, offset);
  }
  return offset;
}

function hourStartUtc(zone: ZoneClock, local: string): number {
  const naive = naiveHour(local);
  const formatter = zone.formatter;
  if (!formatter) return naive;
  const hour = Number(local.slice(11, 13));
  const offset = dayOffset(zone, formatter, local.slice(0, 10), naive - hour * HOUR_MS);
  if (!Number.isNaN(offset)) return naive - offset;
  const start = resolveNaive(formatter, naive);
  const end = resolveNaive(formatter, naive + HOUR_MS - 1000);
  const regular = start.exact && end.exact && end.utc - start.utc === HOUR_MS - 1000;
  return regular ? start.utc : Number.NaN;
}

/**
 * The instant (ms since the epoch) a wall-clock time `YYYY-MM-DDTHH:MM:SS` denotes in an IANA zone.
 * A time skipped by a DST change is shifted forward by the size of the gap; a time that occurs twice
 * resolves to the earlier instant. Throws AppError('BAD_INPUT') for a bad time or an unknown zone.
 */
export function wallClockToUtc(local: string, tz: string): number {
  if (typeof local !== 'string' || !LOCAL.test(local)) {
    throw badWallClock(String(local), 'expected YYYY-MM-DDTHH:MM:SS');
  }
  return utcOfWallClock(local, tz);
}

/** wallClockToUtc for a text already known to have the canonical shape. */
function utcOfWallClock(local: string, tz: string): number {
  const minute = twoDigits(local, 14);
  const second = twoDigits(local, 17);
  if (minute > 59 || second > 59) throw badWallClock(local, 'minutes and seconds run to 59');
  const zone = zoneClock(tz);
  let hourStart: number;
  if (zone.lastKey !== '' && local.startsWith(zone.lastKey)) {
    hourStart = zone.lastStart;
  } else {
    const key = local.slice(0, 13);
    const cached = zone.hours.get(key);
    hourStart = cached ?? hourStartUtc(zone, local);
    if (cached === undefined) zone.hours.set(key, hourStart);
    zone.lastKey = key;
    zone.lastStart = hourStart;
  }
  const within = minute * 60_000 + second * 1000;
  if (!Number.isNaN(hourStart)) return hourStart + within;
  return resolveNaive(zone.formatter as Intl.DateTimeFormat, naiveHour(local) + within).utc;
}

/** The inverse of wallClockSeconds: wall-clock seconds (read as if UTC) as `YYYY-MM-DDTHH:MM:SS`. */
export function wallClockText(seconds: number): string {
  return new Date(seconds * 1000).toISOString().slice(0, 19);
}

/** The wall clock `YYYY-MM-DDTHH:MM:SS` an IANA zone shows at an instant (for sending times to a PBX). */
export function utcToWallClock(utcMs: number, tz: string): string {
  if (!Number.isFinite(utcMs)) {
    throw new AppError('BAD_INPUT', `Invalid instant "${String(utcMs)}": expected milliseconds since the epoch.`);
  }
  const wall = tz === 'UTC' ? Math.floor(utcMs / 1000) * 1000 : wallClockAt(requireFormatter(tz), utcMs);
  return new Date(wall).toISOString().slice(0, 19);
}

/** `YYYY-MM-DDTHH:MM:SSZ` for an instant. */
export function isoUtc(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 19)}Z`;
}

/** A PBX time value as wall clock plus instant, or null when the field is empty. */
export function toPbxTime(text: string, tz: string, order?: DateOrder): PbxTime | null {
  const local = parsePbxDateTime(text, order);
  if (local === null) return null;
  return { local, utc: utcOfWallClock(local, tz) };
}

/**
 * Seconds from a duration as PBXs and their exports write it: `23`, `0:00:23`, `1:02:03` or `2:05`
 * (minutes:seconds). Throws AppError('BAD_INPUT') naming the value for anything else.
 */
export function parseDuration(text: string): number {
  const trimmed = text.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed);
  const match = /^(?:(\d+):)?(\d{1,2}):(\d{2})$/.exec(trimmed);
  if (match) {
    const minutes = Number(match[2]);
    const seconds = Number(match[3]);
    if (seconds < 60 && (match[1] === undefined || minutes < 60)) {
      return Number(match[1] ?? 0) * 3600 + minutes * 60 + seconds;
    }
  }
  throw new AppError(
    'BAD_INPUT',
    `Invalid duration "${text}": expected whole seconds (23) or H:MM:SS (0:00:23).`,
    { value: text },
  );
}

