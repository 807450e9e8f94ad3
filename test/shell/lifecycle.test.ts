import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { tempDir } from '../support/fs.js';
import { API_METHODS, DROP_CHANNEL, PROGRESS_CHANNEL, type ProgressEvent } from '../../preload/api.js';
import { cacheContent, schema7Cache } from '../store/legacy-cache.js';

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
    windows: [] as { options: Record<string, unknown>; url: string | null; textRecords: number | null }[],
    /** What main sent the window's renderer (progress events). */
    sent: [] as { channel: string; payload: unknown }[],
    permissionHandlerSet: false,
  };
  return { state };
});

vi.mock('electron', async () => {
  const { EventEmitter: Emitter } = await import('node:events');
  const { existsSync: exists } = await import('node:fs');
  const { join: joinPath } = await import('node:path');
  const { default: Database } = await import('better-sqlite3');
  const { state } = electron;
  /** Records of the cache still in the form of schema 7 as the window opens (null: no cache yet). */
  function textRecords(): number | null {
    const path = joinPath(state.userData, 'cdr-cache.sqlite');
    if (!exists(path)) return null;
    const raw = new Database(path, { readonly: true });
    try {
      return raw.prepare("SELECT count(*) FROM legs WHERE typeof(fields) = 'text'").pluck().get() as number;
    } finally {
      raw.close();
    }
  }
  class BrowserWindow extends Emitter {
    webContents = Object.assign(new Emitter(), {
      send: (channel: string, payload: unknown) => void state.sent.push({ channel, payload }),
    });
    record: { options: Record<string, unknown>; url: string | null; textRecords: number | null };
    constructor(options: Record<string, unknown>) {
      super();
      this.record = { options, url: null, textRecords: textRecords() };
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
  Object.assign(state, { lock: true, ready: null, quit: 0, schemes: [], ipcChannels: [], windows: [], sent: [], permissionHandlerSet: false });
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

  it('opens a cache from before schema 8 without converting it, then converts it in the background and tells the window', async () => {
    schema7Cache(join(state.userData, 'cdr-cache.sqlite'), 300);
    await startApp();
    // The window opened on the cache as it was: nothing converted before it.
    expect(state.windows[0]?.textRecords).toBeGreaterThan(300);
    await vi.waitFor(() => expect(state.sent.map((s) => (s.payload as ProgressEvent).upgrade?.phase)).toContain('done'), { timeout: 10_000 });
    const events = state.sent.map((s) => s as { channel: string; payload: ProgressEvent });
    expect(events.every((e) => e.channel === PROGRESS_CHANNEL && e.payload.kind === 'upgrade')).toBe(true);
    expect(events.map((e) => e.payload.upgrade)).toEqual([
      { phase: 'records', done: 0, total: 300 },
      { phase: 'records', done: 300, total: 300 },
      { phase: 'space', done: 300, total: 300 },
      { phase: 'done', done: 300, total: 300 },
    ]);
    expect(cacheContent(join(state.userData, 'cdr-cache.sqlite')).legs.every((l) => l.type === 'blob')).toBe(true);
    for (const fn of state.appEvents.get('will-quit') ?? []) fn({ preventDefault: vi.fn() });
    await vi.waitFor(() => expect(state.quit).toBe(1));
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

