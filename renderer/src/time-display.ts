import type { CallRow } from '../../preload/api.js';
import { formatWallClock } from './format.js';

/**
 * How the call list shows start times: on each PBX's own clock (as its web page does), or on this
 * computer's. On PBX clocks, a list holding calls of PBXs in different zones shows each time's UTC
 * offset beside it, so 22:56 (+01:00) and 19:39 (-05:00) read in their true order.
 */
export type TimeMode = 'pbx' | 'local';

export interface Clock {
  mode: TimeMode;
  /** Show the UTC offset beside each time (PBX clocks of several zones in the list). */
  offsets: boolean;
}

export const PBX_CLOCK: Clock = { mode: 'pbx', offsets: false };

const pad = (n: number): string => String(n).padStart(2, '0');

/** `+01:00`: how far a PBX wall-clock time is ahead of its instant. */
export function utcOffset(wall: string, utc: string): string {
  const minutes = Math.round((Date.parse(`${wall.slice(0, 19)}Z`) - Date.parse(utc)) / 60_000);
  if (!Number.isFinite(minutes)) return '';
  const sign = minutes < 0 ? '-' : '+';
  const abs = Math.abs(minutes);
  return `${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
}

/** An instant on this computer's clock, `YYYY-MM-DD HH:MM:SS`. */
export function formatLocal(utc: string): string {
  const d = new Date(utc);
  if (Number.isNaN(d.getTime())) return '';
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

/** The start time of a row as the clock shows it. */
export function formatStart(row: Pick<CallRow, 'start' | 'start_utc'>, clock: Clock): string {
  if (clock.mode === 'local') return formatLocal(row.start_utc) || formatWallClock(row.start);
  const wall = formatWallClock(row.start);
  return clock.offsets ? `${wall} ${utcOffset(row.start, row.start_utc)}` : wall;
}

/** Whether the rows come from PBXs in more than one time zone (`zones`: PBX name -> IANA zone). */
export function spansZones(rows: readonly Pick<CallRow, 'pbx'>[], zones: ReadonlyMap<string, string>): boolean {
  let first: string | null = null;
  const seen = new Set<string>();
  for (const row of rows) {
    if (seen.has(row.pbx)) continue;
    seen.add(row.pbx);
    const zone = zones.get(row.pbx);
    if (zone === undefined) continue;
    if (first === null) first = zone;
    else if (zone !== first) return true;
  }
  return false;
}
