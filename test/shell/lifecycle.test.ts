import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { tempDir } from '../support/fs.js';
import { API_METHODS, DROP_CHANNEL } from '../../preload/api.js';

/** Everything main/shell/index.ts touches in Electron, recorded so the test can read what it did. */
const electron = vi.hoisted(() => {
  const state = {
    lock: true,
    userData: '',
    ready: null as null | (() => void),
    appEvents: new Map<string, ((...args: unknown[]) => void)[]>(),
    quit: 0,
    schemes: [] as unknown[],
    protocolHandlers: new Map<string, (request: Request) => Promise<Response>>(),
    ipcChannels: [] as string[],
    windows: [] as { options: Record<string, unknown>; url: string | null }[],
    permissionHandlerSet: false,
  };
  return { state };
});

vi.mock('electron', async () => {
  const { EventEmitter: Emitter } = await import('node:events');
  const { state } = electron;
  class BrowserWindow extends Emitter {
    webContents = new Emitter();
    record: { options: Record<string, unknown>; url: string | null };
    constructor(options: Record<string, unknown>) {
      super();
      this.record = { options, url: null };
      state.windows.push(this.record);
    }
    async loadURL(url: string) {
      this.record.url = url;
    }
    maximize() {}
    isDestroyed() {
      return false;
    }
  }
  const app = {
    isPackaged: true,
    requestSingleInstanceLock: () => state.lock,
    getPath: () => state.userData,
    getVersion: () => '1.2.3',
    whenReady: () => new Promise<void>((resolve) => (state.ready = resolve)),
    on: (name: string, fn: (...args: unknown[]) => void) => {
      state.appEvents.set(name, [...(state.appEvents.get(name) ?? []), fn]);
    },
    quit: () => void state.quit++,
    exit: vi.fn(),
  };
  return {
    app,
    BrowserWindow,
    dialog: { showErrorBox: vi.fn() },
    ipcMain: { handle: (channel: string) => state.ipcChannels.push(channel), removeHandler: vi.fn() },
    protocol: {
      registerSchemesAsPrivileged: (schemes: unknown[]) => state.schemes.push(...schemes),
      handle: (scheme: string, handler: (request: Request) => Promise<Response>) => state.protocolHandlers.set(scheme, handler),
    },
    safeStorage: { isEncryptionAvailable: () => false, encryptString: vi.fn(), decryptString: vi.fn() },
    session: {
      defaultSession: {
        setPermissionRequestHandler: () => (state.permissionHandlerSet = true),
        setPermissionCheckHandler: vi.fn(),
        setDevicePermissionHandler: vi.fn(),
        webRequest: { onHeadersReceived: vi.fn() },
      },
    },
    Menu: { setApplicationMenu: vi.fn(), buildFromTemplate: (t: unknown) => t },
    screen: { getAllDisplays: () => [{ workArea: { x: 0, y: 0, width: 1920, height: 1080 } }] },
    shell: { openExternal: vi.fn() },
  };
});

const { state } = electron;
const cleanups: (() => void)[] = [];

beforeEach(() => {
  vi.resetModules();
  Object.assign(state, { lock: true, ready: null, quit: 0, schemes: [], ipcChannels: [], windows: [], permissionHandlerSet: false });
  state.appEvents = new Map();
  state.protocolHandlers = new Map();
  const userData = tempDir('ucm-life-');
  state.userData = userData.dir;
  cleanups.push(userData.cleanup);
});

afterAll(() => {
  for (const cleanup of cleanups) cleanup();
});

async function startApp(): Promise<void> {
  await import('../../main/shell/index.js');
  state.ready?.();
  // start() runs after whenReady resolves; wait until it opened the window.
  await vi.waitFor(() => expect(state.windows.length).toBe(1));
}

describe('main/shell/index.ts lifecycle', () => {
  it('registers the privileged app scheme before ready', async () => {
    await import('../../main/shell/index.js');
    expect(state.schemes).toEqual([
      { scheme: 'app', privileges: expect.objectContaining({ standard: true, secure: true, supportFetchAPI: true, stream: true }) },
    ]);
  });

  it('on ready: opens the cache, binds every method, hardens the session, serves app:// and loads it', async () => {
    await startApp();
    expect(existsSync(join(state.userData, 'cdr-cache.sqlite'))).toBe(true);
    expect([...state.ipcChannels].sort()).toEqual([...API_METHODS, DROP_CHANNEL].sort());
    expect(state.permissionHandlerSet).toBe(true);
    expect(state.appEvents.has('web-contents-created')).toBe(true);
    const [win] = state.windows;
    expect(win.url).toBe('app://ucm/index.html');
    expect(win.options.webPreferences).toMatchObject({ contextIsolation: true, sandbox: true, nodeIntegration: false });
    expect(String((win.options.webPreferences as { preload: string }).preload)).toMatch(/preload[\\/]index\.cjs$/);
    const page = await state.protocolHandlers.get('app')?.(new Request('app://ucm/recordings/1/0'));
    expect(page?.status).toBe(404);
  });

  it('closes the cache when the app quits', async () => {
    await startApp();
    const prevent = vi.fn();
    for (const fn of state.appEvents.get('will-quit') ?? []) fn({ preventDefault: prevent });
    expect(prevent).toHaveBeenCalledTimes(1);
    await vi.waitFor(() => expect(state.quit).toBe(1));
    // A second will-quit (from that app.quit()) lets the app end.
    const again = vi.fn();
    for (const fn of state.appEvents.get('will-quit') ?? []) fn({ preventDefault: again });
    expect(again).not.toHaveBeenCalled();
  });

  it('a second instance only hands over to the first and quits', async () => {
    state.lock = false;
    await import('../../main/shell/index.js');
    expect(state.quit).toBe(1);
    expect(state.ready).toBeNull();
    expect(state.appEvents.size).toBe(0);
  });
});

