import type { Command } from 'commander';
import type { SyncProgress } from '../../sync/sync.js';
import { type CliContext, requireRealPbx, withStore, withTrustHint } from '../context.js';
import { writeText } from '../io.js';
import { parseName } from '../options.js';
import { obtainPassword } from '../password.js';
import { progressPrinter, progressText } from '../progress.js';

export function registerSync(program: Command, context: () => CliContext): void {
  program
    .command('sync')
    .description('Fetch new calls from a PBX into the cache (the first sync fetches all history).')
    .argument('<name>', 'the PBX profile name', parseName)
    .option('--full', 'fetch the whole history again (merges, never doubles)')
    .option('--password-env <var>', 'environment variable holding the password (else prompted on a terminal)')
    .addHelpText(
      'after',
      `
Progress goes to stderr, one summary line to stdout. Ctrl-C stops cleanly: pages already fetched stay
in the cache and the next sync continues from there.

Examples:
  ucmcdr sync office
  UCM_PASSWORD=secret ucmcdr sync office --password-env UCM_PASSWORD
  ucmcdr sync office --full`,
    )
    .action(async (name: string, o: { full?: boolean; passwordEnv?: string }) => {
      const ctx = context();
      await withStore(ctx, 'write', async (store) => {
        const profile = requireRealPbx(store, name, 'synced');
        const password = await obtainPassword(ctx.io, o.passwordEnv, `Password for ${profile.user} on ${profile.name}: `);
        const { syncPbx } = await import('../../sync/sync.js');
        const progress = progressPrinter(ctx.io);
        try {
          const result = await withTrustHint(profile.name, () =>
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
        } finally {
          progress.done();
        }
      });
    });
}
