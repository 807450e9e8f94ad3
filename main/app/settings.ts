import type { Settings } from '../../preload/api.js';
import type { Store } from '../store/types.js';
import { AppError } from '../errors.js';

const KEY = 'ui.settings';

/** Column ids belong to the renderer: an empty list means "its default layout". */
export function defaultSettings(): Settings {
  return { theme: 'system', columns: [], saved_filters: [] };
}

/** The stored settings over the defaults; a damaged value falls back to the defaults. */
export function readSettings(store: Store): Settings {
  const text = store.settings.get(KEY);
  if (text === null) return defaultSettings();
  try {
    return { ...defaultSettings(), ...(JSON.parse(text) as Partial<Settings>) };
  } catch {
    return defaultSettings();
  }
}

export function writeSettings(store: Store, settings: Settings): Settings {
  const names = settings.saved_filters.map((f) => f.name);
  const duplicate = names.find((name, i) => names.indexOf(name) !== i);
  if (duplicate !== undefined) {
    throw new AppError('BAD_INPUT', `Two saved filters are named "${duplicate}"; give each a different name.`);
  }
  store.settings.set(KEY, JSON.stringify(settings));
  return settings;
}
