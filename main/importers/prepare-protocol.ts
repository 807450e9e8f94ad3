import type { ApiErrorPayload } from '../../preload/api.js';
import type { CsvBatcherOptions, PreparedBatch } from './csv-batcher.js';

/** Messages between the import (main thread) and prepare-worker.ts. */

/**
 * Chunks of the source sent to the worker and not yet consumed. The worker works through them while
 * the main thread writes a batch, and batches cannot pile up beyond what these chunks hold, so memory
 * stays flat (read chunks are 256 KiB, about a thousand rows).
 */
export const CHUNKS_AHEAD = 8;

export type ToPreparer = { type: 'start'; options: CsvBatcherOptions } | { type: 'bytes'; bytes: Uint8Array } | { type: 'end' };

export type FromPreparer =
  /** One chunk has been read through; any batches it completed were sent before. */
  | { type: 'consumed' }
  | { type: 'batch'; batch: PreparedBatch }
  | { type: 'done' }
  | { type: 'error'; error: ApiErrorPayload };
