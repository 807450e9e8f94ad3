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
 * Turns entries into calls: identity is the envelope key, else main's `session`, else the first leg's;
 * an entry with none is a problem, not a call. The same call seen again in one response is merged.
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
    const call: CdrCall = { session, main, legs: entry.legs.length > 0 ? entry.legs : [main] };
    const known = this.bySession.get(session);
    if (known === undefined) {
      this.bySession.set(session, this.calls.length);
      this.calls.push(call);
      return;
    }
    this.calls[known] = mergeCalls(this.calls[known] as CdrCall, call).call;
  }

  result(): CdrCall[] {
    return this.calls;
  }
}
