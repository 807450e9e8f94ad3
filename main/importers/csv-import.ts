import { parsePbxDateTime, type DateOrder } from '../cdr/time.js';
import { AppError } from '../errors.js';
import type { ImportTarget } from './batch-writer.js';
import { cancelled, csvChunks } from './csv-stream.js';
import { decideDateOrder } from './date-order.js';
import type { TextEncodingName } from './encoding.js';
import { planColumns, planIsConfident, type ColumnPlan } from './header-map.js';
import { preparedBatches } from './prepared-batches.js';
import type { FileOutcome, ImportRun } from './run.js';
import type { ByteSource } from './sources.js';
import { BYTES_PER_ROW } from './tuning.js';

const DATE_FIELDS = ['start', 'answer', 'end'];


/** The header line of a CSV source: the first record that is not blank. */
async function readHeader(source: ByteSource, encoding: TextEncodingName, delimiter: string, signal?: AbortSignal): Promise<string[]> {
  for await (const { records } of csvChunks(source, encoding, delimiter, signal)) {
    const first = records[0];
    if (first) {
      if (first.fields === null) throw new AppError('BAD_FILE', `${source.label}: the header line cannot be read (${first.error}).`);
      return first.fields.map((field) => field.trim());
    }
  }
  throw new AppError('BAD_FILE', `${source.label} has no header line: it is not a CDR file.`, { file: source.label });
}

function refuseHeader(source: ByteSource, plan: ColumnPlan): AppError {
  const unknown = plan.unknown;
  const listed = unknown.length > 0 ? ` Unknown columns: ${unknown.join(', ')}.` : '';
  if (plan.mapped.size < 2) {
    return new AppError(
      'BAD_FILE',
      `${source.label} is not CDR data as far as its header tells: its columns are not those of a UCM, GDMS or cdrapi CDR file.${listed} If it does hold calls, map its columns by hand.`,
      { file: source.label, unknown_columns: unknown },
    );
  }
  const missing: string[] = [];
  if (!plan.mapped.has('start')) missing.push('a start time');
  if (!plan.mapped.has('src') && !plan.mapped.has('dst')) missing.push('a caller or callee number');
  const why = missing.length > 0 ? `no column holds ${missing.join(' or ')}` : 'too many columns are not recognised';
  return new AppError(
    'BAD_FILE',
    `${source.label}: the columns cannot be mapped to CDR fields with confidence (${why}).${listed} Map the columns by hand to import it.`,
    { file: source.label, unknown_columns: unknown },
  );
}

async function chooseDateOrder(
  run: ImportRun,
  source: ByteSource,
  encoding: TextEncodingName,
  delimiter: string,
  plan: ColumnPlan,
): Promise<DateOrder> {
  if (run.dateOrder !== 'auto') return run.dateOrder;
  const dateColumns = plan.keys.flatMap((key, index) => (key !== null && DATE_FIELDS.includes(key) ? [index] : []));
  const startColumn = plan.keys.indexOf('start');
  const decision = await decideDateOrder(source, encoding, delimiter, dateColumns, startColumn < 0 ? null : startColumn, run.signal);
  if ('order' in decision) return decision.order;
  throw new AppError(
    'BAD_FILE',
    `${source.label}: dates such as "${decision.ambiguous}" can be read month-first or day-first, and nothing in the file decides ` +
      `(${decision.why}). ` +
      'Choose the date order and import again: --date-order mdy|dmy on the command line, "Month first" or "Day first" in the window.',
    // date_order_ambiguous lets the window offer the two orders without reading the message.
    { file: source.label, example: decision.ambiguous, date_order_ambiguous: true, readings: readings(decision.ambiguous) },
  );
}

/** The example's date under each order, for buttons that show what each choice means. */
function readings(example: string): Record<DateOrder, string> | null {
  try {
    const mdy = parsePbxDateTime(example, 'mdy');
    const dmy = parsePbxDateTime(example, 'dmy');
    return mdy && dmy ? { mdy: mdy.slice(0, 10), dmy: dmy.slice(0, 10) } : null;
  } catch {
    // A file whose dates contradict each other may give an example with no month-first reading.
    return null;
  }
}

/**
 * Imports one CSV source (a UCM page export, a GDMS file, a cdrapi CSV). The format, the header mapping
 * and the date order are all decided before the first write, so a refused file writes nothing.
 */
export async function importCsvSource(
  run: ImportRun,
  target: ImportTarget,
  source: ByteSource,
  encoding: TextEncodingName,
  delimiter: string,
  outcome: FileOutcome,
): Promise<void> {
  const headers = await readHeader(source, encoding, delimiter, run.signal);
  const plan = planColumns(headers, run.userMapping);
  outcome.format = plan.cdrapiNames ? 'cdrapi-csv' : 'ucm-csv';
  if (!planIsConfident(plan)) {
    outcome.unknown_columns = plan.unknown;
    throw refuseHeader(source, plan);
  }
  const order = await chooseDateOrder(run, source, encoding, delimiter, plan);

  const batches = preparedBatches(source, { encoding, delimiter, keys: plan.keys, headers, order, ...target.clock() });
  const writer = run.writer(target, outcome);
  const meter = run.meter(source);
  // Every CSV import runs as a load; the store decides from the expected size whether setting its
  // indexes aside pays.
  const load = target.store.calls.beginBulkLoad(source.size / BYTES_PER_ROW);
  let last = { rows: 0, bytes: 0 };
  try {
    for await (const batch of batches) {
      for (const reject of batch.rejects) await run.reject(outcome, reject.line, reject.reason, reject.raw);
      if (run.signal?.aborted) throw cancelled();
      if (batch.damage !== null) writer.markDamaged(batch.damage);
      writer.commitPrepared(batch.calls);
      last = batch;
      run.progress(meter.sample(batch.rows, batch.bytes));
    }
    if (load.indexesAside) {
      run.progress(meter.indexing(last.rows, last.bytes));
      // The rebuild blocks this thread for seconds: let the report reach the terminal or the window first.
      await new Promise((resolve) => setImmediate(resolve));
    }
  } finally {
    load.finish();
  }
  if (run.signal?.aborted) throw cancelled();
}
