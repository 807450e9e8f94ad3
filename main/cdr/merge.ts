import type { CdrCall, CdrRecord } from './types.js';

/**
 * The PBX delivers the same call more than once (overlapping sync windows, duplicates in one response,
 * re-imported files), sometimes more complete the second time. Merging never loses what was known:
 * an empty value erases nothing and fields only one side has are kept. Where both sides hold different
 * non-empty values, the more authoritative source wins (main/cdr/authority.ts) and the other value is
 * reported as a conflict, to be kept aside.
 */

/**
 * How a delivery may change a known call:
 * - replace: it comes from a more authoritative source: its non-empty values win;
 * - fill: it only fills what the call lacks (fields, empty values, new legs);
 * - none: it changes nothing (a damaged file); its differing values are only reported.
 */
export type MergeMode = 'replace' | 'fill' | 'none';

/** A field where the two deliveries disagree. `kept` is the value the merged call holds. */
export interface MergeConflict {
  /** AcctId of the record, '' for the summary record. */
  acct_id: string;
  field: string;
  kept: string;
  offered: string;
  /** true when the stored value stayed; false when the delivery's value replaced it. */
  stored_kept: boolean;
}

export interface MergeResult {
  call: CdrCall;
  changed: boolean;
  conflicts: MergeConflict[];
}

/**
 * Spreadsheets store numbers as numbers and drop their leading zeros (`07917330699` -> `7917330699`).
 * A value that is the other with its leading zeros cut is that damage, never a correction, whatever
 * the source's rank; the value with the zeros is the PBX's.
 */
function lostLeadingZeros(kept: string, offered: string): boolean {
  return kept.length > offered.length && kept.charCodeAt(0) === 48 && /^0+$/.test(kept.slice(0, kept.length - offered.length)) && kept.endsWith(offered);
}

function restoresLeadingZeros(kept: string, offered: string): boolean {
  return lostLeadingZeros(offered, kept);
}

class Merger {
  readonly conflicts: MergeConflict[] = [];
  constructor(private readonly replace: boolean) {}

  record(existing: CdrRecord, incoming: CdrRecord, summary: boolean): { record: CdrRecord; changed: boolean } {
    let record: CdrRecord | null = null;
    let changed = false;
    for (const key in incoming) {
      const value = incoming[key] as string;
      const known = existing[key];
      if (known === undefined) {
        // A field the existing record lacks is kept; when empty it tells nothing new.
        (record ??= { ...existing })[key] = value;
        if (value !== '') changed = true;
      } else if (value !== '' && value !== known) {
        if (known === '' || (this.replace && !lostLeadingZeros(known, value)) || restoresLeadingZeros(known, value)) {
          (record ??= { ...existing })[key] = value;
          changed = true;
        }
        if (known !== '') {
          const acct_id = summary ? '' : acctIdOf(existing);
          const took = record?.[key] === value;
          this.conflicts.push(
            took
              ? { acct_id, field: key, kept: value, offered: known, stored_kept: false }
              : { acct_id, field: key, kept: known, offered: value, stored_kept: true },
          );
        }
      }
    }
    return { record: record ?? existing, changed };
  }
}

function acctIdOf(record: CdrRecord): string {
  return (record['AcctId'] ?? '').trim();
}

function compareNewLegs(a: CdrRecord, b: CdrRecord): number {
  const idA = acctIdOf(a);
  const idB = acctIdOf(b);
  if (idA !== idB) {
    if (/^\d+$/.test(idA) && /^\d+$/.test(idB)) return Number(idA) - Number(idB);
    if (idA === '' || idB === '') return idA === '' ? 1 : -1;
    return idA < idB ? -1 : 1;
  }
  const startA = a['start'] ?? '';
  const startB = b['start'] ?? '';
  return startA < startB ? -1 : startA > startB ? 1 : 0;
}

/**
 * Legs are the same record when their AcctIds are equal; records without AcctId pair up by position.
 * An AcctId that occurs more than once in a call pairs by occurrence (the second with the second), so
 * a repeated delivery never folds two known records into one. Known legs keep their order; new ones
 * follow, in AcctId (then start) order.
 */
function mergeLegs(merger: Merger, existing: CdrRecord[], incoming: CdrRecord[]): { legs: CdrRecord[]; changed: boolean } {
  const legs = existing.slice();
  const byAcctId = new Map<string, number[]>();
  legs.forEach((leg, i) => {
    const id = acctIdOf(leg);
    if (id === '') return;
    const positions = byAcctId.get(id);
    if (positions === undefined) byAcctId.set(id, [i]);
    else positions.push(i);
  });
  const added: CdrRecord[] = [];
  const addedByAcctId = new Map<string, number>();
  let changed = false;
  incoming.forEach((leg, i) => {
    const id = acctIdOf(leg);
    let position: number | undefined;
    if (id !== '') {
      const positions = byAcctId.get(id);
      // Occurrences beyond those known merge into the last known one.
      position = positions !== undefined && positions.length > 1 ? positions.shift() : positions?.[0];
    } else if (i < existing.length && acctIdOf(existing[i] as CdrRecord) === '') position = i;
    if (position !== undefined) {
      const merged = merger.record(legs[position] as CdrRecord, leg, false);
      legs[position] = merged.record;
      changed ||= merged.changed;
      return;
    }
    changed = true;
    const twin = id === '' ? undefined : addedByAcctId.get(id);
    if (twin === undefined) {
      if (id !== '') addedByAcctId.set(id, added.length);
      added.push(leg);
    } else {
      added[twin] = new Merger(false).record(added[twin] as CdrRecord, leg, false).record;
    }
  });
  legs.push(...added.sort(compareNewLegs));
  return { legs, changed };
}

function sameRecord(a: CdrRecord, b: CdrRecord): boolean {
  if (a === b) return true;
  const keys = Object.keys(a);
  if (keys.length !== Object.keys(b).length) return false;
  return keys.every((key) => a[key] === b[key]);
}

function distinctLegs(a: CdrRecord, b: CdrRecord): boolean {
  const idA = acctIdOf(a);
  const idB = acctIdOf(b);
  return idA !== '' && idB !== '' && idA !== idB;
}

/** A flat call: one record that is both the summary and the only leg. */
function isFlat(call: CdrCall): boolean {
  return call.legs.length === 1 && sameRecord(call.legs[0] as CdrRecord, call.main);
}

/**
 * Merges a new delivery of a call into what is known. `changed` is false when the delivery adds
 * nothing (a re-import reports the call as already present); `call` is then `existing` itself.
 * A flat delivery's record is a leg: merged into a structured call it joins the legs; a structured
 * delivery of a call known flat brings the main record and keeps the known record as a leg; two flat
 * records with different AcctIds become two legs under a summary record holding only the session.
 */
export function mergeCalls(existing: CdrCall, incoming: CdrCall, mode: MergeMode = 'fill'): MergeResult {
  const merger = new Merger(mode === 'replace');
  const merged = mergeWith(merger, existing, incoming);
  if (mode === 'none') return { call: existing, changed: false, conflicts: merger.conflicts };
  return { ...merged, conflicts: merger.conflicts };
}

function mergeWith(merger: Merger, existing: CdrCall, incoming: CdrCall): { call: CdrCall; changed: boolean } {
  const session = existing.session !== '' ? existing.session : incoming.session;
  const existingFlat = isFlat(existing);
  const incomingFlat = isFlat(incoming);
  if (existingFlat && incomingFlat && distinctLegs(existing.main, incoming.main)) {
    // Two single records of one call (CSV rows, flat JSON entries): legs of a call whose summary
    // record was not delivered; the summary then derives from the legs alone.
    const legs = mergeLegs(merger, existing.legs, incoming.legs).legs;
    return { call: { session, main: { session }, legs }, changed: true };
  }
  if (existingFlat && incomingFlat) {
    const merged = merger.record(existing.main, incoming.main, false);
    if (!merged.changed) return { call: existing, changed: false };
    return { call: { session, main: merged.record, legs: [merged.record] }, changed: true };
  }
  if (existingFlat) {
    return { call: { session, main: incoming.main, legs: mergeLegs(merger, existing.legs, incoming.legs).legs }, changed: true };
  }
  const main = incomingFlat ? { record: existing.main, changed: false } : merger.record(existing.main, incoming.main, true);
  const legs = mergeLegs(merger, existing.legs, incoming.legs);
  if (!main.changed && !legs.changed) return { call: existing, changed: false };
  return { call: { session, main: main.record, legs: legs.legs }, changed: true };
}
