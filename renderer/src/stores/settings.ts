import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import type { CallFilter, Settings } from '../../../preload/api.js';
import { api, toApiError } from '../api.js';
import { DEFAULT_COLUMNS, resolveColumns } from '../columns.js';
import { describeError, type ErrorView } from '../errors.js';
import { QUICK_RANGES, type QuickRange } from '../dates.js';
import { cleanFilter } from '../filter-state.js';
import type { TimeMode } from '../time-display.js';

/**
 * A saved filter, with the quick range its dates came from: "Last 7 days" saved today means the last
 * 7 days of the day it is used, not the dates of the day it was saved. The dates are kept beside it.
 */
export type SavedFilter = Settings['saved_filters'][number] & { preset?: QuickRange };

const TIME_MODE_KEY = 'ucmcdr.time-mode';

function readTimeMode(): TimeMode {
  try {
    return localStorage.getItem(TIME_MODE_KEY) === 'local' ? 'local' : 'pbx';
  } catch {
    return 'pbx';
  }
}

const THEMES: readonly Settings['theme'][] = ['system', 'light', 'dark'];
const MAX_FILTER_NAME = 60;

function defaults(): Settings {
  return { theme: 'system', columns: [...DEFAULT_COLUMNS], saved_filters: [] };
}

/** Settings come from the service; keep only what this renderer understands. */
function sanitize(value: Settings): Settings {
  const theme = THEMES.includes(value.theme) ? value.theme : 'system';
  const columns = resolveColumns(Array.isArray(value.columns) ? value.columns : []).map((c) => c.id);
  const saved = Array.isArray(value.saved_filters)
    ? value.saved_filters.filter((s) => typeof s?.name === 'string' && typeof s.filter === 'object' && s.filter !== null)
    : [];
  return {
    theme,
    columns,
    saved_filters: saved.map((s: SavedFilter): SavedFilter => {
      const entry: SavedFilter = { name: s.name, filter: cleanFilter(s.filter) };
      if (s.preset !== undefined && QUICK_RANGES.includes(s.preset)) entry.preset = s.preset;
      return entry;
    }),
  };
}

/** Theme, table columns and saved filters, persisted through app.getSettings/saveSettings. */
export const useSettingsStore = defineStore('settings', () => {
  const settings = ref<Settings>(defaults());
  const loaded = ref(false);
  const error = ref<ErrorView | null>(null);

  const columns = computed(() => resolveColumns(settings.value.columns));

  /**
   * Start times on each PBX's clock or on this computer's. A preference of this window, kept in its
   * local storage (the settings contract has no field for it).
   */
  const timeMode = ref<TimeMode>(readTimeMode());
  function setTimeMode(mode: TimeMode): void {
    timeMode.value = mode;
    try {
      localStorage.setItem(TIME_MODE_KEY, mode);
    } catch {
      // Storage refused (private window): the choice lasts until the window closes.
    }
  }

  function applyTheme(): void {
    const root = document.documentElement;
    if (settings.value.theme === 'system') delete root.dataset.theme;
    else root.dataset.theme = settings.value.theme;
  }

  async function load(): Promise<void> {
    try {
      settings.value = sanitize(await api.app.getSettings());
      error.value = null;
    } catch (e) {
      error.value = describeError(toApiError(e));
    } finally {
      loaded.value = true;
      applyTheme();
    }
  }

  async function persist(next: Settings): Promise<void> {
    const previous = settings.value;
    settings.value = next;
    applyTheme();
    try {
      settings.value = sanitize(await api.app.saveSettings(next));
      error.value = null;
    } catch (e) {
      settings.value = previous;
      applyTheme();
      error.value = describeError(toApiError(e));
    }
  }

  function setTheme(theme: Settings['theme']): Promise<void> {
    return persist({ ...settings.value, theme });
  }

  function setColumns(ids: string[]): Promise<void> {
    return persist({ ...settings.value, columns: resolveColumns(ids).map((c) => c.id) });
  }

  /** Saves (or replaces) a named filter. Returns a problem to show, or null. */
  async function saveFilter(name: string, filter: CallFilter, preset: QuickRange | null = null): Promise<string | null> {
    const trimmed = name.trim();
    if (!trimmed) return 'Give the filter a name.';
    if (trimmed.length > MAX_FILTER_NAME) return `The name is longer than ${MAX_FILTER_NAME} characters.`;
    const others = settings.value.saved_filters.filter((s) => s.name !== trimmed);
    const entry: SavedFilter = { name: trimmed, filter: cleanFilter(filter) };
    if (preset) entry.preset = preset;
    await persist({ ...settings.value, saved_filters: [...others, entry] });
    return error.value ? error.value.text : null;
  }

  function deleteFilter(name: string): Promise<void> {
    return persist({ ...settings.value, saved_filters: settings.value.saved_filters.filter((s) => s.name !== name) });
  }

  return { settings, loaded, error, columns, timeMode, setTimeMode, load, setTheme, setColumns, saveFilter, deleteFilter };
});
