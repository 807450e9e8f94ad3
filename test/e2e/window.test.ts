import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Locator } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateCalls } from '../../main/simulator/generator.js';
import { keepShot, startHarness, type Harness } from './harness.js';

/**
 * The Calls window at laptop sizes and its keys, on generated office traffic: the essential columns
 * stay in view with unclipped headers at 1024x700, 1280x800 and 1440x900 and only the table scrolls;
 * Escape closes the details, End and Home reach the ends of the filtered set; a number pattern being
 * typed is checked in its field and never reaches the service half-written.
 */

const UI_TIMEOUT = 20_000;
const TZ = 'Europe/London';
const SIZES = [
  [1024, 700],
  [1280, 800],
  [1440, 900],
] as const;
const FIRST_PAGE = 100;
const ESSENTIAL = ['status', 'from', 'to', 'start', 'talk_time'];

let h: Harness;
let pbxId = 0;
const byTestId = (id: string): Locator => h.page.getByTestId(id);


interface Layout {
  page: { scrolled: number; height: number; width: number };
  clipped: string[];
  outside: string[];
}

/** The page's scroll, the headers whose text does not fit, and the essential cells not fully in view. */
async function layout(): Promise<Layout> {
  return h.page.evaluate(`(() => {
    window.scrollTo(0, 10000);
    const page = { scrolled: window.scrollY, height: document.documentElement.scrollHeight, width: document.documentElement.scrollWidth };
    const table = document.querySelector('[data-testid="calls-table"]').getBoundingClientRect();
    const clipped = [...document.querySelectorAll('[data-testid="calls-table"] [role="columnheader"]')]
      .filter((th) => th.scrollWidth > th.clientWidth || [...th.children].some((c) => c.scrollWidth > c.clientWidth + 1))
      .map((th) => th.textContent.trim());
    const row = document.querySelector('[data-testid="call-row"][data-index="0"]');
    const outside = ${JSON.stringify(ESSENTIAL)}.filter((id) => {
      const cell = row && row.querySelector('.col-' + id);
      if (!cell) return true;
      const r = cell.getBoundingClientRect();
      return r.width <= 0 || r.left < table.left - 0.5 || r.right > Math.min(table.right, window.innerWidth) + 0.5;
    });
    return { page, clipped, outside };
  })()`);
}

beforeAll(async () => {
  h = await startHarness();
  pbxId = h.store.profiles.save({ name: 'office', url: 'https://192.0.2.10:8443', api: 'auto', user: 'cdrapi', tz: TZ }).id;
  h.store.calls.ingest(
    pbxId,
    [...generateCalls({ count: 1200, seed: 11, start: new Date('2024-03-01T00:00:00Z'), end: new Date('2024-03-22T00:00:00Z'), tz: TZ })],
    { origin: 'sync' },
  );
  await h.page.goto(`${h.server.url}#/calls`);
  await byTestId('calls-table').waitFor({ timeout: UI_TIMEOUT });
  await h.page.locator('[data-testid="call-row"][data-index="0"]').waitFor({ timeout: UI_TIMEOUT });
});

afterAll(async () => {
  await h?.close();
});

describe('the Calls window', () => {
  for (const [width, height] of SIZES) {
    it(`fits ${width}x${height}: essential columns in view, no clipped header, only the table scrolls`, async () => {
      await h.page.setViewportSize({ width, height });
      try {
        // Sorted by talk time, so its header carries the arrow.
        const header = h.page.locator('[role="columnheader"]', { has: byTestId('sort-billsec') });
        if ((await header.getAttribute('aria-sort')) === 'none') await byTestId('sort-billsec').click();
        await h.page.locator('[data-testid="call-row"][data-index="0"]').waitFor({ timeout: UI_TIMEOUT });
        await expect.poll(layout, { timeout: 5_000 }).toEqual({ page: { scrolled: 0, height, width }, clipped: [], outside: [] });
        await h.page.evaluate('window.getSelection()?.removeAllRanges()');
        const name = `calls-${width}x${height}`;
        await h.screenshot(name);
        keepShot(name);

        // With the details open, the page still does not scroll.
        await h.page.locator('[data-testid="call-row"][data-index="0"]').dblclick();
        await byTestId('session-panel').waitFor({ timeout: UI_TIMEOUT });
        expect((await layout()).page).toEqual({ scrolled: 0, height, width });
        await byTestId('session-close').click();
        await byTestId('session-panel').waitFor({ state: 'detached', timeout: UI_TIMEOUT });
      } finally {
        await h.page.setViewportSize({ width: 1280, height: 800 });
      }
    });
  }

  it('closes the details with Escape, and never leaves them open over "No call matches"', async () => {
    const sort = h.page.locator('[role="columnheader"]', { has: byTestId('sort-start') });
    while ((await sort.getAttribute('aria-sort')) !== 'descending') await byTestId('sort-start').click();
    await h.page.locator('[data-testid="call-row"][data-index="2"]').click();
    await h.page.keyboard.press('Enter');
    await byTestId('session-panel').waitFor({ timeout: UI_TIMEOUT });
    await h.page.keyboard.press('Escape');
    await byTestId('session-panel').waitFor({ state: 'detached', timeout: UI_TIMEOUT });

    await h.page.locator('[data-testid="call-row"][data-index="1"]').dblclick();
    await byTestId('session-panel').waitFor({ timeout: UI_TIMEOUT });
    await byTestId('filter-search').fill('no-such-call-anywhere');
    await byTestId('calls-no-match').waitFor({ timeout: UI_TIMEOUT });
    expect(await byTestId('session-panel').count()).toBe(0);
    await byTestId('filter-reset').click();
    await expect.poll(h.shownCount, { timeout: UI_TIMEOUT }).toBe(h.store.calls.totals({}).count);
  });

  it('goes to the oldest call of the filtered set with End, and to the newest with Home', async () => {
    const filter = { direction: ['inbound' as const] };
    const all = h.store.calls.page({ filter, sort: { field: 'start', dir: 'desc' }, limit: 1000 }).rows;
    expect(all.length).toBeGreaterThan(FIRST_PAGE);
    expect(all.length).toBeLessThan(1000);
    await byTestId('filter-direction-inbound').check();
    await expect.poll(h.shownCount, { timeout: UI_TIMEOUT }).toBe(all.length);
    const selected = h.page.locator('[data-testid="call-row"][aria-selected="true"]');
    await h.page.locator('[data-testid="call-row"][data-index="0"]').click();
    await h.page.keyboard.press('End');
    await expect.poll(() => selected.getAttribute('data-session'), { timeout: UI_TIMEOUT }).toBe(all[all.length - 1].session);
    await h.page.keyboard.press('Home');
    await expect.poll(() => selected.getAttribute('data-session'), { timeout: UI_TIMEOUT }).toBe(all[0].session);
    await byTestId('filter-reset').click();
  });

  it('checks a number pattern in its field while it is typed, and asks nothing until it is complete', async () => {
    const total = h.store.calls.totals({}).count;
    await expect.poll(h.shownCount, { timeout: UI_TIMEOUT }).toBe(total);
    const requests: string[] = [];
    const onRequest = (r: { url(): string; postData(): string | null }): void => {
      if (r.url().includes('/api/')) requests.push(r.postData() ?? '');
    };
    h.page.on('request', onRequest);
    try {
      await byTestId('filter-caller').pressSequentially('1001,', { delay: 30 });
      await byTestId('filter-caller-hint').waitFor({ timeout: UI_TIMEOUT });
      await h.page.waitForTimeout(800);
      expect(requests.filter((body) => body.includes('1001,'))).toEqual([]);
      expect(await byTestId('error-banner').count()).toBe(0);
      expect(await byTestId('calls-count').textContent()).not.toBe('…');
      await byTestId('filter-caller').pressSequentially('1002', { delay: 30 });
      await byTestId('filter-caller-hint').waitFor({ state: 'detached', timeout: UI_TIMEOUT });
      await expect.poll(h.shownCount, { timeout: UI_TIMEOUT }).toBe(h.store.calls.totals({ caller: '1001,1002' }).count);
      const body = (await h.page.locator('body').textContent()) ?? '';
      expect(body).not.toContain('calls/page');
    } finally {
      h.page.off('request', onRequest);
      await byTestId('filter-reset').click();
    }
  });

  it('saves "Last 7 days" as that range, which means the last 7 days of the day it is used', async () => {
    await byTestId('filter-range-last7').click();
    await byTestId('saved-filter-name').fill('Recent week');
    await byTestId('saved-filter-save').click();
    const stored = (): { name: string; preset?: string; filter: { from?: string; to?: string } }[] =>
      JSON.parse(h.store.settings.get('ui.settings') ?? '{}').saved_filters ?? [];
    await expect.poll(() => stored().find((f) => f.name === 'Recent week')?.preset, { timeout: UI_TIMEOUT }).toBe('last7');

    // As if saved long ago: the dates then, the range kept.
    const settings = JSON.parse(h.store.settings.get('ui.settings') ?? '{}');
    for (const entry of settings.saved_filters) {
      if (entry.name === 'Recent week') entry.filter = { ...entry.filter, from: '2020-01-01T00:00:00', to: '2020-01-07T23:59:59' };
    }
    h.store.settings.set('ui.settings', JSON.stringify(settings));
    await h.page.goto(`${h.server.url}#/calls`);
    await byTestId('calls-table').waitFor({ timeout: UI_TIMEOUT });
    await byTestId('saved-filter-select').selectOption('Recent week');
    const now = new Date();
    const weekAgo = new Date(now.getFullYear(), now.getMonth(), now.getDate() - 6);
    const day = (d: Date): string => `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
    await expect.poll(() => byTestId('filter-from').inputValue(), { timeout: UI_TIMEOUT }).toMatch(new RegExp(`^${day(weekAgo)}T00:00`));
    expect(await byTestId('filter-to').inputValue()).toMatch(new RegExp(`^${day(now)}T23:59`));
    await byTestId('filter-reset').click();
  });

  it('imports a file whose header was not recognised once its columns are mapped by hand', async () => {
    const csv = join(h.work, 'von-nach.csv');
    writeFileSync(
      csv,
      ['Von;Nach;Beginn;Gespraech;Kennung', '4101;1001;2019-06-03 09:10:11;45;map-1', '4102;1002;2019-06-03 10:00:00;0;map-2'].join('\r\n') + '\r\n',
    );
    const junk = join(h.work, 'shopping.csv');
    writeFileSync(junk, 'Item,Price\r\nApples,3\r\n');
    await byTestId('nav-import').click();
    const [chooser] = await Promise.all([h.page.waitForEvent('filechooser', { timeout: UI_TIMEOUT }), byTestId('import-pick').click()]);
    await chooser.setFiles([csv, junk]);
    const row = h.page.locator('[data-testid="import-file"][data-file="von-nach.csv"]');
    await expect.poll(() => row.getAttribute('data-state'), { timeout: UI_TIMEOUT }).toBe('refused');
    const junkRow = h.page.locator('[data-testid="import-file"][data-file="shopping.csv"]');
    expect(await junkRow.getByTestId('import-file-format').textContent()).toBe('not CDR data');
    expect(await byTestId('import-totals').textContent()).toMatch(/2 files refused/);

    // Half a mapping: refused again, saying what is still missing, with the form still there.
    const mapping = h.page.locator('[data-testid="import-mapping"][data-file="von-nach.csv"]');
    const choose = (column: string, field: string) => mapping.locator(`[data-testid="import-mapping-select"][data-column="${column}"]`).selectOption(field);
    await choose('Von', 'src');
    for (const column of ['Nach', 'Beginn', 'Gespraech', 'Kennung']) await choose(column, '');
    await mapping.getByTestId('import-mapping-apply').click();
    await expect.poll(() => mapping.getByTestId('import-mapping-missing').textContent(), { timeout: UI_TIMEOUT }).toMatch(/start time/i);
    expect(await row.getAttribute('data-state')).toBe('refused');

    await choose('Nach', 'dst');
    await choose('Beginn', 'start');
    await choose('Gespraech', 'billsec');
    await choose('Kennung', 'session');
    await mapping.getByTestId('import-mapping-apply').click();
    await expect.poll(() => row.getAttribute('data-state'), { timeout: UI_TIMEOUT }).toBe('done');
    expect(await row.getByTestId('import-file-imported').textContent()).toBe('2');
    expect(await mapping.count()).toBe(0);
    expect(await byTestId('import-totals').textContent()).toMatch(/1 file refused/);
    expect(h.store.calls.findSession('map-1')[0]?.call.start).toBe('2019-06-03T09:10:11');
  });

  it('shows the UTC offset beside times of PBXs in different zones, or every time on this computer\'s clock', async () => {
    const ny = h.store.profiles.save({ name: 'new york', url: 'https://192.0.2.11:8443', api: 'auto', user: 'cdrapi', tz: 'America/New_York' }).id;
    h.store.calls.ingest(
      ny,
      [...generateCalls({ count: 300, seed: 12, start: new Date('2024-03-01T00:00:00Z'), end: new Date('2024-03-22T00:00:00Z'), tz: 'America/New_York', firstAcctId: 500_000 })],
      { origin: 'sync' },
    );
    await h.page.goto(`${h.server.url}#/calls`);
    await h.page.locator('[data-testid="call-row"][data-index="0"]').waitFor({ timeout: UI_TIMEOUT });
    const rows = h.store.calls.page({ filter: {}, sort: { field: 'start', dir: 'desc' }, limit: 20 }).rows;
    expect(new Set(rows.map((r) => r.pbx)).size).toBe(2);
    const startOf = (i: number) => h.page.locator(`[data-testid="call-row"][data-index="${i}"] .col-start`).textContent();
    const offset = (wall: string, utc: string): string => {
      const minutes = Math.round((Date.parse(`${wall}Z`) - Date.parse(utc)) / 60_000);
      const abs = Math.abs(minutes);
      return `${minutes < 0 ? '-' : '+'}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
    };
    for (let i = 0; i < 5; i++) {
      await expect.poll(() => startOf(i), { timeout: UI_TIMEOUT }).toBe(`${rows[i].start.replace('T', ' ')} ${offset(rows[i].start, rows[i].start_utc)}`);
    }
    await h.screenshot('calls-zones');
    keepShot('calls-zones');

    await byTestId('calls-time-mode').selectOption('local');
    const local = (utc: string): string => {
      const d = new Date(utc);
      const p = (n: number) => String(n).padStart(2, '0');
      return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
    };
    for (let i = 0; i < 5; i++) await expect.poll(() => startOf(i), { timeout: UI_TIMEOUT }).toBe(local(rows[i].start_utc));
    await byTestId('calls-time-mode').selectOption('pbx');
  });

  it('says "no recordings in these calls" when the filtered set has none, instead of downloading an empty archive', async () => {
    await h.page.goto(`${h.server.url}#/calls`);
    await byTestId('filter-has_recording').selectOption('no');
    await expect.poll(h.shownCount, { timeout: UI_TIMEOUT }).toBe(h.store.calls.totals({ has_recording: false }).count);
    await byTestId('export-open').click();
    await byTestId('export-dialog').waitFor({ timeout: UI_TIMEOUT });
    let downloads = 0;
    const onDownload = (): void => {
      downloads++;
    };
    h.page.on('download', onDownload);
    try {
      await byTestId('export-recordings-run').click();
      await expect
        .poll(async () => (await byTestId('export-dialog').textContent()) ?? '', { timeout: UI_TIMEOUT })
        .toMatch(/no recordings in these calls/i);
      await h.page.waitForTimeout(500);
      expect(downloads).toBe(0);
    } finally {
      h.page.off('download', onDownload);
      await byTestId('export-close').click();
      await byTestId('filter-reset').click();
    }
  });
});
