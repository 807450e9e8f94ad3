import type { Locator } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { wallClockToUtc } from '../../main/cdr/time.js';
import { flatCall } from '../store/support.js';
import { startHarness, type Harness } from './harness.js';

/**
 * Editing and removing PBXs with cached calls, in Chromium against the web mode: a zone change
 * re-times the calls, removal deletes them or keeps them as history, and the counts shown follow.
 */

const UI_TIMEOUT = 20_000;
let h: Harness;
let officeId = 0;
let branchId = 0;

const byTestId = (id: string): Locator => h.page.getByTestId(id);

/** A PBX nobody answers for (connection refused at once), with `n` calls cached as a sync would have. */
function cachedPbx(name: string, n: number): number {
  const id = h.store.profiles.save({ name, url: 'https://127.0.0.1:9', api: 'auto', user: 'cdrapi', tz: 'Europe/Berlin', fingerprint: 'AA:BB' }).id;
  const calls = Array.from({ length: n }, (_, i) =>
    flatCall({ session: `${name}-${i}`, start: `2024-05-${String(1 + (i % 28)).padStart(2, '0')} ${String(8 + (i % 10)).padStart(2, '0')}:00:00` }),
  );
  h.store.calls.ingest(id, calls, { origin: 'sync' });
  return id;
}

async function goToPbx(): Promise<void> {
  await byTestId('nav-pbx').click();
  await byTestId('pbx-card').first().waitFor({ timeout: UI_TIMEOUT });
}

beforeAll(async () => {
  h = await startHarness();
  officeId = cachedPbx('office', 300);
  branchId = cachedPbx('branch', 200);
  await h.page.goto(h.server.url);
  await byTestId('nav-pbx').waitFor({ timeout: UI_TIMEOUT });
});

afterAll(async () => {
  await h?.close();
});

describe('PBX profiles with cached calls, in the browser', () => {
  it('shows the calls of each PBX', async () => {
    await goToPbx();
    expect(await byTestId(`pbx-calls-${officeId}`).textContent()).toBe('300');
    expect(await byTestId(`pbx-calls-${branchId}`).textContent()).toBe('200');
  });

  it('re-times the calls of a PBX whose zone is changed in the edit form, saying so first', async () => {
    const before = h.store.calls.page({ filter: { pbx: ['office'] }, sort: { field: 'start', dir: 'asc' }, limit: 1 }).rows[0]!;
    await byTestId(`pbx-edit-${officeId}`).click();
    await byTestId('pbx-form').waitFor({ timeout: UI_TIMEOUT });
    await byTestId('pbx-form-tz').fill('America/New_York');
    expect(await byTestId('pbx-form-retime').textContent()).toContain('re-times the 300 cached calls of office from Europe/Berlin to America/New_York');
    await h.screenshot('pbx-edit-retime');
    await byTestId('pbx-save').click();
    await byTestId('pbx-form').waitFor({ state: 'detached', timeout: UI_TIMEOUT });
    // Saving tests the connection, which asks for the password this session does not hold yet.
    await byTestId('password-dialog').waitFor({ timeout: UI_TIMEOUT });
    await byTestId('password-cancel').click();

    expect(h.store.profiles.get(officeId)).toMatchObject({ tz: 'America/New_York', fingerprint: 'AA:BB', calls: 300 });
    const after = h.store.calls.page({ filter: { pbx: ['office'] }, sort: { field: 'start', dir: 'asc' }, limit: 1 }).rows[0]!;
    expect(after.start).toBe(before.start);
    const expected = new Date(wallClockToUtc(before.start, 'America/New_York')).toISOString().slice(0, 19) + 'Z';
    expect(after.start_utc).toBe(expected);
    expect(await byTestId(`pbx-calls-${officeId}`).textContent()).toBe('300');
  });

  it('removes a PBX with its calls: the dialog names them, and the call list loses them', async () => {
    await byTestId('nav-calls').click();
    await expect.poll(h.shownCount, { timeout: UI_TIMEOUT }).toBe(500);
    await goToPbx();
    await byTestId(`pbx-remove-${branchId}`).click();
    const dialog = byTestId('pbx-remove-dialog');
    expect(await dialog.getByTestId('pbx-remove-text').textContent()).toContain('It has 200 calls in the cache.');
    expect(await byTestId('pbx-remove-keep').textContent()).toContain('Keep 200 calls as history');
    await h.screenshot('pbx-remove-dialog');
    await byTestId('pbx-remove-delete').click();
    await dialog.waitFor({ state: 'detached', timeout: UI_TIMEOUT });
    await expect.poll(() => byTestId('pbx-card').count(), { timeout: UI_TIMEOUT }).toBe(1);
    expect(h.store.profiles.getByName('branch')).toBeNull();
    await byTestId('nav-calls').click();
    await expect.poll(h.shownCount, { timeout: UI_TIMEOUT }).toBe(300);
  });

  it('removes a PBX keeping its calls as history: they stay in the list under the same name', async () => {
    await goToPbx();
    await byTestId(`pbx-remove-${officeId}`).click();
    await byTestId('pbx-remove-keep').click();
    await byTestId('pbx-remove-dialog').waitFor({ state: 'detached', timeout: UI_TIMEOUT });
    await expect.poll(() => byTestId('pbx-import-badge').textContent(), { timeout: UI_TIMEOUT }).toBe('History only, no address');
    expect(await byTestId(`pbx-calls-${officeId}`).textContent()).toBe('300');
    expect(await byTestId(`pbx-sync-${officeId}`).count()).toBe(0);
    expect(h.store.profiles.get(officeId)).toMatchObject({ kind: 'import', url: '', fingerprint: null, calls: 300 });
    await byTestId('nav-calls').click();
    await expect.poll(h.shownCount, { timeout: UI_TIMEOUT }).toBe(300);
  });
});
