import { AppError } from '../errors.js';

/**
 * How numbers are dialled at the PBX's site, to turn a dialled number into E.164 digits (country code
 * first, no '+') that rate sheet prefixes can match. Each value is '' (not used) or digits.
 */
export interface DialPlan {
  /** The site's country code: 44 in the UK, 1 in North America. */
  country_code: string;
  /** What starts a national number dialled without the country code: 0 in the UK, 1 in North America. */
  national_prefix: string;
  /** What starts an international number: 00 in most of the world, 011 in North America. */
  international_prefix: string;
}

/** No rewriting: numbers are taken as dialled (digits only, a leading '+' dropped). */
export const NO_DIAL_PLAN: DialPlan = Object.freeze({ country_code: '', national_prefix: '', international_prefix: '' });

/**
 * Characters people and phones put between digits for readability; they carry no meaning and are dropped.
 * Anything else (letters, '*', '#', ',' pauses, '@' of a SIP address...) is not a plain number.
 */
const SEPARATORS = /[\s\-()./]/g;
const PLAIN_NUMBER = /^\+?\d+$/;

/** A number without the separators people write between its digits: `+49 (30) 123-456` -> `+4930123456`. */
export function compactNumber(text: string): string {
  return text.replace(SEPARATORS, '');
}

/**
 * The ways a PBX with this dial plan may have written E.164 number `e164` (digits, country code first)
 * in its CDRs: `+<e164>`, `<international prefix><e164>`, the national form `<national prefix><rest>`
 * when the number is in the site's own country, and the digits as they are. normalizeNumber turns each
 * back into `e164`. Empty without a country code: without one the plan cannot tell a national number.
 */
export function dialledForms(e164: string, plan: DialPlan): string[] {
  const { international_prefix: international, national_prefix: national, country_code: country } = plan;
  if (country === '' || !/^\d+$/.test(e164)) return [];
  const forms = [`+${e164}`, e164];
  if (international !== '') forms.push(international + e164);
  if (national !== '' && e164.startsWith(country) && e164.length > country.length) forms.push(national + e164.slice(country.length));
  return forms.filter((form) => normalizeNumber(form, plan) === e164);
}

/**
 * Dialled number -> E.164 digits. Rule: keep digits (and a leading '+'); a leading '+' is dropped;
 * else a leading international prefix is dropped; else a leading national prefix is replaced by the
 * country code; else the number stays as dialled (digits only). Empty prefixes never match. Returns ''
 * when no digit.
 *
 * A dialled value holding letters, '*' or '#' (feature codes like *97 or *72 0123, SIP addresses,
 * DTMF strings with pauses) also returns '': such a call does not go out to a carrier as that number, and
 * keeping only its digits would make `*44` look like a call to the UK. '' matches no rate prefix, so
 * these calls are never priced. With a country code left empty, a national prefix is replaced by ''
 * (dropped), as the rule says.
 */
export function normalizeNumber(dialled: string, plan: DialPlan): string {
  const compact = compactNumber(dialled);
  if (!PLAIN_NUMBER.test(compact)) return '';
  if (compact.charCodeAt(0) === 43 /* + */) return compact.slice(1);
  const { international_prefix: international, national_prefix: national, country_code: country } = plan;
  if (international !== '' && compact.startsWith(international)) return compact.slice(international.length);
  if (national !== '' && compact.startsWith(national)) return country + compact.slice(national.length);
  return compact;
}

const FIELDS: Record<keyof DialPlan, { label: string; maxDigits: number; example: string }> = {
  country_code: { label: 'country code', maxDigits: 3, example: '44 for the UK, 1 for North America' },
  national_prefix: { label: 'national prefix', maxDigits: 6, example: '0 in the UK, 1 in North America' },
  international_prefix: { label: 'international prefix', maxDigits: 6, example: '00 in most countries, 011 in North America' },
};

/**
 * Checks the dial plan values given (absent ones are not checked): each '' or 1-6 digits, the country
 * code 1-3 digits not starting with 0 (no E.164 country code does). Throws AppError('BAD_INPUT') naming
 * the field, the value and what is expected.
 */
export function checkDialPlan(plan: Partial<DialPlan>): void {
  for (const field of Object.keys(FIELDS) as (keyof DialPlan)[]) {
    const value: unknown = plan[field];
    if (value === undefined || value === '') continue;
    const { label, maxDigits, example } = FIELDS[field];
    const expected = `write 1 to ${maxDigits} digits (${example}), or leave it empty`;
    if (typeof value !== 'string') {
      throw new AppError('BAD_INPUT', `The ${label} must be text of digits, not ${JSON.stringify(value)}: ${expected}.`, { field, value });
    }
    if (!/^\d+$/.test(value) || value.length > maxDigits) {
      throw new AppError('BAD_INPUT', `The ${label} "${value}" is not valid: ${expected}.`, { field, value });
    }
    if (field === 'country_code' && value.startsWith('0')) {
      throw new AppError('BAD_INPUT', `The country code "${value}" is not valid: country codes never start with 0; ${expected}.`, {
        field,
        value,
      });
    }
  }
}
