import { parseCdrResponse, type ParsedCdr } from '../cdr/parse.js';
import { parsePbxDateTime } from '../cdr/time.js';
import type { CdrCall } from '../cdr/types.js';
import { AppError } from '../errors.js';
import type { ImportTarget } from './batch-writer.js';
import { BATCH_ROWS } from './tuning.js';
import { cancelled } from './csv-stream.js';
import { decodeAll, type TextEncodingName } from './encoding.js';
import type { FileOutcome, ImportRun } from './run.js';
import { readWhole, type ByteSource } from './sources.js';

/** Saved cdrapi JSON/XML responses are parsed whole; anything bigger is not a saved response. */
export const MAX_DOCUMENT_BYTES = 512 * 1024 * 1024;

/** The line a parser problem names (`line 12`, `cdr element 3 (line 12)`), or 0 when it names none. */
function lineOf(position: string): number {
  const match = /\bline (\d+)/.exec(position);
  return match ? Number(match[1]) : 0;
}

function startProblem(call: CdrCall): string | null {
  try {
    return parsePbxDateTime(call.main.start ?? '') === null ? 'the call has no start time' : null;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}

/**
 * Imports a saved cdrapi JSON or XML response through the CDR model's own parser. Calls are written in
 * batches like CSV rows. Entries the parser could not use and calls whose start time cannot be read are
 * skipped and reported; JSON has no useful line numbers, so those carry line 0 and name the entry.
 */
export async function importDocument(
  run: ImportRun,
  target: ImportTarget,
  source: ByteSource,
  encoding: TextEncodingName,
  outcome: FileOutcome,
): Promise<void> {
  const text = decodeAll(await readWhole(source, MAX_DOCUMENT_BYTES), encoding);
  let parsed: ParsedCdr;
  try {
    parsed = parseCdrResponse(text);
  } catch (error) {
    const why = error instanceof Error ? error.message : String(error);
    throw new AppError('BAD_FILE', `${source.label} is not a readable cdrapi response: ${why}`, { file: source.label, not_cdr: true, why });
  }
  const { calls } = parsed;
  for (const problem of parsed.problems) {
    await run.reject(outcome, lineOf(problem.position), `${problem.position}: ${problem.reason}`, '');
  }
  const writer = run.writer(target, outcome);
  const meter = run.meter(source);
  let batch: CdrCall[] = [];
  let done = 0;
  const flush = () => {
    if (run.signal?.aborted) throw cancelled();
    writer.commit(batch);
    batch = [];
    run.progress(meter.sample(done, Math.round((source.size * done) / Math.max(calls.length, 1))));
  };
  for (const call of calls) {
    done++;
    const problem = startProblem(call);
    if (problem !== null) {
      await run.reject(outcome, 0, `call ${call.session}: ${problem}`, JSON.stringify(call.main));
      continue;
    }
    batch.push(call);
    if (batch.length >= BATCH_ROWS) flush();
  }
  flush();
}
