import { parseCdrResponse } from '../cdr/parse.js';
import { parsePbxDateTime } from '../cdr/time.js';
import type { CdrCall } from '../cdr/types.js';
import { AppError } from '../errors.js';
import { BATCH_ROWS, BatchWriter, type ImportTarget } from './batch-writer.js';
import { cancelled } from './csv-stream.js';
import { decodeAll, type TextEncodingName } from './encoding.js';
import type { FileOutcome, ImportRun } from './run.js';
import { readWhole, type ByteSource } from './sources.js';

/** Saved cdrapi JSON/XML responses are parsed whole; anything bigger is not a saved response. */
export const MAX_DOCUMENT_BYTES = 512 * 1024 * 1024;

function startProblem(call: CdrCall): string | null {
  try {
    return parsePbxDateTime(call.main.start ?? '') === null ? 'the call has no start time' : null;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}

/**
 * Imports a saved cdrapi JSON or XML response through the CDR model's own parser. Calls are written in
 * batches like CSV rows; a call whose start time cannot be read is skipped and reported (these formats
 * have no useful line numbers, so the position is the call's place in the response, counted from 1).
 */
export async function importDocument(
  run: ImportRun,
  target: ImportTarget,
  source: ByteSource,
  encoding: TextEncodingName,
  outcome: FileOutcome,
): Promise<void> {
  const text = decodeAll(await readWhole(source, MAX_DOCUMENT_BYTES), encoding);
  let calls: CdrCall[];
  try {
    calls = parseCdrResponse(text);
  } catch (error) {
    const why = error instanceof Error ? error.message : String(error);
    throw new AppError('BAD_FILE', `${source.label} is not a readable cdrapi response: ${why}`, { file: source.label });
  }
  const writer = new BatchWriter(target, `import:${source.label}`);
  const meter = run.meter(source);
  let batch: CdrCall[] = [];
  let done = 0;
  const flush = () => {
    if (run.signal?.aborted) throw cancelled();
    writer.commit(batch);
    batch = [];
    outcome.imported = writer.imported;
    outcome.already_present = writer.alreadyPresent;
    outcome.merged = writer.merged;
    run.progress(meter.sample(done, Math.round((source.size * done) / Math.max(calls.length, 1))));
  };
  for (const [index, call] of calls.entries()) {
    done++;
    const problem = startProblem(call);
    if (problem !== null) {
      await run.reject(outcome, index + 1, `call ${call.session || '(no session)'}: ${problem}`, JSON.stringify(call.main));
      continue;
    }
    batch.push(call);
    if (batch.length >= BATCH_ROWS) flush();
  }
  flush();
}
