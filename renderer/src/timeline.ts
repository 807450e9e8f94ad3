/**
 * Lays a session's legs out on one time axis: where each leg starts, how long it rang or waited
 * (start to answer) and how long it talked (answer to end), as fractions of the whole session.
 */
import type { LegView } from '../../preload/api.js';

export interface TimelineLeg {
  leg: LegView;
  /** Position within the session, 0..1. */
  offset: number;
  wait: number;
  talk: number;
  waitSeconds: number;
  talkSeconds: number;
  /** Seconds from the session's first start. */
  startsAt: number;
}

export interface Timeline {
  legs: TimelineLeg[];
  /** Length of the axis in seconds (at least 1). */
  seconds: number;
}

function wallClockMs(value: string | null): number | null {
  if (!value) return null;
  const ms = Date.parse(`${value.replace(' ', 'T').replace(/Z$/, '')}Z`);
  return Number.isNaN(ms) ? null : ms;
}

/**
 * Instants of a leg in ms. Answer and end come as PBX wall clock only; they take the UTC offset of the
 * leg's own start (start_utc - start), so every leg sits on the same UTC axis.
 */
function legInstants(leg: LegView): { start: number | null; answer: number | null; end: number | null } {
  const start = wallClockMs(leg.start);
  const startUtc = leg.start_utc ? Date.parse(leg.start_utc) : NaN;
  const shift = start !== null && !Number.isNaN(startUtc) ? startUtc - start : 0;
  const at = (v: string | null) => {
    const ms = wallClockMs(v);
    return ms === null ? null : ms + shift;
  };
  return { start: start === null ? null : start + shift, answer: at(leg.answer), end: at(leg.end) };
}

export function buildTimeline(legs: LegView[]): Timeline {
  const instants = legs.map(legInstants);
  const starts = instants.map((i) => i.start).filter((v): v is number => v !== null);
  const first = starts.length > 0 ? Math.min(...starts) : 0;
  const lasts = instants.map((i) => i.end ?? i.answer ?? i.start).filter((v): v is number => v !== null);
  const last = lasts.length > 0 ? Math.max(...lasts) : first;
  const spanMs = Math.max(last - first, 1000);

  return {
    seconds: spanMs / 1000,
    legs: legs.map((leg, i) => {
      const { start, answer, end } = instants[i];
      if (start === null) return { leg, offset: 0, wait: 0, talk: 0, waitSeconds: 0, talkSeconds: 0, startsAt: 0 };
      const stop = Math.max(end ?? answer ?? start, start);
      const answered = answer !== null && answer >= start && answer <= stop ? answer : null;
      const waitEnd = answered ?? stop;
      return {
        leg,
        offset: (start - first) / spanMs,
        wait: (waitEnd - start) / spanMs,
        talk: answered !== null ? (stop - answered) / spanMs : 0,
        waitSeconds: (waitEnd - start) / 1000,
        talkSeconds: answered !== null ? (stop - answered) / 1000 : 0,
        startsAt: (start - first) / 1000,
      };
    }),
  };
}
