import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import type { CallFilter, Settings } from '../../../preload/api.js';
import { api, toApiError } from '../api.js';
import { DEFAULT_COLUMNS, resolveColumns } from '../columns.js';
import { describeError, type ErrorView } from '../errors.js';
import { cleanFilter } from '../filter-state.js';

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
  return { theme, columns, saved_filters: saved.map((s) => ({ name: s.name, filter: cleanFilter(s.filter) })) };
}

/** Theme, table columns and saved filters, persisted through app.getSettings/saveSettings. */
export const useSettingsStore = defineStore('settings', () => {
  const settings = ref<Settings>(defaults());
  const loaded = ref(false);
  const error = ref<ErrorView | null>(null);

  const columns = computed(() => resolveColumns(settings.value.columns));

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
  async function saveFilter(name: string, filter: CallFilter): Promise<string | null> {
    const trimmed = name.trim();
    if (!trimmed) return 'Give the filter a name.';
    if (trimmed.length > MAX_FILTER_NAME) return `The name is longer than ${MAX_FILTER_NAME} characters.`;
    const others = settings.value.saved_filters.filter((s) => s.name !== trimmed);
    await persist({ ...settings.value, saved_filters: [...others, { name: trimmed, filter: cleanFilter(filter) }] });
    return error.value ? error.value.text : null;
  }

  function deleteFilter(name: string): Promise<void> {
    return persist({ ...settings.value, saved_filters: settings.value.saved_filters.filter((s) => s.name !== name) });
  }

  return { settings, loaded, error, columns, load, setTheme, setColumns, saveFilter, deleteFilter };
});
