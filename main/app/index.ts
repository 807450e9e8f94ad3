import type { ProgressEvent, UcmApi } from '../../preload/api.js';
import type { SecretStore } from '../secrets.js';
import type { Store } from '../store/types.js';
import { createAppArea } from './app.js';
import { createCallsArea } from './calls.js';
import { createContactsArea } from './contacts.js';
import type { AppContext } from './context.js';
import { DemoPbx } from './demo.js';
import { createExportsArea } from './exports.js';
import { FileRefRegistry } from './file-refs.js';
import { createImportsArea } from './imports.js';
import { createPbxArea } from './pbx.js';
import { createRecordingsArea } from './recordings.js';
import { createRatesArea } from './rates.js';
import { createAlertsArea, createAutoSync, createWatchArea } from './watch.js';
import { createReportsArea } from './reports.js';
import type { Shell } from './shell.js';
import { createSyncArea } from './sync.js';
import { TaskRegistry, createTasksArea } from './tasks.js';
import { createCacheUpgrade, type CacheUpgradeOptions } from './upgrade.js';

export type { Shell } from './shell.js';
export type { CacheUpgradeOptions } from './upgrade.js';

export interface AppApiDeps {
  store: Store;
  dataDir: string;
  secrets: SecretStore;
  /** What differs between the desktop app and the web mode (main/shell/desktop.ts, main/web/shell.ts). */
  shell: Shell;
  emitProgress(event: ProgressEvent): void;
  /** Shared with the dialogs (desktop) or the uploads (web). */
  files?: FileRefRegistry;
  /** The desktop passes Electron's app.getVersion(); otherwise it is read from package.json. */
  version?: string;
  /** Sync the PBXs on their schedule while the services run (the desktop app, `ucmcdr serve`). */
  autoSync?: boolean;
  /** Where the automatic sync's one line per PBX goes (default: nowhere). */
  log?(line: string): void;
  /**
   * Converting an older cache's records, when the store was opened with `deferUpgrade` (the desktop
   * app, `ucmcdr serve`): it starts at once in the background (main/app/upgrade.ts); these options
   * say where its lines go and, for tests, how big its batches are and how it gives way.
   */
  cacheUpgrade?: CacheUpgradeOptions;
}

/** The contract's services (dialogs and events belong to the shell), plus the shutdown hook. */
export type AppApi = Omit<UcmApi, 'events' | 'dialogs'> & { close(): Promise<void> };

/**
 * The contract's services for one shell: one module per contract area, all on the same cache,
 * file refs and task registry. IPC (main/shell/ipc.ts) and the web mode (main/web/server.ts) both
 * serve what this returns.
 */
export function createAppApi(deps: AppApiDeps): AppApi {
  const ctx: AppContext = {
    store: deps.store,
    dataDir: deps.dataDir,
    secrets: deps.secrets,
    shell: deps.shell,
    files: deps.files ?? new FileRefRegistry(),
    tasks: new TaskRegistry(),
    emitProgress: deps.emitProgress,
  };
  const demo = new DemoPbx(ctx.store, ctx.dataDir, ctx.secrets);
  const auto = createAutoSync(ctx, deps.log);
  if (deps.autoSync === true) auto.start();
  const upgrade = createCacheUpgrade(ctx, deps.cacheUpgrade);
  upgrade.start();
  return {
    app: createAppArea(ctx, deps.version, upgrade),
    pbx: createPbxArea(ctx, demo),
    sync: createSyncArea(ctx),
    calls: createCallsArea(ctx),
    recordings: createRecordingsArea(ctx),
    imports: createImportsArea(ctx),
    reports: createReportsArea(ctx),
    exports: createExportsArea(ctx),
    rates: createRatesArea(ctx),
    contacts: createContactsArea(ctx),
    alerts: createAlertsArea(ctx),
    watch: createWatchArea(ctx, auto),
    tasks: createTasksArea(ctx.tasks),
    async close() {
      ctx.tasks.cancelAll();
      await upgrade.stop();
      await auto.stop();
      await demo.stop();
    },
  };
}
