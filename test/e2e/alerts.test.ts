import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Locator } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Alert, CallFilter } from '../../preload/api.js';
import { openStore } from '../../main/store/store.js';
import { cli } from '../cli/helpers.js';
import { flatCall } from '../support/calls.js';
import { keepShot, startHarness, type Harness } from './harness.js';

/**
 * Keeping watch in Chromium against the web mode, as an office manager meets it: a cache where a
 * desk phone dialled satellite numbers, someone called out on a Saturday night and an extension
 * hammered a number that never answered; `ucmcdr alerts scan` raises the alerts. In the window: the
 * badge, the list, the calls behind an alert and their details, the call list showing exactly them,
 * acknowledging (the CLI agrees), the rules saved (the CLI agrees), the PBX's automatic sync and its
 * business hours refused when they make no sense, and a browser notification for an alert raised
 * while the page is open. Tests run in order and share one browser.
 */

const UI_TIMEOUT = 20_000;
const TRUNK = 'CarrierOne SIP';
const work = mkdtempSync(join(tmpdir(), 'ucm-alerts-'));
const db = join(work, 'cache.sqlite');
let h: Harness;
let officeId = 0;
let sessionNo = 0;

const byTestId = (id: string): Locator => h.page.getByTestId(id);
const row = (rule: string): Locator => h.page.locator(`[data-testid="alert-row"][data-rule="${rule}"]`);

/** An outbound call over the carrier trunk, as the UCM writes one. */
function outbound(start: string, src: string, dst: string, fields: { disposition?: string; billsec?: number } = {}) {
  sessionNo++;
  return flatCall({
    session: `17096${String(sessionNo).padStart(5, '0')}.${sessionNo}`,
    start,
    src,
    dst,
    dst_trunk_name: TRUNK,
    userfield: 'Outbound',
    disposition: fields.disposition ?? 'ANSWERED',
    duration: 90,
    billsec: fields.billsec ?? (fields.disposition === undefined ? 60 : 0),
  });
}

function inbound(start: string, src: string, dst: string) {
  sessionNo++;
  return flatCall({ session: `17096${String(sessionNo).padStart(5, '0')}.${sessionNo}`, start, src, dst, src_trunk_name: TRUNK, userfield: 'Inbound' });
}

const PREMIUM = [
  outbound('2024-03-05 10:00:00', '1001', '00881612345678'),
  outbound('2024-03-05 10:20:00', '1001', '00881612345679'),
  outbound('2024-03-05 11:05:00', '1001', '00882123456789'),
];
const SATURDAY_NIGHT = [outbound('2024-03-09 22:10:00', '1003', '02079460000'), outbound('2024-03-09 23:40:00', '1003', '02079460000')];
const BURST = Array.from({ length: 10 }, (_, i) => outbound(`2024-03-06 14:0${i}:00`, '1002', '07700900123', { disposition: 'NO ANSWER' }));
// Office traffic around them, which no rule minds and the call list must not mix in.
const OFFICE = [
  inbound('2024-03-05 10:10:00', '02071234567', '1001'),
  outbound('2024-03-05 10:30:00', '1001', '01632960000'),
  inbound('2024-03-06 14:03:30', '07700900999', '1002'),
];

async function json<T>(args: string[]): Promise<T> {
  const run = await cli(['--db', db, ...args, '--format', 'json']);
  expect(run, run.stderr).toMatchObject({ code: 0 });
  return JSON.parse(run.stdout) as T;
}

/**
 * The rules as `ucmcdr alerts rules` prints them, one `rule: key=value ...` line each. Its `--format
 * json` is taken by the parent `alerts` command's own option and never reaches `rules`, so the table
 * is what the CLI can show.
 */
async function cliRules(): Promise<Record<string, Record<string, string>>> {
  const run = await cli(['--db', db, 'alerts', 'rules']);
  expect(run, run.stderr).toMatchObject({ code: 0 });
  const rules: Record<string, Record<string, string>> = {};
  for (const line of run.stdout.trim().split('\n')) {
    const [rule, settings] = line.split(': ') as [string, string];
    rules[rule] = Object.fromEntries(settings.split(/\s+/).map((pair) => pair.split('=') as [string, string]));
  }
  return rules;
}

async function badgeCount(): Promise<string | null> {
  const badge = byTestId('alerts-badge');
  return (await badge.count()) === 0 ? '0' : badge.getAttribute('data-count');
}


async function pageFits(): Promise<{ scrolled: number; height: number; width: number }> {
  return h.page.evaluate(`(() => {
    window.scrollTo(0, 10000);
    return { scrolled: window.scrollY, height: document.documentElement.scrollHeight, width: document.documentElement.scrollWidth };
  })()`);
}

beforeAll(async () => {
  const store = openStore(db);
  try {
    officeId = store.profiles.save({
      name: 'office',
      url: 'https://192.0.2.10:8443',
      api: 'auto',
      user: 'cdrapi',
      tz: 'Europe/London',
      country_code: '44',
      national_prefix: '0',
      international_prefix: '00',
      sync_every: 15,
    }).id;
    store.calls.ingest(officeId, [...PREMIUM, ...SATURDAY_NIGHT, ...BURST, ...OFFICE], { origin: 'sync' });
  } finally {
    store.close();
  }
  const scan = await cli(['--db', db, 'alerts', 'scan']);
  expect(scan, scan.stderr).toMatchObject({ code: 0 });
  expect(scan.stdout).toContain('3 new alerts');

  h = await startHarness({ dbPath: db });
  // Records the notifications the page raises, through the browser's own Notification.
  await h.context.addInitScript(`(() => {
    const Real = window.Notification;
    window.__notified = [];
    class Recorded extends Real {
      constructor(title, options) {
        super(title, options);
        window.__notified.push({ title, body: options && options.body });
      }
      static get permission() { return Real.permission; }
      static requestPermission() { return Real.requestPermission(); }
    }
    window.Notification = Recorded;
  })()`);
  await h.page.goto(`${h.server.url}#/alerts`);
  await byTestId('alerts-table').waitFor({ timeout: UI_TIMEOUT });
});

afterAll(async () => {
  await h?.close();
  rmSync(work, { recursive: true, force: true });
});

describe('alerts in the browser', () => {
  it('counts the open alerts on the badge in the colour of the gravest, and lists them newest first', async () => {
    const open = h.store.alerts.list({});
    expect(open.map((a) => a.rule).sort()).toEqual(['after-hours', 'failed-burst', 'premium-destination']);
    await expect.poll(badgeCount, { timeout: UI_TIMEOUT }).toBe('3');
    expect(await byTestId('alerts-badge').getAttribute('data-severity')).toBe('critical');
    expect(await byTestId('alerts-badge').getAttribute('aria-label')).toBe('3 open alerts');

    const rows = h.page.locator('[data-testid="alert-row"]');
    expect(await rows.evaluateAll((trs) => trs.map((tr) => Number(tr.getAttribute('data-alert-id'))))).toEqual(open.map((a) => a.id));
    const premium = open.find((a) => a.rule === 'premium-destination') as Alert;
    expect(await row('premium-destination').getByTestId('alert-severity').textContent()).toBe('Critical');
    expect(await row('premium-destination').getByTestId('alert-rule').textContent()).toBe('Premium destination');
    expect(await row('premium-destination').getByTestId('alert-calls').textContent()).toBe('3');
    expect(await row('premium-destination').getByTestId('alert-open').textContent()).toBe(premium.title);
    expect(await row('failed-burst').getByTestId('alert-calls').textContent()).toBe('10');
    expect(await row('after-hours').getByTestId('alert-severity').textContent()).toBe('Warning');
    // The web mode's page raises notifications itself, once the user allows them.
    expect(await byTestId('alerts-notify-enable').textContent()).toContain('Enable notifications');
  });

  it('shows the calls behind an alert, and a call opens its details', async () => {
    await row('premium-destination').getByTestId('alert-open').click();
    const table = byTestId('alert-calls-table');
    await expect.poll(() => table.getAttribute('data-rows'), { timeout: UI_TIMEOUT }).toBe('3');
    expect(await byTestId('alert-call-dst').allTextContents()).toEqual(['00881612345678', '00881612345679', '00882123456789']);
    expect(h.page.url()).toMatch(/#\/alerts\?alert=\d+$/);
    await byTestId('alert-calls-count').hover();
    await h.screenshot('alerts');
    keepShot('alerts');

    await byTestId('alert-call-open').first().click();
    await expect.poll(() => byTestId('session-id').textContent(), { timeout: UI_TIMEOUT }).toBe(PREMIUM[0]?.session);
    await byTestId('session-close').click();
    await byTestId('session-panel').waitFor({ state: 'detached', timeout: UI_TIMEOUT });
  });

  it('opens exactly those calls in the call list', async () => {
    await byTestId('alert-open-in-calls').click();
    await byTestId('calls-table').waitFor({ timeout: UI_TIMEOUT });
    await expect.poll(h.shownCount, { timeout: UI_TIMEOUT }).toBe(3);
    const filter: CallFilter = { pbx: ['office'], from: '2024-03-05T10:00:00', to: '2024-03-05T11:05:00', direction: ['outbound'], dst_trunk: [TRUNK] };
    // The period and trunk alone would take in the office call of 10:30; the numbers leave it out.
    expect(h.store.calls.totals(filter).count).toBe(4);
    expect(await byTestId('filter-callee').inputValue()).toBe('00881612345678,00881612345679,00882123456789');
    await byTestId('filter-reset').click();
    await byTestId('nav-alerts').click();
    await byTestId('alerts-table').waitFor({ timeout: UI_TIMEOUT });
  });

  it('acknowledges an alert: it leaves the open list, the badge counts one less, and the CLI agrees', async () => {
    const premium = h.store.alerts.list({}).find((a) => a.rule === 'premium-destination') as Alert;
    await row('premium-destination').getByTestId('alert-ack').click();
    await expect.poll(badgeCount, { timeout: UI_TIMEOUT }).toBe('2');
    expect(await byTestId('alerts-badge').getAttribute('data-severity')).toBe('warning');
    expect(await row('premium-destination').count()).toBe(0);

    const open = await json<Alert[]>(['alerts']);
    expect(open.map((a) => a.rule).sort()).toEqual(['after-hours', 'failed-burst']);
    const every = await json<Alert[]>(['alerts', '--all']);
    expect(every.find((a) => a.id === premium.id)).toMatchObject({ acknowledged: true, calls: 3 });

    await byTestId('alerts-show-acknowledged').check();
    await expect.poll(() => row('premium-destination').getAttribute('data-acknowledged'), { timeout: UI_TIMEOUT }).toBe('true');
    expect(await byTestId('alerts-count').textContent()).toBe('2 open, 1 acknowledged');
    await byTestId('alerts-show-acknowledged').uncheck();
  });

  it('saves the rules: a bad threshold is refused on its field, a good change is saved and the CLI reads it back', async () => {
    await byTestId('alerts-tab-rules').click();
    const calls = byTestId('rule-failed-burst-calls');
    await expect.poll(() => calls.inputValue(), { timeout: UI_TIMEOUT }).toBe('10');
    await calls.fill('0');
    await byTestId('alerts-rules-save').click();
    await expect.poll(() => calls.getAttribute('aria-invalid'), { timeout: UI_TIMEOUT }).toBe('true');
    expect((await cliRules())['failed-burst']?.calls).toBe('10');

    await calls.fill('5');
    await byTestId('rule-volume-drift-enabled').uncheck();
    await byTestId('rule-premium-destination-prefixes').fill('881\n882\n+979');
    await byTestId('alerts-rules-save').click();
    await expect.poll(() => byTestId('alerts-rules-status').textContent(), { timeout: UI_TIMEOUT }).toContain('Saved.');
    const rules = await cliRules();
    expect(rules['failed-burst']).toEqual({ enabled: 'true', calls: '5', minutes: '10' });
    expect(rules['volume-drift']?.enabled).toBe('false');
    expect(rules['premium-destination']?.prefixes).toBe('881,882,979');
    expect(h.store.alerts.rules()['premium-destination'].prefixes).toEqual(['881', '882', '979']);
    await h.screenshot('alerts-rules');
  });

  it('fits a 1024x700 window on each section of the Alerts screen: the screen scrolls inside itself, never the page', async () => {
    await h.page.setViewportSize({ width: 1024, height: 700 });
    try {
      for (const tab of ['rules', 'mail', 'list'] as const) {
        await byTestId(`alerts-tab-${tab}`).click();
        await byTestId(tab === 'list' ? 'alerts-table' : tab === 'rules' ? 'alerts-rules' : 'mail-settings').waitFor({ timeout: UI_TIMEOUT });
        if (tab === 'list') {
          await row('failed-burst').getByTestId('alert-open').click();
          await expect.poll(() => byTestId('alert-calls-table').getAttribute('data-rows'), { timeout: UI_TIMEOUT }).toBe('10');
          await byTestId('alert-call-open').first().click();
          await byTestId('session-id').waitFor({ timeout: UI_TIMEOUT });
        }
        expect(await pageFits(), tab).toEqual({ scrolled: 0, height: 700, width: 1024 });
      }
      await byTestId('session-close').click();
    } finally {
      await h.page.setViewportSize({ width: 1280, height: 800 });
    }
  });

  it("shows each PBX's automatic sync on its card, and why it could not run", async () => {
    await byTestId('nav-pbx').click();
    const watch = byTestId(`pbx-watch-${officeId}`);
    await expect.poll(() => watch.textContent(), { timeout: UI_TIMEOUT }).toContain('Every 15 minutes');
    expect(await watch.getAttribute('data-schedule')).toBe('15');
    expect(await byTestId(`pbx-business-hours-${officeId}`).textContent()).toBe('Mon-Fri 07:00-19:00');

    // The web mode holds no password for it: the round skips it and says why.
    await byTestId('watch-run-now').click();
    await expect.poll(() => byTestId(`pbx-watch-error-${officeId}`).textContent(), { timeout: UI_TIMEOUT }).toContain('no password for office');
    expect(await byTestId('watch-status').getAttribute('data-state')).toBe('failed');
    await h.screenshot('pbx-watch');
  });

  it('refuses business hours that make no sense on the field, in the words of the service, and keeps the stored ones', async () => {
    await byTestId(`pbx-edit-${officeId}`).click();
    const hours = byTestId('pbx-form-business_hours');
    expect(await hours.inputValue()).toBe('Mon-Fri 07:00-19:00');
    expect(await byTestId('pbx-form-sync_every').inputValue()).toBe('15');
    await hours.fill('Mon-Fri 19:00-07:00');
    await byTestId('pbx-save').click();
    const error = byTestId('pbx-form-business_hours-error');
    await error.waitFor({ timeout: UI_TIMEOUT });
    expect(await error.textContent()).toContain('closes before it opens');
    expect(await hours.getAttribute('aria-invalid')).toBe('true');
    expect(h.store.profiles.get(officeId)?.business_hours).toBe('Mon-Fri 07:00-19:00');
    await byTestId('pbx-form-cancel').click();
  });

  it('raises a browser notification for an alert raised while the page is open, once it is allowed', async () => {
    await byTestId('nav-alerts').click();
    await byTestId('alerts-table').waitFor({ timeout: UI_TIMEOUT });
    await h.context.grantPermissions(['notifications'], { origin: new URL(h.server.url).origin });
    await byTestId('alerts-notify-enable').click();
    await expect.poll(() => byTestId('alerts-notify-state').getAttribute('data-state'), { timeout: UI_TIMEOUT }).toBe('granted');

    // A call to a satellite phone arrives; the next round of the watch runs the rules on it.
    h.store.calls.ingest(officeId, [outbound('2024-03-12 09:15:00', '1004', '00881699999999')], { origin: 'sync' });
    await byTestId('nav-pbx').click();
    await byTestId('watch-run-now').click();
    await expect.poll(badgeCount, { timeout: UI_TIMEOUT }).toBe('3');
    const raised = h.store.alerts.list({}).find((a) => a.first_at.startsWith('2024-03-12')) as Alert;
    expect(raised).toMatchObject({ rule: 'premium-destination', severity: 'critical' });
    await expect
      .poll(() => h.page.evaluate('window.__notified'), { timeout: UI_TIMEOUT })
      .toEqual([{ title: 'Critical: Premium destination on office', body: raised.title }]);
  });
});
