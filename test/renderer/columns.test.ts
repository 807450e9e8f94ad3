import { describe, expect, it } from 'vitest';
import { COLUMNS, DEFAULT_COLUMNS, fitColumns, resolveColumns } from '../../renderer/src/columns.js';

const ESSENTIAL = ['status', 'from', 'to', 'start', 'talk_time'];

describe('fitting the call table to its width', () => {
  it('keeps every chosen column at its width when they fit', () => {
    const chosen = resolveColumns(DEFAULT_COLUMNS);
    const fit = fitColumns(chosen, 5000);
    expect(fit.hidden).toEqual([]);
    expect(fit.columns.map((c) => c.width)).toEqual(chosen.map((c) => c.width));
  });

  it('shrinks columns toward their minimums first, then hides the least needed, never an essential one', () => {
    const chosen = resolveColumns(DEFAULT_COLUMNS);
    for (const width of [560, 700, 900, 1100]) {
      const fit = fitColumns(chosen, width);
      expect(fit.columns.map((c) => c.id)).toEqual(expect.arrayContaining(ESSENTIAL));
      expect(fit.columns.reduce((n, c) => n + c.width, 0)).toBeLessThanOrEqual(width);
      for (const c of fit.columns) expect(c.width).toBeGreaterThanOrEqual(c.min);
    }
    expect(fitColumns(chosen, 1000).hidden.map((c) => c.id)).toEqual(['account_code']);
    expect(fitColumns(chosen, 560).hidden.map((c) => c.id)).toEqual(['direction', 'action_type', 'call_time', 'cost', 'account_code', 'recording', 'pbx']);
  });

  it('marks exactly status, from, to, start and talk time as essential', () => {
    expect(COLUMNS.filter((c) => c.essential).map((c) => c.id)).toEqual(ESSENTIAL);
  });
});
