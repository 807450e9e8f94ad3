import { type Command, Option } from 'commander';
import { AppError } from '../../errors.js';
import type { MailConfig } from '../../mail/smtp.js';
import { type CliContext, withStore } from '../context.js';
import { parseName } from '../options.js';
import { secretFromVariable } from '../password.js';
import { checkPasswordEnvs, collectPasswordEnv, passwordEnvs, passwordFromEnv, withHint } from './sync.js';

/** Between rounds the watch wakes at least this often to see whether a PBX backing off is due again. */
const MIN_WAIT_MS = 30_000;

interface WatchOptions {
  interval: number;
  once?: boolean;
  pbx?: string[];
  passwordEnv?: string[];
  smtp?: string;
  mailFrom?: string;
  mailTo?: string[];
  smtpPasswordEnv?: string;
  dailyReport?: string;
}

function parseInterval(value: string): number {
  const m = /^(\d+)\s*(m|min|h)?$/i.exec(value.trim());
  const minutes = m ? Number(m[1]) * ((m[2] ?? 'm').toLowerCase() === 'h' ? 60 : 1) : Number.NaN;
  if (!Number.isInteger(minutes) || minutes < 1 || minutes > 24 * 60) {
    throw new AppError('BAD_INPUT', `--interval "${value}": give minutes or hours, e.g. 5m, 15m, 1h (1 minute to 24 hours).`);
  }
  return minutes;
}

function parseClock(value: string): string {
  const m = /^(\d{1,2}):(\d{2})$/.exec(value.trim());
  if (!m || Number(m[1]) > 23 || Number(m[2]) > 59) throw new AppError('BAD_INPUT', `--daily-report "${value}": give a time of day HH:MM, e.g. 07:30.`);
  return `${m[1]?.padStart(2, '0')}:${m[2]}`;
}

function mailConfig(ctx: CliContext, o: WatchOptions): MailConfig | null {
  const given = [o.smtp, o.mailFrom, o.mailTo, o.smtpPasswordEnv, o.dailyReport].some((v) => v !== undefined);
  if (!given) return null;
  if (o.smtp === undefined || o.mailFrom === undefined || o.mailTo === undefined || o.mailTo.length === 0) {
    throw new AppError('BAD_INPUT', 'Mail needs --smtp smtp://[user@]host[:port], --mail-from ADDR and at least one --mail-to ADDR.');
  }
  const password =
    o.smtpPasswordEnv === undefined ? null : secretFromVariable(ctx.io, o.smtpPasswordEnv, '--smtp-password-env', 'the SMTP password');
  return { smtp: o.smtp, from: o.mailFrom, to: o.mailTo, password };
}

/** Waits `ms`, or less when the run is cancelled (Ctrl-C); the timer never outlives the wait. */
function pause(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted === true) return resolve();
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });
}

export function registerWatch(program: Command, context: () => CliContext): void {
  program
    .command('watch')
    .description('Keep watch headless: sync every PBX on a schedule, raise alerts on the new calls, mail them.')
    .addOption(new Option('--interval <time>', 'time between syncs of each PBX: 5m, 15m, 1h').argParser(parseInterval).default(15, '15m'))
    .option('--once', 'one round, then exit (for cron, Task Scheduler, a systemd timer)')
    .option('--pbx <name>', 'only this PBX (repeatable; default every PBX profile)', (v: string, prev: string[] = []) => [...prev, parseName(v)])
    .option('--password-env <NAME=VAR>', 'the password of PBX NAME is in environment variable VAR (repeatable); a bare VAR for every PBX', collectPasswordEnv)
    .option('--smtp <url>', 'mail through this server: smtp://[user@]host[:port] (STARTTLS when offered) or smtps://[user@]host[:port] (TLS)')
    .option('--mail-from <address>', 'sender address')
    .option('--mail-to <address>', 'recipient (repeatable)', (v: string, prev: string[] = []) => [...prev, v])
    .option('--smtp-password-env <var>', 'environment variable holding the SMTP password')
    .option('--daily-report <HH:MM>', "mail yesterday's report (summary, missed calls not called back, costs) each day at this time", parseClock)
    .addHelpText(
      'after',
      `
Each round syncs the PBXs that are due, one at a time, runs the alert rules on the calls that arrived,
and mails new warning and critical alerts (one message per round; an alert is mailed once; when the
SMTP server fails the alert stays pending for the next round). One line per PBX per round goes to
stdout. A PBX that fails waits longer before each try (a refused login at least 30 minutes, doubling,
up to 6 hours) and never stops the others; a PBX not due says when it is. --once exits 1 when a PBX's
sync or the mail failed. Alerts about calls more than two days old are listed, not mailed. Ctrl-C
ends it after the page in flight. Passwords never appear in the output. README ("Keeping watch") shows a systemd unit.

Examples:
  OFFICE_PW=... ucmcdr watch --password-env office=OFFICE_PW
  ucmcdr watch --once --password-env office=OFFICE_PW --password-env branch=BRANCH_PW
  SMTP_PW=... ucmcdr watch --password-env office=OFFICE_PW --smtp smtp://alerts@mail.example.com:587 \\
    --mail-from pbx@example.com --mail-to it@example.com --smtp-password-env SMTP_PW --daily-report 07:30`,
    )
    .action(async (o: WatchOptions) => {
      const ctx = context();
      const envs = passwordEnvs(o.passwordEnv);
      checkPasswordEnvs(ctx, envs);
      const config = mailConfig(ctx, o);
      if (config !== null) {
        const { checkMailConfig } = await import('../../mail/smtp.js');
        checkMailConfig(config);
      }
      const { watchRound, roundLine } = await import('../../watch/round.js');
      // Each line as it happens: a long first sync or Ctrl-C mid-round keeps the lines of the PBXs done.
      const log = (line: string): void => void ctx.io.stdout.write(`${new Date().toISOString().slice(0, 19)}Z ${line}\n`);
      let failedOnce = false;
      const cancelled = (): boolean => ctx.io.signal?.aborted === true;
      for (;;) {
        const next = await withStore(ctx, 'write', async (store) => {
          for (const name of [...envs.byPbx.keys(), ...(o.pbx ?? [])]) {
            if (store.profiles.getByName(name)?.kind !== 'pbx') throw new AppError('NOT_FOUND', `There is no PBX named "${name}": see ucmcdr pbx list.`, { pbx: name });
          }
          const round = await watchRound(store, {
            which: 'due',
            everyMinutes: o.interval,
            only: o.pbx,
            passwordFor: (profile) => passwordFromEnv(ctx, envs, profile),
            signal: ctx.io.signal,
            mail: config === null ? null : { config, dailyReport: o.dailyReport ?? null },
            log,
            // A PBX whose certificate changed gets the command that trusts the new one on its line.
            describe: (outcome) => withHint(ctx, outcome, roundLine(outcome)),
          });
          failedOnce = round.pbxs.some((p) => p.state === 'failed') || round.mail_error !== null;
          const runs = store.profiles
            .list()
            .filter((p) => p.kind === 'pbx' && (o.pbx === undefined || o.pbx.includes(p.name)))
            .map((p) => store.watch.get(p.id).next_run)
            .filter((t): t is number => t !== null);
          return runs.length === 0 ? null : Math.min(...runs);
        });
        if (o.once === true) {
          // For cron and Task Scheduler: a round where a PBX or the mail failed ends with status 1.
          if (failedOnce) throw new AppError('PBX_UNREACHABLE', 'Not everything went through in this round: see the lines above.');
          break;
        }
        if (cancelled()) break;
        const wait = next === null ? o.interval * 60_000 : Math.max(MIN_WAIT_MS, next * 1000 - Date.now());
        await pause(Math.min(wait, o.interval * 60_000), ctx.io.signal);
        if (cancelled()) break;
      }
    });
}
