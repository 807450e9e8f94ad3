import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { build } from 'vite';
import type { CacheUpgradeOptions } from '../../main/app/index.js';
import { openStore } from '../../main/store/store.js';
import type { Store } from '../../main/store/types.js';
import { startWebServer, type WebServer } from '../../main/web/server.js';

/**
 * End-to-end rig: the renderer built with its own web-mode config, `startWebServer` on a temp cache
 * and data folder (as `ucmcdr serve` runs it), and Debian's Chromium driven by playwright-core.
 */

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const CHROMIUM = '/usr/bin/chromium';
/** Where each run leaves its screenshots; docs/screenshots/ holds a copy of the current ones. */
export const SHOTS_DIR = join(root, 'test-results', 'screenshots');
const DOCS_SHOTS = join(root, 'docs', 'screenshots');

/** Copies this run's screenshot `name` over the one docs/ and the README show. */
export function keepShot(name: string): void {
  mkdirSync(DOCS_SHOTS, { recursive: true });
  copyFileSync(join(SHOTS_DIR, `${name}.png`), join(DOCS_SHOTS, `${name}.png`));
}

export interface Harness {
  context: BrowserContext;
  page: Page;
  server: WebServer;
  store: Store;
  dataDir: string;
  /** A scratch folder removed at the end (downloads, files to upload). */
  work: string;
  screenshot(name: string): Promise<void>;
  /** The call count the Calls screen shows (its data-count), -1 while none is shown; for expect.poll. */
  shownCount: () => Promise<number>;
  close(): Promise<void>;
}

export interface HarnessOptions {
  /** An existing cache to serve (kept); default: a new one in the scratch folder. */
  dbPath?: string;
  /** Extra Chromium switches (e.g. for memory figures). */
  chromiumArgs?: string[];
  /** How an older cache is converted in the background (batch size, pauses), as `ucmcdr serve` does it. */
  cacheUpgrade?: CacheUpgradeOptions;
}

export async function startHarness(options: HarnessOptions = {}): Promise<Harness> {
  const work = mkdtempSync(join(tmpdir(), 'ucm-e2e-'));
  const staticDir = join(work, 'renderer');
  await build({
    configFile: join(root, 'renderer', 'vite.config.ts'),
    logLevel: 'warn',
    build: { outDir: staticDir, emptyOutDir: true, reportCompressedSize: false },
  });
  const dataDir = join(work, 'data');
  mkdirSync(dataDir, { recursive: true });
  // As `ucmcdr serve` opens it: an older cache's records are converted in the background, the page showing it.
  const store = openStore(options.dbPath ?? join(dataDir, 'cache.sqlite'), { deferUpgrade: true });
  const server = await startWebServer({ store, dataDir, staticDir, ...(options.cacheUpgrade ? { cacheUpgrade: options.cacheUpgrade } : {}) });
  const context = await chromium.launchPersistentContext(join(work, 'chromium-profile'), {
    executablePath: CHROMIUM,
    headless: true,
    acceptDownloads: true,
    viewport: { width: 1280, height: 800 },
    colorScheme: 'light',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      '--autoplay-policy=no-user-gesture-required',
      ...(options.chromiumArgs ?? []),
    ],
  });
  const page = context.pages()[0] ?? (await context.newPage());
  mkdirSync(SHOTS_DIR, { recursive: true });
  return {
    context,
    page,
    server,
    store,
    dataDir,
    work,
    async screenshot(name) {
      await page.screenshot({ path: join(SHOTS_DIR, `${name}.png`) });
    },
    shownCount: async () => {
      const text = await page.getByTestId('calls-count').getAttribute('data-count');
      return text === null || text === '' ? -1 : Number(text);
    },
    async close() {
      await context.close();
      await server.close();
      store.close();
      rmSync(work, { recursive: true, force: true });
    },
  };
}
