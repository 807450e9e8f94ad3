import { describe, expect, it } from 'vitest';
import { fillOrder, revealOffset, rowRange, slotCapacity, slotOf, type TableGeometry } from '../../renderer/src/row-window.js';

const G: TableGeometry = { rowHeight: 30, headerHeight: 32, overscan: 3 };
const VIEWPORT = 632; // the header plus exactly 20 rows

describe('row window', () => {
  it('covers the rows under the header plus the overscan below at the top', () => {
    expect(rowRange(0, VIEWPORT, 1_000_000, G)).toEqual({ first: 0, last: 23 });
    expect(rowRange(0, VIEWPORT, 1_000_000, G, 0)).toEqual({ first: 0, last: 20 });
  });

  it('counts a row half hidden under the header as on screen', () => {
    // 45 px down: row 1 is half under the header, rows 1..21 show at least in part.
    expect(rowRange(45, VIEWPORT, 1_000_000, G, 0)).toEqual({ first: 1, last: 22 });
  });

  it('depends only on the offset, not on how many rows there are', () => {
    const deep = 900_000 * 30;
    expect(rowRange(deep, VIEWPORT, 1_000_000, G)).toEqual({ first: 899_997, last: 900_023 });
    expect(rowRange(deep, VIEWPORT, 950_000, G)).toEqual({ first: 899_997, last: 900_023 });
  });

  it('clamps to the rows there are, also when scrolled past them', () => {
    expect(rowRange(0, VIEWPORT, 5, G)).toEqual({ first: 0, last: 5 });
    expect(rowRange(100_000, VIEWPORT, 50, G)).toEqual({ first: 50, last: 50 });
    expect(rowRange(-40, VIEWPORT, 50, G)).toEqual({ first: 0, last: 23 });
  });

  it('has a slot for every row a window of that viewport can hold', () => {
    const capacity = slotCapacity(VIEWPORT, G);
    for (const offset of [0, 1, 15, 29, 30, 31, 44, 12_345]) {
      const { first, last } = rowRange(offset, VIEWPORT, 1_000_000, G);
      expect(last - first).toBeLessThanOrEqual(capacity);
    }
    expect(slotCapacity(0, G)).toBeGreaterThanOrEqual(1);
  });

  it('gives rows that stay in the window their slot and rows that enter the slots of rows that left', () => {
    const capacity = slotCapacity(VIEWPORT, G);
    const before = rowRange(300, VIEWPORT, 1_000, G);
    const after = rowRange(330, VIEWPORT, 1_000, G);
    const slotsBefore = new Map<number, number>();
    for (let i = before.first; i < before.last; i++) slotsBefore.set(slotOf(i, capacity), i);
    const used = new Set<number>();
    for (let i = after.first; i < after.last; i++) {
      const slot = slotOf(i, capacity);
      expect(used.has(slot)).toBe(false);
      used.add(slot);
      if (i < before.last) expect(slotsBefore.get(slot)).toBe(i);
      else expect(slotsBefore.get(slot) ?? -1).toBeLessThan(after.first);
    }
  });

  it('scrolls the least needed to show a row fully, and not at all when it is', () => {
    // Rows 0..19 are fully visible at offset 0.
    expect(revealOffset(5, 0, VIEWPORT, G)).toBe(0);
    expect(revealOffset(19, 0, VIEWPORT, G)).toBe(0);
    expect(revealOffset(20, 0, VIEWPORT, G)).toBe(30);
    expect(revealOffset(100, 0, VIEWPORT, G)).toBe(32 + 101 * 30 - VIEWPORT);
    // Above the screen: the row goes right under the header.
    expect(revealOffset(3, 600, VIEWPORT, G)).toBe(90);
  });

  it('fills the rows on screen top down first, then the overscan below, then above', () => {
    expect(fillOrder({ first: 7, last: 16 }, { first: 10, last: 13 })).toEqual([10, 11, 12, 13, 14, 15, 9, 8, 7]);
    expect(fillOrder({ first: 0, last: 4 }, { first: 0, last: 10 })).toEqual([0, 1, 2, 3]);
    expect(fillOrder({ first: 5, last: 5 }, { first: 5, last: 9 })).toEqual([]);
  });
});
