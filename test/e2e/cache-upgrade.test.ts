import { join } from 'node:path';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import type { Locator } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { UpgradeProgress } from '../../main/store/record-upgrade.js';
import { cacheContent, schema7Cache } from '../store/legacy-cache.js';
import { startHarness, type Harness } from './harness.js';

/**
 * "Upgrading existing caches" in Chromium against the web mode: a cache from before schema 8 is
 * served at once and converted in the background; the window shows the progress in a banner, the
 * calls can be searched and opened meanwhile, "Giving disk space back…" comes before the VACUUM, and
 * the banner goes away when the upgrade is done.
 */

const UI_TIMEOUT = 20_000;
const CALLS = 2_000;
const BATCH = 200;

let h: Harness;
let scratch: string;
let db: string;

/** The conversion waits at these points until the test has looked at the window. */
function gate(): { wait: Promise<void>; open(): void } {
  let open!: () => void;
  const wait = new Promise<void>((resolve) => (open = resolve));
  return { wait, open };
}
const afterSecondBatch = gate();
const beforeSpace = gate();

const byTestId = (id: string): Locator => h.page.getByTestId(id);

beforeAll(async () => {
  scratch = mkdtempSync(join(tmpdir(), 'ucm-e2e-upgrade-'));
  db = join(scratch, 'old.sqlite');
  schema7Cache(db, CALLS);
  let pauses = 0;
  h = await startHarness({
    dbPath: db,
    cacheUpgrade: {
      batchCalls: BATCH,
      // A small cache converts in a blink: it is held after its second batch and before the VACUUM, and
      // otherwise slowed down, so the window can be watched at each step.
      async pause(phase: UpgradeProgress['phase']) {
        if (phase === 'space') return beforeSpace.wait;
        pauses++;
        if (pauses === 3) return afterSecondBatch.wait;
        await new Promise((resolve) => setTimeout(resolve, 100));
      },
    },
  });
  await h.page.goto(h.server.url);
  await byTestId('nav-calls').waitFor({ timeout: UI_TIMEOUT });
});

afterAll(async () => {
  afterSecondBatch.open();
  beforeSpace.open();
  await h?.close();
  rmSync(scratch, { recursive: true, force: true });
});

describe('a cache from before schema 8, opened by the web mode', () => {
  it('shows the progress of the upgrade in a banner while the calls can be searched and opened', async () => {
    const banner = byTestId('cache-upgrade');
    await banner.waitFor({ timeout: UI_TIMEOUT });
    expect(await banner.getAttribute('role')).toBe('status');
    expect(await banner.getAttribute('aria-live')).toBe('polite');
    await expect.poll(() => banner.getAttribute('data-done'), { timeout: UI_TIMEOUT }).toBe(String(2 * BATCH));
    expect(await banner.getAttribute('data-phase')).toBe('records');
    const text = await banner.textContent();
    expect(text).toContain('Upgrading the cache to the new format: 400 of 2,000 calls (20 %)…');
    expect(text).toContain('You can keep working; searches may be slower until it is done.');
    await h.screenshot('cache-upgrade');

    // The cache answers meanwhile, records in both forms: the list, its count, a search, a call's legs.
    expect(cacheContent(db).legs.some((l) => l.type === 'text')).toBe(true);
    await byTestId('nav-calls').click();
    await byTestId('calls-table').waitFor({ timeout: UI_TIMEOUT });
    await expect.poll(h.shownCount, { timeout: UI_TIMEOUT }).toBe(CALLS);
    const row = h.page.getByTestId('call-row').first();
    await row.dblclick();
    await byTestId('session-panel').waitFor({ timeout: UI_TIMEOUT });
    expect(await byTestId('session-id').textContent()).toBe(await row.getAttribute('data-session'));
  });

  it('says "Giving disk space back…" before the VACUUM, then the banner goes away and the list works', async () => {
    afterSecondBatch.open();
    const banner = byTestId('cache-upgrade');
    await expect.poll(() => banner.getAttribute('data-phase'), { timeout: UI_TIMEOUT }).toBe('space');
    expect(await banner.textContent()).toContain('Giving disk space back…');
    expect(await banner.getAttribute('data-done')).toBe(String(CALLS));
    beforeSpace.open();

    await banner.waitFor({ state: 'detached', timeout: UI_TIMEOUT });
    expect(await byTestId('cache-upgrade-error').count()).toBe(0);
    const content = cacheContent(db);
    expect(content.legs.every((l) => l.type === 'blob')).toBe(true);
    expect(content.settings).not.toContainEqual(expect.objectContaining({ key: 'records.compact_after' }));

    const session = h.store.calls.page({ filter: {}, limit: 1 }).rows[0]!.session;
    await byTestId('filter-search').fill(session);
    await expect.poll(h.shownCount, { timeout: UI_TIMEOUT }).toBe(1);
    expect(await h.page.getByTestId('call-row').first().getAttribute('data-session')).toBe(session);
  });
});
