import { existsSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { AppError } from '../../errors.js';
import { type CliContext, requireSession, withStore, withTrustHint } from '../context.js';
import { writeText } from '../io.js';
import { parseName } from '../options.js';
import { obtainPassword } from '../password.js';
import { progressPrinter } from '../progress.js';

interface RecordingsOptions {
  pbx?: string;
  out: string;
  passwordEnv?: string;
}

/** The --out folder; a missing one is created when there is something to copy into it. */
function checkOutDir(out: string): string {
  const dir = resolve(out);
  if (existsSync(dir) && !statSync(dir).isDirectory()) {
    throw new AppError('BAD_INPUT', `--out ${out} is a file, not a folder: give a folder for the recordings.`, { out });
  }
  return dir;
}

export function registerRecordings(program: Command, context: () => CliContext): void {
  program
    .command('recordings')
    .description('Copy a call\'s recordings into a folder, fetching them from the PBX when not cached yet.')
    .argument('<session>', 'the call\'s session id')
    .option('--pbx <name>', 'the PBX profile holding the call, when several hold that session id', parseName)
    .requiredOption('--out <dir>', 'the folder to copy the recordings to (created when missing)')
    .option('--password-env <var>', 'environment variable holding the password (else prompted on a terminal when needed)')
    .addHelpText(
      'after',
      `
Files are named like 2024-03-01_0802_1001-to-2001_<session>.wav; files already there are skipped.

Examples:
  ucmcdr recordings 1661159747123456-1001 --out ./recordings
  ucmcdr recordings 1661159747123456-1001 --pbx office --out ./recordings
  UCM_PASSWORD=secret ucmcdr recordings 1661159747123456-1001 --out . --password-env UCM_PASSWORD`,
    )
    .action(async (session: string, o: RecordingsOptions) => {
      const ctx = context();
      const outDir = checkOutDir(o.out);
      await withStore(ctx, 'write', async (store) => {
        const detail = requireSession(store, session, o.pbx);
        const pbx = detail.call.pbx;
        if (detail.call.recordings.length === 0) {
          await writeText(ctx.io.stdout, `Call ${session} has no recordings.\n`);
          return;
        }
        // Only recordings not downloaded yet need the PBX, and so a password.
        const needPbx = detail.call.recordings.some((path) => store.recordings.get(detail.call.id, path)?.state !== 'cached');
        const profile = store.profiles.getByName(pbx);
        const password =
          needPbx || o.passwordEnv !== undefined
            ? await obtainPassword(ctx.io, o.passwordEnv, `Password for ${profile?.user ?? ''} on ${pbx}: `)
            : null;
        const { exportRecordings } = await import('../../recordings/recordings.js');
        const progress = progressPrinter(ctx.io);
        try {
          const result = await withTrustHint(ctx, pbx, () =>
            exportRecordings(store, ctx.dataDir, { callIds: [detail.call.id] }, outDir, password, {
              signal: ctx.io.signal,
              onProgress: (p) => progress.update(p.stage),
            }),
          );
          progress.done();
          await writeText(
            ctx.io.stdout,
            `Recordings of ${session}: ${result.copied} copied, ${result.skipped_existing} already in ${outDir}, ` +
              `${result.missing} no longer on the PBX.\n`,
          );
        } finally {
          progress.done();
        }
      });
    });
}
