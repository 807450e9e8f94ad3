import type { Command } from 'commander';
import type { PbxProfile } from '../../../preload/api.js';
import { AppError } from '../../errors.js';
import type { SyncProgress } from '../../sync/sync.js';
import type { PbxRoundResult } from '../../watch/round.js';
import { type CliContext, requireRealPbx, trustHint, withStore, withTrustHint } from '../context.js';
import { writeText } from '../io.js';
import { parseName } from '../options.js';
import { obtainPassword, secretFromVariable } from '../password.js';
import { progressPrinter, progressText } from '../progress.js';
import { checkNewCalls } from './alerts.js';

/** `--password-env VAR` (every PBX) or `--password-env NAME=VAR` (one PBX), repeatable. */
export interface PasswordEnvs {
  byPbx: Map<string, string>;
  fallback: string | undefined;
}

export function collectPasswordEnv(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

export function passwordEnvs(values: readonly string[] | undefined): PasswordEnvs {
  const out: PasswordEnvs = { byPbx: new Map(), fallback: undefined };
  for (const value of values ?? []) {
    const eq = value.lastIndexOf('=');
    if (eq < 0) {
      if (out.fallback !== undefined) throw new AppError('BAD_INPUT', '--password-env VAR without a PBX name is given once; name the PBX for the others: --password-env NAME=VAR.');
      out.fallback = value;
    } else out.byPbx.set(value.slice(0, eq), value.slice(eq + 1));
  }
  return out;
}

/**
 * Refuses, before any work, a variable named with --password-env that is not set (naming it) or a
 * value that is not a variable name (without repeating it).
 */
export function checkPasswordEnvs(ctx: CliContext, envs: PasswordEnvs): void {
  for (const variable of [...envs.byPbx.values(), ...(envs.fallback === undefined ? [] : [envs.fallback])]) {
    secretFromVariable(ctx.io, variable, '--password-env', 'the PBX password');
  }
}

/** The password of a profile from its environment variable, or null when none is named or it is empty. */
export function passwordFromEnv(ctx: CliContext, envs: PasswordEnvs, profile: PbxProfile): string | null {
  const variable = envs.byPbx.get(profile.name) ?? envs.fallback;
  if (variable === undefined) return null;
  const value = ctx.io.env[variable];
  return value === undefined || value === '' ? null : value;
}

/** A round's line for one PBX, with the `pbx trust` command when its certificate changed. */
export function withHint(ctx: CliContext, outcome: PbxRoundResult, line: string): string {
  const hint = outcome.error ? trustHint(ctx, outcome.pbx, outcome.error) : null;
  return hint === null ? line : `${line} ${hint}`;
}

async function syncAll(ctx: CliContext, o: { full?: boolean; passwordEnv?: string[] }): Promise<void> {
  const envs = passwordEnvs(o.passwordEnv);
  checkPasswordEnvs(ctx, envs);
  await withStore(ctx, 'write', async (store) => {
    for (const name of envs.byPbx.keys()) requireRealPbx(store, name, 'synced');
    const { watchRound, roundLine } = await import('../../watch/round.js');
    const round = await watchRound(store, {
      which: 'all',
      passwordFor: (profile) => passwordFromEnv(ctx, envs, profile),
      signal: ctx.io.signal,
      sync: { full: o.full === true },
    });
    for (const outcome of round.pbxs) await writeText(ctx.io.stdout, `${withHint(ctx, outcome, roundLine(outcome))}\n`);
    if (round.pbxs.length === 0) await writeText(ctx.io.stdout, 'No PBX to sync: add one with "ucmcdr pbx add".\n');
    if (round.alerts.raised > 0) await writeText(ctx.io.stderr, `${round.alerts.raised} new alert${round.alerts.raised === 1 ? '' : 's'}: see "ucmcdr alerts".\n`);
    const failed = round.pbxs.filter((p) => p.state !== 'synced');
    if (failed.length > 0) {
      throw new AppError(
        failed.length === round.pbxs.length ? ((failed[0]?.error?.code as AppError['code'] | undefined) ?? 'PBX_UNREACHABLE') : 'PBX_UNREACHABLE',
        failed.length === round.pbxs.length
          ? `No PBX synced: ${failed.map((p) => p.pbx).join(', ')} (see the lines above).`
          : `${failed.length} of ${round.pbxs.length} PBXs not synced: ${failed.map((p) => p.pbx).join(', ')} (the others were).`,
      );
    }
  });
}

export function registerSync(program: Command, context: () => CliContext): void {
  program
    .command('sync')
    .description('Fetch new calls from a PBX (or every PBX with --all) into the cache (the first sync fetches all history).')
    .argument('[name]', 'the PBX profile name', parseName)
    .option('--all', 'sync every PBX profile, one after the other; one that fails does not stop the others')
    .option('--full', 'fetch the whole history again (merges, never doubles)')
    .option(
      '--password-env <var>',
      'environment variable holding the password (else prompted on a terminal); with --all: NAME=VAR per PBX (repeatable), a bare VAR for the rest',
      collectPasswordEnv,
    )
    .addHelpText(
      'after',
      `
Progress goes to stderr, one summary line to stdout (one per PBX with --all). Ctrl-C stops cleanly:
pages already fetched stay in the cache and the next sync continues from there. The alert rules run
on the new calls afterwards (ucmcdr alerts).

Examples:
  ucmcdr sync office
  UCM_PASSWORD=secret ucmcdr sync office --password-env UCM_PASSWORD
  ucmcdr sync office --full
  ucmcdr sync --all --password-env office=OFFICE_PW --password-env branch=BRANCH_PW`,
    )
    .action(async (name: string | undefined, o: { all?: boolean; full?: boolean; passwordEnv?: string[] }) => {
      const ctx = context();
      if (o.all === true) {
        if (name !== undefined) throw new AppError('BAD_INPUT', 'Give a PBX name or --all, not both.');
        await syncAll(ctx, o);
        return;
      }
      if (name === undefined) throw new AppError('BAD_INPUT', 'Name the PBX to sync (ucmcdr sync office), or give --all.');
      const envs = passwordEnvs(o.passwordEnv);
      await withStore(ctx, 'write', async (store) => {
        const profile = requireRealPbx(store, name, 'synced');
        const password = await obtainPassword(ctx.io, envs.byPbx.get(profile.name) ?? envs.fallback, `Password for ${profile.user} on ${profile.name}: `);
        const { syncPbx } = await import('../../sync/sync.js');
        const progress = progressPrinter(ctx.io);
        try {
          const result = await withTrustHint(ctx, profile.name, () =>
            syncPbx(store, profile.id, password, {
              full: o.full === true,
              signal: ctx.io.signal,
              onProgress: (p: SyncProgress) => progress.update(progressText(p.stage, p.rate, p.eta_seconds)),
            }),
          );
          progress.done();
          await writeText(
            ctx.io.stdout,
            `Synced ${profile.name}: ${result.calls_new} new calls, ${result.calls_updated} updated, ` +
              `${result.pages} pages in ${result.seconds.toFixed(1)} s.\n`,
          );
          await checkNewCalls(ctx, store);
        } finally {
          progress.done();
        }
      });
    });
}
