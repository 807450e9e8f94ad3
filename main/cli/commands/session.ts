import { describeRoute } from '../../../preload/report-tables.js';
import type { Command } from 'commander';
import type { CallCost, LegView, SessionDetail } from '../../../preload/api.js';
import { type CliContext, requireSession, withStore } from '../context.js';
import { describeChannel, hms } from '../format.js';
import { writeText } from '../io.js';
import { choice, parseName } from '../options.js';

interface SessionOptions {
  pbx?: string;
  format: 'table' | 'json';
}

function recordText(title: string, leg: LegView): string {
  const keys = Object.keys(leg.fields);
  const keyWidth = Math.max(...keys.map((k) => k.length), 'dstchannel (decoded)'.length);
  const lines = [`${title}`];
  for (const key of keys) lines.push(`  ${key.padEnd(keyWidth)}  ${leg.fields[key]}`);
  const channel = describeChannel(leg.channel);
  const dstchannel = describeChannel(leg.dstchannel);
  if (channel) lines.push(`  ${'channel (decoded)'.padEnd(keyWidth)}  ${channel}`);
  if (dstchannel) lines.push(`  ${'dstchannel (decoded)'.padEnd(keyWidth)}  ${dstchannel}`);
  return `${lines.join('\n')}\n`;
}

/** `0.1234 GBP: plan BT, 442079460000 by prefix 4420 (London) at 0.0079/min + 0.015, 60/60 s, 120 s billed`. */
function costText(cost: CallCost): string {
  if (cost.status !== 'rated' || cost.row === null) return cost.reason;
  const r = cost.row;
  return (
    `${(cost.cost ?? 0).toFixed(4)} ${cost.currency}: plan ${cost.plan}, ${cost.e164} by prefix ${r.prefix}` +
    `${r.destination === '' ? '' : ` (${r.destination})`} at ${r.rate}/min + ${r.connect}, minimum ${r.minimum} s, ` +
    `increment ${r.increment} s, ${cost.billed_seconds} s billed`
  );
}

/** ` "Name"` after a number that has one. */
function named(name: string): string {
  return name ? ` "${name}"` : '';
}

export function sessionText(detail: SessionDetail): string {
  const c = detail.call;
  const summary = [
    `Session   ${c.session}`,
    `PBX       ${c.pbx}`,
    `Start     ${c.start.replace('T', ' ')} (${c.start_utc})`,
    `Call      ${c.src}${named(c.caller_name)} -> ${c.dst_line ? `${c.dst_line} (dst ${c.dst})` : c.dst}${named(c.callee_name)}` +
      `${c.answered_by ? `, answered by ${c.answered_by}${named(c.answered_by_name)}` : ''}`,
    `Status    ${c.disposition || '-'}, ${c.direction}, ${c.action_type || '-'}`,
    `Outcome   ${c.outcome}, route ${describeRoute(c.route) || '-'}`,
    `Duration  call ${hms(c.duration)}, talk ${hms(c.billsec)}`,
    `Trunks    ${c.src_trunk_name || '-'} -> ${c.dst_trunk_name || '-'}`,
    `Recording ${c.recordings.length > 0 ? c.recordings.join(', ') : '-'}`,
    `Legs      ${c.legs}`,
    `Origin    ${c.origin}${c.imported_at === null ? '' : `, imported ${c.imported_at}`}`,
    `Cost      ${costText(detail.cost)}`,
  ].join('\n');
  const parts = [`${summary}\n`, recordText('Main record (main)', detail.main)];
  if (detail.conflicts.length > 0) {
    // Values a delivery offered that the cache did not take: shown, never dropped (docs: README, import).
    const lines = detail.conflicts.map((x) => {
      const source = x.origin === 'sync' ? 'the PBX' : x.origin.replace(/^import:/, '');
      return `  ${x.field}${x.acct_id ? ` (AcctId ${x.acct_id})` : ''}: kept ${x.kept || '(empty)'}; ${source} said ${x.offered || '(empty)'}`;
    });
    parts.push(`Other values seen\n${lines.join('\n')}\n`);
  }
  detail.legs.forEach((leg, i) => {
    const title = `Leg ${i + 1} of ${detail.legs.length} (AcctId ${leg.acct_id})`;
    // A flat call (one record) is its own only leg: say so instead of printing it twice.
    const same = detail.legs.length === 1 && JSON.stringify(leg.fields) === JSON.stringify(detail.main.fields);
    parts.push(same ? `${title}: the main record above\n` : recordText(title, leg));
  });
  return parts.join('\n');
}

export function registerSession(program: Command, context: () => CliContext): void {
  program
    .command('session')
    .description('Show one call: its summary record and every leg, every field, decoded channels.')
    .argument('<session>', 'the call\'s session id, e.g. 1661157236570719-07917330699')
    .option('--pbx <name>', 'the PBX holding the session, when several do', parseName)
    .option('--format <format>', 'table or json', choice(['table', 'json'] as const), 'table')
    .addHelpText(
      'after',
      `
Examples:
  ucmcdr session 1661157236570719-07917330699
  ucmcdr session 1661157236570719-07917330699 --pbx office --format json`,
    )
    .action(async (session: string, o: SessionOptions) => {
      const ctx = context();
      await withStore(ctx, 'read', async (store) => {
        const detail = requireSession(store, session, o.pbx);
        await writeText(ctx.io.stdout, o.format === 'json' ? `${JSON.stringify(detail, null, 2)}\n` : sessionText(detail));
      });
    });
}
