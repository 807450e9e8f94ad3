import type { MailSettings, UcmApi } from '../../preload/api.js';
import { AppError, toAppError } from '../errors.js';
import type { MailConfig } from '../mail/smtp.js';
import { byAge, watchRound, watchStatus } from '../watch/round.js';
import type { AppContext } from './context.js';

/**
 * `alerts/*` and `watch/*`, and the app's automatic sync: while the app runs, the PBXs whose schedule
 * has come (and that have a stored password) are synced one at a time, the alert rules run on what
 * arrived, new warning and critical alerts become system notifications, and mail goes out when set up.
 * Rounds never overlap and never block a request: the timer only starts one when none is running.
 */

const MAIL_KEY = 'watch.mail';
/**
 * The SMTP password is kept in the same keychain store as the PBX passwords, under an id no profile
 * has (profile ids start at 1).
 */
const SMTP_SECRET_ID = 0;
/** How often the app looks for PBXs whose time has come. */
const TICK_MS = 30_000;
const NO_MAIL: Omit<MailSettings, 'has_password'> = { smtp: '', from: '', to: [], daily_report: '' };

export interface AutoSync {
  /** Starts the timer and a first round at once ("syncs on start"). */
  start(): void;
  /** Runs a round now unless one is running; resolves when it ends. */
  round(which: 'due' | 'all'): Promise<void>;
  running(): ReadonlySet<string>;
  /** Stops the timer and cancels the round in flight (after its page in flight). */
  stop(): Promise<void>;
}

function storedMail(ctx: AppContext): Omit<MailSettings, 'has_password'> {
  const text = ctx.store.settings.get(MAIL_KEY);
  return text === null ? NO_MAIL : { ...NO_MAIL, ...(JSON.parse(text) as Partial<MailSettings>) };
}

function mailPlan(ctx: AppContext): { config: MailConfig; dailyReport: string | null } | null {
  const mail = storedMail(ctx);
  if (mail.smtp === '' || mail.to.length === 0) return null;
  return {
    config: { smtp: mail.smtp, from: mail.from, to: mail.to, password: ctx.secrets.get(SMTP_SECRET_ID) },
    dailyReport: mail.daily_report === '' ? null : mail.daily_report,
  };
}

/** Shows a system notification for each warning or critical alert not notified yet, once. */
function notifyNewAlerts(ctx: AppContext): void {
  const { fresh, stale } = byAge(ctx.store.alerts.unnotified(), new Date());
  ctx.store.alerts.markNotified(stale.map((a) => a.id));
  for (const alert of fresh) {
    try {
      ctx.shell.notify(`${alert.severity === 'critical' ? 'Critical' : 'Warning'}: ${alert.rule} on ${alert.pbx}`, alert.title);
    } catch {
      // A notification is a courtesy: the sync or import that raised the alert has committed, and the
      // alert is in the Alerts view and its badge whether the desktop could show it or not.
    }
  }
  ctx.store.alerts.markNotified(fresh.map((a) => a.id));
}

/** After a sync or an import from the window: the rules on the calls that arrived, and their notifications. */
export function checkNewCalls(ctx: AppContext): void {
  ctx.store.alerts.evaluateNew();
  notifyNewAlerts(ctx);
}

export function createAutoSync(ctx: AppContext, log: (line: string) => void = () => undefined): AutoSync {
  const running = new Set<string>();
  let inFlight: Promise<void> | null = null;
  let controller = new AbortController();
  let timer: NodeJS.Timeout | null = null;

  async function round(which: 'due' | 'all'): Promise<void> {
    if (inFlight !== null) return inFlight;
    inFlight = (async () => {
      try {
        await watchRound(ctx.store, {
          which,
          passwordFor: (profile) => ctx.secrets.get(profile.id),
          signal: controller.signal,
          mail: mailPlan(ctx),
          log,
          onPbx: (pbx, busy) => (busy ? running.add(pbx) : running.delete(pbx)),
        });
        notifyNewAlerts(ctx);
      } catch (error) {
        const failure = toAppError(error);
        if (failure.code !== 'CANCELLED') log(`watch round failed: ${failure.message}`);
      } finally {
        inFlight = null;
      }
    })();
    return inFlight;
  }

  return {
    start() {
      if (timer !== null) return;
      void round('due');
      timer = setInterval(() => void round('due'), TICK_MS);
      timer.unref();
    },
    round,
    running: () => running,
    async stop() {
      if (timer !== null) clearInterval(timer);
      timer = null;
      controller.abort();
      await inFlight;
      controller = new AbortController();
    },
  };
}

export function createAlertsArea({ store }: AppContext): UcmApi['alerts'] {
  return {
    async list(request) {
      return store.alerts.list(request);
    },
    async calls({ id }) {
      if (store.alerts.get(id) === null) throw new AppError('NOT_FOUND', `Alert ${id} does not exist (any more); reload the list.`, { id });
      return store.alerts.callIds(id).flatMap((callId) => store.calls.get(callId) ?? []);
    },
    async acknowledge({ ids, all }) {
      if (all === true) return { acknowledged: store.alerts.acknowledge('all') };
      if (ids === undefined || ids.length === 0) throw new AppError('BAD_INPUT', 'Name the alerts to acknowledge, or all.');
      return { acknowledged: store.alerts.acknowledge(ids) };
    },
    async rules() {
      return store.alerts.rules();
    },
    async saveRules(settings) {
      return store.alerts.setRules(settings);
    },
    async scan({ pbx, from, to }) {
      const pbxIds = (pbx ?? []).map((name) => {
        const profile = store.profiles.getByName(name);
        if (profile === null) throw new AppError('NOT_FOUND', `There is no PBX named "${name}".`, { pbx: name });
        return profile.id;
      });
      return store.alerts.scan({ pbxIds, from, to });
    },
  };
}

export function createWatchArea(ctx: AppContext, auto: AutoSync): UcmApi['watch'] {
  const view = (): MailSettings => ({ ...storedMail(ctx), has_password: ctx.secrets.get(SMTP_SECRET_ID) !== null });
  return {
    async status() {
      return watchStatus(ctx.store, auto.running());
    },
    async runNow() {
      await auto.round('all');
      return watchStatus(ctx.store, auto.running());
    },
    async mail() {
      return view();
    },
    async saveMail({ password, ...settings }) {
      if (settings.smtp !== '') {
        const { checkMailConfig } = await import('../mail/smtp.js');
        checkMailConfig({ smtp: settings.smtp, from: settings.from, to: settings.to });
      }
      if (settings.daily_report !== '' && !/^([01]\d|2[0-3]):[0-5]\d$/.test(settings.daily_report)) {
        throw new AppError('BAD_INPUT', `The daily report time "${settings.daily_report}" is not HH:MM (e.g. 07:30).`, { field: 'daily_report' });
      }
      ctx.store.settings.set(MAIL_KEY, JSON.stringify(settings));
      if (password === '') ctx.secrets.delete(SMTP_SECRET_ID);
      else if (password !== undefined) ctx.secrets.set(SMTP_SECRET_ID, password);
      return view();
    },
    async testMail() {
      const plan = mailPlan(ctx);
      if (plan === null) throw new AppError('BAD_INPUT', 'Set the SMTP server, the sender and a recipient first.');
      const { sendMail } = await import('../mail/smtp.js');
      await sendMail(plan.config, {
        subject: 'UCM CDR Viewer: test message',
        text: 'This is a test message from UCM CDR Viewer. Alerts and daily reports will come this way.',
      });
    },
  };
}
