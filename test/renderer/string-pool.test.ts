import { makeRow } from './fake-api.js';
import { describe, expect, it } from 'vitest';
import { StringPool } from '../../renderer/src/string-pool.js';

describe('string pool', () => {
  it('keeps one string per distinct repeating value across pages, and every value as it was', () => {
    const pool = new StringPool();
    const page = (from: number) =>
      Array.from({ length: 50 }, (_, i) =>
        makeRow(from + i, { src_trunk_name: i % 2 ? 'Daisy' : '', disposition: i % 3 ? 'ANSWERED' : 'BUSY', direction: 'inbound' }),
      );
    const first = page(0);
    const second = page(50);
    const expected = [...first, ...second].map((r) => ({ ...r }));

    pool.pool(first);
    pool.pool(second);

    expect([...first, ...second]).toEqual(expected);
    // Office, ANSWERED, BUSY, inbound, DIAL (action type and kind), Daisy, '' (trunks, account code, currency,
    // rate destination), sync, not_billable.
    expect(pool.size).toBe(9);
  });
});
