import { badInput, nonEmpty } from './checks.js';
import type { Db } from './db-type.js';
import type { SettingsArea } from './types.js';

/** The app's settings: text values under non-empty keys. */
export function createSettings(db: Db): SettingsArea {
  const getSetting = db.prepare<[string], { value: string }>('SELECT value FROM settings WHERE key = ?');
  const putSetting = db.prepare(
    'INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value',
  );
  return {
    get(key) {
      return getSetting.get(nonEmpty(key, 'Setting key'))?.value ?? null;
    },
    set(key, value) {
      if (typeof value !== 'string') throw badInput(`Setting "${key}" must be text.`);
      putSetting.run(nonEmpty(key, 'Setting key'), value);
    },
  };
}
