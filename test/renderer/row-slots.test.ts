import { makeRow } from './fake-api.js';
import { describe, expect, it } from 'vitest';
import type { CallRow } from '../../preload/api.js';
import { SlotFiller } from '../../renderer/src/row-slots.js';

const ROW_HEIGHT = 30;
const CAPACITY = 10;
const rows: CallRow[] = Array.from({ length: 1000 }, (_, i) => makeRow(i));

function filled(entries: ReturnType<SlotFiller['plan']>['entries']): number[] {
  return entries.filter((e) => !e.pending).map((e) => e.index);
}

describe('slot filler', () => {
  it('fills a whole window at once when the budget allows, each row in its own slot at its offset', () => {
    const filler = new SlotFiller(ROW_HEIGHT);
    const { entries, filled: count, pending } = filler.plan(rows, { first: 0, last: 8 }, { first: 0, last: 6 }, CAPACITY, Infinity);
    expect(count).toBe(8);
    expect(pending).toBe(0);
    expect(entries.map((e) => [e.slot, e.index, e.transform, e.view?.row.id])).toEqual(
      Array.from({ length: 8 }, (_, i) => [i, i, `translateY(${i * ROW_HEIGHT}px)`, i + 1]),
    );
  });

  it('gives at most the budget new content, the rows on screen first, and the rest in later calls', () => {
    const filler = new SlotFiller(ROW_HEIGHT);
    filler.plan(rows, { first: 0, last: 8 }, { first: 0, last: 6 }, CAPACITY, Infinity);
    // A jump far down: nothing in the new window is drawn yet.
    const window = { first: 497, last: 506 };
    const screen = { first: 500, last: 503 };
    const step1 = filler.plan(rows, window, screen, CAPACITY, 4);
    expect(step1.filled).toBe(4);
    expect(step1.pending).toBe(5);
    expect(filled(step1.entries).sort((a, b) => a - b)).toEqual([500, 501, 502, 503]);
    // Pending rows already stand where they belong, still holding an older row's view (hidden) or none.
    for (const e of step1.entries.filter((x) => x.pending)) {
      expect(e.transform).toBe(`translateY(${e.index * ROW_HEIGHT}px)`);
      expect(e.view?.index).not.toBe(e.index);
    }
    const step2 = filler.plan(rows, window, screen, CAPACITY, 4);
    expect(filled(step2.entries).sort((a, b) => a - b)).toEqual([498, 499, 500, 501, 502, 503, 504, 505]);
    const step3 = filler.plan(rows, window, screen, CAPACITY, 4);
    expect(step3.pending).toBe(0);
    expect(filled(step3.entries).sort((a, b) => a - b)).toEqual([497, 498, 499, 500, 501, 502, 503, 504, 505]);
  });

  it('keeps the same entry objects for slots that did not change, so the table skips them', () => {
    const filler = new SlotFiller(ROW_HEIGHT);
    const first = filler.plan(rows, { first: 10, last: 18 }, { first: 10, last: 15 }, CAPACITY, Infinity).entries;
    const second = filler.plan(rows, { first: 11, last: 19 }, { first: 11, last: 16 }, CAPACITY, Infinity).entries;
    const bySlot = new Map(first.map((e) => [e.slot, e]));
    const reused = second.filter((e) => bySlot.get(e.slot) === e).map((e) => e.index);
    expect(reused.sort((a, b) => a - b)).toEqual([11, 12, 13, 14, 15, 16, 17]);
    expect(second.find((e) => e.index === 18)?.view?.row).toBe(rows[18]);
  });

  it('redraws a row whose data changed under the same index (a new query)', () => {
    const filler = new SlotFiller(ROW_HEIGHT);
    filler.plan(rows, { first: 0, last: 3 }, { first: 0, last: 3 }, CAPACITY, Infinity);
    const replaced = rows.map((r) => ({ ...r }));
    const { filled: count, entries } = filler.plan(replaced, { first: 0, last: 3 }, { first: 0, last: 3 }, CAPACITY, Infinity);
    expect(count).toBe(3);
    expect(entries.every((e) => e.view?.row === replaced[e.index])).toBe(true);
  });

  it('leaves out window rows past the loaded ones', () => {
    const filler = new SlotFiller(ROW_HEIGHT);
    const { entries } = filler.plan(rows.slice(0, 5), { first: 0, last: 9 }, { first: 0, last: 6 }, CAPACITY, Infinity);
    expect(entries.map((e) => e.index)).toEqual([0, 1, 2, 3, 4]);
  });
});
