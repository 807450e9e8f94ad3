import { compileNumberPattern } from '../cdr/patterns.js';
import { readWallClockBound } from '../cdr/time.js';
import { AppError } from '../errors.js';

/**
 * One cdrapi query. The PBX answers any bad parameter with an empty result and no error, so every
 * value is checked here, before it is sent, with a message naming it.
 */
export interface CdrQuery {
  /** 0..1000 (the PBX's maximum); default 1000. */
  numRecords?: number;
  /** Matching records to skip; default 0. */
  offset?: number;
  /** PBX wall clock, inclusive: `YYYY-MM-DD`, `YYYY-MM-DDTHH:MM[:SS]` (a space works instead of T). */
  startTime?: string;
  endTime?: string;
  /** Number patterns in either language (cdrapi `5300,5302-5304,_4@` or UCM page `3XXX`, `3.`). */
  caller?: string;
  callee?: string;
  answeredby?: string;
  /** Talk time (billsec) bounds, seconds. */
  minDur?: number;
  maxDur?: number;
}

export const MAX_RECORDS_PER_PAGE = 1000;

function bad(name: string, value: unknown, rule: string): AppError {
  return new AppError('BAD_INPUT', `Invalid cdrapi ${name} ${JSON.stringify(value)}: ${rule}.`, { [name]: value });
}

function integer(name: string, value: number | undefined, min: number, max: number): string | undefined {
  if (value === undefined) return undefined;
  if (!Number.isSafeInteger(value) || value < min || value > max) {
    throw bad(name, value, `use a whole number from ${min} to ${max === Number.MAX_SAFE_INTEGER ? 'up' : max}`);
  }
  return String(value);
}

/** Normalizes a wall-clock time to `YYYY-MM-DDTHH:MM:SS` with the literal T that devices require. */
export function cdrapiTime(name: string, value: string): string {
  const read = readWallClockBound(value, { space: true });
  if ('problem' in read) {
    throw bad(name, value, read.problem === 'form' ? 'write it as YYYY-MM-DD or YYYY-MM-DDTHH:MM:SS' : 'that date or time does not exist');
  }
  return read.local;
}

/**
 * A number pattern in the cdrapi's own syntax: checked with the one matcher, then UCM-page items
 * (`3XXX`, `3.`) rewritten into cdrapi wildcards (`3___`, `3@`), which the device understands.
 */
function cdrapiPattern(name: string, value: string): string {
  compileNumberPattern(value);
  const items = value
    .trim()
    .split(',')
    .map((raw) => {
      const item = raw.trim();
      const page = /^([0-9*#+]*)([Xx]+|\.)$/.exec(item);
      if (!page) return item;
      const [, prefix = '', tail = ''] = page;
      return tail === '.' ? `${prefix}@` : prefix + '_'.repeat(tail.length);
    });
  const text = items.join(',');
  if (!/^[A-Za-z0-9*#+@_\-,]+$/.test(text)) {
    throw bad(name, value, 'only digits, letters, * # + and the wildcards @ _ with - for ranges and , between items are allowed');
  }
  return text;
}

/** The validated parameters, in the order they are sent; `format=json` first. */
export function cdrQueryParams(query: CdrQuery): [string, string][] {
  const params: [string, string][] = [['format', 'json']];
  const add = (name: string, value: string | undefined): void => {
    if (value !== undefined) params.push([name, value]);
  };
  add('numRecords', integer('numRecords', query.numRecords ?? MAX_RECORDS_PER_PAGE, 0, MAX_RECORDS_PER_PAGE));
  add('offset', integer('offset', query.offset ?? 0, 0, Number.MAX_SAFE_INTEGER));
  const start = query.startTime === undefined ? undefined : cdrapiTime('startTime', query.startTime);
  const end = query.endTime === undefined ? undefined : cdrapiTime('endTime', query.endTime);
  if (start && end && start > end) throw bad('endTime', query.endTime, `it is before startTime ${start}`);
  add('startTime', start);
  add('endTime', end);
  for (const name of ['caller', 'callee', 'answeredby'] as const) {
    const value = query[name];
    if (value !== undefined) add(name, cdrapiPattern(name, value));
  }
  const minDur = integer('minDur', query.minDur, 0, Number.MAX_SAFE_INTEGER);
  const maxDur = integer('maxDur', query.maxDur, 0, Number.MAX_SAFE_INTEGER);
  if (minDur !== undefined && maxDur !== undefined && Number(minDur) > Number(maxDur)) {
    throw bad('maxDur', query.maxDur, `it is below minDur ${minDur}`);
  }
  add('minDur', minDur);
  add('maxDur', maxDur);
  return params;
}

/** Percent-encodes a query value, leaving the characters the guide shows unencoded (`,` `@` `:`). */
export function encodeQueryValue(value: string): string {
  return encodeURIComponent(value).replace(/%2C/g, ',').replace(/%40/g, '@').replace(/%3A/g, ':');
}

export function queryString(params: [string, string][]): string {
  return params.map(([name, value]) => `${name}=${encodeQueryValue(value)}`).join('&');
}
