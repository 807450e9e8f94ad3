import { defineStore } from 'pinia';
import { computed, ref, shallowRef, triggerRef } from 'vue';
import type { CallFilter, CallRow, CallSort, CallTotals, FilterOptions, SortField } from '../../../preload/api.js';
import { api, toApiError } from '../api.js';
import { firstSortDir } from '../columns.js';
import { describeError, type ErrorView } from '../errors.js';
import { DEFAULT_SORT, cleanFilter, isEmptyFilter, mergeFilter, stateKey } from '../filter-state.js';
import { FIRST_PAGE_SIZE, PAGE_SIZE } from '../paging.js';
import { StringPool } from '../string-pool.js';

/** Typing in a filter field waits this long for the next key before querying (clicks query at once). */
export const FILTER_DEBOUNCE_MS = 250;

const NO_OPTIONS: FilterOptions = { pbx: [], src_trunk: [], dst_trunk: [], action_type: [], account_code: [] };

/**
 * The Calls screen's data: the filter being edited, the filter the rows reflect, sort, the loaded
 * pages (keyset cursor), totals of the whole filtered set, and the selected row.
 *
 * Every query carries a generation number; a response from an older generation is dropped, so a slow
 * old answer never overwrites a newer one.
 */
export const useCallsStore = defineStore('calls', () => {
  const filter = ref<CallFilter>({});
  const applied = shallowRef<CallFilter>({});
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
  const options = ref<FilterOptions>(NO_OPTIONS);
  const optionsError = ref<ErrorView | null>(null);

  let generation = 0;
  /** Repeated field values of the loaded rows, shared; a new query starts a new pool. */
  let pool = new StringPool();
  let debounce: ReturnType<typeof setTimeout> | null = null;

  const hasMore = computed(() => nextCursor.value !== null);
  const selectedRow = computed<CallRow | null>(() => rows.value[selectedIndex.value] ?? null);
  const filterActive = computed(() => !isEmptyFilter(applied.value));

  function cancelDebounce(): void {
    if (debounce !== null) {
      clearTimeout(debounce);
      debounce = null;
    }
  }

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
    cancelDebounce();
    const gen = ++generation;
    const queryFilter = cleanFilter(filter.value);
    const key = stateKey({ filter: queryFilter, sort: DEFAULT_SORT, call: null });
    const needTotals = recount || key !== totalsKey;
    applied.value = queryFilter;
    loading.value = true;
    // A next page still on its way belongs to the replaced query: its answer is dropped, and it must
    // not keep the new query from loading more.
    loadingMore.value = false;
    error.value = null;

    try {
      const page = await api.calls.page({ filter: queryFilter, sort: { ...sort.value }, limit: FIRST_PAGE_SIZE, cursor: null });
      if (gen !== generation) return;
      pool = new StringPool();
      rows.value = pool.pool(page.rows);
      nextCursor.value = page.next_cursor;
      selectedIndex.value = page.rows.length > 0 ? 0 : -1;
    } catch (e) {
      if (gen !== generation) return;
      rows.value = [];
      nextCursor.value = null;
      selectedIndex.value = -1;
      error.value = describeError(toApiError(e));
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

  /** Appends the next page, if there is one and nothing is loading. */
  async function loadMore(): Promise<void> {
    const cursor = nextCursor.value;
    if (cursor === null || loading.value || loadingMore.value) return;
    const gen = generation;
    loadingMore.value = true;
    try {
      const page = await api.calls.page({ filter: applied.value, sort: { ...sort.value }, limit: PAGE_SIZE, cursor });
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

  /** Edits the filter; the query follows after a short pause so typing does not flood the service. */
  function setFilter(patch: Partial<CallFilter>): void {
    filter.value = mergeFilter(filter.value, patch);
    cancelDebounce();
    debounce = setTimeout(() => {
      debounce = null;
      void refresh();
    }, FILTER_DEBOUNCE_MS);
  }

  /** Edits the filter and queries now: for clicks (checkboxes, pickers, quick ranges), where no next key is coming. */
  function applyFilter(patch: Partial<CallFilter>): Promise<void> {
    filter.value = mergeFilter(filter.value, patch);
    return refresh();
  }

  /** Replaces filter and sort at once (URL navigation, saved filters, reset) and queries now. */
  function replaceState(next: { filter: CallFilter; sort?: CallSort }): Promise<void> {
    filter.value = cleanFilter(next.filter);
    if (next.sort) sort.value = { ...next.sort };
    return query(false);
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

  function select(index: number): void {
    if (rows.value.length === 0) {
      selectedIndex.value = -1;
      return;
    }
    selectedIndex.value = Math.min(Math.max(index, 0), rows.value.length - 1);
    // Keyboard paging near the end fetches ahead so the next key press has rows to land on.
    if (selectedIndex.value >= rows.value.length - 20) void loadMore();
  }

  async function loadOptions(): Promise<void> {
    try {
      options.value = await api.calls.filterOptions();
      optionsError.value = null;
    } catch (e) {
      optionsError.value = describeError(toApiError(e));
    }
  }

  return {
    filter,
    applied,
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
    filterActive,
    options,
    optionsError,
    refresh,
    loadMore,
    setFilter,
    applyFilter,
    replaceState,
    toggleSort,
    select,
    loadOptions,
  };
});
