import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Locator } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CallRow } from '../../preload/api.js';
import { generateCalls } from '../../main/simulator/generator.js';
import { openStore } from '../../main/store/store.js';
import { keepShot, startHarness, type Harness } from './harness.js';

/**
 * Names for numbers in Chromium against the web mode: office traffic whose extensions' names the cache
 * learned from the calls; on the Contacts screen a contacts file naming the numbers staff call most is
 * imported; the call list then shows those names beside the callee numbers, finds the calls by a name,
 * and names an analog call's line instead of `s`. Tests run in order and share one browser.
 */

const UI_TIMEOUT = 20_000;
const work = mkdtempSync(join(tmpdir(), 'ucm-contacts-'));
const db = join(work, 'cache.sqlite');
let h: Harness;
/** The external number office calls most, and the name the contacts file gives it. */
let customer = '';
const CUSTOMER_NAME = 'Müller & Söhne GmbH';

const byTestId = (id: string): Locator => h.page.getByTestId(id);


beforeAll(async () => {
  const store = openStore(db);
  try {
    const office = store.profiles.save({ name: 'office', url: 'https://192.0.2.10:8443', api: 'auto', user: 'cdrapi', tz: 'Europe/London', model: 'UCM6208' }).id;
    const calls = [...generateCalls({ count: 1200, seed: 15, start: new Date('2024-03-01T00:00:00Z'), end: new Date('2024-03-15T00:00:00Z'), tz: 'Europe/London' })];
    store.calls.ingest(office, calls, { origin: 'sync' });
    const outbound = [...store.calls.iterate({ direction: ['outbound'] })];
    const counts = new Map<string, number>();
    for (const row of outbound) counts.set(row.dst, (counts.get(row.dst) ?? 0) + 1);
    customer = [...counts.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))[0]?.[0] ?? '';
  } finally {
    store.close();
  }
  expect(customer).not.toBe('');
  h = await startHarness({ dbPath: db });
  // A contacts file as an address book exports it: semicolons, a display name, a phone in a readable form.
  const readable = `${customer.slice(0, 4)} ${customer.slice(4)}`;
  writeFileSync(join(h.work, 'customers.csv'), `\ufeffDisplay Name;Phone;E-mail\r\n${CUSTOMER_NAME};${readable};info@example.com\r\nNobody;;\r\n`);
  await h.page.goto(`${h.server.url}#/contacts`);
  await byTestId('contacts-table').waitFor({ timeout: UI_TIMEOUT });
});

afterAll(async () => {
  await h?.close();
  rmSync(work, { recursive: true, force: true });
});

describe('names for numbers in the browser', () => {
  it('lists the names learned from the calls on the Contacts screen', async () => {
    const learned = h.store.contacts.list({ pbxId: null });
    expect(learned.total).toBeGreaterThan(10);
    expect(learned.contacts.every((c) => c.source === 'learned')).toBe(true);
    await expect.poll(() => byTestId('contact-row').count(), { timeout: UI_TIMEOUT }).toBe(learned.total);
    expect(await byTestId('contacts-count').textContent()).toBe(`${learned.total} contacts`);
  });

  it('imports a contacts file for every PBX and shows what it did', async () => {
    const [chooser] = await Promise.all([h.page.waitForEvent('filechooser', { timeout: UI_TIMEOUT }), byTestId('contacts-import-pick').click()]);
    await chooser.setFiles(join(h.work, 'customers.csv'));
    await expect
      .poll(() => byTestId('contacts-import-result').textContent(), { timeout: UI_TIMEOUT })
      .toBe('1 added, 0 renamed, 0 unchanged for every PBX; 1 line(s) without a number skipped.');
    await byTestId('contacts-search').fill('söhne');
    const row = h.page.locator(`[data-testid="contact-row"][data-number="${customer}"]`);
    await row.waitFor({ timeout: UI_TIMEOUT });
    expect(await row.getByTestId('contact-name').textContent()).toBe(CUSTOMER_NAME);
    expect(await row.getAttribute('data-source')).toBe('imported');
    await byTestId('contacts-search').fill('');
    await expect.poll(() => byTestId('contact-row').count(), { timeout: UI_TIMEOUT }).toBeGreaterThan(10);
    await h.screenshot('contacts');
    keepShot('contacts');
  });

  it('shows the callee\'s name beside its number in the call table, and finds the calls by the name', async () => {
    const expected = h.store.calls.totals({ callee: customer }).count;
    expect(expected).toBeGreaterThan(1);
    // A wide window without the filter panel has room for names beside the numbers.
    await h.page.setViewportSize({ width: 1920, height: 1000 });
    await h.page.goto(`${h.server.url}#/calls?callee=${customer}`);
    await expect.poll(h.shownCount, { timeout: UI_TIMEOUT }).toBe(expected);
    await byTestId('filters-toggle').click();
    const first = h.page.locator('[data-testid="call-row"][data-index="0"]');
    await expect.poll(() => first.getByTestId('row-callee').textContent(), { timeout: UI_TIMEOUT }).toBe(customer);
    const name = first.getByTestId('row-callee-name');
    expect(await name.textContent()).toBe(CUSTOMER_NAME);
    expect((await name.boundingBox())?.width ?? 0).toBeGreaterThan(60);
    expect(await first.locator('.col-to').getAttribute('title')).toBe(`${customer} · ${CUSTOMER_NAME}`);
    await h.screenshot('calls-named');
    await byTestId('filters-toggle').click();
    await h.page.setViewportSize({ width: 1280, height: 800 });

    // The search finds the calls from, to or answered by that number by its name: no call's own text holds it.
    const byName = h.store.calls.totals({ search: 'söhne' }).count;
    const ofNumber = [...h.store.calls.iterate({})].filter((r) => [r.src, r.dst, r.answered_by].includes(customer)).length;
    expect(byName).toBe(ofNumber);
    expect(byName).toBeGreaterThanOrEqual(expected);
    await h.page.goto(`${h.server.url}#/calls?search=s%C3%B6hne`);
    await expect.poll(h.shownCount, { timeout: UI_TIMEOUT }).toBe(byName);
  });

  it('names an analog call after its line, in the table and the details, keeping `s` in the fields', async () => {
    const analog = [...h.store.calls.iterate({ src_trunk: ['PSTN Line 1'] })][0] as CallRow;
    expect(analog).toMatchObject({ dst: 's', dst_line: 'analog line (FXO port 1)' });
    await h.page.goto(`${h.server.url}#/calls?src_trunk=PSTN+Line+1&call=${analog.id}`);
    await byTestId('session-panel').waitFor({ timeout: UI_TIMEOUT });
    await expect.poll(() => byTestId('session-title').textContent(), { timeout: UI_TIMEOUT }).toMatch(/→ analog line \(FXO port 1\)\s*$/);
    const row = h.page.locator(`[data-testid="call-row"][data-session="${analog.session}"]`);
    expect(await row.getByTestId('row-callee').textContent()).toBe('analog line (FXO port 1)');
    const dstCell = byTestId('session-fields').locator('tbody tr', { has: h.page.locator('th', { hasText: /^dst$/ }) }).locator('td').first();
    expect(await dstCell.textContent()).toBe('s');
  });
});
