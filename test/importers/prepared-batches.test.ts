import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CsvBatcherOptions, PreparedBatch } from '../../main/importers/csv-batcher.js';
import { importFiles } from '../../main/importers/index.js';
import { planColumns } from '../../main/importers/header-map.js';
import { preparedBatches } from '../../main/importers/prepared-batches.js';
import { fileSource } from '../../main/importers/sources.js';
import { BATCH_ROWS, CHUNKS_AHEAD, WORKER_MIN_BYTES } from '../../main/importers/tuning.js';
import { tempStore } from '../support/store.js';

let ctx: ReturnType<typeof tempStore>;
beforeEach(() => {
  ctx = tempStore();
});
afterEach(() => ctx.cleanup());

const HEADER = 'Caller Number,Callee Number,Start Time,Call Time,Talk Time,Disposition,Session,cdr';

/** Rows of main/sub sessions, flat calls and a bad row every 997 rows; about 80 bytes a row. */
function csv(rows: number): string {
  const lines = [HEADER];
  for (let i = 0; i < rows; i++) {
    const time = `2021-03-18 ${String(Math.floor(i / 3600) % 24).padStart(2, '0')}:${String(Math.floor(i / 60) % 60).padStart(2, '0')}:${String(i % 60).padStart(2, '0')}`;
    if (i % 997 === 5) lines.push(`1000,2000,${time},-3,0,ANSWERED,bad-${i},`);
    else if (i % 3 === 0) lines.push(`${1000 + (i % 40)},${2000 + (i % 9)},${time},${i % 300},${i % 200},ANSWERED,s-${i},main_cdr`);
    else if (i % 3 === 1) lines.push(`${1000 + (i % 40)},${3000 + (i % 9)},${time},${i % 300},${i % 100},NO ANSWER,s-${i - 1},sub_cdr_1`);
    else lines.push(`${1000 + (i % 40)},${2000 + (i % 9)},"${time}",${i % 60},0,BUSY,,`);
  }
  return `${lines.join('\r\n')}\r\n`;
}

/** The calls csv(rows) holds: main/sub pairs share a session, flat rows are calls of their own. */
function callsIn(rows: number): number {
  const calls = new Set<string>();
  for (let i = 0; i < rows; i++) {
    if (i % 997 !== 5) calls.add(i % 3 === 2 ? `flat-${i}` : `s-${i - (i % 3)}`);
  }
  return calls.size;
}

function options(): CsvBatcherOptions {
  const headers = HEADER.split(',');
  return { encoding: 'utf8', delimiter: ',', keys: planColumns(headers, new Map()).keys, headers, order: 'mdy', tz: 'Europe/Berlin', model: '' };
}

async function collect(path: string, worker: boolean): Promise<PreparedBatch[]> {
  const batches: PreparedBatch[] = [];
  for await (const batch of preparedBatches(await fileSource(path), options(), worker)) batches.push(batch);
  return batches;
}

describe('prepared batches', () => {
  it('are the same prepared on a worker thread as in-line: calls, rejected rows, rows and bytes', async () => {
    const path = join(ctx.dir, 'mixed.csv');
    writeFileSync(path, csv(BATCH_ROWS * 3 + 123));
    const inline = await collect(path, false);
    const worker = await collect(path, true);
    expect(worker).toEqual(inline);
    expect(inline.length).toBeGreaterThanOrEqual(4);
    const last = inline.at(-1) as PreparedBatch;
    expect(last.rows).toBe(BATCH_ROWS * 3 + 123);
    // csv() writes a bad row every 997 rows from the sixth; a row's line is its index + 2 (header, 1-based).
    const bad = Array.from({ length: BATCH_ROWS * 3 + 123 }, (_, i) => i).filter((i) => i % 997 === 5);
    expect(inline.flatMap((b) => b.rejects).map((r) => r.line)).toEqual(bad.map((i) => i + 2));
    expect(inline.reduce((n, b) => n + b.calls.length, 0)).toBe(callsIn(BATCH_ROWS * 3 + 123));
    const progress = inline.map((b) => b.bytes);
    expect(progress).toEqual([...progress].sort((a, b) => a - b));
  });

  it('turn a failure on the worker into the error it was, and stop the worker', async () => {
    const path = join(ctx.dir, 'calls.csv');
    writeFileSync(path, csv(100));
    const batches = preparedBatches(await fileSource(path), { ...options(), tz: 'Mars/Olympus_Mons' }, true);
    await expect(batches.next()).rejects.toMatchObject({ code: 'BAD_INPUT' });
    expect(await batches.next()).toEqual({ done: true, value: undefined });
  });

  it('are prepared in-line when the worker cannot start where the app is installed', async () => {
    const path = join(ctx.dir, 'calls.csv');
    writeFileSync(path, csv(BATCH_ROWS + 10));
    const missing = () => new Worker(new URL('file:///nonexistent/prepare-worker.js'));
    const batches: PreparedBatch[] = [];
    for await (const batch of preparedBatches(await fileSource(path), options(), true, missing)) batches.push(batch);
    expect(batches).toEqual(await collect(path, false));
  });

  it('can be stopped after any batch (a cancelled import), leaving nothing running', async () => {
    const path = join(ctx.dir, 'long.csv');
    writeFileSync(path, csv(BATCH_ROWS * 6));
    const batches = preparedBatches(await fileSource(path), options(), true);
    const first = await batches.next();
    expect(first.done).toBe(false);
    expect(await batches.return(undefined)).toEqual({ done: true, value: undefined });
    expect(await collect(path, true)).toEqual(await collect(path, false));
  });

  it('go through the worker for a big file, with the same result as a small one in-line', async () => {
    const big = join(ctx.dir, 'big.csv');
    let text = csv(BATCH_ROWS * 3);
    while (text.length < WORKER_MIN_BYTES) text += text.slice(HEADER.length + 2);
    writeFileSync(big, text);
    const result = await importFiles(ctx.store, [big]);
    // The repeated copies are the same calls: already present, never doubled.
    expect(result.files[0]).toMatchObject({ error: null, imported: callsIn(BATCH_ROWS * 3) });
    expect(result.files[0]?.already_present).toBeGreaterThan(CHUNKS_AHEAD * 1000);
    expect(ctx.store.calls.totals({}).count).toBe(callsIn(BATCH_ROWS * 3));
  });
});
