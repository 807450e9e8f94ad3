import type { Settings, UcmApi } from '../../preload/api.js';
import type { AppContext } from './context.js';
import { readSettings, writeSettings } from './settings.js';
import { appVersion } from './version.js';

/** `app/*`: what the app is and where it keeps its data, the settings, and the external-link gate. */
export function createAppArea(ctx: AppContext, version: string | undefined): UcmApi['app'] {
  const { store, secrets } = ctx;
  return {
    async info() {
      return { version: version ?? appVersion(), mode: ctx.shell.mode, db_path: store.path, keychain: secrets.available };
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
