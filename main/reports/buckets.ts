import { wallClockText } from '../cdr/time.js';
import type { ActivityBucket } from '../../preload/reports.js';

/**
 * Time buckets of the PBX wall clock. Calls carry `start_wall`: the wall clock in seconds read as if
 * it were UTC (main/store/migrations.ts), so every calendar computation here runs in UTC on it.
 */

const DAY = 86_400;
const HOUR = 3_600;

function pad(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

/** `2025-03-03` of a wall-clock second. */
export function dayLabel(wall: number): string {
  return wallClockText(wall).slice(0, 10);
}

/** ISO 8601 week of a day: the week (Monday first) holding that year's first Thursday is week 1. */
export function isoWeekLabel(wall: number): string {
  const day = Math.floor(wall / DAY);
  // 1970-01-01 was a Thursday: (day + 3) % 7 is 0 for Monday.
  const weekday = (day + 3) % 7;
  const thursday = day - weekday + 3;
  const year = new Date(thursday * DAY * 1000).getUTCFullYear();
  const firstThursday = Math.floor(Date.UTC(year, 0, 1) / 1000 / DAY);
  const jan1Weekday = (firstThursday + 3) % 7;
  const week1Thursday = firstThursday + ((3 - jan1Weekday + 7) % 7);
  return `${year}-W${pad(1 + Math.round((thursday - week1Thursday) / 7))}`;
}

/** The label of the bucket holding a wall-clock second. */
export function bucketLabel(by: ActivityBucket, wall: number): string {
  switch (by) {
    case 'hour':
      return wallClockText(wall).slice(0, 13);
    case 'day':
      return dayLabel(wall);
    case 'week':
      return isoWeekLabel(wall);
    case 'month':
      return dayLabel(wall).slice(0, 7);
  }
}

/** The first second of the bucket holding `wall`. */
export function bucketStart(by: ActivityBucket, wall: number): number {
  switch (by) {
    case 'hour':
      return Math.floor(wall / HOUR) * HOUR;
    case 'day':
      return Math.floor(wall / DAY) * DAY;
    case 'week': {
      const day = Math.floor(wall / DAY);
      return (day - ((day + 3) % 7)) * DAY;
    }
    case 'month': {
      const d = new Date(wall * 1000);
      return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1) / 1000;
    }
  }
}

/** The first second of the bucket after the one starting at `start`. */
export function nextBucket(by: ActivityBucket, start: number): number {
  switch (by) {
    case 'hour':
      return start + HOUR;
    case 'day':
      return start + DAY;
    case 'week':
      return start + 7 * DAY;
    case 'month': {
      const d = new Date(start * 1000);
      return Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1) / 1000;
    }
  }
}

/** Every bucket label from the one holding `first` to the one holding `last`, ascending. */
export function bucketRange(by: ActivityBucket, first: number, last: number): string[] {
  const labels: string[] = [];
  for (let start = bucketStart(by, first); start <= last; start = nextBucket(by, start)) labels.push(bucketLabel(by, start));
  return labels;
}

/** Weekday of a wall-clock second, 1 = Monday .. 7 = Sunday. */
export function isoWeekday(wall: number): number {
  return ((Math.floor(wall / DAY) + 3) % 7) + 1;
}
