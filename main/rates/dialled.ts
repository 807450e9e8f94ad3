import { decodeRoute } from '../cdr/outcome.js';

/** Route steps that send a call on to another number, which may be outside (docs/costs.md). */
const ONWARD = new Set(['CALLFORWARD', 'FOLLOWME', 'TRANSFER']);
/** Extensions are short; a number of this many digits or more is one a trunk carries out. */
const EXTERNAL_DIGITS = 7;

/**
 * The number a call that left by a trunk was priced for: the target of its route's last forward,
 * follow-me or transfer to an outside number (an inbound call forwarded to a mobile is billed for the
 * mobile, not for the extension it first rang), else the number dialled.
 */
export function ratedNumber(dst: string, route: string): string {
  if (route === '') return dst;
  let number = dst;
  for (const step of decodeRoute(route)) {
    if (ONWARD.has(step.kind) && step.target.replace(/\D/g, '').length >= EXTERNAL_DIGITS) number = step.target;
  }
  return number;
}
