import { mergeCalls } from './merge.js';
import type { CdrCall, CdrRecord } from './types.js';

/** One call as a response lays it out, before identity and de-duplication. */
export interface RawEntry {
  /** The envelope's identity: JSON `cdr` key or XML `session` attribute; '' when absent or empty. */
  key: string;
  /** `main_cdr`, or null for a flat entry (a single record). */
  main: CdrRecord | null;
  /** `sub_cdr_1..N` in order, or the single record of a flat entry. */
  legs: CdrRecord[];
  /** Where the entry sits in the response, for problem reports (`cdr_root[3]`, `line 12`). */
  position: string;
}

export interface ParseProblem {
  position: string;
  reason: string;
}

function sessionOf(record: CdrRecord | null | undefined): string {
  return (record?.['session'] ?? '').trim();
}

/**
 * Turns entries into calls. A leg is identified by (session, AcctId), so each leg record belongs to the
 * call its own `session` field names; a leg without one, and the main record, belong to the entry's
 * identity: the envelope key, else main's `session`, else the first leg's. Real UCM63xx responses with
 * an empty `cdr` key pack legs of several calls under one repeated main_cdr, so an entry can yield
 * several calls. An entry with no identity at all is a problem, not a call. The same call seen again in
 * one response is merged.
 */
export class CallCollector {
  readonly problems: ParseProblem[] = [];
  private readonly calls: CdrCall[] = [];
  private readonly bySession = new Map<string, number>();

  add(entry: RawEntry): void {
    const first = entry.legs[0];
    const main = entry.main ?? first;
    if (!main) {
      this.problems.push({ position: entry.position, reason: 'the entry holds no CDR record' });
      return;
    }
    const session = entry.key.trim() || sessionOf(entry.main) || sessionOf(first);
    if (session === '') {
      this.problems.push({
        position: entry.position,
        reason: 'the call has no identity: its cdr key, session attribute and session fields are all empty',
      });
      return;
    }
    if (entry.legs.length === 0) {
      this.put({ session, main, legs: [main] });
      return;
    }
    const legsBySession = new Map<string, CdrRecord[]>();
    for (const leg of entry.legs) {
      const legSession = sessionOf(leg) || session;
      const group = legsBySession.get(legSession);
      if (group) group.push(leg);
      else legsBySession.set(legSession, [leg]);
    }
    const own = legsBySession.get(session);
    if (own || entry.main) this.put({ session, main, legs: own ?? [] });
    for (const [legSession, legs] of legsBySession) {
      if (legSession === session) continue;
      // Legs of another call carry no summary record of their own: a single one stands for itself
      // (like a flat record), several get a summary that only names the session.
      const summary = legs.length === 1 ? (legs[0] as CdrRecord) : { session: legSession };
      this.put({ session: legSession, main: summary, legs });
    }
  }

  private put(call: CdrCall): void {
    const known = this.bySession.get(call.session);
    if (known === undefined) {
      this.bySession.set(call.session, this.calls.length);
      this.calls.push(call);
      return;
    }
    this.calls[known] = mergeCalls(this.calls[known] as CdrCall, call, 'replace').call;
  }

  result(): CdrCall[] {
    return this.calls;
  }
}
