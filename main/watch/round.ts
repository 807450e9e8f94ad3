import type { PbxProfile, SyncResult } from '../../preload/api.js';
import type { Alert, AlertScanResult, WatchStatus } from '../../preload/alerts.js';
import { utcToWallClock } from '../cdr/time.js';
import { AppError, toAppError } from '../errors.js';
import { alertsMessage, dailyReportMessage } from '../mail/messages.js';
import { sendMail, type MailConfig } from '../mail/smtp.js';
import { RULE_SEVERITY } from '../alerts/settings.js';
import type { Store } from '../store/types.js';
import type { WatchRecord } from '../store/watch-state.js';
import { sleep } from '../pbx/ucm63xx.js';
import { syncPbx, type SyncOptions } from '../sync/sync.js';

/**
 * One round of keeping watch (docs/watch.md), the same for `ucmcdr watch`, `ucmcdr sync --all` and the
 * desktop app's automatic sync: sync the PBXs that are due, one at a time; evaluate the alert rules on
 * the calls that arrived; raise sync-failing for PBXs failing too long; mail what is pending. A PBX
 * that fails waits longer before each new try (never hammering a PBX that locks out addresses after
 * failed logins), and never stops the others.
 */

/** After n failures in a row a PBX waits this many minutes times 2^(n-1), up to six hours. */
const MAX_BACKOFF_MINUTES = 6 * 60;
/** A refused login waits at least this long: the PBX may lock out the address after a few. */
const AUTH_BACKOFF_MINUTES = 30;
const SETTING_DAILY_SENT = 'watch.daily_report_sent';

export interface PbxRoundResult {
  pbx: string;
  state: 'synced' | 'failed' | 'skipped';
  result?: SyncResult;
  error?: { code: string; message: string };
  /** ISO 8601 UTC of the next try. */
  next_run: string | null;
}

export interface RoundResult {
  pbxs: PbxRoundResult[];
  alerts: AlertScanResult;
  /** Alerts e-mailed this round. */
  mailed: number;
  /** The SMTP failure that left alerts or the daily report pending, in one line. */
  mail_error: string | null;
  daily_report: string | null;
}

export interface MailPlan {
  config: MailConfig;
  /** `HH:MM` on this computer's clock; null = no daily report. */
  dailyReport: string | null;
  timeoutMs?: number;
}

export interface RoundOptions {
  /** The password of a profile, or null when none is known (the PBX is skipped, with a reason). */
  passwordFor(profile: PbxProfile): string | null;
  /** 'due': PBXs whose time has come (their schedule or `everyMinutes`); 'all': every PBX now. */
  which: 'due' | 'all';
  /** Minutes between syncs for every PBX (ucmcdr watch --interval); else each profile's schedule. */
  everyMinutes?: number;
  /** Only these profiles (by name); default every PBX. */
  only?: readonly string[];
  now?: () => Date;
  signal?: AbortSignal;
  mail?: MailPlan | null;
  /** One line per PBX and per mail, as the watch logs them. */
  log?(line: string): void;
  /** Before and after each PBX's sync (the app shows it running). */
  onPbx?(pbx: string, running: boolean): void;
  /** The line logged for a PBX's outcome (default roundLine): the CLI adds the command a failure needs. */
  describe?(outcome: PbxRoundResult): string;
  sync?: SyncOptions;
}

function iso(seconds: number | null): string | null {
  return seconds === null ? null : new Date(seconds * 1000).toISOString();
}

function backoffMinutes(every: number, failures: number, code: string): number {
  const base = code === 'AUTH_FAILED' || code === 'PERMISSION_DENIED' ? Math.max(every, AUTH_BACKOFF_MINUTES) : Math.max(every, 1);
  return Math.min(MAX_BACKOFF_MINUTES, base * 2 ** Math.max(0, failures - 1));
}

/** The PBXs a round looks at: real PBXs (not import-only sources), by name. */
function pbxProfiles(store: Store, only: readonly string[] | undefined): PbxProfile[] {
  const all = store.profiles.list().filter((p) => p.kind === 'pbx');
  if (only === undefined || only.length === 0) return all;
  for (const name of only) {
    if (!all.some((p) => p.name === name)) throw new AppError('NOT_FOUND', `There is no PBX named "${name}": see ucmcdr pbx list.`, { pbx: name });
  }
  return all.filter((p) => only.includes(p.name));
}

function scheduleOf(profile: PbxProfile, options: RoundOptions): number {
  return options.everyMinutes ?? profile.sync_every;
}

/** Whether a PBX is due now: never tried, or its next run (schedule or back-off) has come. */
export function isDue(record: WatchRecord, every: number, nowSeconds: number): boolean {
  if (every <= 0) return false;
  return record.next_run === null || record.next_run <= nowSeconds;
}

async function syncOne(store: Store, profile: PbxProfile, options: RoundOptions, nowSeconds: () => number): Promise<PbxRoundResult> {
  const every = scheduleOf(profile, options);
  const record = store.watch.get(profile.id);
  const password = options.passwordFor(profile);
  if (password === null) {
    const message = `no password for ${profile.name}: give it (--password-env ${profile.name}=VAR, or store it in the app)`;
    store.watch.put({ ...record, last_error: message, next_run: null });
    return { pbx: profile.name, state: 'skipped', error: { code: 'PASSWORD_REQUIRED', message }, next_run: null };
  }
  options.onPbx?.(profile.name, true);
  const started = nowSeconds();
  // Written before the sync as if it will fail: a sync that takes the process down with it is tried
  // again only after the back-off, not at every restart (a PBX that locks out addresses counts them).
  const provisional = nowSeconds() + backoffMinutes(every > 0 ? every : 15, record.failures + 1, 'PBX_UNREACHABLE') * 60;
  store.watch.put({ ...record, last_attempt: started, next_run: provisional });
  try {
    const result = await syncPbx(store, profile.id, password, {
      // A page that fails is tried again only briefly: the round's back-off handles a PBX that stays down.
      retryDelay: (attempt) => sleep(Math.min(2000, 250 * attempt), options.signal),
      ...options.sync,
      signal: options.signal,
    });
    const next = every > 0 ? nowSeconds() + every * 60 : null;
    store.watch.put({ pbx_id: profile.id, last_success: nowSeconds(), last_attempt: started, failing_since: null, failures: 0, last_error: null, next_run: next });
    return { pbx: profile.name, state: 'synced', result, next_run: iso(next) };
  } catch (error) {
    const failure = toAppError(error);
    if (failure.code === 'CANCELLED') {
      // Stopped by the user, not by the PBX: the next round may try again when it was due anyway.
      store.watch.put({ ...record, last_attempt: started });
      throw failure;
    }
    const failures = record.failures + 1;
    const next = nowSeconds() + backoffMinutes(every > 0 ? every : 15, failures, failure.code) * 60;
    store.watch.put({
      pbx_id: profile.id,
      last_success: record.last_success,
      last_attempt: started,
      failing_since: record.failing_since ?? started,
      failures,
      last_error: failure.message,
      next_run: next,
    });
    if (failure.code === 'TLS_FINGERPRINT_MISMATCH') raiseCertificateChange(store, profile, failure, started);
    return { pbx: profile.name, state: 'failed', error: { code: failure.code, message: failure.message }, next_run: iso(next) };
  } finally {
    options.onPbx?.(profile.name, false);
  }
}

function raiseCertificateChange(store: Store, profile: PbxProfile, failure: AppError, at: number): void {
  if (!store.alerts.rules()['sync-failing'].enabled) return;
  const seen = String(failure.details?.['actual'] ?? failure.details?.['fingerprint'] ?? 'unknown');
  const wall = utcToWallClock(at * 1000, profile.tz);
  store.alerts.raise({
    rule: 'sync-failing',
    severity: 'critical',
    pbx_id: profile.id,
    episode: `certificate:${seen}`,
    title: `The certificate of ${profile.name} changed: sync refused until it is checked and trusted again`,
    first_at: wall,
    last_at: wall,
    call_ids: [],
  });
}

/** sync-failing: a PBX whose syncs have failed for the rule's hours, one alert per run of failures. */
function raiseLongFailures(store: Store, profiles: readonly PbxProfile[], nowSeconds: number): void {
  const rule = store.alerts.rules()['sync-failing'];
  if (!rule.enabled) return;
  for (const profile of profiles) {
    const record = store.watch.get(profile.id);
    if (record.failing_since === null || nowSeconds - record.failing_since < rule.hours * 3600) continue;
    store.alerts.raise({
      rule: 'sync-failing',
      severity: RULE_SEVERITY['sync-failing'],
      pbx_id: profile.id,
      episode: `failing:${record.failing_since}`,
      title: `Sync of ${profile.name} has failed for ${Math.floor((nowSeconds - record.failing_since) / 3600)} h: ${record.last_error ?? ''}`.trim(),
      first_at: utcToWallClock(record.failing_since * 1000, profile.tz),
      last_at: utcToWallClock(nowSeconds * 1000, profile.tz),
      call_ids: [],
    });
  }
}

function localDay(date: Date, offsetDays = 0): string {
  const d = new Date(date.getFullYear(), date.getMonth(), date.getDate() + offsetDays);
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
}

/** Mails the alerts not mailed yet (one message), then the daily report once its hour has passed today. */
async function sendPending(store: Store, plan: MailPlan, now: Date, log: (line: string) => void): Promise<{ mailed: number; error: string | null; daily: string | null }> {
  let mailed = 0;
  let daily: string | null = null;
  try {
    const { fresh: pending, stale } = byAge(store.alerts.unmailed(), now);
    store.alerts.markMailed(stale.map((a) => a.id));
    if (pending.length > 0) {
      await sendMail(plan.config, alertsMessage(pending, { generatedAt: now.toISOString() }), { timeoutMs: plan.timeoutMs });
      store.alerts.markMailed(pending.map((a) => a.id));
      mailed = pending.length;
      log(`mail: ${pending.length} alert(s) sent to ${plan.config.to.join(', ')}`);
    }
    if (plan.dailyReport !== null) {
      const [h, m] = plan.dailyReport.split(':').map(Number);
      const today = localDay(now);
      const due = now.getHours() * 60 + now.getMinutes() >= (h ?? 0) * 60 + (m ?? 0);
      if (due && store.settings.get(SETTING_DAILY_SENT) !== today) {
        const yesterday = localDay(now, -1);
        await sendMail(plan.config, await dailyReportMessage(store, yesterday, { generatedAt: now.toISOString() }), { timeoutMs: plan.timeoutMs });
        store.settings.set(SETTING_DAILY_SENT, today);
        daily = yesterday;
        log(`mail: daily report for ${yesterday} sent to ${plan.config.to.join(', ')}`);
      }
    }
    return { mailed, error: null, daily };
  } catch (error) {
    const message = toAppError(error).message;
    log(`mail: ${message} (kept for the next round)`);
    return { mailed, error: message, daily };
  }
}

export async function watchRound(store: Store, options: RoundOptions): Promise<RoundResult> {
  const now = options.now ?? (() => new Date());
  const seconds = () => Math.floor(now().getTime() / 1000);
  const log = options.log ?? (() => undefined);
  const profiles = pbxProfiles(store, options.only);
  const pbxs: PbxRoundResult[] = [];
  for (const profile of profiles) {
    if (options.signal?.aborted === true) break;
    const record = store.watch.get(profile.id);
    if (options.which === 'due' && !isDue(record, scheduleOf(profile, options), seconds())) {
      if (scheduleOf(profile, options) > 0) log(waitingLine(profile.name, record));
      continue;
    }
    const outcome = await syncOne(store, profile, options, seconds);
    pbxs.push(outcome);
    log((options.describe ?? roundLine)(outcome));
  }
  const alerts = store.alerts.evaluateNew();
  raiseLongFailures(store, profiles, seconds());
  if (alerts.raised > 0) log(`alerts: ${alerts.raised} new, ${alerts.joined} calls joined open ones`);
  const mail = options.mail ? await sendPending(store, options.mail, now(), log) : { mailed: 0, error: null, daily: null };
  return { pbxs, alerts, mailed: mail.mailed, mail_error: mail.error, daily_report: mail.daily };
}

/** `10:15 UTC`, or `2026-12-03 10:15 UTC` when not today (a back-off reaches hours ahead). */
function whenText(iso: string, now: Date): string {
  return iso.slice(0, 10) === now.toISOString().slice(0, 10) ? `${iso.slice(11, 16)} UTC` : `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`;
}

/** `office: 12 new calls, 3 updated (1.2 s); next 10:15 UTC` or `office: failed (AUTH_FAILED) ...; next ...`. */
export function roundLine(outcome: PbxRoundResult, now: Date = new Date()): string {
  const next = outcome.next_run === null ? '' : `; next ${whenText(outcome.next_run, now)}`;
  if (outcome.state === 'synced' && outcome.result) {
    const r = outcome.result;
    return `${outcome.pbx}: ${r.calls_new} new calls, ${r.calls_updated} updated (${r.seconds.toFixed(1)} s)${next}`;
  }
  const message = (outcome.error?.message ?? '').replace(/[.\s]+$/, '');
  return `${outcome.pbx}: ${outcome.state} (${outcome.error?.code ?? ''}) ${message}${next}`;
}

/** A PBX not due this round: when it is, and why it waits when it has been failing. */
function waitingLine(pbx: string, record: WatchRecord, now: Date = new Date()): string {
  const next = iso(record.next_run);
  const when = next === null ? 'no next sync' : `next ${whenText(next, now)}`;
  if (record.failures === 0) {
    const unfinished = record.last_attempt !== null && (record.last_success === null || record.last_success < record.last_attempt);
    return unfinished ? `${pbx}: the last sync did not finish; ${when}` : `${pbx}: up to date; ${when}`;
  }
  const why = (record.last_error ?? '').replace(/[.\s]+$/, '');
  return `${pbx}: waiting after ${record.failures} failed sync${record.failures === 1 ? '' : 's'} (${why}); ${when}`;
}

/** Alerts about calls older than this are history (a new PBX's first sync): listed, not mailed or notified. */
const FRESH_HOURS = 48;

/**
 * Splits alerts into those worth a mail or a notification now and the history a first sync of a new
 * PBX brings (its past nights' after-hours calls), which the Alerts view lists but nobody is woken for.
 * last_at is the PBX's wall clock: compared with UTC, the margin absorbs any zone.
 */
export function byAge(alerts: readonly Alert[], now: Date): { fresh: Alert[]; stale: Alert[] } {
  const limit = new Date(now.getTime() - (FRESH_HOURS + 14) * 3_600_000).toISOString().slice(0, 19);
  return { fresh: alerts.filter((a) => a.last_at >= limit), stale: alerts.filter((a) => a.last_at < limit) };
}

/** Where each PBX's automatic sync stands (the sidebar, `ucmcdr watch` status). */
export function watchStatus(store: Store, running: ReadonlySet<string> = new Set()): WatchStatus[] {
  return pbxProfiles(store, undefined).map((profile) => {
    const record = store.watch.get(profile.id);
    return {
      pbx: profile.name,
      schedule: profile.sync_every,
      last_success: iso(record.last_success),
      next_run: profile.sync_every > 0 ? iso(record.next_run) : null,
      last_error: record.last_error,
      failures: record.failures,
      running: running.has(profile.name),
    };
  });
}
