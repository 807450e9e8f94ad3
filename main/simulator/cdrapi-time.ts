import { wallClockToUtc } from '../cdr/time.js';

const DATE_TIME =
  /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{3}))?)?(Z|[+-]\d{2}(?::?\d{2})?)?)?$/;
const TIME_ONLY = /^(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{3}))?)?(Z|[+-]\d{2}(?::?\d{2})?)?$/;

function pad2(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

function offsetMs(zone: string): number | null {
  if (zone === 'Z') return 0;
  const sign = zone.startsWith('-') ? -1 : 1;
  const digits = zone.slice(1).replace(':', '');
  const hours = Number(digits.slice(0, 2));
  const minutes = digits.length > 2 ? Number(digits.slice(2)) : 0;
  if (hours > 14 || minutes > 59) return null;
  return sign * (hours * 60 + minutes) * 60_000;
}

function instant(
  tz: string,
  year: number,
  month: number,
  day: number,
  hour: number,
  minute: number,
  second: number,
  millis: number,
  zone: string | undefined,
): number | null {
  const naive = Date.UTC(year, month - 1, day, hour, minute, second);
  const check = new Date(naive);
  if (check.getUTCMonth() !== month - 1 || check.getUTCDate() !== day) return null;
  if (hour > 23 || minute > 59 || second > 59) return null;
  if (zone !== undefined) {
    const offset = offsetMs(zone);
    return offset === null ? null : naive - offset + millis;
  }
  const local = `${year}-${pad2(month)}-${pad2(day)}T${pad2(hour)}:${pad2(minute)}:${pad2(second)}`;
  return wallClockToUtc(local, tz) + millis;
}

/**
 * A cdrapi startTime/endTime value as an instant (ms), or null when it is not one of the guide's
 * forms: YYYY-MM-DD[THH:MM[:SS[.SSS]]], HH:MM[:SS[.SSS]] (on 2000-01-01), `now`, or 10-digit epoch
 * seconds; a time of day may carry a zone offset (Z, +HH:MM, -HHMM). Without an offset the value is
 * the PBX's wall clock, as the records' own times are.
 */
export function parseCdrapiTime(value: string, tz: string, nowMs: number): number | null {
  if (value === 'now') return nowMs;
  if (/^\d{10}$/.test(value)) return Number(value) * 1000;
  const full = DATE_TIME.exec(value);
  if (full) {
    return instant(
      tz,
      Number(full[1]),
      Number(full[2]),
      Number(full[3]),
      Number(full[4] ?? 0),
      Number(full[5] ?? 0),
      Number(full[6] ?? 0),
      Number(full[7] ?? 0),
      full[8],
    );
  }
  const time = TIME_ONLY.exec(value);
  if (time) {
    return instant(
      tz,
      2000,
      1,
      1,
      Number(time[1]),
      Number(time[2]),
      Number(time[3] ?? 0),
      Number(time[4] ?? 0),
      time[5],
    );
  }
  return null;
}
