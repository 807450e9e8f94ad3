import { defineStore } from 'pinia';
import { computed, ref, shallowReactive, shallowRef, watch } from 'vue';
import type { CallFilter, FilterOptions } from '../../../preload/api.js';
import { api, toApiError } from '../api.js';
import { describeError, type ErrorView } from '../errors.js';
import { cleanFilter, filterKey, isEmptyFilter, mergeFilter, paramsKey, readFilterParams, writeFilterParams } from '../filter-state.js';
import { matchingQuickRange, quickRange } from '../dates.js';
import { numberPatternHint } from '../number-pattern.js';
import { currentRoute, navigate, type RouteName } from '../router.js';
import { useSettingsStore, type SavedFilter } from './settings.js';

/** Typing in a filter field waits this long for the next key before applying (clicks apply at once). */
export const FILTER_DEBOUNCE_MS = 250;

/** The filter fields that take a number pattern, checked as they are typed. */
export const PATTERN_FIELDS = ['caller', 'callee', 'answered_by'] as const;
export type PatternField = (typeof PATTERN_FIELDS)[number];

const NO_OPTIONS: FilterOptions = { pbx: [], src_trunk: [], dst_trunk: [], action_type: [], account_code: [] };

/**
 * What a screen keeps in the address beside the shared filter (the Calls screen: sort and open
 * call). The filter's own parameters come first and are read and written by the filter store, so
 * every screen that binds its route sees the same filter under the same names.
 */
export interface AddressPart {
  /** Applies the screen's parameters found in the address; names each one it cannot use in `problems`. */
  read(params: URLSearchParams, problems: string[]): void;
  /** Appends the screen's parameters as they stand. Read reactively: a change is written to the address. */
  write(params: URLSearchParams): void;
}

/**
 * The call filter, shared by every screen that lists or sums calls: the filter being edited, the
 * filter applied (what the screens show), the values the pickers offer, saved filters, and the
 * binding to the address of whichever such screen is shown.
 *
 * Screens do not query on their own account when the filter is edited: they watch `applied`. Every
 * apply (a click, the end of a typing pause, a saved filter, reset) makes a new `applied` object even
 * when it equals the last, so a click that applies the same filter again still queries again, while
 * reading an unchanged filter back from the address changes nothing.
 */
export const useFilterStore = defineStore('filter', () => {
  const settings = useSettingsStore();

  const filter = ref<CallFilter>({});
  const applied = shallowRef<CallFilter>({});
  const active = computed(() => !isEmptyFilter(applied.value));

  const options = ref<FilterOptions>(NO_OPTIONS);
  const optionsError = ref<ErrorView | null>(null);

  /** What the last address read had to ignore, filter and screen parameters together. */
  const addressProblems = ref<string[]>([]);

  /** What each number field being edited still needs before it can apply; absent when it is complete. */
  const patternHints = computed(() => {
    const out: Partial<Record<PatternField, string>> = {};
    for (const field of PATTERN_FIELDS) {
      const hint = numberPatternHint(filter.value[field]);
      if (hint) out[field] = hint;
    }
    return out;
  });
  const incomplete = computed(() => Object.keys(patternHints.value).length > 0);

  /** The service's refusal of one field of the applied filter, shown under that field. */
  const refusal = ref<{ field: string; message: string } | null>(null);

  /** A screen's query answered (null) or was refused for a filter field: the field shows it. */
  function setRefusal(error: ErrorView | null): void {
    refusal.value = error?.filterField ? { field: error.filterField, message: error.text } : null;
  }

  let debounce: ReturnType<typeof setTimeout> | null = null;

  function cancelDebounce(): void {
    if (debounce !== null) {
      clearTimeout(debounce);
      debounce = null;
    }
  }

  /** Applies the filter being edited now, unless a number pattern in it is still incomplete. */
  function apply(): void {
    cancelDebounce();
    if (incomplete.value) return;
    applied.value = cleanFilter(filter.value);
  }

  /**
   * Applies an edit still waiting for its typing pause, if it changes the filter. For a screen about
   * to query on its own account (a new sort, a refresh): the edit rides along in that one query.
   */
  function commit(): void {
    cancelDebounce();
    if (incomplete.value) return;
    const next = cleanFilter(filter.value);
    if (filterKey(next) !== filterKey(applied.value)) applied.value = next;
  }

  /** Edits the filter; it applies after a short pause so typing does not flood the service. */
  function setFilter(patch: Partial<CallFilter>): void {
    filter.value = mergeFilter(filter.value, patch);
    cancelDebounce();
    debounce = setTimeout(apply, FILTER_DEBOUNCE_MS);
  }

  /** Edits the filter and applies it now: for clicks (checkboxes, pickers, quick ranges), where no next key is coming. */
  function applyFilter(patch: Partial<CallFilter>): void {
    filter.value = mergeFilter(filter.value, patch);
    apply();
  }

  /** Replaces the whole filter and applies it now (saved filters, reset). */
  function replace(next: CallFilter): void {
    filter.value = cleanFilter(next);
    apply();
  }

  function reset(): void {
    replace({});
  }

  async function loadOptions(): Promise<void> {
    try {
      options.value = await api.calls.filterOptions();
      optionsError.value = null;
    } catch (e) {
      optionsError.value = describeError(toApiError(e));
    }
  }

  // Saved filters ("presets") are kept with the settings; choosing one applies it here.
  const presets = computed((): SavedFilter[] => settings.settings.saved_filters);

  /**
   * Saves the filter being edited under `name` (replacing one so named); dates that are a quick range
   * (Today, Last 7 days…) are saved as that range. Returns a problem to show, or null.
   */
  function savePreset(name: string): Promise<string | null> {
    return settings.saveFilter(name, filter.value, matchingQuickRange(filter.value.from, filter.value.to, new Date()));
  }

  /** Applies a saved filter; a saved quick range covers that range as of now. */
  function applyPreset(name: string): void {
    const preset = presets.value.find((p) => p.name === name);
    if (!preset) return;
    replace(preset.preset ? { ...preset.filter, ...quickRange(preset.preset, new Date()) } : preset.filter);
  }

  function deletePreset(name: string): Promise<void> {
    return settings.deleteFilter(name);
  }

  // --- The address -------------------------------------------------------------------------------

  /** The screen parts of the routes whose screen is shown; reactive, so binding one writes its address. */
  const parts = shallowReactive(new Map<RouteName, AddressPart>());
  /**
   * The address (its parameters, order aside) that the filter and the screen's state last matched,
   * read or written. Only a state that differs from it is written, so reading an address never
   * writes it back and parameters the address had to drop stay in it until the next change.
   */
  let addressKey: string | null = null;

  function addressParams(part: AddressPart): URLSearchParams {
    const params = writeFilterParams(applied.value, new URLSearchParams());
    part.write(params);
    return params;
  }

  /** Takes the filter and the screen's parameters from the address, if the shown route is bound. */
  function readAddress(): void {
    const route = currentRoute.value;
    const part = parts.get(route.name);
    if (!part) return;
    const problems: string[] = [];
    const next = readFilterParams(route.query, problems);
    part.read(route.query, problems);
    addressProblems.value = problems;
    // An address with the filter already applied leaves alone an edit still waiting for its pause.
    if (filterKey(next) !== filterKey(applied.value)) replace(next);
    addressKey = paramsKey(addressParams(part));
  }

  /**
   * Binds the address of route `name` to the filter and to the screen's `part` while the screen is
   * shown: reads it now and on every navigation (Back, reload, bookmarks, typed addresses), and
   * records each change of either as a new history entry. Returns the function that unbinds.
   */
  function bindAddress(name: RouteName, part: AddressPart): () => void {
    parts.set(name, part);
    readAddress();
    return () => {
      if (parts.get(name) === part) parts.delete(name);
    };
  }

  watch(currentRoute, readAddress);
  watch(
    () => {
      const route = currentRoute.value;
      const part = parts.get(route.name);
      return part ? { name: route.name, params: addressParams(part) } : null;
    },
    (next) => {
      if (!next) return;
      const key = paramsKey(next.params);
      if (key === addressKey) return;
      addressKey = key;
      navigate(next.name, next.params);
    },
  );

  function dismissProblems(): void {
    addressProblems.value = [];
  }

  return {
    filter,
    applied,
    active,
    options,
    optionsError,
    presets,
    patternHints,
    refusal,
    setRefusal,
    addressProblems,
    setFilter,
    applyFilter,
    replace,
    reset,
    commit,
    loadOptions,
    savePreset,
    applyPreset,
    deletePreset,
    bindAddress,
    dismissProblems,
  };
});
