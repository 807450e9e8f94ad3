import { once } from 'node:events';
import type { CallFilter, CallRow, CallSort, ExportField } from '../../preload/api.js';
import { EXPORT_FIELDS } from '../../preload/api.js';
import type { CdrRecord } from '../cdr/types.js';
import { AppError, toAppError } from '../errors.js';
import type { Store } from '../store/types.js';
import { csvLine } from './csv.js';
import { csvText, exportFieldLabel, exportValue, isExportField, needsRawFields } from './fields.js';

export interface ExportCallsRequest {
  filter: CallFilter;
  sort?: CallSort;
  /** Columns in this order; default: every field of EXPORT_FIELDS. */
  fields?: ExportField[];
  format: 'csv' | 'json';
}

export interface ExportCallsOptions {
  signal?: AbortSignal;
  /** Rows written so far; called once per batch. */
  onProgress?: (rows: number) => void;
}

/** Rows per batch: one raw-record lookup round, one progress report, one cancellation check. */
const BATCH_ROWS = 500;
/** Text buffered before it is handed to the stream. */
const FLUSH_CHARS = 64 * 1024;

export function validateExportFields(fields: readonly string[] | undefined): ExportField[] {
  if (fields === undefined) return [...EXPORT_FIELDS];
  if (fields.length === 0) {
    throw new AppError('BAD_INPUT', `No export fields chosen: pick at least one of ${EXPORT_FIELDS.join(', ')}.`);
  }
  const seen = new Set<string>();
  for (const field of fields) {
    if (!isExportField(field)) {
      throw new AppError('BAD_INPUT', `Unknown export field "${field}": use any of ${EXPORT_FIELDS.join(', ')}.`, {
        field,
      });
    }
    if (seen.has(field)) throw new AppError('BAD_INPUT', `Export field "${field}" is listed twice.`, { field });
    seen.add(field);
  }
  return fields as ExportField[];
}

/**
 * The raw main records of a batch of calls. The Store offers them per call only (`session`), so a
 * field choice that needs them costs one lookup per call; choices of row fields alone cost none.
 */
function rawMainRecords(store: Store, rows: readonly CallRow[]): Map<number, CdrRecord> {
  const records = new Map<number, CdrRecord>();
  for (const row of rows) {
    const detail = store.session(row.id);
    if (detail) records.set(row.id, detail.main.fields);
  }
  return records;
}

function nextBatch(iterator: Iterator<CallRow>): CallRow[] {
  const batch: CallRow[] = [];
  while (batch.length < BATCH_ROWS) {
    const next = iterator.next();
    if (next.done) break;
    batch.push(next.value);
  }
  return batch;
}

function renderCsv(fields: readonly ExportField[], row: CallRow, main: CdrRecord | null): string {
  const cells = new Array<string>(fields.length);
  for (let i = 0; i < fields.length; i++) cells[i] = csvText(fields[i], exportValue(fields[i], row, main));
  return csvLine(cells);
}

function renderJson(fields: readonly ExportField[], row: CallRow, main: CdrRecord | null): string {
  const object: Record<string, unknown> = {};
  for (const field of fields) object[field] = exportValue(field, row, main);
  return JSON.stringify(object);
}

async function write(out: NodeJS.WritableStream, text: string, signal: AbortSignal | undefined): Promise<void> {
  if (!out.write(text)) await once(out, 'drain', signal ? { signal } : {});
}

/**
 * Streams the filtered calls to `out` as CSV (header of "Export File Data" names, RFC 4180) or as one
 * JSON array of objects keyed by the field names. Rows are read lazily and written with backpressure,
 * so memory stays flat for any number of calls. Does not end `out`: the caller owns it.
 */
export async function exportCalls(
  store: Store,
  req: ExportCallsRequest,
  out: NodeJS.WritableStream,
  opts: ExportCallsOptions = {},
): Promise<{ rows: number }> {
  if (req.format !== 'csv' && req.format !== 'json') {
    throw new AppError('BAD_INPUT', `Unknown export format "${String(req.format)}": use csv or json.`);
  }
  const fields = validateExportFields(req.fields);
  const withRaw = needsRawFields(fields);
  const render = req.format === 'csv' ? renderCsv : renderJson;
  const { signal, onProgress } = opts;

  let rows = 0;
  let buffer = req.format === 'csv' ? csvLine(fields.map(exportFieldLabel)) : '[';
  const iterator = store.iterate(req.filter, req.sort);
  try {
    for (;;) {
      if (signal?.aborted) throw new AppError('CANCELLED', 'Export cancelled.');
      const batch = nextBatch(iterator);
      if (batch.length === 0) break;
      const mains = withRaw ? rawMainRecords(store, batch) : null;
      for (const row of batch) {
        const text = render(fields, row, mains?.get(row.id) ?? null);
        buffer += req.format === 'json' ? `${rows === 0 ? '\n' : ',\n'}${text}` : text;
        rows++;
        if (buffer.length >= FLUSH_CHARS) {
          await write(out, buffer, signal);
          buffer = '';
        }
      }
      onProgress?.(rows);
      if (batch.length < BATCH_ROWS) break;
    }
    if (req.format === 'json') buffer += rows === 0 ? ']\n' : '\n]\n';
    await write(out, buffer, signal);
  } catch (error) {
    const appError = toAppError(error);
    throw appError.code === 'CANCELLED' ? new AppError('CANCELLED', 'Export cancelled.') : appError;
  } finally {
    iterator.return?.();
  }
  return { rows };
}
