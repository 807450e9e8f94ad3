import { existsSync, statSync } from 'node:fs';
import { InvalidArgumentError } from 'commander';
import { SORT_FIELDS, type CallSort, type SortField } from '../../preload/api.js';
import { parseDurationInput } from '../../preload/checks.js';
import { isValidTimeZone, readTypedDateTime, type DateOrder, type TypedDateTime } from '../cdr/time.js';
import { AppError, toAppError } from '../errors.js';
import { compileNumberPattern } from '../cdr/patterns.js';

/**
 * Parsers for option values. Each runs while commander reads the command line, before any work, and
 * throws InvalidArgumentError, which commander reports as "option '--x <v>' argument 'bad' is
 * invalid. <why>": the option, the value and what to do, on one line.
 */

function invalid(why: string): never {
  throw new InvalidArgumentError(why);
}

function integerIn(value: string, min: number, max: number, what: string): number {
  if (!/^\d+$/.test(value.trim())) invalid(`Expected ${what}: a whole number from ${min} to ${max}.`);
  const n = Number(value.trim());
  if (n < min || n > max) invalid(`Expected ${what}: a whole number from ${min} to ${max}.`);
  return n;
}

/** A duration as the window's duration fields take it (preload/checks.ts parseDurationInput). */
export function parseDuration(value: string): number {
  return parseDurationInput(value) ?? invalid('Expected seconds (90), m:ss (1:30) or h:mm:ss (0:01:30).');
}

export const parseLimit = (value: string): number => integerIn(value, 1, 10_000_000, 'how many calls to show');
export const parseOffset = (value: string): number => integerIn(value, 0, 100_000_000, 'how many calls to skip');
export const parsePort = (value: string): number => integerIn(value, 0, 65_535, 'a TCP port (0 picks a free one)');
export const parseCount = (value: string): number => integerIn(value, 0, 100_000_000, 'a number of calls');
export const parseSeed = (value: string): number => integerIn(value, 0, 2 ** 31 - 1, 'a seed');
export const parseDays = (value: string): number => integerIn(value, 1, 36_500, 'a number of days');

/** A dial plan value: digits, or '' to clear it. */
export function parseDialPlanDigits(value: string): string {
  if (!/^\d{0,6}$/.test(value.trim())) invalid('Expected digits only (at most 6), or "" to clear it.');
  return value.trim();
}

/** An amount of money, 0 or more, with at most four decimals (costs are kept to four). */
export function parseAmount(value: string): number {
  if (!/^\d+(\.\d{1,4})?$/.test(value.trim())) invalid('Expected an amount such as 12 or 0.5 (at most four decimals, a dot as decimal mark).');
  return Number(value.trim());
}

/** A choice among fixed values, case-insensitive; returns the canonical spelling. */
export function choice<T extends string>(allowed: readonly T[]): (value: string) => T {
  return (value: string) => {
    const found = allowed.find((a) => a.toLowerCase() === value.trim().toLowerCase());
    return found ?? invalid(`Use one of: ${allowed.join(', ')}.`);
  };
}

/**
 * A repeatable, comma-separated list option (`--status ANSWERED,BUSY --status FAILED`); `item` checks
 * and canonicalizes each entry. Duplicates collapse.
 */
export function listOf<T extends string>(item: (value: string) => T): (value: string, previous: T[] | undefined) => T[] {
  return (value, previous) => {
    const items = value
      .split(',')
      .map((v) => v.trim())
      .filter((v) => v !== '');
    if (items.length === 0) invalid('Expected one or more values separated by commas.');
    const result = [...(previous ?? [])];
    for (const entry of items.map(item)) if (!result.includes(entry)) result.push(entry);
    return result;
  };
}

export const anyText = (value: string): string => value;

/** Dispositions as people type them: `no answer`, `NO_ANSWER`, `no-answer` all mean NO ANSWER. */
export function parseStatus(value: string): 'ANSWERED' | 'NO ANSWER' | 'BUSY' | 'FAILED' | 'CONGESTION' {
  const canonical = value.trim().toUpperCase().replace(/[\s_-]+/g, ' ');
  switch (canonical) {
    case 'ANSWERED':
    case 'BUSY':
    case 'FAILED':
    case 'CONGESTION':
      return canonical;
    case 'NO ANSWER':
    case 'NOANSWER':
      return 'NO ANSWER';
    default:
      return invalid('Use ANSWERED, "NO ANSWER" (or NO_ANSWER), BUSY, FAILED or CONGESTION.');
  }
}

export function parsePattern(value: string): string {
  try {
    compileNumberPattern(value);
  } catch (error) {
    invalid(error instanceof Error ? error.message : 'Not a number pattern.');
  }
  return value;
}

/**
 * A PBX wall-clock bound, checked while the command line is read. The value stays as typed: whether
 * 9/10/2026 is September or October depends on --date-order, which may come later on the line, so
 * filterFromOptions reads it again with the order (resolveDateBound).
 */
export function parseDateBound(value: string): string {
  try {
    readTypedDateTime(value);
  } catch (error) {
    return invalid(error instanceof Error ? error.message : 'Not a date.');
  }
  return value.trim();
}

/**
 * The bound as the store takes it: `YYYY-MM-DD` for a date alone (so `--to 2024-03-31` is the whole
 * day), `YYYY-MM-DDTHH:MM:SS` otherwise. A slashed date both numbers of which could be the month is
 * refused unless `order` says which is which.
 */
export function resolveDateBound(option: string, value: string, order: DateOrder | undefined): string {
  let read: TypedDateTime;
  try {
    read = readTypedDateTime(value, order);
  } catch (error) {
    throw dateOrderRefusal(option, value, order, toAppError(error).message);
  }
  if ('value' in read) return read.value;
  const { mdy, dmy } = read.ambiguous;
  throw new AppError(
    'BAD_INPUT',
    `${option} ${value} is ambiguous: ${mdy} (month first) or ${dmy} (day first). ` +
      `Write it as ISO (${mdy} or ${dmy}) or add --date-order mdy|dmy.`,
    { option, value, mdy, dmy },
  );
}

const ORDER_WORDS = { mdy: 'month first', dmy: 'day first' } as const;

/**
 * A value that passed parseDateBound but not under the --date-order given (20/3/2024 as mdy): names
 * the option that made it unreadable and what the other order reads.
 */
function dateOrderRefusal(option: string, value: string, order: DateOrder | undefined, why: string): AppError {
  if (order === undefined) return new AppError('BAD_INPUT', `${option} ${value}: ${why}`, { option, value });
  const other: DateOrder = order === 'mdy' ? 'dmy' : 'mdy';
  let otherReading: string | null = null;
  try {
    const read = readTypedDateTime(value, other);
    if ('value' in read) otherReading = read.value;
  } catch {
    // Unreadable either way: `why` says why.
  }
  const head = `${option} ${value} read ${ORDER_WORDS[order]} (--date-order ${order})`;
  if (otherReading === null) return new AppError('BAD_INPUT', `${head}: ${why}`, { option, value });
  // The reader's list of accepted forms does not help here: the other order reads the value.
  const reason = why.replace(/\s*Expected a form such as .*$/, '').replace(/\.?$/, '.');
  const otherWords = ORDER_WORDS[other].replace(/^./, (c) => c.toUpperCase());
  return new AppError(
    'BAD_INPUT',
    `${head}: ${reason} ${otherWords} it is ${otherReading}: use --date-order ${other} or write ${otherReading}.`,
    { option, value },
  );
}

export function parseZone(value: string): string {
  if (!isValidTimeZone(value.trim())) invalid('Use an IANA time zone name such as Europe/London or America/New_York.');
  return value.trim();
}

export function parseYesNo(value: string | boolean): boolean {
  if (typeof value === 'boolean') return value;
  const v = value.trim().toLowerCase();
  if (['yes', 'y', 'true', '1'].includes(v)) return true;
  if (['no', 'n', 'false', '0'].includes(v)) return false;
  return invalid('Use yes or no.');
}

/** The words of the calls table's columns that name a sort field (`--sort -talk`). */
export const SORT_WORDS: Readonly<Record<string, SortField>> = { talk: 'billsec', call: 'duration', from: 'src', to: 'dst' };

/** What --sort takes, for its help and its refusal. */
export const SORT_HELP =
  `${SORT_FIELDS.join(', ')}, or the column words ` +
  `${Object.entries(SORT_WORDS).map(([word, field]) => `${word} (= ${field})`).join(', ')}; prefix "-" for descending (e.g. -start, -talk)`;

/** `start` or `+start` sorts ascending, `-start` descending; `talk`, `call`, `from`, `to` name their columns. */
export function parseSort(value: string): CallSort {
  const v = value.trim();
  const dir: CallSort['dir'] = v.startsWith('-') ? 'desc' : 'asc';
  const word = v.replace(/^[+-]/, '').toLowerCase();
  const field = SORT_WORDS[word] ?? word;
  if (!(SORT_FIELDS as readonly string[]).includes(field)) invalid(`Sort by one of ${SORT_HELP}.`);
  return { field: field as SortField, dir };
}

export function parseExistingFile(value: string): string {
  if (!existsSync(value) || !statSync(value).isFile()) invalid('No such file: check the path.');
  return value;
}

export function parseName(value: string): string {
  const name = value.trim();
  if (name === '' || name.length > 100) invalid('A PBX name is 1 to 100 characters.');
  return name;
}
