import { describe, expect, it } from 'vitest';
import { AppError } from '../../main/errors.js';
import { billedSeconds, costE4, formatCostE4, formatE8, RateTable } from '../../main/rates/rating.js';
import type { RateRow } from '../../main/rates/sheet.js';

/** A sheet row with the defaults of a sheet (no connect fee, no minimum, per-second billing). */
function row(fields: Partial<RateRow>): RateRow {
  return { line: 2, prefix: '44', destination: '', rate_e8: 0, connect_e8: 0, minimum: 0, increment: 1, effective: '', ...fields };
}

/** Mulberry32: a small seeded PRNG, so the property test is the same on every run. */
function prng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * The cost as a rational number in BigInt, written apart from the implementation: billed seconds are the
 * smallest multiple of the increment that is >= billsec, at least the minimum; the cost in currency units
 * is connect/1e8 + (rate/1e8) * billed/60 = num/den; rounding half up to 4 decimals is
 * floor(value * 1e4 + 1/2) = floor((2 * num * 1e4 + den) / (2 * den)).
 */
function referenceCostE4(billsec: number, r: Pick<RateRow, 'rate_e8' | 'connect_e8' | 'minimum' | 'increment'>): bigint {
  const increment = BigInt(r.increment);
  let billed = ((BigInt(billsec) + increment - 1n) / increment) * increment;
  if (billed < BigInt(r.minimum)) billed = BigInt(r.minimum);
  const num = BigInt(r.connect_e8) * 60n + BigInt(r.rate_e8) * billed;
  const den = 60n * 100_000_000n;
  return (2n * num * 10_000n + den) / (2n * den);
}

describe('billedSeconds', () => {
  it('rounds the talk time up to the increment', () => {
    expect(billedSeconds(61, row({ increment: 60 }))).toBe(120);
    expect(billedSeconds(60, row({ increment: 60 }))).toBe(60);
    expect(billedSeconds(7, row({ increment: 6 }))).toBe(12);
    expect(billedSeconds(12, row({ increment: 6 }))).toBe(12);
  });

  it('bills per second with increment 1', () => {
    expect(billedSeconds(37, row({ increment: 1 }))).toBe(37);
  });

  it('bills at least the minimum', () => {
    expect(billedSeconds(7, row({ minimum: 30, increment: 6 }))).toBe(30);
    expect(billedSeconds(31, row({ minimum: 30, increment: 6 }))).toBe(36);
    expect(billedSeconds(1, row({ minimum: 60, increment: 60 }))).toBe(60);
  });

  it('bills a 0-second call the minimum, as the formula says (which calls are billable is the caller’s decision)', () => {
    expect(billedSeconds(0, row({ minimum: 30, increment: 6 }))).toBe(30);
    expect(billedSeconds(0, row({ increment: 60 }))).toBe(0);
  });

  it('rounds a fractional talk time up', () => {
    expect(billedSeconds(12.5, row({ increment: 6 }))).toBe(18);
  });

  it('refuses an increment below 1 and a negative talk time', () => {
    expect(() => billedSeconds(10, row({ increment: 0 }))).toThrow(AppError);
    expect(() => billedSeconds(10, row({ minimum: -1 }))).toThrow(AppError);
    expect(() => billedSeconds(-1, row({}))).toThrow(AppError);
    expect(() => billedSeconds(Number.NaN, row({}))).toThrow(AppError);
  });
});

describe('costE4', () => {
  it.each([
    // [what, billsec, row, expected in 1e-4 units (worked out by hand)]
    ['a minute at 0.012', 60, { rate_e8: 1_200_000 }, 120],
    ['61 s at 0.012 in 60-second steps: 2 minutes', 61, { rate_e8: 1_200_000, increment: 60 }, 240],
    ['10 s at 0.013 per second: 0.0021666... -> 0.0022', 10, { rate_e8: 1_300_000 }, 22],
    ['30 s at 0.0001: exactly 0.00005, rounded half up to 0.0001', 30, { rate_e8: 10_000 }, 1],
    ['29 s at 0.0001: 0.0000483... -> 0', 29, { rate_e8: 10_000 }, 0],
    ['90 s at 0.0001: exactly 0.00015 -> 0.0002', 90, { rate_e8: 10_000 }, 2],
    ['connect fee 0.00005 alone -> 0.0001', 0, { connect_e8: 5_000 }, 1],
    ['7 s with 0.05 connect, 0.10/min, 30/6 billing: 0.05 + 0.05', 7, { rate_e8: 10_000_000, connect_e8: 5_000_000, minimum: 30, increment: 6 }, 1000],
    ['125 s at 1.23456789: 2.5720164375 -> 2.5720', 125, { rate_e8: 123_456_789 }, 25_720],
    ['1 s at 0.00000001: too small to show', 1, { rate_e8: 1 }, 0],
    ['a free destination', 3600, { rate_e8: 0 }, 0],
    ['an hour at 0.5 with a 1.5 connect fee: 31.5', 3600, { rate_e8: 50_000_000, connect_e8: 150_000_000 }, 315_000],
  ] as const)('%s', (_what, billsec, fields, expected) => {
    expect(costE4(billsec, row(fields))).toBe(expected);
  });

  it('stays exact past 2^53 intermediate values: 100 days at 1000/min is 144,000,000', () => {
    const cost = costE4(8_640_000, row({ rate_e8: 100_000_000_000 }));
    expect(cost).toBe(1_440_000_000_000);
    expect(formatCostE4(cost)).toBe('144000000.0000');
  });

  it('matches a BigInt rational computation for 20,000 seeded random calls and rates', () => {
    const random = prng(20240611);
    const pick = <T>(values: readonly T[]): T => values[Math.floor(random() * values.length)] as T;
    for (let i = 0; i < 20_000; i++) {
      // Mostly realistic rates, some tiny, some huge enough to leave the plain-number path.
      const scale = pick([1, 100, 10_000, 100_000_000, 1e12, 9e15]);
      const r = {
        rate_e8: Math.floor(random() * scale),
        connect_e8: random() < 0.3 ? Math.floor(random() * 20_000_000) : 0,
        minimum: pick([0, 0, 1, 30, 60, 61]),
        increment: pick([1, 1, 6, 10, 30, 60, 7]),
      };
      const billsec = random() < 0.05 ? 0 : Math.floor(random() * 20_000);
      const expected = referenceCostE4(billsec, r);
      if (expected > BigInt(Number.MAX_SAFE_INTEGER)) {
        expect(() => costE4(billsec, r)).toThrow(AppError);
      } else {
        expect(costE4(billsec, r), JSON.stringify({ billsec, ...r })).toBe(Number(expected));
      }
    }
  });

  it('rounds half up exactly at the boundary of a 1e-4 unit, as the reference does', () => {
    // rate_e8 * 1 s / 600000 crosses each .5 boundary of a 1e-4 unit exactly at rate_e8 = 300000 + k * 600000.
    for (const rate of [299_999, 300_000, 300_001, 899_999, 900_000]) {
      expect(BigInt(costE4(1, row({ rate_e8: rate })))).toBe(referenceCostE4(1, row({ rate_e8: rate })));
    }
    expect(costE4(1, row({ rate_e8: 299_999 }))).toBe(0);
    expect(costE4(1, row({ rate_e8: 300_000 }))).toBe(1);
    expect(costE4(1, row({ rate_e8: 900_000 }))).toBe(2);
  });

  it('refuses negative or fractional amounts', () => {
    expect(() => costE4(10, row({ rate_e8: -1 }))).toThrow(AppError);
    expect(() => costE4(10, row({ connect_e8: 0.5 }))).toThrow(AppError);
  });
});

describe('RateTable', () => {
  const rows: RateRow[] = [
    row({ line: 2, prefix: '44', rate_e8: 1 }),
    row({ line: 3, prefix: '447', rate_e8: 2 }),
    row({ line: 4, prefix: '447', rate_e8: 3, effective: '2024-07-01T00:00:00' }),
    row({ line: 5, prefix: '4479', rate_e8: 4, effective: '2030-01-01T00:00:00' }),
    row({ line: 6, prefix: '33', rate_e8: 5, effective: '2024-01-01T00:00:00' }),
    row({ line: 7, prefix: '1', rate_e8: 6 }),
  ];
  const table = new RateTable(rows);
  const rateAt = (e164: string, start: string): number | undefined => table.lookup(e164, start)?.rate_e8;

  it('picks the longest matching prefix', () => {
    expect(rateAt('442079460000', '2024-03-01T12:00:00')).toBe(1);
    expect(rateAt('447700900000', '2024-03-01T12:00:00')).toBe(2);
    expect(rateAt('12125550100', '2024-03-01T12:00:00')).toBe(6);
  });

  it('picks the newest row whose effective date is not after the call', () => {
    expect(rateAt('447700900000', '2024-06-30T23:59:59')).toBe(2);
    expect(rateAt('447700900000', '2024-07-01T00:00:00')).toBe(3);
    expect(rateAt('447700900000', '2025-01-01T00:00:00')).toBe(3);
  });

  it('falls back to a shorter prefix when the longer one only takes effect later', () => {
    expect(rateAt('447900900000', '2024-03-01T12:00:00')).toBe(2);
    expect(rateAt('447900900000', '2030-01-01T00:00:00')).toBe(4);
  });

  it('finds nothing for a call before a prefix’s only row takes effect', () => {
    expect(table.lookup('33123456789', '2023-12-31T23:59:59')).toBeNull();
    expect(rateAt('33123456789', '2024-01-01T00:00:00')).toBe(5);
  });

  it('returns null when no prefix matches, or for an empty number', () => {
    expect(table.lookup('861012345678', '2024-03-01T12:00:00')).toBeNull();
    expect(table.lookup('', '2024-03-01T12:00:00')).toBeNull();
    expect(new RateTable([]).lookup('44', '2024-03-01T12:00:00')).toBeNull();
  });

  it('does not match a prefix longer than the number', () => {
    expect(rateAt('4', '2024-03-01T12:00:00')).toBeUndefined();
    expect(rateAt('447', '2024-03-01T12:00:00')).toBe(2);
  });

  it('returns the row object given, so callers can index their own row types', () => {
    const own = [{ prefix: '44', effective: '', id: 17 }];
    expect(new RateTable(own).lookup('4420', '2024-03-01T12:00:00')).toBe(own[0]);
  });

  it('reads a start time written with a space instead of the T', () => {
    expect(rateAt('447700900000', '2024-07-01 00:00:00')).toBe(3);
  });

  it('takes the last of two rows with the same prefix and date', () => {
    const twice = new RateTable([row({ prefix: '44', rate_e8: 1 }), row({ prefix: '44', rate_e8: 2 })]);
    expect(twice.lookup('44', '2024-01-01T00:00:00')?.rate_e8).toBe(2);
  });

  it('answers a million lookups in well under 2 seconds on a 20,000-prefix sheet', () => {
    const random = prng(7);
    const big: RateRow[] = [];
    for (let i = 0; i < 20_000; i++) {
      const prefix = String(1 + Math.floor(random() * 9)) + String(Math.floor(random() * 10 ** (1 + (i % 6)))).padStart(1 + (i % 6), '0');
      big.push(row({ prefix, rate_e8: i, effective: i % 3 === 0 ? '2024-01-01T00:00:00' : '' }));
    }
    const bigTable = new RateTable(big);
    const numbers = Array.from({ length: 1000 }, () => String(Math.floor(random() * 1e11) + 1e11));
    const started = performance.now();
    let found = 0;
    for (let i = 0; i < 1_000_000; i++) {
      if (bigTable.lookup(numbers[i % 1000] as string, '2024-06-01T10:00:00') !== null) found++;
    }
    const elapsed = performance.now() - started;
    expect(found).toBeGreaterThan(0);
    expect(elapsed).toBeLessThan(2000);
  });
});

describe('formatCostE4', () => {
  it('writes 4 decimals', () => {
    expect(formatCostE4(12345)).toBe('1.2345');
    expect(formatCostE4(5)).toBe('0.0005');
    expect(formatCostE4(0)).toBe('0.0000');
    expect(formatCostE4(10_000)).toBe('1.0000');
    expect(formatCostE4(1_234_567_890)).toBe('123456.7890');
  });

  it('writes a negative amount (a refund or a difference) with its sign', () => {
    expect(formatCostE4(-5)).toBe('-0.0005');
  });
});

describe('formatE8', () => {
  it('writes the decimals without trailing zeros', () => {
    expect(formatE8(1_200_000)).toBe('0.012');
    expect(formatE8(100_000_000)).toBe('1');
    expect(formatE8(0)).toBe('0');
    expect(formatE8(1)).toBe('0.00000001');
    expect(formatE8(123_456_789)).toBe('1.23456789');
    expect(formatE8(150_000_000)).toBe('1.5');
  });
});
