import { once } from 'node:events';
import type { CallFilter, CallRow, CallSort, ExportField, ExportFormat } from '../../preload/api.js';
import { EXPORT_FIELDS, EXPORT_FORMATS } from '../../preload/api.js';
import type { CdrRecord } from '../cdr/types.js';
import { AppError, toAppError } from '../errors.js';
import type { Store } from '../store/types.js';
import { csvLine } from './csv.js';
import { csvText, exportFieldLabel, exportValue, isExportField, needsRawFields } from './fields.js';
import { XlsxCallsWriter, xlsxValue } from './xlsx.js';

export interface ExportCallsRequest {
  filter: CallFilter;
  sort?: CallSort;
  /** Columns in this order; default: every field of EXPORT_FIELDS. */
  fields?: ExportField[];
  format: ExportFormat;
  /** CSV only: start with a UTF-8 byte-order mark, which Excel on Windows needs to read UTF-8. */
  bom?: boolean;
}

export interface ExportCallsOptions {
  signal?: AbortSignal;
  /** Rows written so far; called once per batch. */
  onProgress?: (rows: number) => void;
}

/** What the web mode's download of each format is served as. */
export const EXPORT_CONTENT_TYPES: Record<ExportFormat, string> = {
  csv: 'text/csv; charset=utf-8',
  json: 'application/json',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
};

/** Rows per batch: one raw-record lookup round, one progress report, one cancellation check. */
const BATCH_ROWS = 500;
/** Text buffered before it is handed to the stream. */
const FLUSH_CHARS = 64 * 1024;
/** U+FEFF, written as EF BB BF: how Excel on Windows tells a UTF-8 CSV from one in the ANSI code page. */
const UTF8_BOM = '\uFEFF';

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
 * The raw main records of a batch of calls, in one read of the same snapshot as the rows; choices of
 * row fields alone read none.
 */
function rawMainRecords(store: Store, rows: readonly CallRow[]): Map<number, CdrRecord> {
  return store.calls.mainRecords(rows.map((row) => row.id));
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
  if (out.write(text)) return;
  // A stream that failed earlier (a full disk) answers false and never drains: report its error.
  const failed = (out as { errored?: Error | null }).errored;
  if (failed) throw failed;
  await once(out, 'drain', signal ? { signal } : {});
}

/** Where the rows of an export go: a text format buffered into `out`, or a workbook. */
interface RowWriter {
  add(row: CallRow, main: CdrRecord | null): Promise<void>;
  /** After the last row. */
  end(): Promise<void>;
  /** After a failure or a cancellation. */
  abandon(): void;
}

function textWriter(
  format: 'csv' | 'json',
  fields: readonly ExportField[],
  out: NodeJS.WritableStream,
  bom: boolean,
  signal: AbortSignal | undefined,
): RowWriter {
  const render = format === 'csv' ? renderCsv : renderJson;
  let rows = 0;
  let buffer = (bom ? UTF8_BOM : '') + (format === 'csv' ? csvLine(fields.map(exportFieldLabel)) : '[');
  return {
    async add(row, main) {
      const text = render(fields, row, main);
      buffer += format === 'json' ? `${rows === 0 ? '\n' : ',\n'}${text}` : text;
      rows++;
      if (buffer.length >= FLUSH_CHARS) {
        await write(out, buffer, signal);
        buffer = '';
      }
    },
    async end() {
      if (format === 'json') buffer += rows === 0 ? ']\n' : '\n]\n';
      await write(out, buffer, signal);
    },
    abandon() {},
  };
}

function xlsxWriter(fields: readonly ExportField[], out: NodeJS.WritableStream, signal: AbortSignal | undefined): RowWriter {
  const workbook = new XlsxCallsWriter(fields, out, { signal });
  const cells = new Array<string | number | Date | null>(fields.length);
  return {
    async add(row, main) {
      for (let i = 0; i < fields.length; i++) cells[i] = xlsxValue(fields[i], exportValue(fields[i], row, main));
      if (!workbook.add(cells)) await workbook.drained();
    },
    end: () => workbook.finish(),
    abandon: () => workbook.abandon(),
  };
}

/**
 * Streams the filtered calls to `out` as CSV (header of "Export File Data" names, RFC 4180), as one
 * JSON array of objects keyed by the field names, or as an Excel workbook (main/export/xlsx.ts). Rows
 * are read lazily and written with backpressure, so memory stays flat for any number of calls. Does
 * not end `out`: the caller owns it.
 */
export async function exportCalls(
  store: Store,
  req: ExportCallsRequest,
  out: NodeJS.WritableStream,
  opts: ExportCallsOptions = {},
): Promise<{ rows: number }> {
  if (!(EXPORT_FORMATS as readonly string[]).includes(req.format)) {
    throw new AppError('BAD_INPUT', `Unknown export format "${String(req.format)}": use ${EXPORT_FORMATS.join(', ')}.`);
  }
  if (req.bom && req.format !== 'csv') {
    throw new AppError('BAD_INPUT', `A byte-order mark is for CSV files only, not ${req.format}.`);
  }
  const fields = validateExportFields(req.fields);
  const withRaw = needsRawFields(fields);
  const { signal, onProgress } = opts;

  let rows = 0;
  const writer = req.format === 'xlsx' ? xlsxWriter(fields, out, signal) : textWriter(req.format, fields, out, req.bom === true, signal);
  const iterator = store.calls.iterate(req.filter, req.sort);
  try {
    for (;;) {
      if (signal?.aborted) throw new AppError('CANCELLED', 'Export cancelled.');
      const batch = nextBatch(iterator);
      if (batch.length === 0) break;
      const mains = withRaw ? rawMainRecords(store, batch) : null;
      for (const row of batch) {
        await writer.add(row, mains?.get(row.id) ?? null);
        rows++;
      }
      onProgress?.(rows);
      if (batch.length < BATCH_ROWS) break;
    }
    await writer.end();
  } catch (error) {
    writer.abandon();
    const appError = toAppError(error);
    throw appError.code === 'CANCELLED' ? new AppError('CANCELLED', 'Export cancelled.') : appError;
  } finally {
    iterator.return?.();
  }
  return { rows };
}
