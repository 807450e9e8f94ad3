import type { ApiErrorPayload } from '../../preload/api.js';
import { ROW_COLUMNS, type PreparedCall, type PreparedRecord, type PreparedRow } from '../store/prepare.js';
import type { CsvBatcherOptions, PreparedBatch } from './csv-batcher.js';

/** Messages between the import (main thread) and prepare-worker.ts. */

export type ToPreparer = { type: 'start'; options: CsvBatcherOptions } | { type: 'bytes'; bytes: Uint8Array } | { type: 'end' };

export type FromPreparer =
  /** One chunk has been read through; any batches it completed were sent before. */
  | { type: 'consumed' }
  | { type: 'batch'; batch: WireBatch }
  | { type: 'done' }
  | { type: 'error'; error: ApiErrorPayload };

/**
 * A batch as it crosses between threads: the values of all its calls in one flat array, which the
 * structured clone copies about twice as fast as thousands of small objects. Per call: the row's values
 * in ROW_COLUMNS order (the one column list), the summary record's four strings, the number of sub
 * records, then four strings per sub record.
 */
export interface WireBatch extends Omit<PreparedBatch, 'calls'> {
  values: (string | number | null)[];
}

function pushRecord(values: WireBatch['values'], record: PreparedRecord): void {
  values.push(record.names, record.values, record.acct_id, record.packed);
}

export function toWire(batch: PreparedBatch): WireBatch {
  const values: WireBatch['values'] = [];
  for (const call of batch.calls) {
    const { row } = call;
    for (const column of ROW_COLUMNS) values.push(row[column]);
    pushRecord(values, call.main);
    values.push(call.legs.length);
    for (const leg of call.legs) pushRecord(values, leg);
  }
  return { values, rejects: batch.rejects, rows: batch.rows, bytes: batch.bytes, damage: batch.damage };
}

export function fromWire(wire: WireBatch): PreparedBatch {
  const { values } = wire;
  const calls: PreparedCall[] = [];
  let at = 0;
  const record = (): PreparedRecord => {
    const names = values[at] as string;
    const json = values[at + 1] as string;
    const acctId = values[at + 2] as string;
    const packed = values[at + 3] as string | null;
    at += 4;
    return { names, values: json, acct_id: acctId, packed };
  };
  while (at < values.length) {
    const row = {} as PreparedRow;
    for (const column of ROW_COLUMNS) row[column] = values[at++] as string | number | null;
    const main = record();
    const legs: PreparedRecord[] = [];
    for (let count = values[at++] as number; count > 0; count--) legs.push(record());
    calls.push({ row, main, legs });
  }
  return { calls, rejects: wire.rejects, rows: wire.rows, bytes: wire.bytes, damage: wire.damage };
}
