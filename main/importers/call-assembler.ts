import { createHash } from 'node:crypto';
import { mergeCalls } from '../cdr/merge.js';
import type { CdrCall, CdrRecord } from '../cdr/types.js';
import { MAX_GROUP_ROWS } from './tuning.js';

/**
 * Rebuilds calls from rows. Rows of one session (a `main_cdr` row and its `sub_cdr_N` legs, or several
 * flat rows sharing a session, as cdrapi CSV writes a transfer) usually sit next to each other, so rows
 * are grouped in a buffer keyed by session that is handed over at batch boundaries. The group still receiving rows at a boundary is kept
 * for the next batch; should a session's rows be far apart, the store's merge by session joins them.
 */


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
  mains: CdrRecord[];
  subs: { index: number; record: CdrRecord }[];
  flat: CdrRecord[];
  rows: number;
}

const SUB_MARKER = /^sub_cdr_(\d+)$/i;

/** Rows repeated verbatim (overlapping exports pasted together) are one record, not two. */
function sameRecord(a: CdrRecord, b: CdrRecord): boolean {
  const keys = Object.keys(a);
  if (keys.length !== Object.keys(b).length) return false;
  for (const key of keys) if (a[key] !== b[key]) return false;
  return true;
}

function distinct(records: CdrRecord[]): CdrRecord[] {
  if (records.length < 2) return records;
  const out: CdrRecord[] = [];
  for (const record of records) if (!out.some((known) => sameRecord(known, record))) out.push(record);
  return out;
}

/**
 * One call from a group's rows. Main rows and sub rows (in sub_cdr order) form a structured call. Flat
 * rows of one session are records of one call: a single one is a flat call; several are its legs (a
 * row is a record of its own even without an AcctId), under a summary the store derives from them.
 */
function toCall(group: Group): CdrCall {
  const { session } = group;
  const flat = distinct(group.flat);
  if (group.mains.length === 0 && group.subs.length === 0) {
    if (flat.length === 1) return { session, main: flat[0] as CdrRecord, legs: flat };
    return { session, main: { session }, legs: flat };
  }
  const subs = group.subs.length > 1 ? [...group.subs].sort((a, b) => a.index - b.index) : group.subs;
  // Legs without their main row: the summary then derives from the legs, as for cdrapi responses.
  let call: CdrCall = { session, main: group.mains[0] ?? { session }, legs: subs.map((sub) => sub.record).concat(flat) };
  for (const main of group.mains.slice(1)) call = mergeCalls(call, { session, main, legs: [] }, 'replace').call;
  return call;
}

export class CallAssembler {
  private groups = new Map<string, Group>();
  private last: Group | null = null;

  add(record: CdrRecord, marker: string): void {
    const session = record.session?.trim() || syntheticSession(record);
    let group = this.groups.get(session);
    if (!group) {
      group = { session, mains: [], subs: [], flat: [], rows: 0 };
      this.groups.set(session, group);
    }
    const sub = marker === '' ? null : SUB_MARKER.exec(marker);
    if (marker.toLowerCase() === 'main_cdr') group.mains.push(record);
    else if (sub) group.subs.push({ index: Number(sub[1]), record });
    else group.flat.push(record);
    group.rows++;
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
    if (keep) this.groups.set(keep.session, keep);
    else this.last = null;
    return calls;
  }
}
