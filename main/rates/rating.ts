import { AppError } from '../errors.js';
import type { RateRow } from './sheet.js';

/**
 * The pricing math. Amounts are exact integers: rates and fees in units of 1e-8 of the currency (as the
 * sheet states them, up to 8 decimals), costs in units of 1e-4. No binary floating point touches a
 * fraction, so a cost is the same on every machine and sums of costs add up exactly.
 */

function checkSeconds(row: Pick<RateRow, 'minimum' | 'increment'>): void {
  if (!Number.isSafeInteger(row.increment) || row.increment < 1) {
    throw new AppError('BAD_INPUT', `A billing increment must be a whole number of seconds, at least 1 (got ${row.increment}).`);
  }
  if (!Number.isSafeInteger(row.minimum) || row.minimum < 0) {
    throw new AppError('BAD_INPUT', `A minimum must be a whole number of seconds, 0 or more (got ${row.minimum}).`);
  }
}

/**
 * billed seconds = max(minimum, ceil(billsec / increment) * increment).
 *
 * A call of 0 seconds is billed the minimum, as the formula says: which calls are billable at all
 * (answered ones) is the caller's decision, not this function's.
 */
export function billedSeconds(billsec: number, row: Pick<RateRow, 'minimum' | 'increment'>): number {
  checkSeconds(row);
  if (!Number.isFinite(billsec) || billsec < 0) {
    throw new AppError('BAD_INPUT', `A call's billed time must be 0 or more seconds (got ${billsec}).`);
  }
  // Integer steps instead of Math.ceil(billsec / increment), which a division could round the wrong way.
  const rest = billsec % row.increment;
  const steps = (billsec - rest) / row.increment + (rest > 0 ? 1 : 0);
  return Math.max(row.minimum, steps * row.increment);
}

/** 1e-4 units of cost = (connect_e8 * 60 + rate_e8 * billed) / (60 * 1e8 / 1e4). */
const COST_DIVISOR = 600_000;
const COST_DIVISOR_BIG = 600_000n;

function checkAmount(name: string, value: number): void {
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new AppError('BAD_INPUT', `A ${name} must be a whole number of 1e-8 units, 0 or more (got ${value}).`);
  }
}

/**
 * cost = connect + rate * billed / 60, rounded half up to 4 decimals, returned as an exact integer in
 * units of 1e-4 (ten-thousandths). Exact: integer arithmetic only, in plain numbers while every step
 * stays below 2^53 (the products of integers are then exact) and in BigInt beyond.
 */
export function costE4(billsec: number, row: Pick<RateRow, 'rate_e8' | 'connect_e8' | 'minimum' | 'increment'>): number {
  checkAmount('rate', row.rate_e8);
  checkAmount('connect fee', row.connect_e8);
  const billed = billedSeconds(billsec, row);
  const usage = row.rate_e8 * billed;
  const connect = row.connect_e8 * 60;
  const numerator = usage + connect + COST_DIVISOR / 2;
  if (Number.isSafeInteger(usage) && Number.isSafeInteger(connect) && Number.isSafeInteger(numerator)) {
    // % and the division of an exact multiple are exact on integers below 2^53.
    return (numerator - (numerator % COST_DIVISOR)) / COST_DIVISOR;
  }
  const big = BigInt(row.rate_e8) * BigInt(billed) + BigInt(row.connect_e8) * 60n + COST_DIVISOR_BIG / 2n;
  const cost = big / COST_DIVISOR_BIG;
  if (cost > BigInt(Number.MAX_SAFE_INTEGER)) {
    throw new AppError('BAD_INPUT', `A call's cost is too large to compute (rate ${formatE8(row.rate_e8)} for ${billed} seconds).`);
  }
  return Number(cost);
}

interface PrefixRows<R> {
  /** Effective wall clocks, ascending ('' first: effective since forever). */
  effective: string[];
  rows: R[];
}

/**
 * A plan's rows indexed for lookups: longest prefix of the E.164 number that has a row effective at the
 * call's start; among that prefix's rows the newest effective <= start (a row with effective '' is
 * effective since forever). Rows of one prefix with the same effective date (which a sheet refuses)
 * resolve to the last one given.
 *
 * A Map from prefix to its rows sorted by effective date, tried for the prefix lengths present in the
 * table only, longest first; a binary search picks the row by date. Wall clocks compare as text, since
 * the canonical `YYYY-MM-DDTHH:MM:SS` sorts in time order.
 */
export class RateTable<R extends Pick<RateRow, 'prefix' | 'effective'> = RateRow> {
  readonly #byPrefix = new Map<string, PrefixRows<R>>();
  /** Distinct prefix lengths, longest first. */
  readonly #lengths: number[];

  constructor(rows: readonly R[]) {
    const grouped = new Map<string, R[]>();
    for (const row of rows) {
      const list = grouped.get(row.prefix);
      if (list === undefined) grouped.set(row.prefix, [row]);
      else list.push(row);
    }
    const lengths = new Set<number>();
    for (const [prefix, list] of grouped) {
      // Array.prototype.sort is stable: equal dates keep the sheet's order, so the last one wins below.
      const sorted = [...list].sort((a, b) => (a.effective < b.effective ? -1 : a.effective > b.effective ? 1 : 0));
      this.#byPrefix.set(prefix, { effective: sorted.map((row) => row.effective), rows: sorted });
      lengths.add(prefix.length);
    }
    this.#lengths = [...lengths].sort((a, b) => b - a);
  }

  /** wallStart: PBX wall clock 'YYYY-MM-DDTHH:MM:SS' (a space instead of the T is read too). Null when no prefix matches. */
  lookup(e164: string, wallStart: string): R | null {
    const start = wallStart.length > 10 && wallStart.charCodeAt(10) === 32 ? `${wallStart.slice(0, 10)}T${wallStart.slice(11)}` : wallStart;
    for (const length of this.#lengths) {
      if (length > e164.length) continue;
      const entry = this.#byPrefix.get(e164.slice(0, length));
      if (entry === undefined) continue;
      // The last row whose effective date is <= start.
      const dates = entry.effective;
      let low = 0;
      let high = dates.length;
      while (low < high) {
        const mid = (low + high) >>> 1;
        if ((dates[mid] as string) <= start) low = mid + 1;
        else high = mid;
      }
      if (low > 0) return entry.rows[low - 1] as R;
    }
    return null;
  }
}

function splitUnits(value: number, unit: number, name: string): { sign: string; whole: number; fraction: number } {
  if (!Number.isSafeInteger(value)) throw new AppError('BAD_INPUT', `An amount in ${name} units must be a whole number (got ${value}).`);
  const magnitude = Math.abs(value);
  const fraction = magnitude % unit;
  return { sign: value < 0 ? '-' : '', whole: (magnitude - fraction) / unit, fraction };
}

/** Formats e4 units as a decimal string with 4 decimals: 12345 -> '1.2345', 5 -> '0.0005'. */
export function formatCostE4(e4: number): string {
  const { sign, whole, fraction } = splitUnits(e4, 10_000, '1e-4');
  return `${sign}${whole}.${String(fraction).padStart(4, '0')}`;
}

/** e8 units as a decimal string without trailing zeros: 1200000 -> '0.012', 100000000 -> '1'. */
export function formatE8(e8: number): string {
  const { sign, whole, fraction } = splitUnits(e8, 100_000_000, '1e-8');
  const decimals = String(fraction).padStart(8, '0').replace(/0+$/, '');
  return decimals === '' ? `${sign}${whole}` : `${sign}${whole}.${decimals}`;
}
