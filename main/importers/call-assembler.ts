import { createHash } from 'node:crypto';
import type { CdrCall, CdrRecord } from '../cdr/types.js';

/**
 * Rebuilds calls from rows. Rows of one session (a `main_cdr` row and its `sub_cdr_N` legs, or several
 * flat rows sharing a session) usually sit next to each other, so rows are grouped in a buffer keyed by
 * session that is handed over at batch boundaries. The group still receiving rows at a boundary is kept
 * for the next batch; should a session's rows be far apart, the store's merge by session joins them.
 */

/** Above this many rows, a session's group is handed over even while it still grows (bounded memory). */
export const MAX_GROUP_ROWS = 5_000;

/**
 * Identity of a call whose row carries no session: `imp-` + SHA-1 of unique id, start, caller and callee
 * (normalized values joined by U+001F). The same row imported again gets the same identity, so it is
 * recognised as already present.
 */
export function syntheticSession(record: CdrRecord): string {
  const key = [record.uniqueid ?? '', record.start ?? '', record.src ?? '', record.dst ?? ''].join('\u001f');
  return `imp-${createHash('sha1').update(key).digest('hex')}`;
}

interface Group {
  session: string;
  main: CdrRecord | null;
  subs: { index: number; record: CdrRecord }[];
  flat: CdrRecord[];
  rows: number;
}

const SUB_MARKER = /^sub_cdr_(\d+)$/i;

/** A repeated main record adds what the first lacked and changes nothing it had (the store's rule). */
function fillEmpty(target: CdrRecord, extra: CdrRecord): void {
  for (const key in extra) {
    if (!target[key] && extra[key]) target[key] = extra[key] as string;
  }
}

/** Rows repeated verbatim (overlapping exports pasted together) are one record, not two legs. */
function sameRecord(a: CdrRecord, b: CdrRecord): boolean {
  const keys = Object.keys(a);
  if (keys.length !== Object.keys(b).length) return false;
  for (const key of keys) if (a[key] !== b[key]) return false;
  return true;
}

function toCall(group: Group): CdrCall {
  const legs = group.subs.length > 1 ? [...group.subs].sort((a, b) => a.index - b.index) : group.subs;
  const legRecords = legs.map((leg) => leg.record).concat(group.flat);
  const main = group.main ?? (legRecords[0] as CdrRecord);
  return { session: group.session, main, legs: legRecords.length > 0 ? legRecords : [main] };
}

export class CallAssembler {
  private groups = new Map<string, Group>();
  private last: Group | null = null;
  private buffered = 0;

  /** Rows held and not yet handed over. */
  get rows(): number {
    return this.buffered;
  }

  add(record: CdrRecord, marker: string): void {
    const session = record.session ? record.session : syntheticSession(record);
    let group = this.groups.get(session);
    if (!group) {
      group = { session, main: null, subs: [], flat: [], rows: 0 };
      this.groups.set(session, group);
    }
    const sub = marker === '' ? null : SUB_MARKER.exec(marker);
    if (marker.toLowerCase() === 'main_cdr') {
      if (group.main === null) group.main = record;
      else fillEmpty(group.main, record);
    } else if (sub) {
      group.subs.push({ index: Number(sub[1]), record });
    } else if (!group.flat.some((known) => sameRecord(known, record))) {
      group.flat.push(record);
    }
    group.rows++;
    this.buffered++;
    this.last = group;
  }

  /**
   * Hands over the complete groups. Unless `final`, the group of the latest row stays (its session may
   * continue in the next rows) unless it has grown past MAX_GROUP_ROWS.
   */
  take(final: boolean): CdrCall[] {
    const keep = !final && this.last !== null && this.last.rows < MAX_GROUP_ROWS ? this.last : null;
    const calls: CdrCall[] = [];
    for (const group of this.groups.values()) {
      if (group !== keep) calls.push(toCall(group));
    }
    this.groups = new Map();
    this.buffered = 0;
    if (keep) {
      this.groups.set(keep.session, keep);
      this.buffered = keep.rows;
    } else {
      this.last = null;
    }
    return calls;
  }
}
