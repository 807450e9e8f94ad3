import { Command, CommanderError } from 'commander';
import { toAppError } from '../errors.js';
import { defaultDbPath } from '../paths.js';
import { registerAlerts } from './commands/alerts.js';
import { registerCalls } from './commands/calls.js';
import { registerContacts } from './commands/contacts.js';
import { registerExport } from './commands/export.js';
import { registerImport } from './commands/import.js';
import { registerImports } from './commands/imports.js';
import { registerPbx } from './commands/pbx.js';
import { registerRates } from './commands/rates.js';
import { registerRecordings } from './commands/recordings.js';
import { registerReport } from './commands/report.js';
import { registerServe } from './commands/serve.js';
import { registerSession } from './commands/session.js';
import { registerSimulator } from './commands/simulator.js';
import { registerSync } from './commands/sync.js';
import { registerWatch } from './commands/watch.js';
import { type CliContext, createContext, ExitStatus } from './context.js';
import { type CliIo, oneLine } from './io.js';
import { appVersion } from './install.js';

/**
 * Exit statuses scripts can rely on: 0 success, 1 the work failed (PBX unreachable, bad file, ...),
 * 2 the command line was wrong (unknown option, bad value), 130 cancelled with Ctrl-C.
 */
export const EXIT = { ok: 0, failed: 1, usage: 2, cancelled: 130 } as const;

/**
 * The `ucmcdr` program with every command registered; each command gets its context (streams, cache
 * path) once the command line is read, just before it runs.
 */
export function createProgram(io: CliIo): Command {
  let ctx: CliContext | null = null;
  const program = new Command('ucmcdr')
    .description('Call detail records from Grandstream UCM6xxx PBXs: sync, import, search, export, recordings.')
    .version(appVersion(), '-V, --version', 'output the version number')
    .option('--db <path>', 'the call cache (default: the desktop app\'s cache file)')
    .exitOverride()
    .configureOutput({
      writeOut: (text) => io.stdout.write(text),
      writeErr: (text) => io.stderr.write(text),
      // Commander's own messages (unknown option, bad value) follow the one-line rule too.
      outputError: (text, write) => write(`ucmcdr: ${oneLine(text.replace(/^error: /, ''))}\n`),
    })
    .showSuggestionAfterError(true)
    .addHelpText(
      'after',
      `
Run "ucmcdr <command> --help" for the options and examples of each command.
Exit status: 0 success, 1 failure, 2 invalid command line, 3 open alerts (alerts --check), 130 cancelled (Ctrl-C).`,
    )
    .hook('preAction', (_program, action) => {
      const db = action.optsWithGlobals().db as string | undefined;
      ctx = createContext(io, db ?? defaultDbPath(), db === undefined);
    });
  const context = (): CliContext => {
    if (!ctx) throw new Error('The command ran before its options were read.');
    return ctx;
  };
  // Commands import their services when they run, so a quick `ucmcdr calls` does not load the
  // simulator, the web server or the HTTPS client.
  registerImport(program, context);
  registerImports(program, context);
  registerCalls(program, context);
  registerSession(program, context);
  registerExport(program, context);
  registerReport(program, context);
  registerPbx(program, context);
  registerRates(program, context);
  registerContacts(program, context);
  registerSync(program, context);
  registerWatch(program, context);
  registerAlerts(program, context);
  registerRecordings(program, context);
  registerSimulator(program, context);
  registerServe(program, context);
  return program;
}

/**
 * Runs one `ucmcdr` command line (without the program name) and resolves to the exit status. Never
 * throws and never prints a stack trace: every failure ends as one `ucmcdr: <message>` line on stderr.
 */
export async function runCli(argv: string[], io: CliIo): Promise<number> {
  const program = createProgram(io);
  if (argv.length === 0) {
    program.outputHelp();
    return EXIT.usage;
  }
  try {
    await program.parseAsync(argv, { from: 'user' });
    return EXIT.ok;
  } catch (error) {
    if (error instanceof ExitStatus) return error.status;
    if (error instanceof CommanderError) {
      // Help and version are printed by commander and are successes; everything else was reported.
      return error.exitCode === 0 ? EXIT.ok : EXIT.usage;
    }
    const appError = toAppError(error);
    io.stderr.write(`ucmcdr: ${oneLine(appError.message)}\n`);
    if (appError.code === 'CANCELLED') return EXIT.cancelled;
    return appError.code === 'BAD_INPUT' ? EXIT.usage : EXIT.failed;
  }
}
