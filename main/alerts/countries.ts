/**
 * The country calling code at the start of an E.164 number (ITU-T E.164, "List of ITU-T
 * Recommendation E.164 assigned country codes"): 1 (the North American Numbering Plan) and 7 are one
 * digit; the two-digit codes are listed below; every other code has three digits. Good enough to tell
 * one destination country from another, which is all the alert rules need.
 */
const TWO_DIGIT = new Set([
  '20', '27', '30', '31', '32', '33', '34', '36', '39', '40', '41', '43', '44', '45', '46', '47', '48', '49',
  '51', '52', '53', '54', '55', '56', '57', '58', '60', '61', '62', '63', '64', '65', '66', '81', '82', '84',
  '86', '90', '91', '92', '93', '94', '95', '98',
]);

/** `442079460000` -> `44`, `12125550100` -> `1`, `3725551234` -> `372`; '' for a number too short to tell. */
export function countryCode(e164: string): string {
  if (e164.length < 4) return '';
  const first = e164[0] as string;
  if (first === '1' || first === '7') return first;
  if (first === '0') return '';
  const two = e164.slice(0, 2);
  return TWO_DIGIT.has(two) ? two : e164.slice(0, 3);
}
