import { parseDuration, parsePbxDateTime, type DateOrder } from '../cdr/time.js';
import { recordTemplate } from '../cdr/record-shape.js';
import type { CdrRecord } from '../cdr/types.js';
import { DROPPED_COLUMN } from './header-map.js';

/**
 * Turns one CSV row into a record in cdrapi shape: dates as `YYYY-MM-DD HH:MM:SS` (PBX wall clock),
 * durations in seconds, dispositions in the cdrapi spelling; every other value exactly as written,
 * unknown columns under their header text.
 */

const enum Kind {
  Plain,
  Date,
  Duration,
  Disposition,
  Marker,
  Unnamed,
  Dropped,
}

const DATE_FIELDS = new Set(['start', 'answer', 'end']);
const DURATION_FIELDS = new Set(['duration', 'billsec']);

const CDRAPI_DISPOSITIONS = new Set(['ANSWERED', 'NO ANSWER', 'BUSY', 'FAILED', 'CONGESTION']);
const DISPOSITIONS: ReadonlyMap<string, string> = new Map([
  ['answered', 'ANSWERED'],
  ['noanswer', 'NO ANSWER'],
  ['busy', 'BUSY'],
  ['failed', 'FAILED'],
  ['congestion', 'CONGESTION'],
]);

const SPACE = 32;
const DASH = 45;

/** Digits without a leading zero: already seconds as cdrapi writes them. */
function isPlainSeconds(value: string): boolean {
  const length = value.length;
  if (length === 0 || (length > 1 && value.charCodeAt(0) === 48)) return false;
  for (let i = 0; i < length; i++) {
    const c = value.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return true;
}

export interface RowShape {
  keys: (string | null)[];
  /** Header text per column, for messages. */
  headers: string[];
  order: DateOrder;
}

export interface NormalizedRow {
  record: CdrRecord;
  /** The `cdr` column's value (main_cdr, sub_cdr_N, or '') when the file has one. */
  marker: string;
  /** How the row shows that a spreadsheet rewrote it (a time without seconds), or null. */
  damage: string | null;
}

/**
 * What a spreadsheet writes for a long number it took as a number: `7.80160E+09`. The digits are gone,
 * so the value can never be trusted; the PBX never writes numbers this way.
 */
const SCIENTIFIC = /^[+-]?\d(?:[.,]\d+)?E[+-]?\d+$/i;
/** A date-time whose time has hours and minutes but no seconds (`3/3/2025 08:07`); the PBX always writes seconds. */
const NO_SECONDS = /(?<![:\d])\d{1,2}:\d{2}(?!:\d)(?:\s*[AaPp]\.?[Mm]\.?)?\s*$/;

/** The refusal of a row holding a number a spreadsheet turned into scientific notation. */
export function scientificNotationReason(header: string, value: string): string {
  return (
    `${header}: "${value}" is a number in scientific notation: the file was altered by a spreadsheet program, ` +
    'which lost digits of the number. Import the original file instead: download it again from the PBX (CDR page, ' +
    'Download Search Result(s)), or open it in the spreadsheet with this column formatted as text.'
  );
}

/** A compiled row shape: per-column work decided once per file, not per row. */
export class RowNormalizer {
  private readonly kinds: Kind[];
  private readonly keys: (string | null)[];
  private readonly headers: string[];
  private readonly order: DateOrder;
  private readonly columns: number;
  /** Every named column in column order: each row's record is a copy (see record-shape.ts). */
  private readonly template: CdrRecord;
  private readonly unnamed: number[];

  constructor(shape: RowShape) {
    this.keys = shape.keys;
    this.headers = shape.headers;
    this.order = shape.order;
    this.columns = shape.keys.length;
    this.kinds = shape.keys.map((key) => {
      if (key === null) return Kind.Unnamed;
      if (key === DROPPED_COLUMN) return Kind.Dropped;
      if (key === 'cdr') return Kind.Marker;
      if (DATE_FIELDS.has(key)) return Kind.Date;
      if (DURATION_FIELDS.has(key)) return Kind.Duration;
      if (key === 'disposition') return Kind.Disposition;
      return Kind.Plain;
    });
    const named = shape.keys.filter((key, i) => key !== null && this.kinds[i] !== Kind.Marker && this.kinds[i] !== Kind.Dropped) as string[];
    this.unnamed = this.kinds.flatMap((kind, i) => (kind === Kind.Unnamed ? [i] : []));
    this.template = recordTemplate(named);
  }

  /** The normalized row, or the reason it cannot be imported. */
  normalize(fields: string[]): NormalizedRow | string {
    let count = fields.length;
    // A separator after the last column (common in spreadsheet saves) adds one empty field.
    if (count === this.columns + 1 && fields[count - 1] === '') count--;
    if (count !== this.columns) {
      return `the row has ${count} columns where the header has ${this.columns}`;
    }
    // An unnamed column with a value takes its place among the named ones, so that row is built key by key.
    const record: CdrRecord = this.hasUnnamedValue(fields) ? {} : { ...this.template };
    let marker = '';
    let damage: string | null = null;
    for (let i = 0; i < count; i++) {
      const value = fields[i] as string;
      const key = this.keys[i] as string;
      switch (this.kinds[i]) {
        case Kind.Plain:
          if (SCIENTIFIC.test(value)) return scientificNotationReason(this.headers[i] as string, value);
          record[key] = value;
          break;
        case Kind.Date: {
          if (damage === null && NO_SECONDS.test(value)) damage = `${this.headers[i]} "${value}" has no seconds`;
          const date = this.date(value, i);
          if (date.error !== undefined) return date.error;
          record[key] = date.value;
          break;
        }
        case Kind.Duration: {
          const seconds = this.duration(value, i);
          if (seconds.error !== undefined) return seconds.error;
          record[key] = seconds.value;
          break;
        }
        case Kind.Disposition:
          record[key] = CDRAPI_DISPOSITIONS.has(value) ? value : (DISPOSITIONS.get(value.toLowerCase().replace(/[^a-z]/g, '')) ?? value);
          break;
        case Kind.Marker:
          marker = value.trim();
          break;
        case Kind.Dropped:
          break;
        case Kind.Unnamed:
          if (SCIENTIFIC.test(value)) return scientificNotationReason(this.headers[i] as string, value);
          if (value !== '') record[`column ${i + 1}`] = value;
          break;
      }
    }
    if (!record.start) return 'the row has no start time';
    return { record, marker, damage };
  }

  private hasUnnamedValue(fields: string[]): boolean {
    for (const i of this.unnamed) if (fields[i] !== '') return true;
    return false;
  }

  private date(value: string, column: number): { value: string; error?: undefined } | { error: string } {
    try {
      const local = parsePbxDateTime(value, this.order);
      if (local === null) return { value: '' };
      // Already in cdrapi form (the common case): keep the string rather than build an equal one.
      if (value.length === 19 && value.charCodeAt(4) === DASH && value.charCodeAt(7) === DASH && value.charCodeAt(10) === SPACE) {
        return { value };
      }
      return { value: `${local.slice(0, 10)} ${local.slice(11)}` };
    } catch (error) {
      return { error: `${this.headers[column]}: ${error instanceof Error ? error.message : String(error)}` };
    }
  }

  private duration(value: string, column: number): { value: string; error?: undefined } | { error: string } {
    if (isPlainSeconds(value)) return { value };
    const trimmed = value.trim();
    if (trimmed === '') return { value: '' };
    if (trimmed.startsWith('-')) return { error: `${this.headers[column]}: negative duration "${value}"` };
    try {
      return { value: String(parseDuration(trimmed)) };
    } catch (error) {
      return { error: `${this.headers[column]}: ${error instanceof Error ? error.message : String(error)}` };
    }
  }
}
