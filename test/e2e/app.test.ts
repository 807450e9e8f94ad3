import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import type { Locator } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CallFilter, CallRow } from '../../preload/api.js';
import { startHarness, type Harness } from './harness.js';

/**
 * The whole app in Chromium against the web mode and the built-in simulator, as a new user meets it:
 * demo PBX, certificate, sync, every filter, sorting, a transfer, a recording, export, import, and a
 * wrong password. Tests run in order and share one browser and one cache.
 */

const UI_TIMEOUT = 20_000;

let h: Harness;
let demoId = 0;

const byTestId = (id: string): Locator => h.page.getByTestId(id);

/** The count the UI shows once it has settled on the current filter. */
async function expectCount(expected: number): Promise<void> {
  await expect.poll(h.shownCount, { timeout: UI_TIMEOUT }).toBe(expected);
}

function totals(filter: CallFilter): number {
  return h.store.calls.totals(filter).count;
}

/** A sample of cached calls to choose realistic filter values from. */
function sampleRows(n = 1000): CallRow[] {
  return h.store.calls.page({ filter: {}, limit: n }).rows;
}

async function goToCalls(): Promise<void> {
  await byTestId('nav-calls').click();
  await byTestId('calls-table').waitFor({ timeout: UI_TIMEOUT });
}

async function resetFilters(): Promise<void> {
  const reset = byTestId('filter-reset');
  if (await reset.isEnabled()) await reset.click();
  await expectCount(totals({}));
}

beforeAll(async () => {
  h = await startHarness();
  await h.page.goto(h.server.url);
  await byTestId('nav-pbx').waitFor({ timeout: UI_TIMEOUT });
});

afterAll(async () => {
  await h?.close();
});

describe('UCM CDR Viewer in the browser', () => {
  it('adds the demo PBX and trusts its certificate', async () => {
    await byTestId('nav-pbx').click();
    await byTestId('pbx-empty').waitFor({ timeout: UI_TIMEOUT });
    await byTestId('pbx-demo').click();
    await byTestId('cert-dialog').waitFor({ timeout: UI_TIMEOUT });
    // Where the fingerprint comes from, in the window's terms (no simulator start-up line to look at).
    expect(await byTestId('cert-dialog').textContent()).not.toMatch(/start-up line|simulator/i);
    expect(await byTestId('cert-demo-note').textContent()).toMatch(/card/);
    const fingerprint = (await byTestId('cert-fingerprint').textContent())?.trim() ?? '';
    expect(fingerprint).toMatch(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
    await h.screenshot('certificate-dialog');
    await byTestId('cert-trust').click();
    const profile = h.store.profiles.getByName('Demo PBX');
    expect(profile).not.toBeNull();
    demoId = profile?.id ?? 0;
    await byTestId(`pbx-test-ok-${demoId}`).waitFor({ timeout: UI_TIMEOUT });
    expect(h.store.profiles.get(demoId)?.fingerprint).toBe(fingerprint);
  });

  it('syncs the demo PBX at once once trusted, and shows what it cached', async () => {
    // No click: trusting the demo started its sync.
    await byTestId('sync-result').or(byTestId('sync-error')).waitFor({ timeout: 60_000 });
    const failure = byTestId('sync-error');
    if ((await failure.count()) > 0) expect.fail(`the sync failed: ${await failure.textContent()}`);
    const cached = totals({});
    expect(cached).toBeGreaterThan(500);
    await expect.poll(async () => (await byTestId(`pbx-calls-${demoId}`).textContent())?.replace(/\D/g, ''), { timeout: UI_TIMEOUT }).toBe(String(cached));
    expect(await byTestId(`pbx-last-sync-${demoId}`).getAttribute('data-state')).toBe('ok');
    await h.screenshot('pbx-synced');

    // A second click on the demo button goes to the demo PBX: no new profile, no dialog, its card marked.
    await byTestId('pbx-demo').click();
    const card = h.page.locator(`[data-testid="pbx-card"][data-pbx-id="${demoId}"]`);
    await expect.poll(() => card.getAttribute('data-focused'), { timeout: UI_TIMEOUT }).toBe('true');
    expect(await byTestId('cert-dialog').count()).toBe(0);
    expect(h.store.profiles.list().filter((p) => p.name.startsWith('Demo PBX'))).toHaveLength(1);
  });

  it('filters by each filter kind, showing the count the cache gives', async () => {
    await goToCalls();
    const all = totals({});
    await expectCount(all);
    await h.screenshot('calls');
    const rows = sampleRows();
    const options = h.store.calls.filterOptions();
    const fourDigits = (v: string): boolean => /^\d{4}$/.test(v);
    const caller = rows.find((r) => fourDigits(r.src))?.src ?? '';
    const callee = Number(rows.find((r) => fourDigits(r.dst))?.dst ?? 0);
    const answeredBy = rows.find((r) => fourDigits(r.answered_by))?.answered_by ?? '';
    const name = rows.find((r) => /^\p{L}{4,}/u.test(r.caller_name))?.caller_name ?? '';
    expect([caller, callee, answeredBy, name].every(Boolean)).toBe(true);
    expect(options.src_trunk.length * options.dst_trunk.length * options.action_type.length).toBeGreaterThan(0);

    const fill = (id: string, value: string) => () => byTestId(id).fill(value);
    const check = (id: string) => () => byTestId(id).check();
    const pick = (id: string, value: string) => async () => {
      await byTestId(id).selectOption([value]);
    };
    const kinds: { name: string; apply: () => Promise<unknown>; filter: CallFilter }[] = [
      { name: 'free text', apply: fill('filter-search', options.src_trunk[0]), filter: { search: options.src_trunk[0] } },
      { name: 'caller, UCM page pattern', apply: fill('filter-caller', `${caller.slice(0, 2)}XX`), filter: { caller: `${caller.slice(0, 2)}XX` } },
      { name: 'callee, cdrapi range', apply: fill('filter-callee', `${callee}-${callee + 3}`), filter: { callee: `${callee}-${callee + 3}` } },
      { name: 'answered by', apply: fill('filter-answered_by', answeredBy), filter: { answered_by: answeredBy } },
      {
        name: 'caller name, any case',
        apply: fill('filter-caller_name', name.slice(1, 4).toUpperCase()),
        filter: { caller_name: name.slice(1, 4).toUpperCase() },
      },
      { name: 'status', apply: check('filter-status-no-answer'), filter: { status: ['NO ANSWER'] } },
      { name: 'direction', apply: check('filter-direction-inbound'), filter: { direction: ['inbound'] } },
      { name: 'source trunk', apply: pick('filter-src_trunk', options.src_trunk[0]), filter: { src_trunk: [options.src_trunk[0]] } },
      { name: 'destination trunk', apply: pick('filter-dst_trunk', options.dst_trunk[0]), filter: { dst_trunk: [options.dst_trunk[0]] } },
      { name: 'action type', apply: pick('filter-action_type', options.action_type[0]), filter: { action_type: [options.action_type[0]] } },
      { name: 'minimum talk time', apply: fill('filter-min_talk', '1:00'), filter: { min_talk: 60 } },
      { name: 'maximum talk time', apply: fill('filter-max_talk', '5'), filter: { max_talk: 5 } },
      { name: 'minimum call time', apply: fill('filter-min_call', '90'), filter: { min_call: 90 } },
      { name: 'maximum call time', apply: fill('filter-max_call', '10'), filter: { max_call: 10 } },
      { name: 'has recording', apply: () => byTestId('filter-has_recording').selectOption('yes'), filter: { has_recording: true } },
    ];
    if (options.account_code.length > 0) {
      const code = options.account_code[0];
      kinds.push({ name: 'account code', apply: pick('filter-account_code', code), filter: { account_code: [code] } });
    }
    for (const kind of kinds) {
      await kind.apply();
      const expected = totals(kind.filter);
      expect(expected, kind.name).toBeGreaterThan(0);
      expect(expected, kind.name).toBeLessThan(all);
      await expectCount(expected);
      if (kind.name === 'status') await h.screenshot('calls-filtered');
      await resetFilters();
    }
  });

  it('filters by a time range and keeps it in the address', async () => {
    const day = sampleRows()[200].start.slice(0, 10);
    await byTestId('filter-from').fill(`${day}T00:00:00`);
    await byTestId('filter-to').fill(`${day}T23:59:59`);
    const expected = totals({ from: `${day}T00:00:00`, to: `${day}T23:59:59` });
    expect(expected).toBeGreaterThan(0);
    await expectCount(expected);
    const hash = new URLSearchParams(String(await h.page.evaluate('location.hash')).split('?')[1] ?? '');
    expect(hash.get('from')?.startsWith(day)).toBe(true);
    await h.page.reload();
    await expectCount(expected);
    await resetFilters();
  });

  it('sorts by a column, both ways', async () => {
    const first = (dir: 'asc' | 'desc'): string =>
      h.store.calls.page({ filter: {}, sort: { field: 'duration', dir }, limit: 1 }).rows[0].session;
    const shownFirst = () => h.page.locator('[data-testid="call-row"][data-index="0"]').getAttribute('data-session');
    await byTestId('sort-duration').click();
    const afterOne = await expect
      .poll(shownFirst, { timeout: UI_TIMEOUT })
      .toMatch(new RegExp(`^(${escape(first('desc'))}|${escape(first('asc'))})$`))
      .then(shownFirst);
    await byTestId('sort-duration').click();
    await expect.poll(shownFirst, { timeout: UI_TIMEOUT }).toBe(afterOne === first('desc') ? first('asc') : first('desc'));
  });

  it('opens a transfer session with its legs on the timeline', async () => {
    const transfer = sampleRows()
      .filter((r) => r.legs >= 2 && r.recordings.length > 0)
      .map((r) => h.store.calls.session(r.id))
      .find((d) => d !== null && d.legs.some((leg) => leg.action_kind === 'TRANSFER'));
    expect(transfer).toBeDefined();
    if (!transfer) return;
    await h.page.evaluate(`location.hash = '#/calls?call=${transfer.call.id}'`);
    await byTestId('session-panel').waitFor({ timeout: UI_TIMEOUT });
    await expect.poll(() => byTestId('session-id').textContent(), { timeout: UI_TIMEOUT }).toBe(transfer.call.session);
    await expect.poll(() => byTestId('timeline-leg').count(), { timeout: UI_TIMEOUT }).toBe(transfer.legs.length);
    const kinds = await byTestId('timeline-leg').evaluateAll((legs) => legs.map((l) => l.getAttribute('data-kind')));
    expect(kinds).toContain('TRANSFER');
    await h.screenshot('session-transfer');
  });

  it("plays the open call's recording: the audio element plays and its time advances", async () => {
    await byTestId('session-play-0').click();
    await expect.poll(() => byTestId('player').getAttribute('data-status'), { timeout: UI_TIMEOUT }).toBe('playing');
    // howler (html5 mode) keeps its <audio> elements off the DOM; it exposes them through window.Howler.
    const audioTime = async (): Promise<number> =>
      Number(
        await h.page.evaluate(`(() => {
          const nodes = (window.Howler?._howls ?? []).flatMap((howl) => howl._sounds.map((sound) => sound._node));
          const audio = nodes.find((n) => n instanceof HTMLAudioElement && !n.paused);
          return audio ? audio.currentTime : -1;
        })()`),
      );
    const start = await audioTime();
    expect(start).toBeGreaterThanOrEqual(0);
    await expect.poll(audioTime, { timeout: UI_TIMEOUT }).toBeGreaterThan(start + 0.25);
    await h.screenshot('player');
    await byTestId('player-close').click();
    await byTestId('session-close').click();
  });

  it('exports the filtered calls as CSV and as an Excel workbook with the rows the cache holds', async () => {
    await byTestId('filter-status-busy').check();
    const expected = h.store.calls.page({ filter: { status: ['BUSY'] }, limit: 1000 }).rows;
    await expectCount(expected.length);
    await byTestId('export-open').click();
    await byTestId('export-dialog').waitFor({ timeout: UI_TIMEOUT });
    await byTestId('export-format').selectOption('csv');
    await h.screenshot('export-dialog');
    const [download] = await Promise.all([h.page.waitForEvent('download', { timeout: UI_TIMEOUT }), byTestId('export-run').click()]);
    const file = join(h.work, 'export.csv');
    await download.saveAs(file);
    const lines = readFileSync(file, 'utf8').replace(/^\uFEFF/, '').trim().split(/\r?\n/);
    const header = lines[0].split(',');
    expect(lines).toHaveLength(expected.length + 1);
    const sessionColumn = header.findIndex((h) => /^session$/i.test(h));
    expect(sessionColumn).toBeGreaterThanOrEqual(0);
    const sessions = lines.slice(1).map((l) => l.split(',')[sessionColumn]);
    expect(sessions.sort()).toEqual(expected.map((r) => r.session).sort());
    await byTestId('export-result').waitFor({ timeout: UI_TIMEOUT });

    await byTestId('export-format').selectOption('xlsx');
    const [workbookDownload] = await Promise.all([h.page.waitForEvent('download', { timeout: UI_TIMEOUT }), byTestId('export-run').click()]);
    expect(workbookDownload.suggestedFilename()).toMatch(/^calls-.*\.xlsx$/);
    const xlsx = join(h.work, 'export.xlsx');
    await workbookDownload.saveAs(xlsx);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.readFile(xlsx);
    const sheet = workbook.getWorksheet('Calls');
    const labels = (sheet?.getRow(1).values ?? []) as unknown[];
    const sessionCells = sheet?.getColumn(labels.indexOf('Session')).values.slice(2) ?? [];
    expect(sessionCells.every((v) => typeof v === 'string')).toBe(true);
    expect([...sessionCells].sort()).toEqual(expected.map((r) => r.session).sort());
    expect(sheet?.getRow(2).getCell(labels.indexOf('Start Time')).value).toBeInstanceOf(Date);
    await byTestId('export-format').selectOption('csv');
    await byTestId('export-close').click();
    await resetFilters();
  });

  it('imports a UCM CSV export and shows its summary', async () => {
    const csv = join(h.work, 'ucm-cdr-export.csv');
    writeFileSync(
      csv,
      [
        'Account Code,Caller Name,Caller Number,Callee Number,Start Time,Answer Time,End Time,Call Time,Talk Time,Disposition,Session',
        ',Jürgen Weiß,4003,1001,2019-05-02 09:10:11,2019-05-02 09:10:15,2019-05-02 09:11:00,49,45,ANSWERED,e2e-import-1',
        ',"Smith, Ann",4004,1002,2019-05-02 10:00:00,,2019-05-02 10:00:20,20,0,NO ANSWER,e2e-import-2',
        ',Old Row,4005,1003,not a date,,,,,ANSWERED,e2e-import-3',
      ].join('\r\n') + '\r\n',
    );
    await byTestId('nav-import').click();
    const [chooser] = await Promise.all([h.page.waitForEvent('filechooser', { timeout: UI_TIMEOUT }), byTestId('import-pick').click()]);
    await chooser.setFiles(csv);
    await byTestId('import-summary').waitFor({ timeout: UI_TIMEOUT });
    const row = h.page.locator('[data-testid="import-file"][data-file="ucm-cdr-export.csv"]');
    await expect.poll(() => row.getByTestId('import-file-imported').textContent(), { timeout: UI_TIMEOUT }).toBe('2');
    expect(await row.getByTestId('import-file-rejected').textContent()).toBe('1');
    await h.screenshot('import-summary');
    const imported = h.store.profiles.importSource().name;
    expect(totals({ pbx: [imported] })).toBe(2);
    expect(totals({ caller_name: 'weiß' })).toBe(1);
    await goToCalls();
    await byTestId('filter-pbx').selectOption([imported]);
    await expectCount(2);
    const [call] = h.store.calls.findSession('e2e-import-1');
    expect(call?.call.imported_at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    await h.page.evaluate(`location.hash = '#/calls?call=${call?.call.id}'`);
    await expect
      .poll(() => byTestId('session-origin').textContent(), { timeout: UI_TIMEOUT })
      .toMatch(/^\s*import:ucm-cdr-export\.csv, imported \d{4}-\d\d-\d\d \d\d:\d\d\s*$/);
    await resetFilters();
  });

  it('asks the date order of a file whose dates read either way, and imports it the way chosen', async () => {
    const csv = join(h.work, 'one-day.csv');
    writeFileSync(
      csv,
      [
        'Caller Number,Callee Number,Start Time,Talk Time,Session',
        '4003,1001,03/04/2019 09:10:11,45,e2e-order-1',
        '4004,1002,03/04/2019 10:00:00,0,e2e-order-2',
      ].join('\r\n') + '\r\n',
    );
    await byTestId('nav-import').click();
    const [chooser] = await Promise.all([h.page.waitForEvent('filechooser', { timeout: UI_TIMEOUT }), byTestId('import-pick').click()]);
    await chooser.setFiles(csv);
    const row = h.page.locator('[data-testid="import-file"][data-file="one-day.csv"]');
    await expect.poll(() => row.getAttribute('data-state'), { timeout: UI_TIMEOUT }).toBe('refused');
    expect(await byTestId('import-date-order-mdy').textContent()).toContain('2019-03-04');
    await h.screenshot('import-date-order');
    await byTestId('import-date-order-dmy').click();
    await expect.poll(() => row.getAttribute('data-state'), { timeout: UI_TIMEOUT }).toBe('done');
    expect(await row.getByTestId('import-file-imported').textContent()).toBe('2');
    expect(await byTestId('import-date-order-choice').count()).toBe(0);
    expect(h.store.calls.findSession('e2e-order-1')[0]?.call.start).toBe('2019-04-03T09:10:11');
  });

  it('shows a wrong password as a readable error', async () => {
    await byTestId('nav-pbx').click();
    await byTestId('pbx-add').click();
    await byTestId('pbx-form').waitFor({ timeout: UI_TIMEOUT });
    await byTestId('pbx-form-name').fill('Wrong password PBX');
    await byTestId('pbx-form-url').fill(h.store.profiles.get(demoId)?.url ?? '');
    await byTestId('pbx-form-user').fill('cdrapi');
    await byTestId('pbx-form-password').fill('definitely-wrong');
    await byTestId('pbx-save').click();
    await byTestId('cert-dialog').waitFor({ timeout: UI_TIMEOUT });
    await byTestId('cert-trust').click();
    // The test failed: the form says so and keeps the profile only when told to.
    await byTestId('pbx-form-test-error').waitFor({ timeout: UI_TIMEOUT });
    expect(await byTestId('pbx-form-test-error').getAttribute('data-code')).toBe('AUTH_FAILED');
    await byTestId('pbx-save-anyway').click();
    const card = h.page.locator('[data-testid="pbx-card"][data-pbx-name="Wrong password PBX"]');
    const banner = card.getByTestId('error-banner');
    await banner.waitFor({ timeout: UI_TIMEOUT });
    expect(await banner.getAttribute('data-code')).toBe('AUTH_FAILED');
    const text = (await banner.textContent()) ?? '';
    expect(text).toMatch(/password/i);
    expect(text).not.toContain('definitely-wrong');
    expect(text).not.toMatch(/at \w+ \(|Error:|undefined/);
    await h.screenshot('wrong-password');
  });
});

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
