import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Locator } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { flatCall } from '../store/support.js';
import { keepShot, startHarness, type Harness } from './harness.js';

/**
 * "Trust in the cached history" in Chromium against the web mode: a spreadsheet-saved copy of a synced
 * call imported back changes nothing of it, the window says what was kept and where the call already
 * was, the call's details show what the file said, and the import is taken back from "Past imports".
 */

const UI_TIMEOUT = 20_000;
const SESSION = '1742026040123456-07917330699';
const FILE = 'damaged.csv';
let h: Harness;
let callId = 0;

const byTestId = (id: string): Locator => h.page.getByTestId(id);
const historyRow = (): Locator => h.page.locator(`[data-testid="import-history-row"][data-file="${FILE}"]`);

/** Synced calls of a PBX nobody answers for (connection refused at once), as a sync would have cached them. */
function seedSynced(): void {
  const id = h.store.profiles.save({ name: 'office', url: 'https://127.0.0.1:9', api: 'auto', user: 'cdrapi', tz: 'Europe/London', fingerprint: 'AA:BB' }).id;
  const calls = [
    flatCall({ session: SESSION, start: '2025-03-15 08:07:20', src: '07917330699', dst: '6001', caller_name: 'Łukasz Müller' }),
    ...Array.from({ length: 5 }, (_, i) => flatCall({ session: `1742026100${i}23456-100${i}`, start: `2025-03-15 09:0${i}:10`, src: `100${i}`, dst: '6002' })),
  ];
  h.store.calls.ingest(id, calls, { origin: 'sync' });
  callId = h.store.calls.findSession(SESSION)[0]!.call.id;
}

async function goToImport(): Promise<void> {
  await byTestId('nav-import').click();
  await byTestId('import-history').waitFor({ timeout: UI_TIMEOUT });
}

beforeAll(async () => {
  h = await startHarness();
  seedSynced();
  await h.page.goto(h.server.url);
  await byTestId('nav-pbx').waitFor({ timeout: UI_TIMEOUT });
});

afterAll(async () => {
  await h?.close();
});

describe('a spreadsheet-saved copy of a synced call, imported back through the window', () => {
  it('keeps the cached values and says so on the result line, and lists the import under "Past imports"', async () => {
    // What a spreadsheet makes of the UCM's row: the leading zero and the seconds are gone. The 15th
    // leaves only one reading of the date, so the file needs no date order.
    const csv = join(h.work, FILE);
    writeFileSync(csv, `Session,Caller Number,Callee Number,Start Time\n${SESSION},7917330699,6001,3/15/2025 08:07\n`);
    await goToImport();
    await expect.poll(() => byTestId('import-history-empty').count(), { timeout: UI_TIMEOUT }).toBe(1);

    const [chooser] = await Promise.all([h.page.waitForEvent('filechooser', { timeout: UI_TIMEOUT }), byTestId('import-pick').click()]);
    await chooser.setFiles(csv);
    const row = h.page.locator(`[data-testid="import-file"][data-file="${FILE}"]`);
    await expect.poll(() => row.getAttribute('data-state'), { timeout: UI_TIMEOUT }).toBe('done');
    expect(await row.getByTestId('import-file-imported').textContent()).toBe('0');

    const notes = h.page.locator(`[data-testid="import-file-notes"][data-file="${FILE}"]`);
    expect(await notes.getByTestId('import-file-elsewhere').textContent()).toContain('1 already present in office');
    expect(await notes.getByTestId('import-file-kept').textContent()).toMatch(/\d+ values kept as they were \(the file said otherwise\)/);
    expect(await notes.getByTestId('import-file-damage').textContent()).toContain('This file was re-saved by a spreadsheet');

    await expect.poll(() => historyRow().getAttribute('data-state'), { timeout: UI_TIMEOUT }).toBe('done');
    expect(await historyRow().locator('th').textContent()).toBe(FILE);
    await h.screenshot('import-history');
    keepShot('import-history');

    const [cached] = h.store.calls.findSession(SESSION);
    expect(cached?.call).toMatchObject({ pbx: 'office', src: '07917330699', start: '2025-03-15T08:07:20', origin: 'sync' });
  });

  it("shows what the file said in the call's details, beside what the cache keeps", async () => {
    await byTestId('nav-calls').click();
    await expect.poll(h.shownCount, { timeout: UI_TIMEOUT }).toBe(6);
    // A click selects the row; a double click (or Enter) opens its details.
    await h.page.locator(`[data-testid="call-row"][data-session="${SESSION}"]`).dblclick();
    await expect.poll(() => byTestId('session-id').textContent(), { timeout: UI_TIMEOUT }).toBe(SESSION);

    const conflicts = byTestId('session-conflicts');
    await conflicts.waitFor({ timeout: UI_TIMEOUT });
    const src = conflicts.locator('[data-testid="session-conflict"][data-field="src"]').first();
    expect(await src.getByTestId('session-conflict-kept').textContent()).toBe('07917330699');
    expect(await src.getByTestId('session-conflict-offered').textContent()).toBe('7917330699');
    expect((await src.textContent())?.replace(/\s+/g, ' ')).toContain(`${FILE} said 7917330699`);
    await h.screenshot('session-conflicts');
  });

  it('undoes the import from "Past imports": the list shows it undone and the call keeps no trace of the file', async () => {
    await goToImport();
    await historyRow().getByTestId('import-undo').click();
    const dialog = byTestId('import-undo-dialog');
    await dialog.waitFor({ timeout: UI_TIMEOUT });
    expect(await dialog.locator('h2').textContent()).toBe(`Undo import of ${FILE}?`);
    expect(await byTestId('import-undo-text').textContent()).toContain('values it filled into cached calls are taken back');
    await byTestId('import-undo-confirm').click();
    await dialog.waitFor({ state: 'detached', timeout: UI_TIMEOUT });

    await expect.poll(() => historyRow().getAttribute('data-state'), { timeout: UI_TIMEOUT }).toBe('undone');
    expect(await historyRow().getByTestId('import-history-state').textContent()).toBe('Undone');
    expect(await historyRow().getByTestId('import-undo').count()).toBe(0);
    expect(await byTestId('import-undo-result').textContent()).toMatch(new RegExp(`^Undid the import of ${FILE}: 0 calls removed, \\d+ restored\\.$`));
    expect(h.store.imports.list()[0]).toMatchObject({ file: FILE, state: 'undone' });

    // Back returns to the call's details as they were left open; they show the call as it is now.
    await h.page.goBack();
    await expect.poll(() => byTestId('session-id').textContent(), { timeout: UI_TIMEOUT }).toBe(SESSION);
    await expect.poll(() => byTestId('session-conflicts').count(), { timeout: UI_TIMEOUT }).toBe(0);
    expect(h.store.calls.session(callId)?.conflicts).toEqual([]);
    await expect.poll(h.shownCount, { timeout: UI_TIMEOUT }).toBe(6);
  });
});
