import { wallClockToUtc } from '../cdr/time.js';
import type { CdrCall } from '../cdr/types.js';
import { callMatches, type CdrQuery } from './cdrapi-query.js';
import { stableHash } from './random.js';

/** Roughly one call in forty is delivered twice in a row, as real devices do. */
function deliveredTwice(call: CdrCall): boolean {
  return stableHash(call.session) % 40 === 0;
}

/**
 * The calls a simulator serves, in start order, with each call's start instant kept beside it so
 * time-bounded pages (the sync walks month windows) find their range by binary search instead of
 * scanning every call.
 */
export class Dataset {
  readonly calls: CdrCall[] = [];
  private readonly starts: number[] = [];
  private readonly twice: boolean[] = [];

  constructor(private readonly tz: string) {}

  add(calls: Iterable<CdrCall>): CdrCall[] {
    const added: CdrCall[] = [];
    for (const call of calls) {
      // When clocks fall back, an hour of wall-clock times repeats and reads as earlier instants;
      // clamping keeps the index sorted so the binary search stays correct.
      const start = Math.max(this.lastStart() ?? -Infinity, wallClockToUtc((call.main.start ?? '').replace(' ', 'T'), this.tz));
      this.calls.push(call);
      this.starts.push(start);
      this.twice.push(deliveredTwice(call));
      added.push(call);
    }
    return added;
  }

  /** Start (ms) of the latest call, or null when there is none. */
  lastStart(): number | null {
    return this.starts.length === 0 ? null : (this.starts[this.starts.length - 1] as number);
  }

  /** First index whose start is >= ms. */
  private lowerBound(ms: number): number {
    let lo = 0;
    let hi = this.starts.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((this.starts[mid] as number) < ms) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /**
   * One page of matches. Offsets count deliveries, duplicates included, so a page boundary can fall
   * between the two copies of a call, as on the device; appending later calls never shifts a page.
   */
  select(q: CdrQuery): CdrCall[] {
    const page: CdrCall[] = [];
    if (q.numRecords === 0) return page;
    const from = q.startMs === undefined ? 0 : this.lowerBound(q.startMs);
    const to = q.endMs === undefined ? this.calls.length : this.lowerBound(q.endMs + 1);
    let skip = q.offset;
    for (let i = from; i < to; i++) {
      const call = this.calls[i] as CdrCall;
      if (!callMatches(call, this.starts[i] as number, q)) continue;
      const copies = this.twice[i] ? 2 : 1;
      for (let c = 0; c < copies; c++) {
        if (skip > 0) {
          skip--;
          continue;
        }
        page.push(call);
        if (page.length === q.numRecords) return page;
      }
    }
    return page;
  }
}
