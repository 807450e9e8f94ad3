import { describe, expect, it, vi } from 'vitest';

const created: { options: Record<string, unknown>; loaded: string[]; events: Map<string, () => void> }[] = [];

vi.mock('electron', () => {
  class BrowserWindow {
    loaded: string[] = [];
    events = new Map<string, () => void>();
    constructor(options: Record<string, unknown>) {
      created.push({ options, loaded: this.loaded, events: this.events });
    }
    maximize(): void {}
    on(name: string, fn: () => void): void {
      this.events.set(name, fn);
    }
    once(name: string, fn: () => void): void {
      this.events.set(name, fn);
    }
    async loadURL(url: string): Promise<void> {
      this.loaded.push(url);
    }
    isDestroyed(): boolean {
      return false;
    }
    isMinimized(): boolean {
      return false;
    }
    isMaximized(): boolean {
      return false;
    }
    isFullScreen(): boolean {
      return false;
    }
    getNormalBounds() {
      return { x: 10, y: 20, width: 1400, height: 900 };
    }
    show(): void {}
  }
  return {
    BrowserWindow,
    Menu: { setApplicationMenu: vi.fn(), buildFromTemplate: vi.fn((t: unknown) => t) },
    screen: { getAllDisplays: () => [{ workArea: { x: 0, y: 0, width: 1920, height: 1080 } }] },
  };
});

const { createMainWindow, menuTemplate, readBounds, visibleBounds, windowOptions } = await import('../../main/shell/window.js');

function memorySettings(initial: Record<string, string> = {}) {
  const values = new Map(Object.entries(initial));
  return {
    values,
    settings: {
      get: (key: string) => values.get(key) ?? null,
      set: (key: string, value: string) => void values.set(key, value),
    },
  };
}

describe('the main window', () => {
  it('is isolated and sandboxed, without Node in the page, with our preload', () => {
    const prefs = windowOptions('/app/out/preload/index.cjs', { width: 1200, height: 800, maximized: false }).webPreferences;
    expect(prefs).toMatchObject({
      preload: '/app/out/preload/index.cjs',
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
    });
  });

  it('opens where it was closed and remembers its bounds on close', () => {
    const settings = memorySettings({ 'window.bounds': JSON.stringify({ x: 100, y: 50, width: 1280, height: 720, maximized: false }) });
    createMainWindow({ preloadPath: '/p/index.cjs', store: settings, url: 'app://ucm/index.html' });
    const win = created.at(-1);
    expect(win?.options).toMatchObject({ x: 100, y: 50, width: 1280, height: 720, show: false });
    expect(win?.loaded).toEqual(['app://ucm/index.html']);
    win?.events.get('close')?.();
    expect(JSON.parse(settings.values.get('window.bounds') ?? '{}')).toEqual({ x: 10, y: 20, width: 1400, height: 900, maximized: false });
  });

  it('falls back to default bounds for damaged settings and forgets positions off every screen', () => {
    expect(readBounds(memorySettings({ 'window.bounds': '{not json' }))).toEqual({ width: 1366, height: 820, maximized: false });
    const off = visibleBounds({ x: 5000, y: 5000, width: 1200, height: 800, maximized: false }, [{ x: 0, y: 0, width: 1920, height: 1080 }]);
    expect(off).toEqual({ width: 1200, height: 800, maximized: false });
    const on = { x: 200, y: 100, width: 1200, height: 800, maximized: false };
    expect(visibleBounds(on, [{ x: 0, y: 0, width: 1920, height: 1080 }])).toEqual(on);
  });

  it('offers Reload and the developer tools in development only', () => {
    const roles = (isDev: boolean) =>
      JSON.stringify(menuTemplate({ isDev, isMac: false }))
        .match(/"role":"\w+"/g)
        ?.map((r) => r.slice(8, -1)) ?? [];
    expect(roles(true)).toEqual(expect.arrayContaining(['reload', 'toggleDevTools', 'quit', 'editMenu']));
    expect(roles(false)).not.toContain('reload');
    expect(roles(false)).not.toContain('toggleDevTools');
    expect(roles(false)).toEqual(expect.arrayContaining(['quit', 'editMenu', 'zoomIn', 'togglefullscreen']));
  });
});
