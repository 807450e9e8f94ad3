import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect } from 'vitest';
import type { Alert } from '../../preload/alerts.js';
import { alertsMessage, dailyReportMessage } from '../../main/mail/messages.js';
import type { MailMessage } from '../../main/mail/smtp.js';
import { importRateSheet, rerateCalls } from '../../main/rates/plans.js';
import type { Store } from '../../main/store/types.js';
import { flatCall } from '../support/calls.js';
import { caught } from '../support/caught.js';
import { it } from '../support/fixtures.js';
import { addPbx } from '../support/store.js';

/**
 * What the watch's e-mails say: the alerts of a round, and the daily report built from a real cache
 * (its figures, its HTML, and the day's calls attached as CSV). Sending is test/mail/smtp.test.ts.
 */

const GENERATED_AT = '2025-03-04T07:00:12.345Z';

function alert(fields: Partial<Alert> & Pick<Alert, 'id' | 'rule' | 'severity' | 'pbx' | 'title'>): Alert {
  return {
    first_at: '2025-03-03 22:10:00',
    last_at: '2025-03-03 22:40:00',
    sessions: ['1741039800.1'],
    calls: 1,
    acknowledged: false,
    raised_at: '2025-03-03T23:00:00.000Z',
    mailed_at: null,
    ...fields,
  };
}

const ALERTS: Alert[] = [
  alert({ id: 7, rule: 'after-hours', severity: 'warning', pbx: 'office', title: 'Calls after hours: 2 calls by 1002', calls: 2, sessions: ['s-7a', 's-7b'] }),
  alert({
    id: 8,
    rule: 'premium-destination',
    severity: 'critical',
    pbx: 'branch',
    title: 'Calls to premium numbers: 0900 <premium> & co',
    first_at: '2025-03-03 23:05:00',
    last_at: '2025-03-03 23:50:00',
    calls: 12,
    sessions: Array.from({ length: 12 }, (_, i) => `s-8-${i + 1}`),
  }),
  alert({ id: 9, rule: 'failed-burst', severity: 'warning', pbx: 'office', title: '25 failed calls in 10 minutes on trunk BT', first_at: '2025-03-03 09:00:00', calls: 25, sessions: ['s-9'] }),
];

/** Nothing a mail client would fetch or run. */
function expectSelfContained(html: string): void {
  expect(html).not.toMatch(/<script/i);
  expect(html).not.toMatch(/\bon[a-z]+\s*=/i);
  expect(html).not.toMatch(/(?:src|href)\s*=\s*["']?(?:https?:)?\/\//i);
  expect(html).not.toMatch(/url\(\s*["']?(?:https?:)?\/\//i);
  expect(html).not.toMatch(/@import/i);
}

describe('the alerts message', () => {
  it('lists every alert, the critical ones first, in the text and the HTML', () => {
    const message = alertsMessage(ALERTS, { generatedAt: GENERATED_AT });
    expect(message.subject).toBe('UCM CDR Viewer: 3 new alerts (1 critical) on branch, office');
    for (const a of ALERTS) {
      expect(message.text).toContain(`[${a.severity.toUpperCase()}] ${a.title}`);
      expect(message.text).toContain(`Rule ${a.rule} on ${a.pbx}, alert #${a.id}`);
      expect(message.text).toContain(`${a.first_at} to ${a.last_at}, ${a.calls} call`);
      expect(message.html).toContain(`<td style="border-bottom:1px solid #d9dee4;padding:4px 8px;text-align:left;vertical-align:top">${a.rule}</td>`);
    }
    const order = [8, 9, 7].map((id) => message.text.indexOf(`alert #${id}`));
    expect(order).toEqual([...order].sort((a, b) => a - b));
    expect(message.text).toContain('2025-03-04 07:00 UTC');
    expect(message.attachments).toBeUndefined();
  });

  it('shows the first sessions of an alert and how many more there are', () => {
    const message = alertsMessage(ALERTS, { generatedAt: GENERATED_AT });
    expect(message.text).toContain('Sessions: s-8-1, s-8-2, s-8-3, s-8-4, s-8-5 and 7 more');
    expect(message.text).toContain('Sessions: s-7a, s-7b\n');
    expect(message.html).toContain('s-8-1, s-8-2, s-8-3, s-8-4, s-8-5 and 7 more');
  });

  it('escapes what the calls put in a title, and fetches or runs nothing', () => {
    const html = alertsMessage(ALERTS, { generatedAt: GENERATED_AT }).html ?? '';
    expect(html).toContain('Calls to premium numbers: 0900 &lt;premium&gt; &amp; co');
    expect(html).not.toContain('<premium>');
    expectSelfContained(html);
  });

  it('words the subject for one alert without a critical one', () => {
    const message = alertsMessage([ALERTS[0]], { generatedAt: GENERATED_AT });
    expect(message.subject).toBe('UCM CDR Viewer: 1 new alert on office');
  });

  it('counts the PBXs in the subject when there are more than three', () => {
    const many = ['a', 'b', 'c', 'd'].map((pbx, i) => alert({ id: i + 1, rule: 'volume-drift', severity: 'warning', pbx, title: 'More calls than usual' }));
    expect(alertsMessage(many, { generatedAt: GENERATED_AT }).subject).toBe('UCM CDR Viewer: 4 new alerts on 4 PBXs');
  });
});

const DAY = '2025-03-03';

/**
 * office: on the day two rated outbound calls (2 min to London, 1 min to a mobile), one missed inbound
 * call never returned, one internal call; one call the next day. branch: one call on the day.
 */
async function cache(store: Store, dir: string, { rates }: { rates: boolean }): Promise<void> {
  const office = addPbx(store, 'office', 'Europe/London');
  const branch = addPbx(store, 'branch', 'Europe/London');
  const profile = store.profiles.get(office);
  if (profile === null) throw new Error('office');
  store.profiles.save({ ...profile, country_code: '44', national_prefix: '0', international_prefix: '00' });
  if (rates) {
    const sheet = join(dir, 'uk.csv');
    writeFileSync(sheet, 'Prefix,Destination,Rate,Connect,Min,Increment\n4420,London,0.03,0,0,1\n447,UK mobile,0.12,0,0,1\n');
    await importRateSheet(store, sheet, { plan: 'UK', currency: 'GBP', scope: { pbx: ['office'], trunks: ['BT'] } });
  }
  store.calls.ingest(
    office,
    [
      flatCall({ session: 'o-london', start: `${DAY} 09:00:00`, src: '1000', dst: '02079460000', dst_trunk_name: 'BT', userfield: 'Outbound', billsec: 120, duration: 125 }),
      flatCall({ session: 'o-mobile', start: `${DAY} 10:00:00`, src: '1001', dst: '07700900123', dst_trunk_name: 'BT', userfield: 'Outbound', billsec: 60, duration: 70 }),
      flatCall({ session: 'o-missed', start: `${DAY} 11:00:00`, src: '441234567', dst: '1000', src_trunk_name: 'BT', userfield: 'Inbound', disposition: 'NO ANSWER', caller_name: 'Acme, "Ltd"' }),
      flatCall({ session: 'o-internal', start: `${DAY} 12:00:00`, src: '1000', dst: '1001' }),
      flatCall({ session: 'o-next-day', start: '2025-03-04 08:00:00', src: '1000', dst: '1002' }),
    ],
    { origin: 'sync' },
  );
  store.calls.ingest(branch, [flatCall({ session: 'b-1', start: `${DAY} 15:00:00`, src: '2000', dst: '2001' })], { origin: 'sync' });
  if (rates) await rerateCalls(store);
}

/** The CSV attachment as rows of cells (no quoted line breaks in these calls). */
function csvRows(message: MailMessage): string[][] {
  const attachment = message.attachments?.[0];
  if (!attachment) throw new Error('no attachment');
  const text = Buffer.isBuffer(attachment.content) ? attachment.content.toString('utf8') : attachment.content;
  expect(text.startsWith('\uFEFF')).toBe(true);
  const lines = text.slice(1).split('\r\n');
  expect(lines.pop()).toBe('');
  return lines.map((line) => line.match(/("(?:[^"]|"")*"|[^,]*)(?:,|$)/g)?.map((cell) => cell.replace(/,$/, '').replace(/^"|"$/g, '').replace(/""/g, '"')) ?? []);
}

describe('the daily report message', () => {
  it('holds the summary figures, the missed calls not returned and the costs by destination', async ({ store, dir }) => {
    await cache(store, dir, { rates: true });
    const message = await dailyReportMessage(store, DAY, { pbx: ['office'], generatedAt: GENERATED_AT });
    expect(message.subject).toBe('UCM CDR Viewer: daily report 2025-03-03 on office: 4 calls, 1 missed');
    expect(message.text).toContain('Daily report for 2025-03-03 on office (PBX wall clock), made by UCM CDR Viewer (2025-03-04 07:00 UTC).');
    expect(message.text).toContain('Calls: 4, answered 3, missed 1 (answered 75%), talk time 3 min 20 s.');
    expect(message.text).toContain('  inbound: 1 call, 0 answered, 1 missed\n  internal: 1 call, 1 answered, 0 missed\n  outbound: 2 calls, 2 answered, 0 missed\n');
    expect(message.text).toContain('Missed and not called back: 1 number, 1 attempt.');
    expect(message.text).toContain(`441234567 (Acme, "Ltd") on office: 1 attempt, last ${DAY} 11:00:00`);
    expect(message.text).toContain('Costs: 0.1800 GBP for 2 rated calls.');
    expect(message.text).toContain('London: 1 call, 0.0600 GBP');
    expect(message.text).toContain('UK mobile: 1 call, 0.1200 GBP');
    expect(message.text).toContain('calls-2025-03-03.csv (4 calls)');
  });

  it('is one self-contained HTML page with each report under its heading', async ({ store, dir }) => {
    await cache(store, dir, { rates: true });
    const html = (await dailyReportMessage(store, DAY, { pbx: ['office'], generatedAt: GENERATED_AT })).html ?? '';
    expect(html.match(/<html/g)).toHaveLength(1);
    expect(html.match(/<body>/g)).toHaveLength(1);
    expect(html.match(/<dl>/g)).toHaveLength(1);
    expect(html).toContain('<title>Daily report for 2025-03-03 on office</title>');
    expect(html).toContain('<h1>Daily report for 2025-03-03 on office</h1>');
    for (const heading of ['Summary', 'Missed, not called back', 'Call costs']) expect(html).toContain(`<h2>${heading}</h2>`);
    expect(html).toContain('<td>441234567</td>');
    expect(html).toContain('<td>London</td>');
    expect(html).toContain("Content-Security-Policy\" content=\"default-src 'none'");
    expectSelfContained(html);
  });

  it('attaches the calls of the day as CSV, oldest first, and no call of another day or PBX', async ({ store, dir }) => {
    await cache(store, dir, { rates: true });
    const message = await dailyReportMessage(store, DAY, { pbx: ['office'], generatedAt: GENERATED_AT });
    expect(message.attachments?.map((a) => [a.filename, a.contentType])).toEqual([['calls-2025-03-03.csv', 'text/csv; charset=utf-8']]);
    const [header, ...rows] = csvRows(message);
    const session = header.indexOf('Session');
    const caller = header.indexOf('Caller Name');
    expect(session).toBeGreaterThanOrEqual(0);
    expect(rows.map((r) => r[session])).toEqual(['o-london', 'o-mobile', 'o-missed', 'o-internal']);
    expect(rows[2][caller]).toBe('Acme, "Ltd"');
  });

  it('leaves the costs out when no call of the day has a plan', async ({ store, dir }) => {
    await cache(store, dir, { rates: false });
    const message = await dailyReportMessage(store, DAY, { pbx: ['office'], generatedAt: GENERATED_AT });
    expect(message.text).not.toContain('Costs:');
    expect(message.html).not.toContain('Call costs');
    expect(message.html).toContain('<h2>Summary</h2>');
  });

  it('covers every PBX unless told which', async ({ store, dir }) => {
    await cache(store, dir, { rates: false });
    const all = await dailyReportMessage(store, DAY, { generatedAt: GENERATED_AT });
    expect(all.subject).toBe('UCM CDR Viewer: daily report 2025-03-03 on branch, office: 5 calls, 1 missed');
    expect(csvRows(all)).toHaveLength(6);
    const branch = await dailyReportMessage(store, DAY, { pbx: ['branch'], generatedAt: GENERATED_AT });
    expect(branch.text).toContain('Calls: 1, answered 1, missed 0');
    expect(branch.text).toContain('Missed and not called back: none.');
    expect(csvRows(branch)).toHaveLength(2);
  });

  it('says a day that is not a date is not one', async ({ store }) => {
    for (const day of ['2025-3-3', '2025-02-30', 'yesterday']) {
      const error = await caught(dailyReportMessage(store, day, { generatedAt: GENERATED_AT }));
      expect(error.code).toBe('BAD_INPUT');
      expect(error.message).toContain(`"${day}" is not a date: write it as YYYY-MM-DD`);
    }
  });
});
