import { defineStore } from 'pinia';
import { computed, ref, shallowRef, triggerRef, watch } from 'vue';
import type { CallFilter, CallRow, CallSort, CallTotals, SortField } from '../../../preload/api.js';
import { api, toApiError } from '../api.js';
import { firstSortDir } from '../columns.js';
import { describeError, type ErrorView } from '../errors.js';
import { DEFAULT_SORT, filterKey } from '../filter-state.js';
import { FIRST_PAGE_SIZE, PAGE_SIZE } from '../paging.js';
import { StringPool } from '../string-pool.js';
import { useFilterStore } from './filter.js';

/**
 * The Calls screen's data: sort, the loaded pages (keyset cursor), totals of the whole filtered set,
 * and the selected row. The filter is the filter store's: the list follows its applied filter.
 *
 * Every query carries a generation number; a response from an older generation is dropped, so a slow
 * old answer never overwrites a newer one.
 */
export const useCallsStore = defineStore('calls', () => {
  const filters = useFilterStore();
  const sort = ref<CallSort>({ ...DEFAULT_SORT });

  // A shallow ref holding a plain array: rows stay raw objects (no per-row proxies), pages are pushed
  // in place and announced with triggerRef.
  const rows = shallowRef<CallRow[]>([]);
  const nextCursor = ref<string | null>(null);
  const loading = ref(false);
  const loadingMore = ref(false);
  const loaded = ref(false);
  const error = ref<ErrorView | null>(null);

  const totals = ref<CallTotals | null>(null);
  const totalsError = ref<ErrorView | null>(null);

  const selectedIndex = ref(-1);

  let generation = 0;
  /** Repeated field values of the loaded rows, shared; a new query starts a new pool. */
  let pool = new StringPool();
  /** The applied filter (the object itself) and the sort of the latest query; its next pages use the same. */
  let queried: { filter: CallFilter; sort: CallSort } | null = null;

  const hasMore = computed(() => nextCursor.value !== null);
  const selectedRow = computed<CallRow | null>(() => rows.value[selectedIndex.value] ?? null);

  /** The filter whose totals are shown or being counted (null: none valid), and the latest count request. */
  let totalsKey: string | null = null;
  let totalsGeneration = 0;

  function loadTotals(queryFilter: CallFilter, key: string): void {
    const gen = ++totalsGeneration;
    totalsKey = key;
    totalsError.value = null;
    api.calls.totals({ filter: queryFilter }).then(
      (t) => {
        if (gen === totalsGeneration) totals.value = t;
      },
      (e: unknown) => {
        if (gen === totalsGeneration) {
          totals.value = null;
          totalsKey = null;
          totalsError.value = describeError(toApiError(e));
        }
      },
    );
  }

  /**
   * Runs the query for the current filter and sort from the first page, then the totals unless they
   * are already those of this filter (a sort change) and `recount` is false.
   *
   * The totals go out only once the page has answered: the service answers one query at a time and
   * counting a large set takes longer than a page, so asking for both at once could hold the rows back
   * behind the count. A query replaced before its page answers never asks for its totals at all.
   */
  async function query(recount: boolean): Promise<void> {
    // An edit still waiting for its typing pause goes with this query (a header click while typing).
    filters.commit();
    const gen = ++generation;
    const queryFilter = filters.applied;
    const querySort = { ...sort.value };
    queried = { filter: queryFilter, sort: querySort };
    const key = filterKey(queryFilter);
    const needTotals = recount || key !== totalsKey;
    loading.value = true;
    // A next page still on its way belongs to the replaced query: its answer is dropped, and it must
    // not keep the new query from loading more.
    loadingMore.value = false;
    error.value = null;

    try {
      const page = await api.calls.page({ filter: queryFilter, sort: querySort, limit: FIRST_PAGE_SIZE, cursor: null });
      if (gen !== generation) return;
      pool = new StringPool();
      rows.value = pool.pool(page.rows);
      nextCursor.value = page.next_cursor;
      selectedIndex.value = page.rows.length > 0 ? 0 : -1;
      filters.setRefusal(null);
    } catch (e) {
      if (gen !== generation) return;
      rows.value = [];
      nextCursor.value = null;
      selectedIndex.value = -1;
      error.value = describeError(toApiError(e));
      filters.setRefusal(error.value);
    } finally {
      if (gen === generation) {
        loading.value = false;
        loaded.value = true;
      }
    }
    if (needTotals) loadTotals(queryFilter, key);
  }

  /** Runs the query for the current filter and sort from the first page, and counts it again. */
  function refresh(): Promise<void> {
    return query(true);
  }

  /**
   * The list follows the applied filter and the sort: when either changes, the first page is queried
   * again, once for changes made together (an address with another filter and another sort). A list
   * never loaded is left alone until its screen asks for it.
   */
  watch([() => filters.applied, () => sort.value.field, () => sort.value.dir], () => {
    if (!loaded.value && !loading.value) return;
    const filterChanged = filters.applied !== queried?.filter;
    if (filterChanged || sort.value.field !== queried?.sort.field || sort.value.dir !== queried.sort.dir) {
      // A filter applied again is counted again; a new order of the same calls keeps its count.
      void query(filterChanged);
    }
  });

  /** Appends the next page, if there is one and nothing is loading. */
  async function loadMore(): Promise<void> {
    const cursor = nextCursor.value;
    if (cursor === null || queried === null || loading.value || loadingMore.value) return;
    const gen = generation;
    loadingMore.value = true;
    try {
      const page = await api.calls.page({ filter: queried.filter, sort: { ...queried.sort }, limit: PAGE_SIZE, cursor });
      if (gen !== generation) return;
      rows.value.push(...pool.pool(page.rows));
      triggerRef(rows);
      nextCursor.value = page.next_cursor;
    } catch (e) {
      if (gen !== generation) return;
      error.value = describeError(toApiError(e));
    } finally {
      if (gen === generation) loadingMore.value = false;
    }
  }

  /**
   * Loads the pages left, one after the other, until the set is complete or another query replaces
   * it: End goes to the last call of the filtered set, not of the loaded rows.
   */
  async function loadAll(): Promise<void> {
    const gen = generation;
    while (nextCursor.value !== null && gen === generation && error.value === null && !loading.value) {
      if (loadingMore.value) await new Promise((resolve) => setTimeout(resolve, 20));
      else await loadMore();
    }
  }

  /** Sets the sort (from the address); the list follows. */
  function setSort(next: CallSort): void {
    if (next.field !== sort.value.field || next.dir !== sort.value.dir) sort.value = { ...next };
  }

  /** Header click: the same column flips direction, another column starts with its natural order. */
  function toggleSort(field: SortField): Promise<void> {
    sort.value =
      sort.value.field === field
        ? { field, dir: sort.value.dir === 'asc' ? 'desc' : 'asc' }
        : { field, dir: firstSortDir(field) };
    // Same filter, same totals: a million-call count is not worth repeating for a new order.
    return query(false);
  }

  /** The table's choice, already within the loaded rows (-1: none). */
  function select(index: number): void {
    selectedIndex.value = index;
  }

  return {
    sort,
    rows,
    nextCursor,
    hasMore,
    loading,
    loadingMore,
    loaded,
    error,
    totals,
    totalsError,
    selectedIndex,
    selectedRow,
    refresh,
    loadMore,
    loadAll,
    setSort,
    toggleSort,
    select,
  };
});
