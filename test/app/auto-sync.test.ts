import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect } from 'vitest';
import { createAppApi, type AppApi, type Shell } from '../../main/app/index.js';
import { FileRefRegistry } from '../../main/app/file-refs.js';
import { createMemorySecrets, type SecretStore } from '../../main/secrets.js';
import { byAge } from '../../main/watch/round.js';
import { startSimulator, type RunningSimulator } from '../../main/simulator/index.js';
import { DownloadRegistry } from '../../main/web/downloads.js';
import { createWebShell } from '../../main/web/shell.js';
import { it } from '../support/fixtures.js';

/**
 * The app's automatic sync, through the services the window calls (web mode's shell, as `ucmcdr
 * serve` runs them): PBXs with a stored password sync on their schedule, one at a time; a failing one
 * backs off and never stops the others; new warning and critical alerts reach the shell's notify once.
 */

const USER = 'cdrapi';
const PASSWORD = 'cdrapi123';

let sim: RunningSimulator;
let api: AppApi | null = null;

beforeEach(async () => {
  sim = await startSimulator({ port: 0, api: 'legacy', seed: 9, calls: 400, days: 20, user: USER, password: PASSWORD });
});

afterEach(async () => {
  await api?.close();
  api = null;
  await sim.close();
});

function services(store: Parameters<typeof createAppApi>[0]['store'], dir: string, secrets: SecretStore, notified: string[]): AppApi {
  const web = createWebShell(new DownloadRegistry(join(dir, 'downloads')));
  const shell: Shell = { ...web, notify: (title, body) => void notified.push(`${title}: ${body}`) };
  api = createAppApi({ store, dataDir: dir, secrets, shell, emitProgress: () => undefined });
  return api;
}

describe('automatic sync in the app services', () => {
  it('syncs the PBXs that have a password, backs off the one that fails, and notifies new alerts once', async ({ store, dir }) => {
    const secrets = createMemorySecrets();
    const notified: string[] = [];
    const app = services(store, dir, secrets, notified);
    const office = await app.pbx.save({ name: 'office', url: sim.url, api: 'legacy', user: USER, tz: 'Europe/Berlin', password: PASSWORD });
    await app.pbx.trust({ id: office.id, fingerprint: sim.fingerprint });
    const down = await app.pbx.save({ name: 'down', url: 'https://127.0.0.1:9', api: 'legacy', user: USER, tz: 'Europe/Berlin', password: PASSWORD });
    await app.pbx.save({ name: 'nopass', url: sim.url, api: 'legacy', user: USER, tz: 'Europe/Berlin' });
    expect(secrets.get(office.id)).toBe(PASSWORD);

    const status = await app.watch.runNow();
    const byName = new Map(status.map((s) => [s.pbx, s]));
    expect(byName.get('office')).toMatchObject({ schedule: 15, last_error: null, failures: 0, running: false });
    expect(byName.get('office')?.last_success).not.toBeNull();
    expect(byName.get('down')).toMatchObject({ failures: 1, last_success: null, last_error: expect.stringMatching(/.+/) });
    expect(byName.get('nopass')).toMatchObject({ schedule: 0 });
    expect((await app.calls.totals({ filter: { pbx: ['office'] } })).count).toBe(sim.calls.length);
    expect(secrets.get(down.id)).toBe(PASSWORD);

    // The failed PBX waits: its next run is later than the healthy one's schedule would put a retry.
    const downNext = Date.parse(byName.get('down')?.next_run ?? '');
    expect(downNext).toBeGreaterThan(Date.now() + 10 * 60_000);

    // Alerts the round raised were notified once each; another round notifies nothing again.
    // The office's history raised alerts; only those about the last two days are news worth a notification.
    const open = (await app.alerts.list({})).filter((a) => a.severity !== 'info');
    expect(open.length).toBeGreaterThan(0);
    const { fresh } = byAge(open, new Date());
    expect(notified).toHaveLength(fresh.length);
    for (const line of notified) expect(line).toMatch(/^(Warning|Critical): [a-z-]+ on office: /);
    await app.watch.runNow();
    expect(notified).toHaveLength(fresh.length);
  });

  it('saves a PBX\'s dial plan, business hours and schedule from the window, and refuses bad hours', async ({ store, dir }) => {
    const app = services(store, dir, createMemorySecrets(), []);
    const saved = await app.pbx.save({
      name: 'office', url: sim.url, api: 'legacy', user: USER, tz: 'Europe/London',
      country_code: '44', national_prefix: '0', international_prefix: '00', business_hours: 'Mon-Fri 08:00-17:30', sync_every: 5,
    });
    expect(saved).toMatchObject({ country_code: '44', national_prefix: '0', international_prefix: '00', business_hours: 'Mon-Fri 08:00-17:30', sync_every: 5 });
    await expect(app.pbx.save({ id: saved.id, name: 'office', url: sim.url, api: 'legacy', user: USER, tz: 'Europe/London', business_hours: 'weekdays' })).rejects.toMatchObject({
      code: 'BAD_INPUT',
      message: expect.stringContaining('Mon-Fri 07:00-19:00'),
    });
    const source = await app.pbx.saveImportSource({ name: 'old', tz: 'Europe/London', country_code: '44', business_hours: '24/7' });
    expect(source).toMatchObject({ country_code: '44', business_hours: '24/7', sync_every: 0 });
  });

  it('runs the rules on the calls a window import brings, and notifies their alerts at once', async ({ store, dir }) => {
    const notified: string[] = [];
    const files = new FileRefRegistry();
    const web = createWebShell(new DownloadRegistry(join(dir, 'downloads')));
    api = createAppApi({ store, dataDir: dir, secrets: createMemorySecrets(), shell: { ...web, notify: (t, b) => void notified.push(`${t}: ${b}`) }, emitProgress: () => undefined, files });
    const csv = join(dir, 'premium.csv');
    writeFileSync(
      csv,
      [
        'Caller Number,Callee Number,Start Time,Call Time,Talk Time,Status,Session,Dest Trunk Name,User Field',
        `1001,00881612345678,${new Date(Date.now() - 3_600_000).toISOString().slice(0, 19).replace('T', ' ')},70,60,ANSWERED,prem-1,SIP,Outbound`,
        '1001,00881612345679,2025-03-04 10:10:00,70,60,ANSWERED,prem-2,SIP,Outbound',
      ].join('\r\n'),
    );
    await api.imports.run({ taskId: 'imp', files: [files.add(csv, 'file')] });
    // Two days, two alerts; the one about last year's call is listed but wakes nobody.
    expect((await api.alerts.list({})).map((a) => a.rule)).toEqual(['premium-destination', 'premium-destination']);
    expect(notified).toEqual([expect.stringMatching(/^Critical: premium-destination on /)]);
  });

  it('finishes an import whose alert the desktop cannot show: the notification is a courtesy', async ({ store, dir }) => {
    const files = new FileRefRegistry();
    const web = createWebShell(new DownloadRegistry(join(dir, 'downloads')));
    const refusing: Shell = {
      ...web,
      notify: () => {
        throw new Error('no notification service');
      },
    };
    api = createAppApi({ store, dataDir: dir, secrets: createMemorySecrets(), shell: refusing, emitProgress: () => undefined, files });
    const csv = join(dir, 'premium.csv');
    const start = new Date(Date.now() - 3_600_000).toISOString().slice(0, 19).replace('T', ' ');
    writeFileSync(csv, ['Caller Number,Callee Number,Start Time,Call Time,Talk Time,Status,Session,Dest Trunk Name,User Field', `1001,00881612345678,${start},70,60,ANSWERED,prem-1,SIP,Outbound`].join('\r\n'));
    const result = await api.imports.run({ taskId: 'imp', files: [files.add(csv, 'file')] });
    expect(result.files[0]?.imported).toBe(1);
    expect((await api.alerts.list({})).map((a) => a.rule)).toEqual(['premium-destination']);
  });

  it('keeps the SMTP password out of the cache and refuses bad mail settings with a clear message', async ({ store, dir }) => {
    const secrets = createMemorySecrets();
    const app = services(store, dir, secrets, []);
    const saved = await app.watch.saveMail({ smtp: 'smtp://alerts@127.0.0.1:2525', from: 'pbx@example.com', to: ['it@example.com'], daily_report: '07:30', password: 's3cret' });
    expect(saved).toEqual({ smtp: 'smtp://alerts@127.0.0.1:2525', from: 'pbx@example.com', to: ['it@example.com'], daily_report: '07:30', has_password: true });
    expect(store.settings.get('watch.mail')).not.toContain('s3cret');
    await expect(app.watch.saveMail({ smtp: 'smtp://x:pw@host', from: 'a@b.c', to: ['d@e.f'], daily_report: '' })).rejects.toMatchObject({ code: 'BAD_INPUT' });
    await expect(app.watch.saveMail({ smtp: 'smtp://host', from: 'a@b.c', to: ['d@e.f'], daily_report: '25:00' })).rejects.toMatchObject({ code: 'BAD_INPUT' });
    await expect(app.watch.testMail()).rejects.toMatchObject({ code: 'MAIL_FAILED' });
    expect((await app.watch.saveMail({ ...saved, password: '' })).has_password).toBe(false);
  });
});
