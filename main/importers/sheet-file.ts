import { parse } from 'csv-parse/sync';
import { decodeAll, detectEncoding } from './encoding.js';

/**
 * Reading a small table a user saved from a spreadsheet (a carrier's rate sheet, a contacts list) into
 * its lines, for parsers that take a file whole or not at all (main/rates/sheet.ts,
 * main/contacts/sheet.ts). CDR files have their own streaming reader (csv-stream.ts); these files are
 * small enough to read at once.
 *
 * - bytes in UTF-8 (with or without BOM), UTF-16 with a BOM, or Windows-1252 (the encoding module's
 *   detection: a BOM, else valid UTF-8, else Windows-1252; a spreadsheet's Windows-1252 save is never
 *   valid UTF-8 once it has an accented letter, and plain ASCII reads the same in both);
 * - comma, semicolon or tab as the delimiter, whichever the header line has most of (outside quotes);
 * - quoted fields, CRLF or LF, blank lines (skipped, as are lines whose fields are all empty), each
 *   line with the physical line number it starts on, so that problems name the line a user sees.
 */

export const DELIMITERS = [',', ';', '\t'] as const;
export type Delimiter = (typeof DELIMITERS)[number];

export const DELIMITER_NAMES: Record<Delimiter, string> = { ',': 'comma', ';': 'semicolon', '\t': 'tab' };

/** One bad line of a file refused whole. */
export interface SheetProblem {
  line: number;
  message: string;
}

/** A line of the file: its fields, or why it could not be read. */
export interface SheetRecord {
  /** 1-based physical line the record starts on. */
  line: number;
  fields: string[] | null;
  error?: string;
}

export interface SheetText {
  delimiter: Delimiter;
  /** The non-blank records, header first. */
  records: SheetRecord[];
}

/** The delimiter the header line (its first non-blank line) has most of, outside quotes; comma when none. */
export function detectDelimiter(text: string): Delimiter {
  const header = text.split('\n').find((line) => line.trim() !== '') ?? '';
  const counts = new Map<string, number>();
  let quoted = false;
  for (const char of header) {
    if (char === '"') quoted = !quoted;
    else if (!quoted) counts.set(char, (counts.get(char) ?? 0) + 1);
  }
  let best: Delimiter = ',';
  for (const delimiter of DELIMITERS) {
    if ((counts.get(delimiter) ?? 0) > (counts.get(best) ?? 0)) best = delimiter;
  }
  return best;
}

function countNewlines(text: string): number {
  let count = 0;
  for (let at = text.indexOf('\n'); at !== -1; at = text.indexOf('\n', at + 1)) count++;
  return count;
}

/**
 * The records of the text with the physical line each starts on. csv-parse reports the line a record
 * ends on, so the start is counted from the raw text: the line after the previous record, plus the blank
 * lines skipped before this one.
 */
function readRecords(text: string, delimiter: Delimiter): SheetRecord[] {
  const records: SheetRecord[] = [];
  let nextLine = 1;
  const place = (raw: string | undefined): number => {
    const body = (raw ?? '').replace(/^\n+/, '');
    const line = nextLine + ((raw ?? '').length - body.length);
    nextLine = line + countNewlines(body.replace(/\n$/, '')) + 1;
    return line;
  };
  parse(text, {
    delimiter,
    record_delimiter: '\n',
    raw: true,
    relax_column_count: true,
    relax_quotes: true,
    skip_empty_lines: true,
    skip_records_with_error: true,
    on_record: (record, context) => {
      // With `raw`, csv-parse hands the hook { record, raw } although its types say string[].
      const fields = Array.isArray(record) ? record : (record as unknown as { record: string[] }).record;
      records.push({ line: place(context.raw), fields });
      return null;
    },
    on_skip: (error, raw) => {
      const unclosed = error?.code === 'CSV_QUOTE_NOT_CLOSED';
      records.push({
        line: place(raw),
        fields: null,
        error: unclosed
          ? 'a quote opened on this line is never closed, so the rest of the file is unreadable: close the quote (a quote inside a quoted value is written twice, "")'
          : `this line cannot be read as CSV (${error?.message ?? 'unknown error'}): fix or remove it`,
      });
      return undefined;
    },
  });
  return records;
}

export function isBlank(fields: readonly string[]): boolean {
  return fields.every((field) => field.trim() === '');
}

/** The file's text (encoding detected, line ends made LF), its delimiter and its non-blank records. */
export function readSheet(bytes: Buffer): SheetText {
  const text = decodeAll(bytes, detectEncoding(bytes)).replace(/\r\n?/g, '\n');
  const delimiter = detectDelimiter(text);
  return { delimiter, records: readRecords(text, delimiter).filter((record) => record.fields === null || !isBlank(record.fields)) };
}

/** `"a", "b"`: header names as a message quotes them. */
export function listNames(names: readonly string[]): string {
  return names.map((name) => `"${name}"`).join(', ');
}

/**
 * How many values of a line lie past the header's columns, trailing empty ones not counted (that is
 * what spreadsheets write); 0 when none.
 */
export function valuesPastHeader(fields: readonly string[], headerCount: number): number {
  let used = fields.length;
  while (used > headerCount && (fields[used - 1] ?? '').trim() === '') used--;
  return used > headerCount ? used : 0;
}

/** The problems of a refused file as lines of text (`line 4: ...`), the first `limit` of them and a count of the rest. */
export function describeSheetProblems(problems: readonly SheetProblem[], limit = 50): string {
  const shown = problems.slice(0, limit).map((problem) => `line ${problem.line}: ${problem.message}`);
  if (problems.length > limit) shown.push(`... and ${problems.length - limit} more lines with problems`);
  return shown.join('\n');
}
