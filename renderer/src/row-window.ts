/**
 * Which rows of a fixed-height table are drawn, and in which DOM slot. Every row is exactly the
 * same height, so the window follows from the scroll offset by arithmetic alone: nothing is measured
 * and nothing is proportional to the number of rows loaded.
 */

export interface TableGeometry {
  rowHeight: number;
  /** Height of the sticky header that sits on top of the first rows of the scroll box. */
  headerHeight: number;
  /** Extra rows kept above and below the visible ones, so a small scroll has them ready. */
  overscan: number;
}

export interface RowRange {
  /** First row drawn (inclusive). */
  first: number;
  /** End of the rows drawn (exclusive). */
  last: number;
}

/** Rows that are at least partly visible below the header, plus `overscan` either side, clamped to `count`. */
export function rowRange(scrollTop: number, viewportHeight: number, count: number, g: TableGeometry, overscan = g.overscan): RowRange {
  const top = Math.max(0, scrollTop);
  const first = Math.min(count, Math.max(0, Math.floor(top / g.rowHeight) - overscan));
  const bottom = Math.ceil((top + viewportHeight - g.headerHeight) / g.rowHeight) + overscan;
  return { first, last: Math.min(count, Math.max(first, bottom)) };
}

/** How many DOM slots a viewport this tall needs: the most rows `rowRange` can return for it. */
export function slotCapacity(viewportHeight: number, g: TableGeometry): number {
  return Math.max(1, Math.ceil(Math.max(0, viewportHeight - g.headerHeight) / g.rowHeight) + 1 + 2 * g.overscan);
}

/**
 * The DOM slot of a row. A row keeps its slot for as long as it stays in the window, and a row that
 * scrolls in takes over the slot of one that left: the browser updates text in place instead of
 * creating and removing elements, and the slots never change their order in the DOM.
 */
export function slotOf(index: number, capacity: number): number {
  return index % capacity;
}

/**
 * The scroll offset that brings row `index` fully into view with the least movement, or the current
 * offset when it is already visible.
 */
export function revealOffset(index: number, scrollTop: number, viewportHeight: number, g: TableGeometry): number {
  const top = index * g.rowHeight;
  if (top < scrollTop) return top;
  const bottom = g.headerHeight + top + g.rowHeight;
  if (bottom > scrollTop + viewportHeight) return bottom - viewportHeight;
  return scrollTop;
}

/**
 * The order in which the rows of `window` get their content: the rows on `screen` top down first,
 * then the overscan below (where a scroll down goes next), then the overscan above.
 */
export function fillOrder(window: RowRange, screen: RowRange): number[] {
  const top = Math.min(Math.max(screen.first, window.first), window.last);
  const bottom = Math.min(Math.max(screen.last, top), window.last);
  const order: number[] = [];
  for (let i = top; i < bottom; i++) order.push(i);
  for (let i = bottom; i < window.last; i++) order.push(i);
  for (let i = top - 1; i >= window.first; i--) order.push(i);
  return order;
}
