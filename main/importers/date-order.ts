import { DateOrderEvidence, type DateOrder } from '../cdr/time.js';
import { csvChunks } from './csv-stream.js';
import type { TextEncodingName } from './encoding.js';
import type { ByteSource } from './sources.js';

/** `ambiguous` is an example value for the message, `why` what left both readings open. */
export type DateOrderDecision = { order: DateOrder } | { ambiguous: string; why: string };

/** Slashed values read between looks at whether a number over 12 has decided. */
const SAMPLE = 500;
/** When this many date values hold no slashed date, the file writes dates year-first: no order needed. */
const NO_SLASH_PROOF = 1_000;

/**
 * Reads the date columns of a CSV once (before anything is written) to decide whether slashed dates are
 * month-first or day-first (see DateOrderEvidence). A number over 12 settles it, checked every SAMPLE
 * values so that a file contradicting itself early is not settled by its first value; without one the
 * whole file is read, since the weaker evidence (AM/PM, the rows' time order) only counts when no value
 * over 12 exists anywhere. `startColumn` is the column whose values order the rows (null when the file
 * has none).
 */
export async function decideDateOrder(
  source: ByteSource,
  encoding: TextEncodingName,
  delimiter: string,
  dateColumns: readonly number[],
  startColumn: number | null,
  signal?: AbortSignal,
): Promise<DateOrderDecision> {
  const evidence = new DateOrderEvidence();
  let header = true;
  let values = 0;
  let slashed = 0;
  for await (const { records } of csvChunks(source, encoding, delimiter, signal)) {
    for (const { fields } of records) {
      if (fields === null) continue;
      if (header) {
        header = false;
        continue;
      }
      for (const column of dateColumns) {
        const value = fields[column];
        if (value === undefined || value === '') continue;
        values++;
        if (evidence.add(value, column === startColumn) && ++slashed % SAMPLE === 0) {
          const proven = evidence.proven();
          if (proven) return { order: proven };
        }
      }
      if (slashed === 0 && values >= NO_SLASH_PROOF) return { order: 'mdy' };
    }
  }
  const order = evidence.decide();
  if (order) return { order };
  return evidence.example === null ? { order: 'mdy' } : { ambiguous: evidence.example, why: evidence.undecided() };
}
