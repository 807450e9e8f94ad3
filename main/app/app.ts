import type { Settings, UcmApi } from '../../preload/api.js';
import type { AppContext } from './context.js';
import { readSettings, writeSettings } from './settings.js';
import type { CacheUpgrade } from './upgrade.js';
import { appVersion } from './version.js';

/** `app/*`: what the app is and where it keeps its data, its cache's upgrade, the settings, and the external-link gate. */
export function createAppArea(ctx: AppContext, version: string | undefined, upgrade: CacheUpgrade): UcmApi['app'] {
  const { store, secrets } = ctx;
  return {
    async info() {
      return { version: version ?? appVersion(), mode: ctx.shell.mode, db_path: store.path, keychain: secrets.available };
    },
    async upgradeStatus() {
      return upgrade.status();
    },
    async getSettings() {
      return readSettings(store);
    },
    async saveSettings(req: Settings) {
      return writeSettings(store, req);
    },
    async openExternal({ url }) {
      return ctx.shell.openExternal(url);
    },
  };
}
