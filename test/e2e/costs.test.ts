import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Locator } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CallFilter, CostsReport } from '../../preload/api.js';
import { lookupRate } from '../../main/rates/plans.js';
import { generateCalls } from '../../main/simulator/generator.js';
import { openStore } from '../../main/store/store.js';
import { cli } from '../cli/helpers.js';
import { keepShot, startHarness, type Harness } from './harness.js';

/**
 * Call costs in Chromium against the web mode, as a billing clerk meets them: a cache of office traffic
 * whose outbound calls leave by the trunk "CarrierOne SIP", the PBX's UK dial plan set with `ucmcdr pbx
 * set`, then in the window a carrier's rate sheet imported on the Rates screen, its plan listed, the calls
 * priced in the Cost column and the call details, a lookup, the Costs report with its total and invoice
 * check, and a sheet with bad lines refused with each line listed. Tests run in order and share one browser.
 */

const UI_TIMEOUT = 20_000;
const TRUNK = 'CarrierOne SIP';
// The generator dials 07/01/02/03 numbers (UK, national), 0044 and 0049: Germany has no row, so some
// billable calls stay unrated, as they would with a sheet missing a destination.
const SHEET = [
  'Prefix,Destination,Rate,Connect,Min,Increment',
  '44,UK,0.0100,0,60,60',
  '447,UK mobile,0.0512,0,30,6',
  '441,UK geographic,0.0085,0.0150,0,1',
  '442,UK geographic,0.0079,0.0150,0,1',
  '443,UK non-geographic,0.0120,0,0,1',
].join('\r\n');

const BAD_SHEET = [
  'Prefix,Destination,Rate,Connect,Min,Increment',
  '44,UK,0.0100,0,60,60',
  '447,UK mobile,abc,0,30,6',
  '441,UK geographic,0.0085,0.0150,0,1',
  '4x2,UK geographic,0.0079,0.0150,0,1',
].join('\r\n');

const work = mkdtempSync(join(tmpdir(), 'ucm-costs-'));
const db = join(work, 'cache.sqlite');
let h: Harness;
let officeId = 0;

const byTestId = (id: string): Locator => h.page.getByTestId(id);

function totals(filter: CallFilter): number {
  return h.store.calls.totals(filter).count;
}

/** As the window writes an amount: 4 decimals, thousands separated. */
function money(amount: number): string {
  return amount.toLocaleString('en-US', { minimumFractionDigits: 4, maximumFractionDigits: 4 });
}

async function goToRates(): Promise<void> {
  await byTestId('nav-rates').click();
  await byTestId('rates-lookup').waitFor({ timeout: UI_TIMEOUT });
}

/** Waits until no re-rating runs and the screen says costs follow the plans. */
async function costsUpToDate(): Promise<void> {
  await byTestId('rating-progress').waitFor({ state: 'detached', timeout: UI_TIMEOUT });
  await expect.poll(() => byTestId('rates-state').textContent(), { timeout: UI_TIMEOUT }).toContain('Costs are up to date.');
}

async function reportReady(kind: string): Promise<void> {
  const report = byTestId('report');
  await expect.poll(async () => `${await report.getAttribute('data-kind')}/${await report.getAttribute('data-state')}`, { timeout: UI_TIMEOUT }).toBe(`${kind}/ready`);
}


beforeAll(async () => {
  const store = openStore(db);
  try {
    officeId = store.profiles.save({ name: 'office', url: 'https://192.0.2.10:8443', api: 'auto', user: 'cdrapi', tz: 'Europe/London' }).id;
    const calls = generateCalls({ count: 1500, seed: 7, start: new Date('2024-03-01T00:00:00Z'), end: new Date('2024-03-22T00:00:00Z'), tz: 'Europe/London' });
    store.calls.ingest(officeId, [...calls], { origin: 'sync' });
  } finally {
    store.close();
  }
  const dialPlan = await cli(['--db', db, 'pbx', 'set', 'office', '--country-code', '44', '--national-prefix', '0', '--international-prefix', '00']);
  expect(dialPlan, dialPlan.stderr).toMatchObject({ code: 0 });
  expect(dialPlan.stdout).toContain('dial plan country code 44, national prefix 0, international prefix 00');

  h = await startHarness({ dbPath: db });
  writeFileSync(join(h.work, 'carrier-march.csv'), SHEET);
  writeFileSync(join(h.work, 'carrier-broken.csv'), BAD_SHEET);
  await h.page.goto(`${h.server.url}#/pbx`);
  await byTestId('pbx-card').first().waitFor({ timeout: UI_TIMEOUT });
});

afterAll(async () => {
  await h?.close();
  rmSync(work, { recursive: true, force: true });
});

describe('call costs in the browser', () => {
  it('shows the dial plan set with the CLI on the PBX card', async () => {
    expect(await byTestId(`pbx-dial-plan-${officeId}`).textContent()).toBe('country code 44 · national prefix 0 · international prefix 00');
    expect(totals({ dst_trunk: [TRUNK] })).toBeGreaterThan(50);
  });

  it('imports a rate sheet on the Rates screen for one trunk, lists the plan and prices the calls', async () => {
    await goToRates();
    await byTestId('rates-empty').waitFor({ timeout: UI_TIMEOUT });
    await byTestId('rates-import-open').click();
    const [chooser] = await Promise.all([h.page.waitForEvent('filechooser', { timeout: UI_TIMEOUT }), byTestId('rates-import-pick').click()]);
    await chooser.setFiles(join(h.work, 'carrier-march.csv'));
    await expect.poll(() => byTestId('rates-import-file').textContent(), { timeout: UI_TIMEOUT }).toBe('carrier-march.csv');
    expect(await byTestId('rates-import-plan').inputValue()).toBe('carrier-march');
    await byTestId('rates-import-plan').fill('CarrierOne');
    await byTestId('rates-import-currency').fill('GBP');
    await byTestId('rates-import-trunks').selectOption([TRUNK]);
    await byTestId('rates-import-run').click();
    await byTestId('rates-import-dialog').waitFor({ state: 'detached', timeout: UI_TIMEOUT });

    const row = h.page.locator('[data-testid="rates-plan"][data-plan="CarrierOne"]');
    await row.waitFor({ timeout: UI_TIMEOUT });
    expect(await row.getByTestId('rates-plan-currency').textContent()).toBe('GBP');
    expect(await row.getByTestId('rates-plan-rows').textContent()).toBe('5');
    expect(await row.getByTestId('rates-plan-pbx').textContent()).toBe('Every PBX');
    expect(await row.getByTestId('rates-plan-trunks').textContent()).toBe(TRUNK);
    await costsUpToDate();

    expect(h.store.rates.list()).toMatchObject([{ name: 'CarrierOne', currency: 'GBP', trunks: [TRUNK], row_count: 5, file: 'carrier-march.csv' }]);
    const state = h.store.rates.state();
    expect(state).toMatchObject({ stale: false, plans: 1 });
    expect(totals({ cost_status: ['rated'] })).toBeGreaterThan(0);
    expect(state.unrated).toBeGreaterThan(0);
    await expect.poll(() => byTestId('unrated-notice').getAttribute('data-count'), { timeout: UI_TIMEOUT }).toBe(String(state.unrated));
    // The plan just imported shows its rows.
    expect(await byTestId('rates-rows').getAttribute('data-rows')).toBe('5');
  });

  it('looks up a number dialled on the PBX: E.164, plan, prefix, destination and price', async () => {
    await byTestId('rates-lookup-number').fill('07700 900123');
    await byTestId('rates-lookup-pbx').selectOption('office');
    await byTestId('rates-lookup-trunk').selectOption(TRUNK);
    await byTestId('rates-lookup-run').click();
    const result = byTestId('rates-lookup-result');
    await result.waitFor({ timeout: UI_TIMEOUT });
    const expected = lookupRate(h.store, { number: '07700 900123', pbx: 'office', trunk: TRUNK });
    expect(expected).toMatchObject({ e164: '447700900123', plan: 'CarrierOne', row: { prefix: '447', destination: 'UK mobile', rate: '0.0512' } });
    expect(await byTestId('rates-lookup-e164').textContent()).toBe('+447700900123');
    expect(await byTestId('rates-lookup-plan').textContent()).toBe('CarrierOne (GBP)');
    expect(await byTestId('rates-lookup-prefix').textContent()).toBe('447');
    expect(await byTestId('rates-lookup-destination').textContent()).toBe('UK mobile');
    expect(await byTestId('rates-lookup-rate').textContent()).toBe('0.0512 /min');
    await byTestId('rates-lookup-number').blur();
    await h.screenshot('rates');
    keepShot('rates');

    // Without the trunk the plan, which prices one trunk only, does not apply: the reason says so.
    await byTestId('rates-lookup-trunk').selectOption('');
    await byTestId('rates-lookup-run').click();
    const reason = lookupRate(h.store, { number: '07700 900123', pbx: 'office' }).reason;
    expect(reason).not.toBe('');
    await expect.poll(() => byTestId('rates-lookup-reason').textContent(), { timeout: UI_TIMEOUT }).toBe(reason);
  });

  it('shows what each call cost in the Cost column, and how in the call details', async () => {
    await byTestId('nav-calls').click();
    await byTestId('calls-table').waitFor({ timeout: UI_TIMEOUT });
    await byTestId('filter-cost_status-rated').check();
    await expect.poll(h.shownCount, { timeout: UI_TIMEOUT }).toBe(totals({ cost_status: ['rated'] }));
    const [first] = h.store.calls.page({ filter: { cost_status: ['rated'] }, limit: 1 }).rows;
    expect(first?.cost).not.toBeNull();
    const firstRow = h.page.locator('[data-testid="call-row"][data-index="0"]');
    expect(await firstRow.getAttribute('data-session')).toBe(first?.session);
    expect((await firstRow.getByTestId('row-cost').textContent())?.trim()).toBe(`${money(first?.cost ?? 0)} GBP`);

    const detail = h.store.calls.session(first?.id ?? 0);
    await h.page.evaluate(`location.hash = '#/calls?cost_status=rated&call=${first?.id}'`);
    const section = byTestId('session-cost');
    await section.waitFor({ timeout: UI_TIMEOUT });
    expect(await section.getAttribute('data-status')).toBe('rated');
    expect(await byTestId('session-cost-amount').textContent()).toBe(`${money(detail?.cost.cost ?? 0)} GBP`);
    expect(await byTestId('session-cost-plan').textContent()).toBe('CarrierOne');
    expect(await byTestId('session-cost-e164').textContent()).toBe(`+${detail?.cost.e164}`);
    expect(await byTestId('session-cost-prefix').textContent()).toBe(detail?.cost.row?.prefix);
    expect(await byTestId('session-cost-billed').textContent()).toBe(`${detail?.cost.billed_seconds} s`);
    await byTestId('session-close').click();
  });

  it('never shows a billable call without a rate as free: the notice lists them, marked unrated', async () => {
    const unrated = h.store.rates.state().unrated;
    await byTestId('filter-reset').click();
    await expect.poll(h.shownCount, { timeout: UI_TIMEOUT }).toBe(totals({}));
    await byTestId('unrated-show').click();
    await expect.poll(h.shownCount, { timeout: UI_TIMEOUT }).toBe(unrated);
    expect(await byTestId('filter-cost_status-unrated').isChecked()).toBe(true);
    expect((await h.page.locator('[data-testid="call-row"][data-index="0"]').getByTestId('row-cost').textContent())?.trim()).toBe('unrated');
    await byTestId('filter-reset').click();
  });

  it('shows the Costs report by destination with its total, the unrated calls it leaves out, and the invoice check', async () => {
    await byTestId('nav-reports').click();
    await byTestId('report-kind').selectOption('costs');
    await byTestId('report-cost-by').selectOption('destination');
    await reportReady('costs');
    const report = h.store.reports.run({ kind: 'costs', by: 'destination', filter: {} }) as CostsReport;
    expect(report.kind).toBe('costs');
    expect(report.total.cost).toBeGreaterThan(0);
    await expect.poll(() => byTestId('costs-total').textContent(), { timeout: UI_TIMEOUT }).toBe(`${money(report.total.cost)} GBP`);
    expect(await byTestId('costs-unrated').getAttribute('data-count')).toBe(String(report.unrated.calls));
    expect(Number(await byTestId('report-table').getAttribute('data-rows'))).toBe(report.rows.length);
    expect(await byTestId('report-totals').textContent()).toContain(money(report.total.cost).replace(/,/g, ''));
    await byTestId('report-chart').locator('canvas').first().waitFor({ timeout: UI_TIMEOUT });

    // A carrier billing about 0.36 % more than we priced, in ten-thousandths as the check compares.
    const ours = Math.round(report.total.cost * 10_000);
    const over = Math.round(ours * 0.0036);
    const carrier = (ours + over) / 10_000;
    await byTestId('invoice-total').fill(carrier.toFixed(4));
    const percent = (Math.round((over / ours) * 10_000) / 100).toFixed(2);
    await expect
      .poll(() => byTestId('invoice-result').textContent(), { timeout: UI_TIMEOUT })
      .toBe(`Carrier ${money(carrier)} GBP · ours ${money(report.total.cost)} · difference +${money(over / 10_000)} (+${percent} %)`);
    await byTestId('invoice-total').blur();
    await h.screenshot('costs-report');
    keepShot('costs-report');
  });

  it('opens the rated calls of a trunk from the report', async () => {
    await byTestId('report-cost-by').selectOption('trunk');
    await reportReady('costs');
    const row = byTestId('report-row').first();
    expect(await row.locator('td').first().textContent()).toBe(TRUNK);
    await row.click();
    await byTestId('calls-table').waitFor({ timeout: UI_TIMEOUT });
    await expect.poll(h.shownCount, { timeout: UI_TIMEOUT }).toBe(totals({ cost_status: ['rated'], dst_trunk: [TRUNK] }));
    await byTestId('filter-reset').click();
  });

  it('refuses a sheet with bad lines whole, listing each line, and keeps the plans as they were', async () => {
    await goToRates();
    await byTestId('rates-import-open').click();
    const [chooser] = await Promise.all([h.page.waitForEvent('filechooser', { timeout: UI_TIMEOUT }), byTestId('rates-import-pick').click()]);
    await chooser.setFiles(join(h.work, 'carrier-broken.csv'));
    await expect.poll(() => byTestId('rates-import-file').textContent(), { timeout: UI_TIMEOUT }).toBe('carrier-broken.csv');
    await byTestId('rates-import-currency').fill('GBP');
    await byTestId('rates-import-run').click();
    const dialog = byTestId('rates-import-dialog');
    const banner = dialog.getByTestId('error-banner');
    await banner.waitFor({ timeout: UI_TIMEOUT });
    expect(await banner.getAttribute('data-code')).toBe('BAD_FILE');
    expect(await banner.textContent()).toContain('was refused whole (nothing changed): 2 bad line(s)');
    const lines = dialog.getByTestId('rates-import-problem');
    expect(await lines.evaluateAll((items) => items.map((li) => li.getAttribute('data-line')))).toEqual(['3', '5']);
    expect(await lines.nth(0).textContent()).toContain('rate "abc" is not a number');
    expect(await lines.nth(1).textContent()).toContain('prefix "4x2" is not digits');
    await byTestId('rates-import-cancel').click();
    expect(h.store.rates.list().map((p) => p.name)).toEqual(['CarrierOne']);
    expect(await byTestId('rates-plan').count()).toBe(1);
  });

  it('fits a 1024x700 window with a plan and its rows shown: the screen scrolls inside itself, never the page', async () => {
    await h.page.setViewportSize({ width: 1024, height: 700 });
    try {
      await byTestId('rates-plan-open').first().click();
      await byTestId('rates-rows').waitFor({ timeout: UI_TIMEOUT });
      const page = await h.page.evaluate(`(() => {
        window.scrollTo(0, 10000);
        return { scrolled: window.scrollY, height: document.documentElement.scrollHeight, width: document.documentElement.scrollWidth };
      })()`);
      expect(page).toEqual({ scrolled: 0, height: 700, width: 1024 });
    } finally {
      await h.page.setViewportSize({ width: 1280, height: 800 });
    }
  });
});
