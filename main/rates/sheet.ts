import { readWallClockBound } from '../cdr/time.js';
import { normalizeHeaderName } from '../importers/header-map.js';
import { DELIMITER_NAMES, listNames, readSheet, valuesPastHeader, type SheetProblem } from '../importers/sheet-file.js';

export { describeSheetProblems, type SheetProblem } from '../importers/sheet-file.js';

/**
 * The rate sheet parser: a carrier's price list as CSV (prefix, destination, rate per minute, connect fee,
 * minimum, increment, effective date) into exact rows. A sheet is taken whole or not at all: prices
 * half-read are worse than none, so any bad row refuses the sheet, with every bad line listed.
 *
 * What it reads:
 * - the file as main/importers/sheet-file.ts reads small tables: UTF-8, UTF-16 with a BOM or
 *   Windows-1252; comma, semicolon or tab; quoted fields; blank lines skipped;
 * - numbers as plain decimals (`0.012`, `.5`, `12`), with a decimal comma when the delimiter is not a comma
 *   (`0,012` in a semicolon sheet), at most 8 decimals (zeros past the 8th are harmless and allowed).
 *   One currency symbol before or after an amount (`$0.012`, `0,012 €`) is dropped: spreadsheets save
 *   currency-formatted cells that way, and the symbol says nothing the plan's currency does not, as long as
 *   the whole sheet uses the same one (a second symbol is a bad row). Thousands separators, exponents,
 *   signs and currency codes (`USD`) are refused: they are where a price gets misread by a factor of 1000.
 */

export interface RateRow {
  /** 1-based line in the file (header is line 1). */
  line: number;
  /** E.164 digits: spaces and a leading '+' removed; a leading '00' kept (sheet prefixes are E.164 already). */
  prefix: string;
  /** '' when absent. */
  destination: string;
  /** Rate per minute in units of 1e-8 of the currency (exact integer). */
  rate_e8: number;
  /** Connect fee, units of 1e-8, default 0. */
  connect_e8: number;
  /** Minimum billed seconds, default 0. */
  minimum: number;
  /** Billing increment in seconds, default 1, >= 1. */
  increment: number;
  /** '' or PBX wall clock 'YYYY-MM-DDTHH:MM:SS' from which the row applies. */
  effective: string;
}

export type SheetResult =
  | { ok: true; rows: RateRow[]; columns: Record<string, string> /* our field -> header as written */ }
  | { ok: false; problems: SheetProblem[] };

export type SheetField = 'prefix' | 'destination' | 'rate' | 'connect' | 'minimum' | 'increment' | 'effective';

/**
 * Header names each column is recognised by, as a user would write them. Matching ignores case, spaces
 * and punctuation (`Dial Code`, `dial_code`, `DIALCODE`) and a bracketed unit (`Rate (USD)`). For the destination, the first name in the list
 * found wins (a sheet with both `Country` and `Destination` takes the destination); for the other
 * columns, two headers meaning the same column refuse the sheet, as picking one could misprice it.
 */
export const SHEET_COLUMN_NAMES: Readonly<Record<SheetField, readonly string[]>> = Object.freeze({
  prefix: ['prefix', 'code', 'dial code', 'dialing code', 'dial prefix'],
  destination: ['destination', 'destination name', 'description', 'name', 'country'],
  rate: ['rate', 'price', 'per minute', 'rate per minute', 'price per minute', 'rate/min', 'price/min', 'rate/minute', 'price/minute', 'cost', 'cost per minute'],
  connect: ['connect', 'connect fee', 'connection', 'connection fee', 'setup', 'setup fee'],
  minimum: ['minimum', 'min', 'minimum seconds', 'min seconds'],
  increment: ['increment', 'interval', 'billing increment', 'billing interval', 'billing'],
  effective: ['effective', 'from', 'valid from', 'effective date', 'effective from', 'start date'],
});

const SHEET_FIELDS = Object.keys(SHEET_COLUMN_NAMES) as SheetField[];

/** Normalized header name -> the field and the rank of the name in its list (lower is more specific). */
const FIELD_BY_NAME = new Map<string, { field: SheetField; rank: number }>();
for (const field of SHEET_FIELDS) {
  SHEET_COLUMN_NAMES[field].forEach((name, rank) => FIELD_BY_NAME.set(normalizeHeaderName(name), { field, rank }));
}

/**
 * The field a header names: its whole text, else its text without bracketed parts, so that `Rate (USD)`,
 * `Price [EUR/min]` and `Increment (s)` are read as the rate and the increment.
 */
function fieldOfHeader(header: string): { field: SheetField; rank: number } | undefined {
  return (
    FIELD_BY_NAME.get(normalizeHeaderName(header)) ?? FIELD_BY_NAME.get(normalizeHeaderName(header.replace(/\([^)]*\)|\[[^\]]*\]/g, ' ')))
  );
}

/** The longest prefix E.164 allows (a whole number is at most 15 digits). */
const MAX_PREFIX_DIGITS = 15;
const E8 = 100_000_000n;

interface Columns {
  index: Partial<Record<SheetField, number>>;
  written: Record<string, string>;
}

function planSheetColumns(headers: readonly string[]): { columns: Columns } | { problems: string[] } {
  const found = new Map<SheetField, number[]>();
  const ranks = new Map<number, number>();
  headers.forEach((header, index) => {
    const known = fieldOfHeader(header);
    if (known === undefined) return;
    found.set(known.field, [...(found.get(known.field) ?? []), index]);
    ranks.set(index, known.rank);
  });
  const problems: string[] = [];
  for (const field of ['prefix', 'rate'] as const) {
    if (!found.has(field)) {
      const seen = headers.filter((header) => header.trim() !== '');
      problems.push(
        `no ${field} column: the headers found are ${seen.length > 0 ? listNames(seen) : 'none'}; name the ${field} column one of ${listNames(SHEET_COLUMN_NAMES[field])} (case, spaces, punctuation and a bracketed unit such as (USD) do not matter)`,
      );
    }
  }
  for (const [field, indexes] of found) {
    if (field !== 'destination' && indexes.length > 1) {
      problems.push(
        `the columns ${listNames(indexes.map((index) => headers[index] ?? ''))} all mean the ${field}: keep one of them and rename or delete the others`,
      );
    }
  }
  if (problems.length > 0) return { problems };
  const columns: Columns = { index: {}, written: {} };
  for (const field of SHEET_FIELDS) {
    const indexes = found.get(field);
    if (indexes === undefined) continue;
    // For the destination, the most specific header wins (the order of SHEET_COLUMN_NAMES).
    const index = [...indexes].sort((a, b) => (ranks.get(a) ?? 0) - (ranks.get(b) ?? 0))[0] as number;
    columns.index[field] = index;
    columns.written[field] = headers[index] ?? '';
  }
  return { columns };
}

type Read<T> = { value: T } | { problem: string };

interface Amount {
  e8: number;
  /** The currency symbol written with the amount, '' when none. */
  symbol: string;
}

const CURRENCY_AROUND = /^(?:(\p{Sc})\s*)?(.*?)(?:\s*(\p{Sc}))?$/u;
const DECIMAL = /^(\d*)(?:([.,])(\d*))?$/;

/**
 * A non-negative decimal amount as an exact integer of 1e-8 units. `label` names the column in messages,
 * `example` shows a good value.
 */
function readAmount(text: string, label: string, example: string, decimalComma: boolean): Read<Amount> {
  const written = text.trim();
  const around = CURRENCY_AROUND.exec(written);
  const leading = around?.[1];
  const trailing = around?.[3];
  const symbol = leading ?? trailing ?? '';
  const body = leading !== undefined && trailing !== undefined ? written : (around?.[2] ?? written);
  const plain = `write it as a plain number such as ${example}`;
  if (body.startsWith('-')) return { problem: `${label} "${written}" is negative: prices are 0 or more` };
  if (/^[+\d.,]*\d[.,\d]*e[+-]?\d+$/i.test(body)) {
    return { problem: `${label} "${written}" is in scientific notation: ${plain} (format the column as a number with up to 8 decimals)` };
  }
  const match = DECIMAL.exec(body);
  if (match === null) {
    if (/^\d[\d.,'\s\u00a0\u202f]*$/.test(body)) {
      return {
        problem: `${label} "${written}" has a thousands separator or more than one decimal separator: ${plain}, without thousands separators`,
      };
    }
    return { problem: `${label} "${written}" is not a number: ${plain}` };
  }
  const [, whole = '', separator, decimals = ''] = match;
  if (whole === '' && decimals === '') return { problem: `${label} "${written}" is not a number: ${plain}` };
  if (separator === ',' && !decimalComma) {
    return {
      problem: `${label} "${written}" uses a decimal comma in a comma-separated sheet (or a thousands separator): write a decimal point (${example}), or save the sheet with semicolons`,
    };
  }
  const significant = decimals.replace(/0+$/, '');
  if (significant.length > 8) return { problem: `${label} "${written}" has more than 8 decimals: round it to 8 decimals at most` };
  const e8 = BigInt(whole === '' ? '0' : whole) * E8 + BigInt(significant.padEnd(8, '0') || '0');
  if (e8 > BigInt(Number.MAX_SAFE_INTEGER)) return { problem: `${label} "${written}" is too large: check the column holds prices` };
  return { value: { e8: Number(e8), symbol } };
}

/** A whole number of seconds, 0 or more. */
function readSeconds(text: string, label: string, example: string): Read<number> {
  const written = text.trim();
  if (written.startsWith('-')) return { problem: `${label} "${written}" is negative: write 0 or more seconds, such as ${example}` };
  if (!/^\d+$/.test(written)) return { problem: `${label} "${written}" is not a whole number of seconds: write it like ${example}` };
  const value = Number(written);
  if (!Number.isSafeInteger(value)) return { problem: `${label} "${written}" is too large: write the number of seconds, such as ${example}` };
  return { value };
}

/** The increment column: `6`, or `minimum/increment` such as `60/60` or `30/6`. */
function readIncrement(text: string): Read<{ minimum: number | null; increment: number }> {
  const written = text.trim();
  const parts = written.split('/');
  const example = '1, 6, 60, or 30/6 for a 30-second minimum then 6-second steps';
  if (parts.length > 2) return { problem: `increment "${written}" is not understood: write it like ${example}` };
  let minimum: number | null = null;
  if (parts.length === 2) {
    const read = readSeconds(parts[0] ?? '', `the minimum in increment "${written}"`, '30/6');
    if ('problem' in read) return read;
    minimum = read.value;
  }
  const read = readSeconds(parts[parts.length - 1] ?? '', parts.length === 2 ? `the increment in "${written}"` : 'increment', example);
  if ('problem' in read) return read;
  if (read.value === 0) return { problem: `increment "${written}" has a 0-second step: the billing increment is at least 1 second (1 for per-second billing)` };
  return { value: { minimum, increment: read.value } };
}

function readPrefix(text: string): Read<string> {
  const written = text.trim();
  const digits = written.replace(/\s+/g, '').replace(/^\+/, '');
  if (digits === '') return { problem: 'no prefix: write the dial code in E.164 digits (country code first), such as 44 or 4420, or remove the line' };
  if (!/^\d+$/.test(digits)) return { problem: `prefix "${written}" is not digits: write the dial code in E.164 digits, such as 44 or 4420` };
  if (digits.length > MAX_PREFIX_DIGITS) return { problem: `prefix "${written}" is longer than ${MAX_PREFIX_DIGITS} digits, the longest an E.164 number can be` };
  return { value: digits };
}

function readEffective(text: string): Read<string> {
  const written = text.trim();
  if (written === '') return { value: '' };
  const read = readWallClockBound(written, { space: true });
  if ('local' in read) return { value: read.local };
  if (read.problem === 'nonexistent') return { problem: `effective date "${written}" does not exist: check the day, month and time` };
  return { problem: `effective date "${written}" is not in a form this reads: write dates as YYYY-MM-DD (or YYYY-MM-DD HH:MM[:SS])` };
}

/** Sheet-wide state the rows are checked against. */
interface SheetContext {
  columns: Columns;
  headerCount: number;
  decimalComma: boolean;
  delimiterName: string;
  currency: { symbol: string; line: number } | null;
}

function readRow(fields: readonly string[], line: number, context: SheetContext): { row: RateRow } | { problems: string[] } {
  const problems: string[] = [];
  const { index } = context.columns;
  const cell = (field: SheetField): string => {
    const at = index[field];
    return at === undefined ? '' : (fields[at] ?? '').trim();
  };
  // Values past the header's columns: trailing empty ones are what spreadsheets write, others are misread.
  const used = valuesPastHeader(fields, context.headerCount);
  if (used > 0) {
    problems.push(
      `this line has ${used} values but the header has ${context.headerCount} columns: quote values that contain a ${context.delimiterName}${context.delimiterName === 'comma' ? ' (a decimal comma splits a number in two: write a decimal point)' : ''}`,
    );
  }
  const take = <T>(read: Read<T>): T | undefined => {
    if ('problem' in read) {
      problems.push(read.problem);
      return undefined;
    }
    return read.value;
  };
  const amount = (field: 'rate' | 'connect', label: string, example: string): number | undefined => {
    const read = take(readAmount(cell(field), label, example, context.decimalComma));
    if (read === undefined) return undefined;
    if (read.symbol !== '') {
      if (context.currency === null) context.currency = { symbol: read.symbol, line };
      else if (context.currency.symbol !== read.symbol) {
        problems.push(
          `${label} "${cell(field)}" is in ${read.symbol} but line ${context.currency.line} is in ${context.currency.symbol}: a sheet holds prices in one currency`,
        );
        return undefined;
      }
    }
    return read.e8;
  };

  const prefix = take(readPrefix(cell('prefix')));
  let rate: number | undefined;
  if (cell('rate') === '') problems.push('no rate: write the price per minute, such as 0.012 (0 for a free destination)');
  else rate = amount('rate', 'rate', '0.012');
  const connect = cell('connect') === '' ? 0 : amount('connect', 'connect fee', '0.05');
  const minimumColumn = cell('minimum') === '' ? null : take(readSeconds(cell('minimum'), 'minimum', '0, 30 or 60'));
  const billing = cell('increment') === '' ? { minimum: null, increment: 1 } : take(readIncrement(cell('increment')));
  const effective = take(readEffective(cell('effective')));

  let minimum = minimumColumn ?? 0;
  if (billing !== undefined && billing.minimum !== null) {
    if (minimumColumn !== null && minimumColumn !== undefined && minimumColumn !== billing.minimum) {
      problems.push(
        `the minimum column says ${minimumColumn} seconds but increment "${cell('increment')}" says ${billing.minimum}: make them agree, or leave one of them empty`,
      );
    }
    minimum = billing.minimum;
  }
  if (problems.length > 0 || prefix === undefined || rate === undefined || connect === undefined || billing === undefined || effective === undefined) {
    return { problems };
  }
  return {
    row: { line, prefix, destination: cell('destination'), rate_e8: rate, connect_e8: connect, minimum, increment: billing.increment, effective },
  };
}

/** Reads a rate sheet file; see the module comment for what it accepts. */
export function parseRateSheet(bytes: Buffer): SheetResult {
  const { delimiter, records } = readSheet(bytes);
  const header = records[0];
  if (header === undefined) {
    return { ok: false, problems: [{ line: 1, message: 'the file is empty: a rate sheet has a header line (prefix, rate...) and one line per prefix' }] };
  }
  if (header.fields === null) return { ok: false, problems: [{ line: header.line, message: header.error ?? 'the header cannot be read' }] };
  const planned = planSheetColumns(header.fields);
  if ('problems' in planned) return { ok: false, problems: planned.problems.map((message) => ({ line: header.line, message })) };
  const context: SheetContext = {
    columns: planned.columns,
    headerCount: header.fields.length,
    decimalComma: delimiter !== ',',
    delimiterName: DELIMITER_NAMES[delimiter],
    currency: null,
  };

  const rows: RateRow[] = [];
  const problems: SheetProblem[] = [];
  const seen = new Map<string, number>();
  for (const record of records.slice(1)) {
    if (record.fields === null) {
      problems.push({ line: record.line, message: record.error ?? 'this line cannot be read' });
      continue;
    }
    const read = readRow(record.fields, record.line, context);
    if ('problems' in read) {
      problems.push({ line: record.line, message: read.problems.join('; ') });
      continue;
    }
    const { row } = read;
    const key = `${row.prefix} ${row.effective}`;
    const earlier = seen.get(key);
    if (earlier !== undefined) {
      const when = row.effective === '' ? 'without an effective date' : `effective ${row.effective.replace(/T00:00:00$/, '')}`;
      problems.push({
        line: row.line,
        message: `prefix ${row.prefix} ${when} is already on line ${earlier}: keep one of the two lines, or give them different effective dates`,
      });
      continue;
    }
    seen.set(key, row.line);
    rows.push(row);
  }
  if (problems.length > 0) return { ok: false, problems };
  if (rows.length === 0) {
    return { ok: false, problems: [{ line: header.line, message: 'the sheet has a header but no rates: add one line per prefix under the header' }] };
  }
  return { ok: true, rows, columns: planned.columns.written };
}
