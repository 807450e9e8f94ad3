import { parentPort } from 'node:worker_threads';
import { toErrorPayload } from '../errors.js';
import { CsvBatcher, type PreparedBatch } from './csv-batcher.js';
import { toWire, type FromPreparer, type ToPreparer } from './prepare-protocol.js';

/**
 * The import's second thread: turns the bytes of a CSV source into prepared calls (csv-batcher.ts)
 * while the main thread writes the previous batches to SQLite.
 */

const port = parentPort;
if (port === null) throw new Error('prepare-worker.ts runs as a worker thread only.');

let batcher: CsvBatcher | null = null;

function send(message: FromPreparer): void {
  (port as NonNullable<typeof port>).postMessage(message);
}

function sendBatches(batches: PreparedBatch[]): void {
  for (const batch of batches) send({ type: 'batch', batch: toWire(batch) });
}

function handle(message: ToPreparer): void {
  switch (message.type) {
    case 'start':
      batcher = new CsvBatcher(message.options);
      break;
    case 'bytes': {
      const { bytes } = message;
      sendBatches((batcher as CsvBatcher).push(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)));
      send({ type: 'consumed' });
      break;
    }
    case 'end':
      sendBatches((batcher as CsvBatcher).end());
      send({ type: 'done' });
      break;
  }
}

port.on('message', (message: ToPreparer) => {
  try {
    handle(message);
  } catch (error) {
    send({ type: 'error', error: toErrorPayload(error) });
  }
});
