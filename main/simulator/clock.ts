import { utcToWallClock } from '../cdr/time.js';

const HOUR_MS = 3_600_000;

function pad2(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

/**
 * The PBX's wall clock for generated instants. Formatting millions of times through Intl is far too
 * slow, so the zone offset is looked up once per UTC hour and the text of each wall-clock hour is
 * cached; hours that contain a zone transition fall back to the exact conversion.
 */
export class PbxClock {
  private readonly offsets = new Map<number, number>();
  private readonly hourPrefixes = new Map<number, string>();

  constructor(readonly tz: string) {
    // Fail fast (with the shared module's message) on a zone this runtime does not know.
    utcToWallClock(0, tz);
  }

  /** Wall clock minus UTC at an instant, in ms. NaN when the hour holds a transition. */
  offsetAt(utcMs: number): number {
    if (this.tz === 'UTC') return 0;
    const hour = Math.floor(utcMs / HOUR_MS);
    let offset = this.offsets.get(hour);
    if (offset === undefined) {
      const begin = hour * HOUR_MS;
      const end = begin + HOUR_MS - 1000;
      const atBegin = Date.parse(`${utcToWallClock(begin, this.tz)}Z`) - begin;
      const atEnd = Date.parse(`${utcToWallClock(end, this.tz)}Z`) - end;
      offset = atBegin === atEnd ? atBegin : Number.NaN;
      this.offsets.set(hour, offset);
    }
    return offset;
  }

  /** Milliseconds of the wall clock read as if it were UTC (for weekday and hour-of-day decisions). */
  naiveAt(utcMs: number): number {
    const offset = this.offsetAt(utcMs);
    if (!Number.isNaN(offset)) return utcMs + offset;
    return Date.parse(`${utcToWallClock(utcMs, this.tz)}Z`);
  }

  /** `YYYY-MM-DD HH:MM:SS`, the form cdrapi writes. */
  format(utcMs: number): string {
    const naive = this.naiveAt(Math.floor(utcMs / 1000) * 1000);
    const hour = Math.floor(naive / HOUR_MS);
    let prefix = this.hourPrefixes.get(hour);
    if (prefix === undefined) {
      prefix = new Date(hour * HOUR_MS).toISOString().slice(0, 13).replace('T', ' ');
      if (this.hourPrefixes.size > 100_000) this.hourPrefixes.clear();
      this.hourPrefixes.set(hour, prefix);
    }
    const withinHour = Math.floor((naive - hour * HOUR_MS) / 1000);
    return `${prefix}:${pad2(Math.floor(withinHour / 60))}:${pad2(withinHour % 60)}`;
  }
}
