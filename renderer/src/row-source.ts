import type { CallRow } from '../../preload/api.js';

/**
 * Where a call table gets its rows: the calls store for the Calls screen, or any list of calls (a
 * report's drill-down) that loads in pages. Read reactively by the table, so a Pinia store or a
 * `reactive()` object serves as it is.
 */
export interface RowSource {
  /**
   * The rows loaded so far, in order. A new array is a new answer (the table redraws it at once, from
   * the top); the same array grown by `loadMore` is a page appended (drawn as it scrolls into view).
   * A plain array in a shallow ref keeps a hundred thousand rows free of per-row proxies.
   */
  readonly rows: readonly CallRow[];
  /** More rows follow the loaded ones. */
  readonly hasMore: boolean;
  /** A new answer is on its way. */
  readonly loading: boolean;
  /** A next page is on its way. */
  readonly loadingMore: boolean;
  /** The last load failed (the table says so in its state; the screen shows the message). */
  readonly error: unknown;
  /** Appends the next page; does nothing while one is loading or when there is none. */
  loadMore(): Promise<void>;
  /** Loads every remaining row (End goes to the last of the whole set); without it, End stops at the loaded ones. */
  loadAll?(): Promise<void>;
}
