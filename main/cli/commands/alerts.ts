import type { Command } from 'commander';
import type { Alert } from '../../../preload/alerts.js';
import { AppError } from '../../errors.js';
import type { Store } from '../../store/types.js';
import { type CliContext, ExitStatus, requirePbx, withStore } from '../context.js';
import { renderTable } from '../format.js';
import { writeText } from '../io.js';
import { choice, parseDateBound } from '../options.js';

/** Exit status of `alerts --check` while open alerts exist (0 when none): what monitoring scripts test. */
export const OPEN_ALERTS_EXIT = 3;

/**
 * Runs the alert rules on the calls a sync or an import just added, and says on stderr when that
 * raised alerts (stdout stays for the command's own result).
 */
export async function checkNewCalls(ctx: CliContext, store: Store): Promise<void> {
  const found = store.alerts.evaluateNew();
  if (found.raised > 0) {
    await writeText(ctx.io.stderr, `${found.raised} new alert${found.raised === 1 ? '' : 's'}: see "ucmcdr alerts".\n`);
  }
}

function alertsText(alerts: Alert[], all: boolean): string {
  if (alerts.length === 0) return all ? 'No alerts.\n' : 'No open alerts.\n';
  return renderTable(
    [
      { header: 'ID', value: (a: Alert) => String(a.id), align: 'right' },
      { header: 'SEVERITY', value: (a) => a.severity },
      { header: 'RULE', value: (a) => a.rule },
      { header: 'PBX', value: (a) => a.pbx, max: 20 },
      { header: 'FIRST', value: (a) => a.first_at.replace('T', ' ').slice(0, 16) },
      { header: 'LAST', value: (a) => a.last_at.replace('T', ' ').slice(0, 16) },
      { header: 'CALLS', value: (a) => String(a.calls), align: 'right' },
      { header: 'ACK', value: (a) => (a.acknowledged ? 'yes' : '') },
      { header: 'TITLE', value: (a) => a.title, max: 90 },
    ],
    alerts,
  );
}

function checkLine(a: Alert): string {
  return `${a.severity.toUpperCase()} ${a.rule} ${a.pbx} ${a.last_at.replace('T', ' ').slice(0, 16)}: ${a.title} (${a.calls} call${a.calls === 1 ? '' : 's'}, id ${a.id})\n`;
}

function parseAlertId(value: string): number {
  if (!/^\d+$/.test(value) || Number(value) < 1 || !Number.isSafeInteger(Number(value))) {
    throw new AppError('BAD_INPUT', `"${value}" is not an alert id: give the number "ucmcdr alerts" shows in its ID column.`);
  }
  return Number(value);
}

/**
 * An option "alerts" and a subcommand both define (--all, --format): commander hands it to "alerts"
 * wherever it is written, so the subcommand reads it there.
 */
function fromAlerts<T>(command: Command, name: string): T | undefined {
  return (command.parent?.opts() as Record<string, T | undefined> | undefined)?.[name];
}

export function registerAlerts(program: Command, context: () => CliContext): void {
  const alerts = program
    .command('alerts')
    .description('Toll-fraud and anomaly alerts: list open ones, acknowledge, scan history, check from monitoring.')
    .option('--all', 'also the acknowledged alerts')
    .option('--since <date>', 'alerts whose last call is at or after this PBX wall-clock date or time', parseDateBound)
    .option('--format <format>', 'table or json', choice(['table', 'json'] as const), 'table')
    .option('--check', `for monitoring: one line per open alert, exit status ${OPEN_ALERTS_EXIT} when there are any, 0 when none`)
    .addHelpText(
      'after',
      `
Rules (docs/watch.md): premium-destination, after-hours, failed-burst, concurrency-spike, volume-drift,
new-destination-long-call, sync-failing. They run after every sync and import on the new calls;
"alerts scan" runs them over history. One alert per rule and episode (a night, a burst, a day):
new calls of the episode join it. JSON fields: id, rule, severity, pbx, first_at, last_at, title,
sessions, calls, acknowledged, raised_at, mailed_at.

Examples:
  ucmcdr alerts
  ucmcdr alerts --all --since 2025-03-01 --format json
  ucmcdr alerts --check || notify-admin
  ucmcdr alerts ack 12 13
  ucmcdr alerts ack --all
  ucmcdr alerts scan --pbx office --from 2025-01-01`,
    )
    .action(async (o: { all?: boolean; since?: string; format: 'table' | 'json'; check?: boolean }) => {
      const ctx = context();
      await withStore(ctx, 'write', async (store) => {
        const list = store.alerts.list({ all: o.all === true && o.check !== true, since: o.since });
        if (o.check === true) {
          await writeText(ctx.io.stdout, list.map(checkLine).join(''));
          if (list.length > 0) throw new ExitStatus(OPEN_ALERTS_EXIT);
          return;
        }
        await writeText(ctx.io.stdout, o.format === 'json' ? `${JSON.stringify(list, null, 2)}\n` : alertsText(list, o.all === true));
      });
    });

  alerts
    .command('ack')
    .description('Acknowledge alerts (they leave the open list; "alerts --all" still shows them).')
    .argument('[ids...]', 'alert ids')
    .option('--all', 'every open alert')
    .action(async (ids: string[], o: { all?: boolean }, command: Command) => {
      const ctx = context();
      const all = o.all === true || fromAlerts<boolean>(command, 'all') === true;
      if (!all && ids.length === 0) throw new AppError('BAD_INPUT', 'Name the alerts to acknowledge (ucmcdr alerts ack 12 13) or give --all.');
      if (all && ids.length > 0) throw new AppError('BAD_INPUT', 'Give alert ids or --all, not both.');
      const parsed = ids.map(parseAlertId);
      await withStore(ctx, 'write', async (store) => {
        const changed = store.alerts.acknowledge(all ? 'all' : parsed);
        await writeText(ctx.io.stdout, `Acknowledged ${changed} alert${changed === 1 ? '' : 's'}.\n`);
      });
    });

  alerts
    .command('scan')
    .description('Run the alert rules over cached history (alerts already raised are joined, never doubled).')
    .option('--pbx <name>', 'only this PBX (repeatable)', (v: string, prev: string[] = []) => [...prev, v])
    .option('--from <time>', 'calls from (PBX wall clock)', parseDateBound)
    .option('--to <time>', 'calls up to, inclusive', parseDateBound)
    .action(async (o: { pbx?: string[]; from?: string; to?: string }) => {
      const ctx = context();
      await withStore(ctx, 'write', async (store) => {
        const pbxIds = (o.pbx ?? []).map((name) => requirePbx(store, name).id);
        const result = store.alerts.scan({ pbxIds, from: o.from, to: o.to });
        await writeText(
          ctx.io.stdout,
          `Scanned ${result.calls.toLocaleString('en-US')} calls: ${result.raised} new alert${result.raised === 1 ? '' : 's'}, ` +
            `${result.joined} calls joined alerts already raised.\n`,
        );
      });
    });

  alerts
    .command('rules')
    .description('Show the alert rules and their thresholds, or change them.')
    .option('--set <rule.key=value>', 'change one setting, e.g. failed-burst.calls=5 or after-hours.enabled=false (repeatable)', (v: string, prev: string[] = []) => [...prev, v])
    .addHelpText('after', '\n--format table|json (an option of "alerts", also written after "rules") chooses the output.')
    .action(async (o: { set?: string[] }, command: Command) => {
      const ctx = context();
      const format = fromAlerts<'table' | 'json'>(command, 'format') ?? 'table';
      await withStore(ctx, 'write', async (store) => {
        let rules = store.alerts.rules();
        if (o.set !== undefined) {
          const changes: Record<string, Record<string, unknown>> = {};
          for (const item of o.set) {
            const m = /^([a-z-]+)\.([a-z_]+)=(.*)$/.exec(item.trim());
            if (!m) throw new AppError('BAD_INPUT', `--set "${item}": write rule.key=value, e.g. failed-burst.calls=5.`);
            const [, rule, key, raw] = m as unknown as [string, string, string, string];
            const value = raw === 'true' ? true : raw === 'false' ? false : /^\d+(\.\d+)?$/.test(raw) ? Number(raw) : raw.split(',').map((p) => p.trim()).filter((p) => p !== '');
            changes[rule] = { ...(changes[rule] ?? {}), [key]: value };
          }
          rules = store.alerts.setRules(changes);
        }
        const text =
          format === 'json'
            ? `${JSON.stringify(rules, null, 2)}\n`
            : Object.entries(rules)
                .map(([rule, settings]) => `${rule}: ${Object.entries(settings as Record<string, unknown>).map(([k, v]) => `${k}=${Array.isArray(v) ? v.join(',') : String(v)}`).join('  ')}\n`)
                .join('');
        await writeText(ctx.io.stdout, text);
      });
    });
}
