import { SORT_FIELDS, type CallSort, type SortField } from '../../preload/api.js';
import { AppError } from '../errors.js';

/**
 * Keyset position: the last row's sort key, start instant and id. Rows are ordered by
 * (key, start_utc, id) in the sort direction (for the start sort the key is start_utc itself), so the
 * next page is "everything after this triple": no OFFSET, no gaps or repeats under ties.
 */
export interface KeysetPosition {
  key: string | number;
  startUtc: number;
  id: number;
}

/** Sort fields whose key is a number; all others are text. */
const NUMERIC_KEYS: ReadonlySet<SortField> = new Set(['start', 'duration', 'billsec', 'disposition', 'direction', 'cost']);

function badCursor(why: string): AppError {
  return new AppError('BAD_INPUT', `Invalid page cursor: ${why}. Request the first page again (no cursor).`);
}

export function validateSort(sort: unknown): CallSort {
  if (sort === undefined || sort === null) return { field: 'start', dir: 'desc' };
  if (typeof sort !== 'object' || Array.isArray(sort)) {
    throw new AppError('BAD_INPUT', `A sort must be an object {field, dir}, got ${JSON.stringify(sort)}.`);
  }
  const { field, dir } = sort as { field?: unknown; dir?: unknown };
  if (typeof field !== 'string' || !(SORT_FIELDS as readonly string[]).includes(field)) {
    throw new AppError('BAD_INPUT', `Unknown sort field ${JSON.stringify(field)}: use one of ${SORT_FIELDS.join(', ')}.`, {
      field,
    });
  }
  if (dir === undefined) return { field: field as SortField, dir: field === 'start' ? 'desc' : 'asc' };
  if (dir !== 'asc' && dir !== 'desc') {
    throw new AppError('BAD_INPUT', `Unknown sort direction ${JSON.stringify(dir)}: use asc or desc.`, { dir });
  }
  return { field: field as SortField, dir };
}

export function encodeCursor(sort: CallSort, position: KeysetPosition): string {
  return Buffer.from(JSON.stringify([sort.field, sort.dir, position.key, position.startUtc, position.id])).toString(
    'base64url',
  );
}

export function decodeCursor(cursor: unknown, sort: CallSort): KeysetPosition {
  if (typeof cursor !== 'string' || cursor === '' || !/^[A-Za-z0-9_-]+$/.test(cursor)) {
    throw badCursor('it is not a cursor returned by a previous page');
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw badCursor('it is not a cursor returned by a previous page');
  }
  if (!Array.isArray(parsed) || parsed.length !== 5) throw badCursor('it is not a cursor returned by a previous page');
  const [field, dir, key, startUtc, id] = parsed as unknown[];
  if (field !== sort.field || dir !== sort.dir) {
    throw badCursor(`it belongs to the sort ${String(field)} ${String(dir)}, not ${sort.field} ${sort.dir}`);
  }
  const keyOk = NUMERIC_KEYS.has(sort.field) ? Number.isSafeInteger(key) : typeof key === 'string';
  if (!keyOk || !Number.isSafeInteger(startUtc) || !Number.isSafeInteger(id) || (id as number) < 1) {
    throw badCursor('its position is damaged');
  }
  return { key: key as string | number, startUtc: startUtc as number, id: id as number };
}
