import { app, dialog, ipcMain, protocol, safeStorage, session, type BrowserWindow } from 'electron';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createAppApi, type AppApi } from '../app/index.js';
import { APP_ORIGIN, APP_SCHEME, handleAppRequest } from './app-protocol.js';
import { FileRefRegistry } from '../app/file-refs.js';
import { desktopShell } from './desktop.js';
import { createNativeDialogs } from './native-dialogs.js';
import { toAppError } from '../errors.js';
import { progressSender, registerIpc, trustedSender } from './ipc.js';
import { defaultDbPath } from '../paths.js';
import { createKeychainSecrets } from '../secrets.js';
import { hardenApp, hardenSession, originOf } from './security.js';
import { openStore } from '../store/store.js';
import type { Store } from '../store/types.js';
import { createMainWindow, installMenu } from './window.js';

/** App lifecycle only: the pieces live beside it (window.ts, security.ts, ipc.ts, desktop.ts) and in main/app/. */

// The built entry's folder (out/main, see electron.vite.config.ts), beside out/preload and out/renderer.
const here = fileURLToPath(new URL('.', import.meta.url));
const devServerUrl = app.isPackaged ? undefined : process.env.ELECTRON_RENDERER_URL;
const appOrigin = (): string => (devServerUrl ? (originOf(devServerUrl) ?? APP_ORIGIN) : APP_ORIGIN);

// Must happen before ready: the renderer's scheme behaves like https (secure context, fetch, streaming).
protocol.registerSchemesAsPrivileged([
  { scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true, stream: true } },
]);

let mainWindow: BrowserWindow | null = null;
let store: Store | null = null;
let appApi: AppApi | null = null;
let shuttingDown = false;

function openWindow(cacheStore: Store): void {
  mainWindow = createMainWindow({
    preloadPath: join(here, '../preload/index.cjs'),
    store: cacheStore,
    url: devServerUrl ?? `${APP_ORIGIN}/index.html`,
  });
  mainWindow.on('closed', () => {
    mainWindow = null;
  });
}

async function start(): Promise<void> {
  const dataDir = app.getPath('userData');
  let cacheStore: Store;
  try {
    // An older cache's records are converted once the window is open, which shows the progress.
    cacheStore = openStore(defaultDbPath(dataDir), { deferUpgrade: true });
  } catch (error) {
    dialog.showErrorBox('UCM CDR Viewer cannot open its cache', toAppError(error).message);
    app.exit(1);
    return;
  }
  store = cacheStore;
  hardenApp(app, appOrigin);
  hardenSession(session.defaultSession, { cspHeader: !devServerUrl });
  protocol.handle(APP_SCHEME, (request) =>
    handleAppRequest(request, { rendererDir: join(here, '../renderer'), store: cacheStore, dataDir }),
  );

  const getWindow = (): BrowserWindow | null => mainWindow;
  const files = new FileRefRegistry();
  const secrets = createKeychainSecrets(safeStorage, join(dataDir, 'secrets.json'));
  if (!secrets.available) {
    console.warn('The system keychain is not available: PBX passwords are kept for this session only and asked again after a restart.');
  }
  appApi = createAppApi({
    store: cacheStore,
    dataDir,
    secrets,
    shell: desktopShell,
    emitProgress: progressSender(getWindow),
    files,
    version: app.getVersion(),
    autoSync: true,
    log: (line) => console.log(`watch: ${line}`),
    cacheUpgrade: { log: (line) => console.log(line) },
  });
  registerIpc(ipcMain, { ...appApi, dialogs: createNativeDialogs(getWindow, files) }, trustedSender(getWindow, appOrigin), {
    files,
    onInternalError: (method, error) => console.error(`${method} failed:`, error),
    onRefused: (channel) => console.warn(`Refused ${channel} from an unexpected frame.`),
  });
  installMenu({ isDev: devServerUrl !== undefined, isMac: process.platform === 'darwin' });
  openWindow(cacheStore);

  app.on('activate', () => {
    if (!mainWindow) openWindow(cacheStore);
  });
}

async function shutdown(): Promise<void> {
  try {
    await appApi?.close();
  } finally {
    store?.close();
    store = null;
  }
}

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  app.on('second-instance', () => {
    if (!mainWindow) return;
    if (mainWindow.isMinimized()) mainWindow.restore();
    mainWindow.focus();
  });
  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });
  // Stop the simulator, cancel tasks and close SQLite before the process ends.
  app.on('will-quit', (event) => {
    if (shuttingDown) return;
    shuttingDown = true;
    event.preventDefault();
    shutdown()
      .catch((error: unknown) => console.error('Shutdown failed:', error))
      .finally(() => app.quit());
  });
  app
    .whenReady()
    .then(start)
    .catch((error: unknown) => {
      dialog.showErrorBox('UCM CDR Viewer failed to start', toAppError(error).message);
      app.exit(1);
    });
}
