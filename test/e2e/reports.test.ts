import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Locator } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CallFilter, MissedReport } from '../../preload/api.js';
import { generateCalls } from '../../main/simulator/generator.js';
import { startHarness, type Harness } from './harness.js';

/**
 * The Reports screen in Chromium against the web mode, on generated office traffic: a report as a
 * chart and a table, a row opening exactly its calls in the call list, the missed-calls badge of the
 * Calls screen, and a report saved as an HTML file. Tests run in order and share one browser.
 */

const UI_TIMEOUT = 20_000;
const TZ = 'Europe/London';
const PERIOD: CallFilter = { from: '2024-03-04T00:00:00', to: '2024-03-17T23:59:59' };

let h: Harness;
const byTestId = (id: string): Locator => h.page.getByTestId(id);

/** Today on the machine's calendar: what the browser (same machine) takes as today. */
function localToday(): string {
  const d = new Date();
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}`;
}

function missed(filter: CallFilter): MissedReport {
  const report = h.store.reports.run({ kind: 'missed', filter });
  if (report.kind !== 'missed') throw new Error('expected a missed report');
  return report;
}

/** Waits for the report of `kind` to be shown for the current request. */
async function reportReady(kind: string): Promise<void> {
  const report = byTestId('report');
  await expect.poll(async () => `${await report.getAttribute('data-kind')}/${await report.getAttribute('data-state')}`, { timeout: UI_TIMEOUT }).toBe(`${kind}/ready`);
}

async function tableRows(): Promise<number> {
  return Number(await byTestId('report-table').getAttribute('data-rows'));
}

beforeAll(async () => {
  h = await startHarness();
  const pbx = h.store.profiles.save({ name: 'office', url: 'https://192.0.2.10:8443', api: 'auto', user: 'cdrapi', tz: TZ }).id;
  h.store.calls.ingest(pbx, [...generateCalls({ count: 1500, seed: 7, start: new Date('2024-03-01T00:00:00Z'), end: new Date('2024-03-22T00:00:00Z'), tz: TZ })], {
    origin: 'sync',
  });
  // Today's traffic, for the badge of today's missed callers.
  const now = new Date();
  const midnight = new Date(now.getFullYear(), now.getMonth(), now.getDate());
  const start = now.getTime() - midnight.getTime() > 3_600_000 ? midnight : new Date(now.getTime() - 3_600_000);
  h.store.calls.ingest(pbx, [...generateCalls({ count: 200, seed: 21, start, end: now, tz: TZ, firstAcctId: 900_000 })], { origin: 'sync' });
  await h.page.goto(`${h.server.url}#/calls`);
  await byTestId('calls-table').waitFor({ timeout: UI_TIMEOUT });
});

afterAll(async () => {
  await h?.close();
});

describe('reports in the browser', () => {
  it("counts today's missed callers on the Calls screen and opens their report in one click", async () => {
    const expected = missed({ from: localToday() }).rows.length;
    expect(expected).toBeGreaterThan(0);
    await expect.poll(() => byTestId('missed-badge').getAttribute('data-count'), { timeout: UI_TIMEOUT }).toBe(String(expected));
    await byTestId('missed-badge').click();
    await reportReady('missed');
    expect(h.page.url()).toContain('#/reports?');
    expect(await tableRows()).toBe(expected);
    // Chromium shows a datetime-local value without its zero seconds.
    expect(await byTestId('filter-from').inputValue()).toMatch(new RegExp(`^${localToday()}T00:00(:00)?$`));
  });

  it('shows activity by day as a chart and a table, and a day opens exactly its calls', async () => {
    await byTestId('filter-reset').click();
    await byTestId('filter-from').fill(PERIOD.from as string);
    await byTestId('filter-to').fill(PERIOD.to as string);
    await byTestId('filter-to').dispatchEvent('change');
    await byTestId('report-kind').selectOption('activity');
    await byTestId('report-by').selectOption('day');
    await reportReady('activity');
    await expect.poll(tableRows, { timeout: UI_TIMEOUT }).toBe(14);
    await byTestId('report-chart').locator('canvas').first().waitFor({ timeout: UI_TIMEOUT });
    expect(await byTestId('report-chart').locator('[aria-label]').first().getAttribute('aria-label')).toContain('Activity');
    await byTestId('filter-to').blur();
    await h.screenshot('reports-activity');

    const row = byTestId('report-row').nth(2);
    const day = '2024-03-06';
    expect(await row.locator('td').first().textContent()).toBe(day);
    const expected = h.store.calls.totals({ from: day, to: day }).count;
    expect(expected).toBeGreaterThan(0);
    expect(Number((await row.locator('td').nth(1).textContent())?.replace(/\D/g, ''))).toBe(expected);
    await row.click();
    await byTestId('calls-table').waitFor({ timeout: UI_TIMEOUT });
    await expect.poll(h.shownCount, { timeout: UI_TIMEOUT }).toBe(expected);
    expect(h.page.url()).toContain('#/calls?');
    expect(await byTestId('filter-from').inputValue()).toMatch(new RegExp(`^${day}T00:00(:00)?$`));
  });

  it('brings the filter back to Reports and shows the heatmap', async () => {
    await byTestId('filter-from').fill(PERIOD.from as string);
    await byTestId('filter-from').dispatchEvent('change');
    await byTestId('filter-to').fill(PERIOD.to as string);
    await byTestId('filter-to').dispatchEvent('change');
    await expect.poll(h.shownCount, { timeout: UI_TIMEOUT }).toBe(h.store.calls.totals(PERIOD).count);
    await byTestId('nav-reports').click();
    await reportReady('activity');
    expect(await byTestId('filter-from').inputValue()).toMatch(/^2024-03-04T00:00(:00)?$/);
    await byTestId('report-kind').selectOption('heatmap');
    await reportReady('heatmap');
    await byTestId('report-chart').locator('canvas').first().waitFor({ timeout: UI_TIMEOUT });
    expect(await tableRows()).toBe(168);
    await h.screenshot('reports-heatmap');
  });

  it('lists missed callers not called back, and a row opens their unreturned calls', async () => {
    await byTestId('report-kind').selectOption('missed');
    await reportReady('missed');
    const report = missed(PERIOD);
    expect(report.rows.length).toBeGreaterThan(0);
    expect(await tableRows()).toBe(report.rows.length);
    const first = byTestId('report-row').first();
    expect(await first.locator('td').first().textContent()).toBe(report.rows[0].number);
    await h.screenshot('reports-missed');

    await first.focus();
    await h.page.keyboard.press('Enter');
    await byTestId('calls-table').waitFor({ timeout: UI_TIMEOUT });
    await expect.poll(h.shownCount, { timeout: UI_TIMEOUT }).toBe(report.rows[0].attempts);
    await h.page.goBack();
    await reportReady('missed');
  });

  it('saves the report as an HTML file holding its figures', async () => {
    const report = missed(PERIOD);
    const [download] = await Promise.all([h.page.waitForEvent('download', { timeout: UI_TIMEOUT }), byTestId('report-save-html').click()]);
    expect(download.suggestedFilename()).toMatch(/^report-missed-\d{8}-\d{6}\.html$/);
    const path = join(h.work, 'report.html');
    await download.saveAs(path);
    const html = readFileSync(path, 'utf8');
    expect(html).toContain('<h1>Missed, not called back</h1>');
    for (const row of report.rows.slice(0, 5)) expect(html).toContain(row.number);
    expect(html).toContain(`${report.rows.length} numbers`);
    expect(await byTestId('report-save-pdf').count()).toBe(0);
  });

  it('fits 1024x700, 1280x800 and 1440x900 windows on Calls, Reports, Alerts and Rates: the views scroll inside themselves, never the page', async () => {
    try {
      for (const [width, height] of [
        [1024, 700],
        [1280, 800],
        [1440, 900],
      ] as const) {
        await h.page.setViewportSize({ width, height });
        for (const [nav, ready] of [
          ['nav-calls', () => byTestId('calls-table').waitFor({ timeout: UI_TIMEOUT })],
          ['nav-reports', () => reportReady('missed')],
          ['nav-alerts', () => byTestId('alerts-empty').waitFor({ timeout: UI_TIMEOUT })],
          ['nav-rates', () => byTestId('rates-lookup').waitFor({ timeout: UI_TIMEOUT })],
        ] as const) {
          await byTestId(nav).click();
          await ready();
          const page = await h.page.evaluate(`(() => {
            window.scrollTo(0, 10000);
            return { scrolled: window.scrollY, height: document.documentElement.scrollHeight, width: document.documentElement.scrollWidth };
          })()`);
          expect(page, `${nav} at ${width}x${height}`).toEqual({ scrolled: 0, height, width });
        }
      }
    } finally {
      await h.page.setViewportSize({ width: 1280, height: 800 });
    }
  });
});
