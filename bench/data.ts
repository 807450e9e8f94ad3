import type { CdrCall, CdrRecord } from '../main/cdr/types.js';
import { generateCalls } from '../main/simulator/generator.js';

/** Fixed span so every run (and every part) generates exactly the same calls for a seed. */
export const SPAN = { start: new Date('2023-01-01T00:00:00Z'), end: new Date('2025-01-01T00:00:00Z') };
export const SEED = 20240301;
export const TZ = 'Europe/Berlin';

export function benchCalls(count: number): Iterable<CdrCall> {
  return generateCalls({ count, seed: SEED, start: SPAN.start, end: SPAN.end, tz: TZ });
}

/** The calls in batches, generated lazily so memory holds one batch at a time. */
export function* batches(count: number, size: number): Generator<CdrCall[]> {
  let batch: CdrCall[] = [];
  for (const call of benchCalls(count)) {
    batch.push(call);
    if (batch.length === size) {
      yield batch;
      batch = [];
    }
  }
  if (batch.length > 0) yield batch;
}

/** Records a call stores: its main record plus each leg (a flat call's only leg is its main record). */
export function recordsOf(call: CdrCall): CdrRecord[] {
  return call.legs.length === 1 && call.legs[0] === call.main ? [call.main] : [call.main, ...call.legs];
}
