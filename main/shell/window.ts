import {
  BrowserWindow,
  Menu,
  screen,
  type BrowserWindowConstructorOptions,
  type MenuItemConstructorOptions,
  type Rectangle,
} from 'electron';
import type { Store } from '../store/types.js';

const BOUNDS_KEY = 'window.bounds';
const MIN_WIDTH = 960;
const MIN_HEIGHT = 600;

export interface SavedBounds {
  x?: number;
  y?: number;
  width: number;
  height: number;
  maximized: boolean;
}

const DEFAULT_BOUNDS: SavedBounds = { width: 1366, height: 820, maximized: false };

function isInt(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value);
}

/** Saved bounds, or the defaults when absent or damaged. */
export function readBounds(store: Pick<Store, 'settings'>): SavedBounds {
  const text = store.settings.get(BOUNDS_KEY);
  if (text === null) return DEFAULT_BOUNDS;
  try {
    const v = JSON.parse(text) as Record<string, unknown>;
    if (!isInt(v.width) || !isInt(v.height)) return DEFAULT_BOUNDS;
    const bounds: SavedBounds = {
      width: Math.max(MIN_WIDTH, v.width),
      height: Math.max(MIN_HEIGHT, v.height),
      maximized: v.maximized === true,
    };
    if (isInt(v.x) && isInt(v.y)) Object.assign(bounds, { x: v.x, y: v.y });
    return bounds;
  } catch {
    return DEFAULT_BOUNDS;
  }
}

/** Drops a saved position that no connected display shows any more (monitor unplugged). */
export function visibleBounds(bounds: SavedBounds, workAreas: Rectangle[]): SavedBounds {
  if (bounds.x === undefined || bounds.y === undefined) return bounds;
  const { x, y, width } = bounds;
  // The title bar (top 40 px, mostly) must be reachable to move the window.
  const reachable = workAreas.some(
    (a) => x + width - 100 > a.x && x + 100 < a.x + a.width && y >= a.y - 10 && y + 40 < a.y + a.height,
  );
  return reachable ? bounds : { width: bounds.width, height: bounds.height, maximized: bounds.maximized };
}

/** The hardened window: isolated, sandboxed preload, no Node in the page, web security on. */
export function windowOptions(preloadPath: string, bounds: SavedBounds): BrowserWindowConstructorOptions {
  return {
    ...(bounds.x !== undefined && bounds.y !== undefined ? { x: bounds.x, y: bounds.y } : {}),
    width: bounds.width,
    height: bounds.height,
    minWidth: MIN_WIDTH,
    minHeight: MIN_HEIGHT,
    show: false,
    title: 'UCM CDR Viewer',
    backgroundColor: '#1e1f22',
    autoHideMenuBar: false,
    webPreferences: {
      preload: preloadPath,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      experimentalFeatures: false,
      navigateOnDragDrop: false,
      spellcheck: false,
    },
  };
}

function rememberBounds(win: BrowserWindow, store: Pick<Store, 'settings'>): void {
  const save = (): void => {
    if (win.isDestroyed() || win.isMinimized()) return;
    const maximized = win.isMaximized() || win.isFullScreen();
    const { x, y, width, height } = win.getNormalBounds();
    store.settings.set(BOUNDS_KEY, JSON.stringify({ x, y, width, height, maximized }));
  };
  // Saving on close covers every way the window goes away; the resize/move events would write far too often.
  win.on('close', save);
}

export interface MainWindowOptions {
  preloadPath: string;
  store: Pick<Store, 'settings'>;
  /** What to load: the dev server in development, app://ucm/index.html otherwise. */
  url: string;
}

export function createMainWindow(opts: MainWindowOptions): BrowserWindow {
  const bounds = visibleBounds(
    readBounds(opts.store),
    screen.getAllDisplays().map((d) => d.workArea),
  );
  const win = new BrowserWindow(windowOptions(opts.preloadPath, bounds));
  if (bounds.maximized) win.maximize();
  rememberBounds(win, opts.store);
  win.once('ready-to-show', () => win.show());
  void win.loadURL(opts.url);
  return win;
}

/** The native menu: the usual shortcuts; Reload and the developer tools only in development. */
export function menuTemplate(options: { isDev: boolean; isMac: boolean }): MenuItemConstructorOptions[] {
  const view: MenuItemConstructorOptions[] = [
    ...(options.isDev
      ? ([{ role: 'reload' }, { role: 'forceReload' }, { role: 'toggleDevTools' }, { type: 'separator' }] as const)
      : []),
    { role: 'resetZoom' },
    { role: 'zoomIn' },
    { role: 'zoomOut' },
    { type: 'separator' },
    { role: 'togglefullscreen' },
  ];
  return [
    ...(options.isMac ? [{ role: 'appMenu' } as const] : []),
    { label: '&File', submenu: [options.isMac ? { role: 'close' } : { role: 'quit' }] },
    { role: 'editMenu' },
    { label: '&View', submenu: view },
    { role: 'windowMenu' },
  ];
}

export function installMenu(options: { isDev: boolean; isMac: boolean }): void {
  Menu.setApplicationMenu(Menu.buildFromTemplate(menuTemplate(options)));
}
