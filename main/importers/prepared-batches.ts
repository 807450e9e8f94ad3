import { Worker } from 'node:worker_threads';
import { AppError } from '../errors.js';
import { CsvBatcher, type CsvBatcherOptions, type PreparedBatch } from './csv-batcher.js';
import { fromWire, type FromPreparer, type ToPreparer } from './prepare-protocol.js';
import type { ByteSource } from './sources.js';
import { CHUNKS_AHEAD, WORKER_MIN_BYTES, WORKER_YOUNG_GENERATION_MB } from './tuning.js';

/** The worker's memory limits (see WORKER_YOUNG_GENERATION_MB). */
const WORKER_LIMITS = { maxYoungGenerationSizeMb: WORKER_YOUNG_GENERATION_MB };

/**
 * The worker's script. Built (out/main) it is the prepare-worker.js entry beside this bundle; run from
 * the TypeScript sources (tsx, Vitest) the worker registers tsx itself before loading the .ts entry,
 * because loader flags given to a worker do not apply to its entry module.
 */
function startWorker(): Worker {
  if (!import.meta.url.endsWith('.ts')) return new Worker(new URL('./prepare-worker.js', import.meta.url), { resourceLimits: WORKER_LIMITS });
  const tsx = import.meta.resolve('tsx/esm/api');
  const entry = new URL('./prepare-worker.ts', import.meta.url).href;
  const code = `import(${JSON.stringify(tsx)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(entry)}); });`;
  return new Worker(code, { eval: true, resourceLimits: WORKER_LIMITS });
}

/** In-line: the same batcher on this thread. */
async function* inline(source: ByteSource, options: CsvBatcherOptions): AsyncGenerator<PreparedBatch> {
  const stream = await source.open();
  const batcher = new CsvBatcher(options);
  try {
    for await (const chunk of stream) yield* batcher.push(chunk as Buffer);
    yield* batcher.end();
  } finally {
    stream.destroy();
  }
}

/**
 * On a worker: this thread reads the source and keeps CHUNKS_AHEAD chunks of it with the worker, which
 * sends back batches. Stopping the iteration (cancel, a failed write) ends the worker.
 */
async function* onWorker(source: ByteSource, options: CsvBatcherOptions, start: () => Worker): AsyncGenerator<PreparedBatch> {
  const worker = start();
  const stream = await source.open();
  const chunks = stream[Symbol.asyncIterator]();
  const inbox: FromPreparer[] = [];
  let failure: Error | null = null;
  let wake: (() => void) | null = null;
  const notify = () => {
    wake?.();
    wake = null;
  };
  let finished = false;
  let heard = false;
  worker.on('message', (message: FromPreparer) => {
    heard = true;
    inbox.push(message);
    notify();
  });
  worker.on('error', (error) => {
    failure ??= error;
    notify();
  });
  worker.on('exit', (code) => {
    if (!finished) failure ??= new Error(`the import's worker thread stopped (exit code ${code})`);
    notify();
  });
  const send = (message: ToPreparer) => worker.postMessage(message);
  let ahead = 0;
  let ended = false;
  const topUp = async () => {
    while (!ended && ahead < CHUNKS_AHEAD) {
      const next = await chunks.next();
      if (next.done === true) {
        ended = true;
        send({ type: 'end' });
      } else {
        ahead++;
        send({ type: 'bytes', bytes: next.value as Buffer });
      }
    }
  };
  try {
    send({ type: 'start', options });
    await topUp();
    for (;;) {
      while (inbox.length === 0 && failure === null) await new Promise<void>((resolve) => (wake = resolve));
      const message = inbox.shift();
      // A worker that cannot start at all (its script cannot be loaded where the app is installed)
      // costs speed, not the import: the same work is done in-line.
      if (message === undefined && !heard) {
        yield* inline(source, options);
        return;
      }
      if (message === undefined) throw new AppError('INTERNAL', `The import failed: ${(failure as Error | null)?.message ?? 'no reason given'}.`);
      switch (message.type) {
        case 'consumed':
          ahead--;
          await topUp();
          break;
        case 'batch':
          yield fromWire(message.batch);
          break;
        case 'error':
          throw new AppError(message.error.code, message.error.message, message.error.details);
        case 'done':
          finished = true;
          return;
      }
    }
  } finally {
    finished = true;
    stream.destroy();
    await worker.terminate();
  }
}

/**
 * A CSV source's calls, prepared, in batches (csv-batcher.ts). `worker` chooses the thread; by
 * default big sources (WORKER_MIN_BYTES) go to a worker.
 */
export function preparedBatches(
  source: ByteSource,
  options: CsvBatcherOptions,
  worker: boolean = source.size >= WORKER_MIN_BYTES,
  start: () => Worker = startWorker,
): AsyncGenerator<PreparedBatch> {
  return worker ? onWorker(source, options, start) : inline(source, options);
}
