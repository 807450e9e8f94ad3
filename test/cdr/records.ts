import { CDR_FIELDS } from '../../main/cdr/fields.js';
import type { CdrCall, CdrRecord } from '../../main/cdr/types.js';

/** A cdrapi record with every canonical field empty except the given ones. */
export function record(fields: Partial<CdrRecord> = {}): CdrRecord {
  const out: CdrRecord = {};
  for (const name of CDR_FIELDS) out[name] = '';
  for (const [name, value] of Object.entries(fields)) if (value !== undefined) out[name] = value;
  return out;
}

/** A call of main + legs; a call given only `main` is flat (its main is its only leg). */
export function call(session: string, main: CdrRecord, legs?: CdrRecord[]): CdrCall {
  return { session, main, legs: legs ?? [main] };
}
