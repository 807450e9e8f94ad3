import type { Command } from 'commander';
import { AppError } from '../../errors.js';
import { simulatorDir } from '../../paths.js';
import { defaultTimeZone } from '../../cdr/time.js';
import type { CliContext } from '../context.js';
import { untilCancelled, writeText } from '../io.js';
import { choice, parseCount, parseDays, parsePort, parseSeed, parseZone } from '../options.js';

interface SimulatorOptions {
  port: number;
  api: 'legacy' | 'ucm63xx' | 'both';
  user: string;
  password: string;
  calls: number;
  seed: number;
  days: number;
  tz?: string;
}

export function registerSimulator(program: Command, context: () => CliContext): void {
  program
    .command('simulator')
    .description('Run the built-in UCM simulator: a real HTTPS PBX API on 127.0.0.1 with generated calls.')
    .option('--port <n>', 'TCP port (0 picks a free one)', parsePort, 8443)
    .option('--api <generation>', 'legacy (/cdrapi, /recapi), ucm63xx (/api) or both', choice(['legacy', 'ucm63xx', 'both'] as const), 'both')
    .option('--user <user>', 'the API user', 'cdrapi')
    .option('--password <password>', 'the API password', 'cdrapi123')
    .option('--calls <n>', 'how many calls to generate', parseCount, 2000)
    .option('--seed <n>', 'seed of the generated data (same seed, same calls)', parseSeed, 1)
    .option('--days <n>', 'the calls span this many days up to now', parseDays, 90)
    .option('--tz <zone>', 'the simulated PBX time zone (default: this computer\'s)', parseZone)
    .addHelpText(
      'after',
      `
Prints its URL and certificate fingerprint, then serves until Ctrl-C. The self-signed certificate is
kept next to the cache (--db folder) so the fingerprint stays the same between runs.

Examples:
  ucmcdr simulator
  ucmcdr simulator --port 9443 --api legacy --calls 100000 --seed 7
  ucmcdr pbx add demo --url https://127.0.0.1:8443 --user cdrapi --trust-on-first-use`,
    )
    .action(async (o: SimulatorOptions) => {
      const ctx = context();
      if (o.user.trim() === '' || o.password === '') throw new AppError('BAD_INPUT', '--user and --password must not be empty.');
      const { startSimulator } = await import('../../simulator/index.js');
      const simulator = await startSimulator({
        port: o.port,
        api: o.api,
        user: o.user,
        password: o.password,
        calls: o.calls,
        seed: o.seed,
        days: o.days,
        tz: o.tz ?? defaultTimeZone(),
        certDir: simulatorDir(ctx.dataDir),
      });
      try {
        await writeText(
          ctx.io.stdout,
          `UCM simulator (${o.api} API, ${o.calls} calls) listening on ${simulator.url}\n` +
            `Certificate SHA-256 fingerprint: ${simulator.fingerprint}\n` +
            `User ${o.user}; press Ctrl-C to stop.\n`,
        );
        await untilCancelled(ctx.io.signal);
      } finally {
        await simulator.close();
      }
      await writeText(ctx.io.stdout, 'Simulator stopped.\n');
    });
}
