/**
 * Business hours of a PBX, on its wall clock (shared by the alert rules and the window's PBX form, so
 * the form refuses exactly what the service would): `Mon-Fri 07:00-19:00`, several ranges separated by
 * commas (`Mon-Fri 08:00-12:00, Mon-Fri 13:00-17:30, Sat 09:00-12:00`), or `24/7`. Wall-clock seconds
 * are the store's `start_wall` (the wall clock read as if it were UTC), so weekdays and hours need no
 * zone here.
 */

const DAY_NAMES = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];
const DAY = 86_400;
/** A week back is always far enough to find the last closing time of any schedule with an open hour. */
const LOOK_BACK_DAYS = 8;

export interface BusinessHours {
  text: string;
  /** Per ISO weekday index 0 (Monday) .. 6: open ranges in seconds since midnight, [open, close). */
  ranges: [number, number][][];
}

/** Business hours that do not read: the message says what is wrong and how to write them. */
export class BusinessHoursError extends Error {
  constructor(text: string, why: string) {
    super(`Business hours "${text}": ${why}. Write them as "Mon-Fri 07:00-19:00" (more ranges separated by commas, e.g. "Mon-Fri 08:00-17:00, Sat 09:00-12:00"), or "24/7".`);
    this.name = 'BusinessHoursError';
  }
}

function bad(text: string, why: string): BusinessHoursError {
  return new BusinessHoursError(text, why);
}

function dayIndex(text: string, name: string): number {
  const i = DAY_NAMES.indexOf(name.slice(0, 3).toLowerCase());
  if (i < 0 || name.length < 3) throw bad(text, `"${name}" is not a weekday`);
  return i;
}

function minutes(text: string, clock: string): number {
  const m = /^(\d{1,2}):(\d{2})$/.exec(clock);
  if (!m) throw bad(text, `"${clock}" is not a time HH:MM`);
  const h = Number(m[1]);
  const min = Number(m[2]);
  if (h > 24 || min > 59 || (h === 24 && min > 0)) throw bad(text, `"${clock}" is not a time of day`);
  return (h * 60 + min) * 60;
}

/** Reads business hours; throws BusinessHoursError saying what is wrong. */
export function parseBusinessHours(text: string): BusinessHours {
  const trimmed = text.trim();
  const ranges: [number, number][][] = DAY_NAMES.map(() => []);
  if (trimmed === '24/7') {
    for (const day of ranges) day.push([0, DAY]);
    return { text: trimmed, ranges };
  }
  if (trimmed === '') throw bad(text, 'no hours given');
  for (const part of trimmed.split(',')) {
    const m = /^\s*([A-Za-z]+)(?:\s*-\s*([A-Za-z]+))?\s+(\d{1,2}:\d{2})\s*-\s*(\d{1,2}:\d{2})\s*$/.exec(part);
    if (!m) throw bad(text, `"${part.trim()}" is not "Days HH:MM-HH:MM"`);
    const first = dayIndex(text, m[1] as string);
    const last = m[2] === undefined ? first : dayIndex(text, m[2]);
    const open = minutes(text, m[3] as string);
    const close = minutes(text, m[4] as string);
    if (close <= open) throw bad(text, `${m[3]}-${m[4]} closes before it opens (a night shift is two ranges, e.g. "Mon-Fri 22:00-24:00, Tue-Sat 00:00-06:00")`);
    for (let d = first; ; d = (d + 1) % 7) {
      (ranges[d] as [number, number][]).push([open, close]);
      if (d === last) break;
    }
  }
  for (const day of ranges) day.sort((a, b) => a[0] - b[0]);
  return { text: trimmed, ranges };
}

/** ISO weekday index (0 = Monday) of a wall-clock second: 1970-01-01 was a Thursday. */
function weekday(wall: number): number {
  return (Math.floor(wall / DAY) + 3) % 7;
}

export function isOpen(hours: BusinessHours, wall: number): boolean {
  const second = ((wall % DAY) + DAY) % DAY;
  return (hours.ranges[weekday(wall)] as [number, number][]).some(([open, close]) => second >= open && second < close);
}

/**
 * The last closing moment at or before `wall` (wall-clock seconds), or null when the schedule has no
 * open hour in the week before: calls after one closing and before the next opening share it, so it
 * names "the night" or "the weekend" they belong to.
 */
export function lastClosing(hours: BusinessHours, wall: number): number | null {
  const today = Math.floor(wall / DAY) * DAY;
  for (let back = 0; back <= LOOK_BACK_DAYS; back++) {
    const dayStart = today - back * DAY;
    const closes = (hours.ranges[weekday(dayStart)] as [number, number][]).map(([, close]) => dayStart + close).filter((t) => t <= wall);
    if (closes.length > 0) return Math.max(...closes);
  }
  return null;
}
