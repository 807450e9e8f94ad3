/**
 * CSV cells for files people open in spreadsheets: RFC 4180 quoting plus a guard against formula
 * injection (a caller name like `=HYPERLINK(...)` must not run when the export is opened).
 *
 * The guard prefixes a single quote to a cell that starts with `=`, `+`, `-`, `@`, a tab or a carriage
 * return, unless the whole cell is a plain number (`-5`, `+4930123456`, `12.5`): phone numbers in E.164
 * form start with `+` and must stay intact, and spreadsheets treat a plain signed number as a number,
 * never as a formula.
 */

const FORMULA_START = /^[=+\-@\t\r]/;
const PLAIN_NUMBER = /^[+-]?\d+(\.\d+)?$/;
const NEEDS_QUOTES = /[",\r\n]/;

export function neutralizeFormula(value: string): string {
  if (FORMULA_START.test(value) && !PLAIN_NUMBER.test(value)) return `'${value}`;
  return value;
}

export function csvCell(value: string): string {
  const safe = neutralizeFormula(value);
  return NEEDS_QUOTES.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/** One CSV record with its CRLF terminator (RFC 4180). */
export function csvLine(cells: readonly string[]): string {
  let line = '';
  for (let i = 0; i < cells.length; i++) {
    if (i > 0) line += ',';
    line += csvCell(cells[i]);
  }
  return `${line}\r\n`;
}
