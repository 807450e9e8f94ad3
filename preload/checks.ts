/**
 * Checks of values that cross the contract, made alike by main (schemas, services, the external-link
 * gate) and the renderer (forms, the web transport), so both sides always agree on what passes. No
 * electron or Node import: every process loads this file.
 */

/** Why a text is not an http(s) address: it does not parse, has another scheme, or names no host. */
export type HttpUrlProblem = 'not-a-url' | 'not-http' | 'no-host';

/**
 * THE http(s) address check (a PBX address, a link to open): null when the text is an http(s) URL
 * with a host. Parsed with `URL`, never matched as text, so scheme and host are the ones a browser
 * would use.
 */
export function httpUrlProblem(text: string): HttpUrlProblem | null {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return 'not-a-url';
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return 'not-http';
  return url.hostname === '' ? 'no-host' : null;
}

export function isHttpUrl(text: string): boolean {
  return httpUrlProblem(text) === null;
}

// Zones that passed: creating an Intl.DateTimeFormat costs microseconds, and the check runs for every
// call derived at ingest. Only valid names are kept, so the cache is bounded by the zone database.
const knownZones = new Set<string>();

/** THE time-zone check: a name this runtime's Intl knows (IANA names such as Europe/London, or UTC). */
export function isValidTimeZone(tz: string): boolean {
  if (typeof tz !== 'string' || tz.trim() === '') return false;
  if (knownZones.has(tz)) return true;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
  } catch {
    return false;
  }
  knownZones.add(tz);
  return true;
}

/**
 * A duration typed by a user, the same in the window's duration fields and the CLI's --min-talk and
 * friends: seconds (`90`), `m:ss` (`1:30`) or `h:mm:ss` (`0:01:30`). null for anything else, so the
 * caller can say which value was wrong.
 */
export function parseDurationInput(text: string): number | null {
  const trimmed = text.trim();
  if (/^\d{1,9}$/.test(trimmed)) return Number(trimmed);
  const match = /^(?:(\d{1,6}):)?(\d{1,2}):(\d{2})$/.exec(trimmed);
  if (!match) return null;
  const [, h, m, s] = match;
  if (Number(s) > 59 || (h !== undefined && Number(m) > 59)) return null;
  return Number(h ?? 0) * 3600 + Number(m) * 60 + Number(s);
}
