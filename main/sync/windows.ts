/**
 * The time windows a sync walks. Offsets are only stable while the set of matching records does not
 * change in front of them, so history is read month by month (a finished month no longer changes) and
 * only the last window, open-ended, sees the calls the PBX is still writing.
 *
 * Times are PBX wall clock `YYYY-MM-DDTHH:MM:SS`; null is an open bound. Windows are contiguous with
 * inclusive bounds (`..T23:59:59` then `..T00:00:00`), so no second falls between two of them, however
 * the PBX interprets the times.
 */
export interface SyncWindow {
  start: string | null;
  end: string | null;
}

/** How open bounds are written in the stored sync position, which holds wall-clock times only. */
export const OPEN_START = '0000-01-01T00:00:00';
export const OPEN_END = '9999-12-31T23:59:59';

export function windowFromStored(start: string, end: string): SyncWindow {
  return { start: start === OPEN_START ? null : start, end: end === OPEN_END ? null : end };
}

const WALL_CLOCK = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$/;

/** Wall-clock arithmetic on the naive time (no zone: the PBX's clock is what counts). */
function shift(wall: string, ms: number): string {
  return new Date(Date.parse(`${wall}Z`) + ms).toISOString().slice(0, 19);
}

function firstOfNextMonth(wall: string): string {
  const year = Number(wall.slice(0, 4));
  const month = Number(wall.slice(5, 7));
  return month === 12 ? `${year + 1}-01-01T00:00:00` : `${year}-${String(month + 1).padStart(2, '0')}-01T00:00:00`;
}

export function minusSeconds(wall: string, seconds: number): string {
  return shift(wall, -seconds * 1000);
}

/**
 * Windows from `start` (null = the beginning of time) through the open end. `anchor` is a time inside
 * the first window (the oldest record, or `start` itself) from which month boundaries are counted;
 * `now` (PBX wall clock) is where bounded windows stop.
 */
export function planWindows(start: string | null, anchor: string, now: string): SyncWindow[] {
  const windows: SyncWindow[] = [];
  let from = start;
  let boundary = firstOfNextMonth(anchor);
  // Bounded by the months between anchor and now; a clock far in the past yields a single window.
  while (boundary <= now) {
    windows.push({ start: from, end: minusSeconds(boundary, 1) });
    from = boundary;
    boundary = firstOfNextMonth(boundary);
  }
  windows.push({ start: from, end: null });
  return windows;
}

/** Windows to finish an interrupted sync: the saved window, then on to the open end. */
export function resumeWindows(saved: SyncWindow, now: string): SyncWindow[] {
  if (saved.end === null) return [saved];
  const next = shift(saved.end, 1000);
  return [saved, ...planWindows(next, next, now)];
}

/** `YYYY-MM-DDTHH:MM:SS` of a record's `start` (`YYYY-MM-DD HH:MM:SS`), or null for other forms. */
export function recordStart(text: string | undefined): string | null {
  if (!text || text.length < 19) return null;
  const wall = `${text.slice(0, 10)}T${text.slice(11, 19)}`;
  return WALL_CLOCK.test(wall) ? wall : null;
}
