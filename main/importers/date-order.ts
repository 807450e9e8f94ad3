import { inferDateOrder, type DateOrder } from '../cdr/time.js';
import { csvChunks } from './csv-stream.js';
import type { TextEncodingName } from './encoding.js';
import type { ByteSource } from './sources.js';

export type DateOrderDecision = { order: DateOrder } | { ambiguous: string };

const SLASHED = /^\s*\d{1,2}\/\d{1,2}\/\d{4}/;
/** Values handed to inferDateOrder at a time. */
const SAMPLE = 500;
/** When this many date values hold no slashed date, the file writes dates year-first: no order needed. */
const NO_SLASH_PROOF = 1_000;

/**
 * Reads the date columns of a CSV (before anything is written) to decide whether slashed dates are
 * month-first or day-first: a value over 12 in a position decides. Stops as soon as a sample decides;
 * reads the whole file when nothing does. `ambiguous` carries an example value for the message.
 */
export async function decideDateOrder(
  source: ByteSource,
  encoding: TextEncodingName,
  delimiter: string,
  dateColumns: readonly number[],
  signal?: AbortSignal,
): Promise<DateOrderDecision> {
  let header = true;
  let values = 0;
  let example: string | null = null;
  let samples: string[] = [];
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
        if (!SLASHED.test(value)) continue;
        example ??= value;
        samples.push(value);
      }
      if (samples.length >= SAMPLE) {
        const order = inferDateOrder(samples);
        if (order) return { order };
        samples = [];
      }
      if (example === null && values >= NO_SLASH_PROOF) return { order: 'mdy' };
    }
  }
  const order = inferDateOrder(samples);
  if (order) return { order };
  return example === null ? { order: 'mdy' } : { ambiguous: example };
}
