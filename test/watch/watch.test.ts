import { afterAll, afterEach, beforeAll, describe, expect } from 'vitest';
import type { CallRow } from '../../preload/api.js';
import { startSimulator, type RunningSimulator } from '../../main/simulator/index.js';
import { cli } from '../cli/helpers.js';
import { it } from '../support/fixtures.js';
import { closedPort, startSmtpSink, type SmtpSink } from '../support/smtp-sink.js';
import {
  alertsJson,
  ingestCalls,
  isCdrRequest,
  makeDue,
  nextAt,
  onSimulatorRequest,
  outboundCall,
  outboundCallAgo,
  patchWatch,
  silentServer,
  ucmcdrChild,
  wallClockAgo,
  watchRecord,
  type Child,
} from '../support/watch.js';

/**
 * `ucmcdr watch`, `sync --all` and `alerts --check` end to end: the real CLI against the project's UCM
 * simulator and a real SMTP server, all on 127.0.0.1. Each test has its own cache; the simulators are
 * shared (their request logs tell which test knocked, by counting before and after). Alerts are mailed
 * only when their last call is of the last two days (older ones are history, listed but not mailed):
 * the tests that look at the mail of alerts sync `recent`, whose calls are all of the last two days.
 */

const USER = 'cdrapi';
const PASSWORD = 'S3cret-watch-pw';
const SMTP_USER = 'alerts';
const SMTP_PASSWORD = 'Smtp-Pa55-for-watch';
const ENV = { UCM_PW: PASSWORD, WRONG_PW: 'not-the-password', SMTP_PW: SMTP_PASSWORD, SMTP_WRONG: 'Wrong-smtp-pa55' };
const CALLS = 150;
/** `2026-03-04T10:15:00Z`: the time each watch line starts with. */
const STAMP = '\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}Z';
/** Open one minute a week: every outbound trunk call of the simulator's office is after hours. */
const ALMOST_NEVER_OPEN = 'Mon 00:00-00:01';
const TZ = 'Europe/Berlin';
/** What `watch --once` says on stderr when a PBX or the mail failed in its round (exit status 1). */
const NOT_EVERYTHING = 'ucmcdr: Not everything went through in this round: see the lines above.\n';

/** Twenty days of history: alerts of weeks ago (not mailed) as well as of the last days. */
let sim: RunningSimulator;
/** The same office's calls, all of the last two days: every alert they raise is mailed. */
let recent: RunningSimulator;
const cleanups: (() => Promise<void> | void)[] = [];

beforeAll(async () => {
  sim = await startSimulator({ port: 0, seed: 5, calls: CALLS, days: 20, user: USER, password: PASSWORD, tz: TZ });
  recent = await startSimulator({ port: 0, seed: 5, calls: CALLS, days: 2, user: USER, password: PASSWORD, tz: TZ });
});
afterAll(async () => {
  await sim.close();
  await recent.close();
});
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function smtp(options: Parameters<typeof startSmtpSink>[0] = {}): Promise<SmtpSink> {
  const server = await startSmtpSink(options);
  cleanups.push(() => server.close());
  return server;
}

async function addPbx(db: string, name: string, options: { url?: string; alertsOnEveryCall?: boolean; pbx?: RunningSimulator } = {}): Promise<void> {
  const pbx = options.pbx ?? sim;
  const added = await cli(['--db', db, 'pbx', 'add', name, '--url', pbx.url, '--user', USER, '--tz', TZ, '--fingerprint', pbx.fingerprint]);
  expect(added.stderr).toBe('');
  expect(added.code).toBe(0);
  if (options.url !== undefined) expect((await cli(['--db', db, 'pbx', 'set', name, '--url', options.url])).code).toBe(0);
  if (options.alertsOnEveryCall === true) expect((await cli(['--db', db, 'pbx', 'set', name, '--business-hours', ALMOST_NEVER_OPEN])).code).toBe(0);
}

function watch(db: string, ...args: string[]) {
  return cli(['--db', db, 'watch', '--once', ...args], { env: ENV });
}

function mailArgs(server: { url: string }, ...to: string[]): string[] {
  return ['--smtp', server.url, '--mail-from', 'ucm@example.com', ...(to.length > 0 ? to : ['it@example.com']).flatMap((t) => ['--mail-to', t])];
}

function lines(stdout: string): string[] {
  return stdout.split('\n').filter((l) => l !== '');
}

/** Not due for an hour: a round runs the rules and the mail without contacting the PBX. */
function notDue(db: string, pbx: string): void {
  patchWatch(db, pbx, { next_run: Math.floor(Date.now() / 1000) + 3600 });
}

/** The line of a PBX a round leaves alone because it is not due. */
function upToDate(db: string, pbx: string): RegExp {
  return new RegExp(`^${STAMP} ${pbx}: up to date; next ${nextAt(watchRecord(db, pbx).next_run)}$`);
}

function expectNoSecret(text: string): void {
  for (const secret of Object.values(ENV)) {
    expect(text).not.toContain(secret);
    expect(text).not.toContain(Buffer.from(secret).toString('base64'));
  }
}

/** The local calendar day before today, as the daily report names it. */
function yesterday(): string {
  const now = new Date();
  const d = new Date(now.getFullYear(), now.getMonth(), now.getDate() - 1);
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
}

describe('ucmcdr watch --once against the simulator', () => {
  it('syncs, logs one line per PBX, raises alerts and mails them in one message to every recipient, once', async ({ db }) => {
    await addPbx(db, 'office', { alertsOnEveryCall: true, pbx: recent });
    const server = await smtp();

    const first = await watch(db, '--password-env', 'office=UCM_PW', ...mailArgs(server, 'a@example.com', 'b@example.com'));
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    const alerts = await alertsJson(db);
    expect(alerts.length).toBeGreaterThan(0);
    expect(new Set(alerts.map((a) => a.rule))).toContain('after-hours');
    const next = nextAt(watchRecord(db, 'office').next_run);
    expect(lines(first.stdout)).toEqual([
      expect.stringMatching(new RegExp(`^${STAMP} office: ${CALLS} new calls, 0 updated \\(\\d+\\.\\d s\\); next ${next}$`)),
      expect.stringMatching(new RegExp(`^${STAMP} alerts: ${alerts.length} new, 0 calls joined open ones$`)),
      expect.stringMatching(new RegExp(`^${STAMP} mail: ${alerts.length} alert\\(s\\) sent to a@example\\.com, b@example\\.com$`)),
    ]);
    expectNoSecret(first.stdout);

    expect(server.received).toHaveLength(1);
    const [mail] = server.received;
    expect(mail!.to).toEqual(['a@example.com', 'b@example.com']);
    expect(mail!.subject).toBe(`UCM CDR Viewer: ${alerts.length} new alert${alerts.length === 1 ? '' : 's'} on office`);
    for (const alert of alerts) {
      expect(mail!.text).toContain(`[${alert.severity.toUpperCase()}] ${alert.title}\n  Rule ${alert.rule} on office, alert #${alert.id}\n`);
    }
    expect(mail!.text.match(/alert #\d+/g)).toHaveLength(alerts.length);
    expect(alerts.every((a) => a.mailed_at !== null)).toBe(true);

    // The next round syncs again (its time made due) and finds nothing new: no alert, no mail.
    makeDue(db, 'office');
    const second = await watch(db, '--password-env', 'office=UCM_PW', ...mailArgs(server, 'a@example.com', 'b@example.com'));
    expect(second.code).toBe(0);
    expect(second.stderr).toBe('');
    expect(lines(second.stdout)).toEqual([
      expect.stringMatching(new RegExp(`^${STAMP} office: 0 new calls, \\d+ updated \\(\\d+\\.\\d s\\); next ${nextAt(watchRecord(db, 'office').next_run)}$`)),
    ]);
    expect(server.received).toHaveLength(1);
    expect((await alertsJson(db)).map((a) => [a.id, a.mailed_at])).toEqual(alerts.map((a) => [a.id, a.mailed_at]));
  });

  it('syncs the reachable PBX when another is unreachable, skips the failing one while it waits, and waits longer after each failure', async ({ db }) => {
    const down = await closedPort();
    await addPbx(db, 'office');
    await addPbx(db, 'branch', { url: `https://127.0.0.1:${down}` });
    const args = ['--interval', '5m', '--password-env', 'office=UCM_PW', '--password-env', 'branch=UCM_PW'];

    const before1 = Math.floor(Date.now() / 1000);
    const first = await watch(db, ...args);
    const after1 = Math.ceil(Date.now() / 1000);
    // A PBX failed: --once says so with exit status 1, after the lines of both.
    expect(first.stderr).toBe(NOT_EVERYTHING);
    expect(first.code).toBe(1);
    const failed1 = watchRecord(db, 'branch');
    const [branchLine, officeLine, ...rest] = lines(first.stdout);
    expect(branchLine).toMatch(
      new RegExp(`^${STAMP} branch: failed \\(PBX_UNREACHABLE\\) Cannot reach the PBX at 127\\.0\\.0\\.1:${down}: nothing accepts connections on that port.*; next ${nextAt(failed1.next_run)}$`),
    );
    expect(officeLine).toMatch(new RegExp(`^${STAMP} office: ${CALLS} new calls, 0 updated .*; next ${nextAt(watchRecord(db, 'office').next_run)}$`));
    // The simulator's office may make a call abroad at night: then one alerts line follows.
    expect(rest).toEqual(rest.length === 0 ? [] : [expect.stringMatching(new RegExp(`^${STAMP} alerts: \\d+ new, `))]);
    // First failure: the schedule (5 min) from the moment it failed.
    expect(failed1).toMatchObject({ failures: 1, last_success: null });
    expect(failed1.failing_since).toBe(failed1.last_attempt);
    expect(failed1.next_run! - 5 * 60).toBeGreaterThanOrEqual(before1);
    expect(failed1.next_run! - 5 * 60).toBeLessThanOrEqual(after1);

    // Right after, nothing is due: the unreachable PBX is not tried again (its state is untouched), nor is
    // the office; each gets a line saying when it is due, and why the failing one waits.
    const office1 = watchRecord(db, 'office');
    const knocks = sim.requests.length;
    const second = await watch(db, ...args);
    expect(second.stderr).toBe('');
    expect(second.code).toBe(0);
    expect(lines(second.stdout)).toEqual([
      expect.stringMatching(
        new RegExp(
          `^${STAMP} branch: waiting after 1 failed sync \\(Cannot reach the PBX at 127\\.0\\.0\\.1:${down}: nothing accepts connections on that port[^)]*[^.]\\); next ${nextAt(failed1.next_run)}$`,
        ),
      ),
      expect.stringMatching(new RegExp(`^${STAMP} office: up to date; next ${nextAt(office1.next_run)}$`)),
    ]);
    expect(watchRecord(db, 'branch')).toEqual(failed1);
    expect(watchRecord(db, 'office')).toEqual(office1);
    expect(sim.requests.length).toBe(knocks);

    // Once its wait is over it is tried again, fails again, and now waits twice as long.
    makeDue(db, 'branch');
    const before3 = Math.floor(Date.now() / 1000);
    const third = await watch(db, ...args);
    const after3 = Math.ceil(Date.now() / 1000);
    expect(third.stderr).toBe(NOT_EVERYTHING);
    expect(third.code).toBe(1);
    const failed2 = watchRecord(db, 'branch');
    expect(lines(third.stdout)).toEqual([
      expect.stringMatching(new RegExp(`^${STAMP} branch: failed \\(PBX_UNREACHABLE\\) .*; next ${nextAt(failed2.next_run)}$`)),
      expect.stringMatching(new RegExp(`^${STAMP} office: up to date; next ${nextAt(office1.next_run)}$`)),
    ]);
    expect(failed2).toMatchObject({ failures: 2, failing_since: failed1.failing_since, last_success: null });
    expect(failed2.next_run! - 10 * 60).toBeGreaterThanOrEqual(before3);
    expect(failed2.next_run! - 10 * 60).toBeLessThanOrEqual(after3);
    // The office kept its own schedule and its calls.
    expect(watchRecord(db, 'office')).toMatchObject({ failures: 0, last_error: null });
  });

  it('backs off at least 30 minutes after a refused login, and the next round does not knock on the PBX again', async ({ db }) => {
    await addPbx(db, 'office');
    const knocks = () => sim.requests.length;

    const start = knocks();
    const first = await watch(db, '--interval', '5m', '--password-env', 'office=WRONG_PW');
    expect(first.stderr).toBe(NOT_EVERYTHING);
    expect(first.code).toBe(1);
    const state = watchRecord(db, 'office');
    expect(lines(first.stdout)).toEqual([
      expect.stringMatching(
        new RegExp(`^${STAMP} office: failed \\(AUTH_FAILED\\) 127\\.0\\.0\\.1:${sim.port} rejected the user name or password for "cdrapi": .*; next ${nextAt(state.next_run)}$`),
      ),
    ]);
    expectNoSecret(first.stdout);
    expect(state.failures).toBe(1);
    // At least 30 minutes although the schedule is 5: a PBX may lock out an address after a few refused logins.
    expect(state.next_run! - state.last_attempt!).toBeGreaterThanOrEqual(30 * 60);
    expect(state.next_run! - state.last_attempt!).toBeLessThanOrEqual(30 * 60 + 5);
    const knocked = knocks() - start;
    expect(knocked).toBeGreaterThan(0);
    expect(sim.requests.slice(-knocked).some(isCdrRequest)).toBe(false);

    const again = knocks();
    const second = await watch(db, '--interval', '5m', '--password-env', 'office=WRONG_PW');
    expect(second.stderr).toBe('');
    expect(second.code).toBe(0);
    expect(lines(second.stdout)).toEqual([
      expect.stringMatching(
        new RegExp(`^${STAMP} office: waiting after 1 failed sync \\(127\\.0\\.0\\.1:${sim.port} rejected the user name or password for "cdrapi": [^)]*[^.]\\); next ${nextAt(state.next_run)}$`),
      ),
    ]);
    expectNoSecret(second.stdout);
    expect(knocks() - again).toBe(0);
    expect(watchRecord(db, 'office')).toEqual(state);
  });

  it('raises one sync-failing alert for a PBX that has failed for over 2 hours, mails it once, and joins the failures after it', async ({ db }) => {
    await addPbx(db, 'office');
    const server = await smtp();
    const args = ['--password-env', 'office=WRONG_PW', ...mailArgs(server)];

    const first = await watch(db, ...args);
    expect(first.code).toBe(1);
    expect(lines(first.stdout)).toEqual([expect.stringMatching(new RegExp(`^${STAMP} office: failed \\(AUTH_FAILED\\) `))]);
    expect(await alertsJson(db)).toEqual([]);

    // Its first failure was three hours ago; now it is due again and fails again.
    const now = Math.floor(Date.now() / 1000);
    patchWatch(db, 'office', { failing_since: now - 3 * 3600, next_run: now - 1 });
    const second = await watch(db, ...args);
    expect(second.stderr).toBe(NOT_EVERYTHING);
    expect(second.code).toBe(1);
    const [alert, ...more] = await alertsJson(db);
    expect(more).toEqual([]);
    expect(alert).toMatchObject({ rule: 'sync-failing', severity: 'warning', pbx: 'office', calls: 0 });
    expect(alert!.title).toMatch(/^Sync of office has failed for 3 h: 127\.0\.0\.1:\d+ rejected the user name or password for "cdrapi"/);
    expect(lines(second.stdout)).toEqual([
      expect.stringMatching(new RegExp(`^${STAMP} office: failed \\(AUTH_FAILED\\) `)),
      expect.stringMatching(new RegExp(`^${STAMP} mail: 1 alert\\(s\\) sent to it@example\\.com$`)),
    ]);
    expect(server.received.map((m) => m.subject)).toEqual(['UCM CDR Viewer: 1 new alert on office']);
    expect(server.received[0]!.text).toContain(`[WARNING] ${alert!.title}\n  Rule sync-failing on office, alert #${alert!.id}\n`);

    // The same run of failures goes on: the alert stays the one, and is not mailed again.
    makeDue(db, 'office');
    const third = await watch(db, ...args);
    expect(third.code).toBe(1);
    expect(lines(third.stdout)).toEqual([expect.stringMatching(new RegExp(`^${STAMP} office: failed \\(AUTH_FAILED\\) `))]);
    expect((await alertsJson(db)).map((a) => a.id)).toEqual([alert!.id]);
    expect(server.received).toHaveLength(1);
  });

  it('raises a critical alert at once when the certificate of a PBX changes, and sends that PBX nothing', async ({ db }) => {
    await addPbx(db, 'office');
    // Another PBX (another certificate) now answers at the office's address.
    const impostor = await startSimulator({ port: 0, seed: 6, calls: 20, days: 5, user: USER, password: PASSWORD, tz: 'Europe/Berlin' });
    cleanups.push(() => impostor.close());
    expect((await cli(['--db', db, 'pbx', 'set', 'office', '--url', impostor.url])).code).toBe(0);
    const server = await smtp();

    const run = await watch(db, '--password-env', 'office=UCM_PW', ...mailArgs(server));
    expect(run.stderr).toBe(NOT_EVERYTHING);
    expect(run.code).toBe(1);
    const state = watchRecord(db, 'office');
    expect(lines(run.stdout)).toEqual([
      // (with the command that pins the new certificate once compared, where the CLI gives it)
      expect.stringMatching(
        new RegExp(
          `^${STAMP} office: failed \\(TLS_FINGERPRINT_MISMATCH\\) .*${impostor.fingerprint}.*; next ${nextAt(state.next_run)}( To trust it: .*pbx trust office --fingerprint ${impostor.fingerprint})?$`,
        ),
      ),
      expect.stringMatching(new RegExp(`^${STAMP} mail: 1 alert\\(s\\) sent to it@example\\.com$`)),
    ]);
    expectNoSecret(run.stdout);
    expect(impostor.requests).toEqual([]);
    const [alert, ...more] = await alertsJson(db);
    expect(more).toEqual([]);
    expect(alert).toMatchObject({
      rule: 'sync-failing',
      severity: 'critical',
      title: 'The certificate of office changed: sync refused until it is checked and trusted again',
    });
    expect(server.received.map((m) => m.subject)).toEqual(['UCM CDR Viewer: 1 new alert (1 critical) on office']);

    // Tried again later, the same certificate is the same alert.
    makeDue(db, 'office');
    expect(lines((await watch(db, '--password-env', 'office=UCM_PW', ...mailArgs(server))).stdout)).toHaveLength(1);
    expect((await alertsJson(db)).map((a) => a.id)).toEqual([alert!.id]);
    expect(server.received).toHaveLength(1);
    expect(impostor.requests).toEqual([]);
  });

  it('keeps the alerts for the next round while the SMTP server is down or refuses the login, then mails them exactly once', async ({ db }) => {
    await addPbx(db, 'office', { alertsOnEveryCall: true, pbx: recent });
    const down = await closedPort();
    const smtpArgs = (port: number) => [
      '--smtp',
      `smtp://${SMTP_USER}@127.0.0.1:${port}`,
      '--mail-from',
      'ucm@example.com',
      '--mail-to',
      'it@example.com',
    ];

    const refused = await watch(db, '--password-env', 'office=UCM_PW', ...smtpArgs(down), '--smtp-password-env', 'SMTP_PW');
    // The mail failed: exit status 1, although the PBX synced.
    expect(refused.stderr).toBe(NOT_EVERYTHING);
    expect(refused.code).toBe(1);
    const raised = await alertsJson(db);
    expect(raised.length).toBeGreaterThan(0);
    expect(lines(refused.stdout)).toEqual([
      expect.stringMatching(new RegExp(`^${STAMP} office: ${CALLS} new calls, `)),
      expect.stringMatching(new RegExp(`^${STAMP} alerts: ${raised.length} new, `)),
      expect.stringMatching(
        new RegExp(`^${STAMP} mail: Sending mail through 127\\.0\\.0\\.1:${down} failed: nothing accepts connections on that port: .* \\(kept for the next round\\)$`),
      ),
    ]);
    expectNoSecret(refused.stdout);
    expect(raised.every((a) => a.mailed_at === null)).toBe(true);

    const server = await smtp({ login: { user: SMTP_USER, password: SMTP_PASSWORD } });
    const badLogin = await watch(db, '--password-env', 'office=UCM_PW', ...smtpArgs(server.port), '--smtp-password-env', 'SMTP_WRONG');
    expect(badLogin.stderr).toBe(NOT_EVERYTHING);
    expect(badLogin.code).toBe(1);
    expect(lines(badLogin.stdout)).toEqual([
      expect.stringMatching(upToDate(db, 'office')),
      expect.stringMatching(
        new RegExp(`^${STAMP} mail: Sending mail through 127\\.0\\.0\\.1:${server.port} failed: the server refused the login of "alerts" .*535.* \\(kept for the next round\\)$`),
      ),
    ]);
    expectNoSecret(badLogin.stdout + badLogin.stderr);
    expect(server.received).toHaveLength(0);
    expect((await alertsJson(db)).every((a) => a.mailed_at === null)).toBe(true);

    const sent = await watch(db, '--password-env', 'office=UCM_PW', ...smtpArgs(server.port), '--smtp-password-env', 'SMTP_PW');
    expect(sent.stderr).toBe('');
    expect(sent.code).toBe(0);
    expect(lines(sent.stdout)).toEqual([
      expect.stringMatching(upToDate(db, 'office')),
      expect.stringMatching(new RegExp(`^${STAMP} mail: ${raised.length} alert\\(s\\) sent to it@example\\.com$`)),
    ]);
    expect(server.received).toHaveLength(1);
    expect(server.received[0]!.user).toBe(SMTP_USER);
    expect(server.received[0]!.text.match(/alert #\d+/g)?.sort()).toEqual(raised.map((a) => `alert #${a.id}`).sort());
    expect((await alertsJson(db)).every((a) => a.mailed_at !== null)).toBe(true);

    const after = await watch(db, '--password-env', 'office=UCM_PW', ...smtpArgs(server.port), '--smtp-password-env', 'SMTP_PW');
    expect(after.code).toBe(0);
    expect(lines(after.stdout)).toEqual([expect.stringMatching(upToDate(db, 'office'))]);
    expect(server.received).toHaveLength(1);
  });

  it("mails yesterday's daily report once its hour has passed, with the day's calls attached, and not again the same day", async ({ db }) => {
    await addPbx(db, 'office');
    const server = await smtp();
    const dayBefore = yesterday();
    const first = await watch(db, '--password-env', 'office=UCM_PW', ...mailArgs(server), '--daily-report', '00:00');
    const dayAfter = yesterday();
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    const reports = server.received.filter((m) => m.subject.includes('daily report'));
    expect(reports).toHaveLength(1);
    const report = reports[0]!;
    // The day before the round, on this computer's calendar (either one if the round ran over midnight).
    const day = /daily report (\d{4}-\d{2}-\d{2}) /.exec(report.subject)?.[1] ?? 'no day in the subject';
    expect([dayBefore, dayAfter]).toContain(day);
    expect(lines(first.stdout).at(-1)).toMatch(new RegExp(`^${STAMP} mail: daily report for ${day} sent to it@example\\.com$`));

    const calls = JSON.parse(
      (await cli(['--db', db, 'calls', '--pbx', 'office', '--from', day, '--to', day, '--format', 'json', '--limit', '10000'])).stdout,
    ) as CallRow[];
    expect(report.subject).toMatch(new RegExp(`^UCM CDR Viewer: daily report ${day} on office: ${calls.length} calls?, \\d+ missed$`));
    expect(report.attachments.map((a) => a.filename)).toEqual([`calls-${day}.csv`]);
    const csv = report.attachments[0]!.content.toString('utf8');
    expect(csv.startsWith('\ufeff')).toBe(true);
    expect(csv.trimEnd().split(/\r?\n/)).toHaveLength(1 + calls.length);
    expect(report.text).toContain(`The day's calls are attached: calls-${day}.csv (${calls.length} call${calls.length === 1 ? '' : 's'}).`);

    const count = server.received.length;
    const second = await watch(db, '--password-env', 'office=UCM_PW', ...mailArgs(server), '--daily-report', '00:00');
    expect(second.code).toBe(0);
    expect(second.stdout).not.toContain('daily report');
    expect(server.received).toHaveLength(count);
  });

  it('mails the alerts on calls of the last two days and lists older history without mailing it, then never mails it', async ({ db }) => {
    await addPbx(db, 'office', { alertsOnEveryCall: true });
    // Not due: the round contacts no PBX; it runs the rules on the calls put in the cache, and mails.
    notDue(db, 'office');
    // Two calls at noon ten days ago (a past week's after-hours alert) and one an hour ago (this week's).
    const day = wallClockAgo(10 * 24, TZ).slice(0, 10);
    ingestCalls(db, 'office', [outboundCall(`${day} 12:00:00`), outboundCall(`${day} 12:01:00`), outboundCallAgo(1, TZ)]);
    const server = await smtp();
    const knocks = sim.requests.length;

    const run = await watch(db, ...mailArgs(server));
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const alerts = await alertsJson(db);
    const [old, fresh, ...more] = [...alerts].sort((a, b) => a.last_at.localeCompare(b.last_at));
    expect(more).toEqual([]);
    expect(old).toMatchObject({ rule: 'after-hours', calls: 2, acknowledged: false });
    expect(fresh).toMatchObject({ rule: 'after-hours', calls: 1, acknowledged: false });
    expect(lines(run.stdout)).toEqual([
      expect.stringMatching(upToDate(db, 'office')),
      expect.stringMatching(new RegExp(`^${STAMP} alerts: 2 new, 0 calls joined open ones$`)),
      expect.stringMatching(new RegExp(`^${STAMP} mail: 1 alert\\(s\\) sent to it@example\\.com$`)),
    ]);
    expect(sim.requests.length).toBe(knocks);
    // The message names the recent alert only; the history is listed (open) and marked mailed silently.
    expect(server.received.map((m) => m.subject)).toEqual(['UCM CDR Viewer: 1 new alert on office']);
    expect(server.received[0]!.text.match(/alert #\d+/g)).toEqual([`alert #${fresh!.id}`]);
    expect(old!.mailed_at).not.toBeNull();
    expect(fresh!.mailed_at).not.toBeNull();

    // Never mailed later either.
    const again = await watch(db, ...mailArgs(server));
    expect(again.code).toBe(0);
    expect(lines(again.stdout)).toEqual([expect.stringMatching(upToDate(db, 'office'))]);
    expect(server.received).toHaveLength(1);
    expect((await alertsJson(db)).map((a) => a.id).sort()).toEqual([old!.id, fresh!.id].sort());
  });

  it('does not mail an alert acknowledged before its mail went out', async ({ db }) => {
    await addPbx(db, 'branch', { alertsOnEveryCall: true });
    await addPbx(db, 'office', { alertsOnEveryCall: true });
    for (const pbx of ['branch', 'office']) {
      notDue(db, pbx);
      ingestCalls(db, pbx, [outboundCallAgo(1, TZ)]);
    }
    // A round without mail raises them; one is acknowledged before a round with mail.
    const raised = await watch(db);
    expect(raised.code).toBe(0);
    const alerts = await alertsJson(db);
    expect(alerts.map((a) => [a.pbx, a.rule]).sort()).toEqual([
      ['branch', 'after-hours'],
      ['office', 'after-hours'],
    ]);
    const office = alerts.find((a) => a.pbx === 'office')!;
    const branch = alerts.find((a) => a.pbx === 'branch')!;
    expect((await cli(['--db', db, 'alerts', 'ack', String(office.id)])).stdout).toBe('Acknowledged 1 alert.\n');

    const server = await smtp();
    const run = await watch(db, ...mailArgs(server));
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(lines(run.stdout)).toEqual([
      expect.stringMatching(upToDate(db, 'branch')),
      expect.stringMatching(upToDate(db, 'office')),
      expect.stringMatching(new RegExp(`^${STAMP} mail: 1 alert\\(s\\) sent to it@example\\.com$`)),
    ]);
    expect(server.received.map((m) => m.subject)).toEqual(['UCM CDR Viewer: 1 new alert on branch']);
    expect(server.received[0]!.text.match(/alert #\d+/g)).toEqual([`alert #${branch.id}`]);

    // Nor later: the acknowledged one stays unmailed, and no second message goes.
    expect((await watch(db, ...mailArgs(server))).code).toBe(0);
    expect(server.received).toHaveLength(1);
    const after = await alertsJson(db, true);
    expect(after.find((a) => a.id === office.id)).toMatchObject({ acknowledged: true, mailed_at: null });
    expect(after.find((a) => a.id === branch.id)!.mailed_at).not.toBeNull();
  });

  it('says why a failing PBX waits and until when, with the date when that is not today, without contacting it', async ({ db }) => {
    await addPbx(db, 'office');
    const now = Math.floor(Date.now() / 1000);
    // Three failures in a row: the back-off reaches into tomorrow (UTC).
    patchWatch(db, 'office', { failures: 3, failing_since: now - 3600, last_attempt: now - 60, last_error: 'Cannot reach the PBX at 127.0.0.1:9.', next_run: now + 30 * 3600 });
    const day = new Date((now + 30 * 3600) * 1000).toISOString();
    const knocks = sim.requests.length;
    const state = watchRecord(db, 'office');

    const run = await watch(db, '--password-env', 'office=UCM_PW');
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(lines(run.stdout)).toEqual([
      expect.stringMatching(
        new RegExp(`^${STAMP} office: waiting after 3 failed syncs \\(Cannot reach the PBX at 127\\.0\\.0\\.1:9\\); next ${day.slice(0, 10)} ${day.slice(11, 16)} UTC$`),
      ),
    ]);
    expect(sim.requests.length).toBe(knocks);
    expect(watchRecord(db, 'office')).toEqual(state);
  });
});

describe('ucmcdr sync --all', () => {
  it('prints one line per PBX; one that fails does not stop the other; exit status 1 when any failed', async ({ db }) => {
    await addPbx(db, 'branch');
    await addPbx(db, 'office');
    const run = (...envs: string[]) => cli(['--db', db, 'sync', '--all', ...envs.flatMap((e) => ['--password-env', e])], { env: ENV });

    // branch comes first (by name) and fails; office is synced after it all the same.
    const partly = await run('office=UCM_PW', 'branch=WRONG_PW');
    expect(partly.code).toBe(1);
    expect(lines(partly.stdout)).toEqual([
      expect.stringMatching(/^branch: failed \(AUTH_FAILED\) .*rejected the user name or password for "cdrapi".*; next \d\d:\d\d UTC$/),
      expect.stringMatching(new RegExp(`^office: ${CALLS} new calls, 0 updated \\(\\d+\\.\\d s\\)$`)),
    ]);
    expect(partly.stderr).toMatch(/(^|\n)ucmcdr: 1 of 2 PBXs not synced: branch \(the others were\)\.\n$/);
    expectNoSecret(partly.stdout + partly.stderr);

    // sync --all ignores the back-off (it is the user asking now) and succeeds for both.
    const both = await run('office=UCM_PW', 'branch=UCM_PW');
    expect(both.stderr).not.toContain('ucmcdr:');
    expect(both.code).toBe(0);
    expect(lines(both.stdout)).toEqual([
      expect.stringMatching(new RegExp(`^branch: ${CALLS} new calls, 0 updated `)),
      expect.stringMatching(/^office: 0 new calls, \d+ updated /),
    ]);

    const none = await run('office=WRONG_PW', 'branch=WRONG_PW');
    expect(none.code).toBe(1);
    expect(lines(none.stdout).map((l) => l.split(':')[0])).toEqual(['branch', 'office']);
    expect(none.stderr).toMatch(/(^|\n)ucmcdr: No PBX synced: branch, office \(see the lines above\)\.\n$/);
    expectNoSecret(none.stdout + none.stderr);
  });
});

describe('ucmcdr alerts --check, ack and rules', () => {
  async function withAlerts(db: string) {
    await addPbx(db, 'office', { alertsOnEveryCall: true });
    expect((await watch(db, '--password-env', 'office=UCM_PW')).code).toBe(0);
    const open = await alertsJson(db);
    expect(open.length).toBeGreaterThan(1);
    return open;
  }

  it('exits 3 with one line per open alert, and 0 with nothing once they are acknowledged', async ({ db }) => {
    await withAlerts(db);
    // And one alert of a single call, on another PBX (not due: its call is put in the cache).
    await addPbx(db, 'branch', { alertsOnEveryCall: true });
    notDue(db, 'branch');
    ingestCalls(db, 'branch', [outboundCallAgo(1, TZ)]);
    expect((await watch(db, '--password-env', 'office=UCM_PW')).code).toBe(0);
    const open = await alertsJson(db);
    expect(open.filter((a) => a.pbx === 'branch')).toMatchObject([{ rule: 'after-hours', calls: 1 }]);

    const check = await cli(['--db', db, 'alerts', '--check']);
    expect(check.code).toBe(3);
    expect(check.stderr).toBe('');
    expect(lines(check.stdout)).toHaveLength(open.length);
    for (const alert of open) {
      const calls = alert.calls === 1 ? '1 call' : `${alert.calls} calls`;
      expect(check.stdout).toContain(
        `${alert.severity.toUpperCase()} ${alert.rule} ${alert.pbx} ${alert.last_at.replace('T', ' ').slice(0, 16)}: ${alert.title} (${calls}, id ${alert.id})\n`,
      );
    }
    // "1 call", and "2 calls" or more.
    expect(check.stdout).toMatch(/ branch [^\n]* \(1 call, id \d+\)\n/);
    expect(check.stdout).toMatch(/ office [^\n]* \([2-9]\d* calls, id \d+\)\n/);

    // One acknowledged: the others still make the check fail.
    const [first, ...others] = open.map((a) => String(a.id));
    expect((await cli(['--db', db, 'alerts', 'ack', first!])).stdout).toBe('Acknowledged 1 alert.\n');
    const fewer = await cli(['--db', db, 'alerts', '--check']);
    expect(fewer.code).toBe(3);
    expect(lines(fewer.stdout)).toHaveLength(others.length);

    expect((await cli(['--db', db, 'alerts', 'ack', ...others])).stdout).toBe(`Acknowledged ${others.length} alert${others.length === 1 ? '' : 's'}.\n`);
    expect(await cli(['--db', db, 'alerts', '--check'])).toEqual({ code: 0, stdout: '', stderr: '' });
    expect((await alertsJson(db, true)).every((a) => a.acknowledged)).toBe(true);
  });

  // "alerts" has its own --all and --format: given after a subcommand they are the subcommand's.
  it('acknowledges every open alert with alerts ack --all, after which the check exits 0 and prints nothing', async ({ db }) => {
    const open = await withAlerts(db);
    const ack = await cli(['--db', db, 'alerts', 'ack', '--all']);
    expect(ack).toEqual({ code: 0, stdout: `Acknowledged ${open.length} alerts.\n`, stderr: '' });
    expect(await cli(['--db', db, 'alerts', '--check'])).toEqual({ code: 0, stdout: '', stderr: '' });
  });

  it('prints the rules as JSON with alerts rules --format json', async ({ db }) => {
    await addPbx(db, 'office');
    const rules = await cli(['--db', db, 'alerts', 'rules', '--format', 'json']);
    expect(rules.code).toBe(0);
    expect(JSON.parse(rules.stdout)).toMatchObject({ 'after-hours': { enabled: true } });
  });
});

describe('ucmcdr watch as a running process, and Ctrl-C', () => {
  let child: Child | null = null;
  afterEach(() => {
    child?.stop();
    child = null;
  });

  it("prints a PBX's line as soon as its sync ends, while the next PBX is still syncing", async ({ db }) => {
    // "stalled" (after "office" by name) takes the connection and never answers.
    const hang = await silentServer();
    cleanups.push(() => hang.close());
    await addPbx(db, 'office');
    await addPbx(db, 'stalled', { url: `https://127.0.0.1:${hang.port}` });
    child = ucmcdrChild(['--db', db, 'watch', '--once', '--password-env', 'office=UCM_PW', '--password-env', 'stalled=UCM_PW'], ENV);
    const running = child;
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<never>((_resolve, reject) => {
      timer = setTimeout(() => reject(new Error(`no office line while stalled syncs: ${running.stdout()}${running.stderr()}`)), 20_000);
    });
    try {
      await Promise.race([running.waitForStdout(new RegExp(`^${STAMP} office: ${CALLS} new calls, .*\\n`, 'm')), late]);
      // The round is still on the stalled PBX, whose sync has not ended.
      await Promise.race([
        (async () => {
          while (hang.connections() === 0) await new Promise((resolve) => setTimeout(resolve, 20));
        })(),
        late,
      ]);
    } finally {
      clearTimeout(timer);
    }
    expect(running.process.exitCode).toBeNull();
    expect(lines(running.stdout())).toEqual([expect.stringMatching(new RegExp(`^${STAMP} office: ${CALLS} new calls, 0 updated `))]);
  });

  it('ends cleanly with exit status 0 on Ctrl-C between rounds, after its first round', async ({ db }) => {
    await addPbx(db, 'office');
    child = ucmcdrChild(['--db', db, 'watch', '--interval', '5m', '--password-env', 'office=UCM_PW'], ENV);
    await child.waitForStdout(new RegExp(`^${STAMP} office: ${CALLS} new calls, 0 updated .*\\n`, 'm'));
    child.process.kill('SIGINT');
    expect(await child.exited(10_000)).toEqual({ code: 0, signal: null });
    expect(child.stderr()).toBe('');
    expect(lines(child.stdout()).filter((l) => l.includes(' office: '))).toHaveLength(1);
  });

  it('ends with exit status 130 on Ctrl-C in the middle of a sync, keeping the pages it fetched for the next round', async ({ db }) => {
    // Its own PBX with four months of calls: a sync of several pages, one commit after each.
    const long = await startSimulator({ port: 0, seed: 9, calls: 1500, days: 100, user: USER, password: PASSWORD, tz: 'Europe/Berlin' });
    cleanups.push(() => long.close());
    expect((await cli(['--db', db, 'pbx', 'add', 'office', '--url', long.url, '--user', USER, '--tz', 'Europe/Berlin', '--fingerprint', long.fingerprint])).code).toBe(0);
    // Ctrl-C the moment the third data request reaches the PBX, before it is answered: a month is in.
    let seen = 0;
    const stop = onSimulatorRequest(long, (request) => {
      if (!isCdrRequest(request) || child === null || ++seen < 3) return;
      stop();
      child.process.kill('SIGINT');
    });
    cleanups.push(stop);
    child = ucmcdrChild(['--db', db, 'watch', '--interval', '5m', '--password-env', 'office=UCM_PW'], ENV);
    expect(await child.exited(30_000)).toEqual({ code: 130, signal: null });
    expect(child.stdout()).toBe('');
    expect(child.stderr()).toBe('ucmcdr: Sync cancelled; the pages already fetched are kept.\n');
    const calls = async () => (JSON.parse((await cli(['--db', db, 'calls', '--format', 'json', '--limit', '5000'])).stdout) as CallRow[]).length;
    const kept = await calls();
    expect(kept).toBeGreaterThan(0);
    expect(kept).toBeLessThan(long.calls.length);

    // The next round goes on from there (made due: the attempt set a provisional next run before the sync).
    makeDue(db, 'office');
    const next = await watch(db, '--password-env', 'office=UCM_PW');
    expect(next.code).toBe(0);
    expect(next.stdout).toMatch(new RegExp(`^${STAMP} office: ${long.calls.length - kept} new calls, `));
    expect(await calls()).toBe(long.calls.length);
  });
});
