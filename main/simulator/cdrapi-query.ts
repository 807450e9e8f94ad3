import { compileNumberPattern, type NumberPattern } from '../cdr/patterns.js';
import type { CdrCall } from '../cdr/types.js';
import { parseCdrapiTime } from './cdrapi-time.js';
import type { CdrFormat } from './serialize.js';

/** A valid cdrapi request: what to return and in which format. */
export interface CdrQuery {
  numRecords: number;
  offset: number;
  caller?: NumberPattern;
  callee?: NumberPattern;
  answeredby?: NumberPattern;
  startMs?: number;
  endMs?: number;
  minDur?: number;
  maxDur?: number;
}

/**
 * Parsing never fails loudly, as on the device: a bad request has `query` null and is answered with
 * the bare header/container of `format` (CSV when the format itself is bad).
 */
export interface ParsedCdrRequest {
  format: CdrFormat;
  query: CdrQuery | null;
}

export const MAX_RECORDS = 1000;

const PARAMETERS = ['format', 'numrecords', 'offset', 'caller', 'callee', 'answeredby', 'starttime', 'endtime', 'mindur', 'maxdur'];
// Only caller and callee may repeat; their values are joined into one list.
const REPEATABLE = new Set(['caller', 'callee']);
const PATTERN_CHARS = /^[A-Za-z0-9@_,.*#+-]+$/;
const DIGITS = /^\d+$/;

function formatOf(value: string | undefined): CdrFormat | null {
  if (value === undefined) return 'csv';
  const lower = value.toLowerCase();
  return lower === 'json' || lower === 'xml' || lower === 'csv' ? lower : null;
}

function pattern(value: string | undefined): NumberPattern | undefined | null {
  if (value === undefined) return undefined;
  if (!PATTERN_CHARS.test(value)) return null;
  try {
    return compileNumberPattern(value);
  } catch {
    return null;
  }
}

function count(value: string | undefined): number | undefined | null {
  if (value === undefined) return undefined;
  return DIGITS.test(value) ? Number(value) : null;
}

/**
 * Reads cdrapi parameters (names matched without regard to case, values already URL-decoded) under
 * the guide's rules. `malformed` marks a query string the device rejects as a whole (one ending
 * with '&', or with an empty name).
 */
export function parseCdrRequest(
  entries: readonly (readonly [string, string])[],
  context: { tz: string; nowMs: number; malformed?: boolean },
): ParsedCdrRequest {
  const values = new Map<string, string>();
  let valid = !context.malformed;
  for (const [rawName, value] of entries) {
    const name = rawName.toLowerCase();
    if (!PARAMETERS.includes(name)) {
      valid = false;
      continue;
    }
    const previous = values.get(name);
    if (previous !== undefined) {
      if (!REPEATABLE.has(name)) valid = false;
      values.set(name, `${previous},${value}`);
    } else {
      values.set(name, value);
    }
  }
  const format = formatOf(values.get('format'));
  if (format === null) return { format: 'csv', query: null };
  for (const [name, value] of values) {
    // An empty time bound means "no bound"; any other empty value spoils the request.
    if (value === '' && name !== 'starttime' && name !== 'endtime') valid = false;
  }
  if (!valid) return { format, query: null };

  const numRecords = count(values.get('numrecords'));
  const offset = count(values.get('offset'));
  const minDur = count(values.get('mindur'));
  const maxDur = count(values.get('maxdur'));
  const caller = pattern(values.get('caller'));
  const callee = pattern(values.get('callee'));
  const answeredby = pattern(values.get('answeredby'));
  const times: (number | undefined | null)[] = ['starttime', 'endtime'].map((name) => {
    const value = values.get(name);
    if (value === undefined || value === '') return undefined;
    return parseCdrapiTime(value, context.tz, context.nowMs);
  });
  const [startMs, endMs] = times;
  if ([numRecords, offset, minDur, maxDur, caller, callee, answeredby, startMs, endMs].includes(null)) {
    return { format, query: null };
  }
  return {
    format,
    query: {
      numRecords: Math.min(numRecords ?? MAX_RECORDS, MAX_RECORDS),
      offset: offset ?? 0,
      caller: caller ?? undefined,
      callee: callee ?? undefined,
      answeredby: answeredby ?? undefined,
      startMs: startMs ?? undefined,
      endMs: endMs ?? undefined,
      minDur: minDur ?? undefined,
      maxDur: maxDur ?? undefined,
    },
  };
}

/**
 * Whether a call matches every given filter. Caller, callee, start and talk time are read from the
 * summary record (the one the UCM's CDR page lists); "answered by" from any record, because the
 * summary record of a multi-record call leaves it empty.
 */
export function callMatches(call: CdrCall, startMs: number, q: CdrQuery): boolean {
  if (q.startMs !== undefined && startMs < q.startMs) return false;
  if (q.endMs !== undefined && startMs > q.endMs) return false;
  const main = call.main;
  if (q.minDur !== undefined || q.maxDur !== undefined) {
    const billsec = Number(main.billsec);
    if (q.minDur !== undefined && billsec < q.minDur) return false;
    if (q.maxDur !== undefined && billsec > q.maxDur) return false;
  }
  if (q.caller && !q.caller.test(main.src ?? '')) return false;
  if (q.callee && !q.callee.test(main.dst ?? '')) return false;
  if (q.answeredby) {
    const answeredBy = q.answeredby;
    if (!answeredBy.test(main.dstanswer ?? '') && !call.legs.some((leg) => answeredBy.test(leg.dstanswer ?? ''))) return false;
  }
  return true;
}
