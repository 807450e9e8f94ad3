/**
 * Calls as an Excel workbook, written row by row with exceljs' streaming writer so a million calls
 * cost no more memory than ten.
 *
 * Spreadsheets turn "0049301234" into 49301234 and a 19-digit session into 1.23457E+18 when they guess
 * types, which is what happens to a CSV. Here every value that is text in the CDR is a text cell, in
 * columns formatted as Text ("@") so a value typed or edited there stays text too; the three times are
 * real date cells and the two durations numbers. A text cell is never evaluated as a formula, so the
 * CSV's formula guard (a leading ') is not needed and the values stay exactly as the PBX sent them.
 */
import { type EventEmitter, once } from 'node:events';
import { Writable } from 'node:stream';
import ExcelJS from 'exceljs';
import type { ExportField } from '../../preload/api.js';
import { AppError } from '../errors.js';
import { csvText, exportFieldLabel, type ExportValue } from './fields.js';

/** Rows of one worksheet in Excel and LibreOffice (2^20), the header included. */
export const XLSX_SHEET_ROWS = 1_048_576;

const TIME_FIELDS: ReadonlySet<ExportField> = new Set<ExportField>(['start_time', 'answer_time', 'end_time']);
const NUMBER_FIELDS: ReadonlySet<ExportField> = new Set<ExportField>(['call_time', 'talk_time']);

const TEXT_FORMAT = '@';
const TIME_FORMAT = 'yyyy-mm-dd hh:mm:ss';

/** Column widths (characters) for the fields whose values are longer than their labels. */
const WIDTHS: Partial<Record<ExportField, number>> = {
  session: 24,
  caller_name: 22,
  callee_name: 22,
  answer_by_name: 22,
  caller_id: 28,
  start_time: 20,
  answer_time: 20,
  end_time: 20,
  source_channel: 28,
  dest_channel: 28,
  last_data: 30,
  uniqueid: 22,
  recordings: 40,
};

const WALL_CLOCK = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2}):(\d{2})$/;

/**
 * A PBX wall-clock time as the Date exceljs stores: exceljs turns a Date into a spreadsheet serial from
 * its UTC fields, and a serial has no zone, so the wall clock's fields are set as UTC and the cell
 * shows exactly the time the PBX showed, on any machine.
 */
function wallClockDate(text: string): Date | null {
  const m = WALL_CLOCK.exec(text);
  if (!m) return null;
  return new Date(Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +m[6]));
}

/** A field's value as a cell: Date for times, number for durations, text for everything else. */
export function xlsxValue(field: ExportField, value: ExportValue): string | number | Date | null {
  if (value === null) return null;
  if (TIME_FIELDS.has(field) && typeof value === 'string') return value === '' ? null : (wallClockDate(value) ?? value);
  if (NUMBER_FIELDS.has(field) && typeof value === 'number') return value;
  // Everything else in the words and forms of the CSV export (yes/no, recordings joined with '@');
  // an empty value is an empty cell, which a filter lists as (Blanks), not a cell holding "".
  const text = csvText(field, value);
  return text === '' ? null : text;
}

function columnStyle(field: ExportField): Partial<ExcelJS.Style> {
  if (TIME_FIELDS.has(field)) return { numFmt: TIME_FORMAT };
  if (NUMBER_FIELDS.has(field)) return {};
  return { numFmt: TEXT_FORMAT };
}

/**
 * Hands the zip exceljs produces to `out` with backpressure, without ending `out` (the caller owns it,
 * as with CSV and JSON; standard output cannot be ended at all). Once `detach()` is called, what exceljs
 * still produces is dropped, so an abandoned workbook never reaches `out` nor raises an error there.
 */
function forwardTo(out: NodeJS.WritableStream): Writable & { detach(): void } {
  let detached = false;
  const sink = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      if (detached || out.write(chunk)) {
        callback();
        return;
      }
      // A stream that failed earlier answers false and never drains.
      const failed = (out as { errored?: Error | null }).errored;
      if (failed) {
        callback(failed);
        return;
      }
      const settle = (error?: Error): void => {
        out.off('drain', settle);
        out.off('error', settle);
        callback(detached ? null : error);
      };
      out.on('drain', settle);
      out.on('error', settle);
    },
  });
  return Object.assign(sink, {
    detach() {
      detached = true;
    },
  });
}

/** A writable stream as seen through the state every Node-style stream keeps (core, readable-stream 2 and 3). */
interface Drainable {
  _writableState: { length: number; highWaterMark: number; needDrain: boolean };
  once(event: 'drain', listener: () => void): unknown;
}

/**
 * Where the zip reads a worksheet's XML from. exceljs writes a committed row into the worksheet's own
 * buffer and hands it on without waiting (its StreamBuf ignores what `write` returns), so without this
 * a fast database and a slower compressor leave the whole sheet in memory: 944 MB of buffers for a
 * million calls, measured. The zip (archiver) reads through a PassThrough it pipes the worksheet
 * into, whose buffer does fill up when the compressor or `out` is behind: waiting for it to drain is
 * the backpressure exceljs does not give. These are exceljs 4 internals (`WorksheetWriter.stream`,
 * `StreamBuf.pipes`, and archiver's readable-stream 2 PassThrough, which has no public
 * `writableLength`), hence the check; test/export/xlsx.test.ts fails if they change.
 */
function sheetInput(sheet: ExcelJS.Worksheet): Drainable {
  const pipes = (sheet as unknown as { stream?: { pipes?: unknown[] } }).stream?.pipes;
  const state = (pipes?.[0] as Partial<Drainable> | undefined)?._writableState;
  if (pipes?.length !== 1 || typeof state?.length !== 'number' || typeof state.highWaterMark !== 'number') {
    throw new AppError('INTERNAL', 'This version of exceljs streams worksheets differently: the xlsx export cannot wait for the disk.');
  }
  return pipes[0] as Drainable;
}

export interface XlsxCallsWriterOptions {
  /** Rows per worksheet, header included; more calls continue on "Calls 2", "Calls 3", ... */
  sheetRows?: number;
  /** Stops a wait in `drained()`. */
  signal?: AbortSignal;
}

/**
 * One workbook of calls: a worksheet "Calls" with a bold, frozen header row and a filter over the
 * columns. Rows are committed as they are added (exceljs writes and forgets them); a caller that waits
 * for `drained()` whenever `add` answers false keeps memory flat for any number of calls.
 */
export class XlsxCallsWriter {
  private readonly workbook: ExcelJS.stream.xlsx.WorkbookWriter;
  private readonly sink: Writable & { detach(): void };
  private readonly sheetRows: number;
  private readonly signal: AbortSignal;
  /** Aborted when `out` fails, which stops any wait for it. */
  private readonly failed = new AbortController();
  private failure: Error | null = null;
  private sheet: ExcelJS.Worksheet | null = null;
  private input: Drainable | null = null;
  private sheets = 0;
  private rowsInSheet = 0;

  constructor(
    private readonly fields: readonly ExportField[],
    out: NodeJS.WritableStream,
    options: XlsxCallsWriterOptions = {},
  ) {
    this.sheetRows = options.sheetRows ?? XLSX_SHEET_ROWS;
    if (this.sheetRows < 2) throw new AppError('INTERNAL', 'A worksheet needs room for the header and one call.');
    this.signal = options.signal ? AbortSignal.any([options.signal, this.failed.signal]) : this.failed.signal;
    this.sink = forwardTo(out);
    this.sink.on('error', (error) => {
      this.failure = error;
      this.failed.abort();
    });
    // Shared strings would keep every distinct value in memory until the end: inline strings keep it flat.
    this.workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: this.sink, useStyles: true, useSharedStrings: false });
    this.workbook.creator = 'UCM CDR Viewer';
  }

  /**
   * Adds one call's cells, in the order of the fields. Like a stream's `write`, answers false when the
   * rows wait in memory because the compressor or `out` is behind: then wait for `drained()`.
   */
  add(values: ReadonlyArray<string | number | Date | null>): boolean {
    if (this.sheet === null || this.rowsInSheet >= this.sheetRows) this.startSheet();
    (this.sheet as ExcelJS.Worksheet).addRow(values as unknown[]).commit();
    this.rowsInSheet++;
    // needDrain: a write found the buffer full, so 'drain' follows once it is empty.
    return !(this.input as Drainable)._writableState.needDrain;
  }

  /** Resolves when the rows added so far have been taken on towards `out`; rejects when `out` failed. */
  async drained(): Promise<void> {
    if (this.failure) throw this.failure;
    const input = this.input;
    if (input === null || !input._writableState.needDrain) return;
    try {
      await once(input as unknown as EventEmitter, 'drain', { signal: this.signal });
    } catch (error) {
      throw this.failure ?? error;
    }
  }

  /** Writes the end of the last worksheet and the workbook's other parts; resolves when all reached `out`. */
  async finish(): Promise<void> {
    if (this.failure) throw this.failure;
    if (this.sheet === null) this.startSheet();
    this.endSheet();
    await this.workbook.commit();
  }

  /** Stops after a failure or a cancellation: nothing more is written to `out`. */
  abandon(): void {
    this.sink.detach();
  }

  private startSheet(): void {
    if (this.sheet !== null) this.endSheet();
    this.sheets++;
    const sheet = this.workbook.addWorksheet(this.sheets === 1 ? 'Calls' : `Calls ${this.sheets}`, {
      views: [{ state: 'frozen', ySplit: 1 }],
    });
    sheet.columns = this.fields.map((field) => ({
      key: field,
      width: Math.max(exportFieldLabel(field).length + 2, WIDTHS[field] ?? 12),
      style: columnStyle(field),
    }));
    const header = sheet.addRow(this.fields.map(exportFieldLabel));
    // A cell style replaces the column's, so the labels are plain bold text in every column.
    header.eachCell((cell) => {
      cell.style = { font: { bold: true } };
    });
    header.commit();
    this.sheet = sheet;
    this.input = sheetInput(sheet);
    this.rowsInSheet = 1;
  }

  private endSheet(): void {
    const sheet = this.sheet as ExcelJS.Worksheet;
    // The streaming writer puts the filter after the rows, so it can span all of them, as Excel's own does.
    sheet.autoFilter = { from: { row: 1, column: 1 }, to: { row: this.rowsInSheet, column: this.fields.length } };
    sheet.commit();
  }
}
