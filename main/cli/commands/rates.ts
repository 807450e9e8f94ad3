import type { Command } from 'commander';
import type { PbxProfile } from '../../../preload/api.js';
import type { RateLookup, RatePlan, RateRowView } from '../../../preload/costs.js';
import { AppError, isAppError } from '../../errors.js';
import { assignPlan, importRateSheet, lookupRate, rerateCalls } from '../../rates/plans.js';
import type { SheetProblem } from '../../rates/sheet.js';
import type { Store } from '../../store/types.js';
import { type CliContext, withStore } from '../context.js';
import { renderTable } from '../format.js';
import { writeText } from '../io.js';
import { progressPrinter } from '../progress.js';
import { anyText, choice, parseExistingFile } from '../options.js';

const FORMATS = ['table', 'json'] as const;

/** `cc 44, national 0, international 00`, or `none`. */
export function dialPlanText(p: Pick<PbxProfile, 'country_code' | 'national_prefix' | 'international_prefix'>): string {
  if (p.country_code === '' && p.national_prefix === '' && p.international_prefix === '') return 'none (numbers are rated as dialled)';
  const part = (label: string, value: string) => `${label} ${value === '' ? '-' : value}`;
  return [part('country code', p.country_code), part('national prefix', p.national_prefix), part('international prefix', p.international_prefix)].join(', ');
}

/**
 * Brings every call's cost up to date after a change, in the foreground with progress on stderr.
 * Ctrl-C stops it between steps; what was rated stays, and the next change or `rates rerate` finishes.
 */
export async function rerateNow(ctx: CliContext, store: Store): Promise<void> {
  if (!store.rates.state().stale) return;
  const progress = progressPrinter(ctx.io);
  try {
    const result = await rerateCalls(store, {
      signal: ctx.io.signal,
      onProgress: (done, total) => progress.update(`Calculating call costs: ${total === 0 ? 100 : Math.floor((done / total) * 100)} %`),
    });
    progress.done();
    const unrated = result.state.unrated === 0 ? '' : `; ${result.state.unrated.toLocaleString('en-US')} billable calls match no prefix (unrated: ucmcdr calls --cost-status unrated)`;
    await writeText(ctx.io.stderr, `Costs up to date: ${result.changed.toLocaleString('en-US')} calls priced anew${unrated}.\n`);
  } catch (error) {
    progress.done();
    throw error;
  }
}

function scopeText(plan: RatePlan): string {
  const pbx = plan.pbx.length === 0 ? 'every PBX' : plan.pbx.join(', ');
  const trunks = plan.trunks.length === 0 ? 'every trunk' : plan.trunks.join(', ');
  return `${pbx} by ${trunks}`;
}

function plansText(plans: RatePlan[]): string {
  if (plans.length === 0) return 'No rate plans yet: import a carrier rate sheet with "ucmcdr rates import FILE --plan NAME".\n';
  return renderTable(
    [
      { header: 'PLAN', value: (p: RatePlan) => p.name, max: 30 },
      { header: 'CURRENCY', value: (p) => p.currency },
      { header: 'ROWS', value: (p) => p.row_count.toLocaleString('en-US'), align: 'right' },
      { header: 'APPLIES TO', value: (p) => scopeText(p), max: 60 },
      { header: 'FILE', value: (p) => p.file, max: 40 },
      { header: 'IMPORTED', value: (p) => p.imported_at.slice(0, 16).replace('T', ' ') },
    ],
    plans,
  );
}

function rowsText(rows: RateRowView[]): string {
  return renderTable(
    [
      { header: 'PREFIX', value: (r: RateRowView) => r.prefix },
      { header: 'DESTINATION', value: (r) => r.destination, max: 40 },
      { header: 'RATE/MIN', value: (r) => r.rate, align: 'right' },
      { header: 'CONNECT', value: (r) => r.connect, align: 'right' },
      { header: 'MIN (S)', value: (r) => String(r.minimum), align: 'right' },
      { header: 'INCR (S)', value: (r) => String(r.increment), align: 'right' },
      { header: 'FROM', value: (r) => r.effective ?? '' },
    ],
    rows,
  );
}

function lookupText(l: RateLookup): string {
  const lines = [`Number ${l.number} -> E.164 ${l.e164 === '' ? '(no digits)' : l.e164}`];
  if (l.plan !== null) lines.push(`Plan ${l.plan} (${l.currency})`);
  if (l.row === null) lines.push(l.reason);
  else {
    const r = l.row;
    lines.push(
      `Prefix ${r.prefix}${r.destination === '' ? '' : ` (${r.destination})`}: ${r.rate}/min, connect ${r.connect}, ` +
        `minimum ${r.minimum} s, increment ${r.increment} s${r.effective === null ? '' : `, from ${r.effective}`}`,
    );
  }
  return `${lines.join('\n')}\n`;
}

interface ScopeOptions {
  pbx?: string[];
  trunk?: string[];
}

const collect = (value: string, previous: string[] = []): string[] => [...previous, ...value.split(',').map(anyText).filter((v) => v !== '')];

export function registerRates(program: Command, context: () => CliContext): void {
  const rates = program
    .command('rates')
    .description('Rate plans: what calls cost, from carrier rate sheets (docs/costs.md).')
    .addHelpText(
      'after',
      `
A rate plan is a carrier's rate sheet (CSV: prefix, destination, rate per minute, connect fee,
minimum, increment, effective date; headers matched by the usual synonyms such as code, dial code,
price, per minute, setup, interval, valid from: see "rates import --help") applied to the calls of
some PBXs leaving by some destination trunks. Each answered call with talk time that leaves by a
trunk of a plan is priced by the longest prefix of its number (made E.164 by the PBX's dial plan:
ucmcdr pbx set NAME --country-code ...).
A change prices the cached calls again at once.

Examples:
  ucmcdr rates import carrier.csv --plan BT --currency GBP --pbx office --trunk "BT SIP"
  ucmcdr rates list
  ucmcdr rates show BT
  ucmcdr rates lookup 00441234567890 --pbx office --trunk "BT SIP"
  ucmcdr report costs --by destination --from 2025-03-01 --to 2025-03-31`,
    );

  rates
    .command('import')
    .description('Create or replace plan NAME from a rate sheet; a sheet with any bad line is refused whole.')
    .argument('<file>', 'the rate sheet (CSV with comma, semicolon or tab; UTF-8 or Windows-1252)', parseExistingFile)
    .requiredOption('--plan <name>', 'the plan to create or replace')
    .option('--currency <code>', 'ISO 4217 code, e.g. GBP (default: the replaced plan\'s, else USD)')
    .option('--pbx <name>', 'price calls of this PBX (repeatable; default every PBX, or the replaced plan\'s)', collect)
    .option('--trunk <name>', 'price calls leaving by this destination trunk (repeatable; default every trunk)', collect)
    .addHelpText(
      'after',
      `
Columns are found by their header (any case, spaces and punctuation ignored): prefix / code /
dial code; destination / description / country; rate / price / per minute; connect / connection
fee / setup; min / minimum; increment / interval / billing increment (also "60/60" or "30/6",
minimum/increment, in one column); from / effective / valid from (YYYY-MM-DD). Only prefix and
rate are required. Billed seconds = max(minimum, talk time rounded up to the increment); cost =
connect + rate x billed / 60, rounded half up to 4 decimals.

Examples:
  ucmcdr rates import carrier.csv --plan BT --currency GBP
  ucmcdr rates import mobile.csv --plan Mobile --currency EUR --pbx office --trunk GSM`,
    )
    .action(async (file: string, o: ScopeOptions & { plan: string; currency?: string }) => {
      const ctx = context();
      await withStore(ctx, 'write', async (store) => {
        const scope = o.pbx !== undefined || o.trunk !== undefined ? { pbx: o.pbx ?? [], trunks: o.trunk ?? [] } : undefined;
        let result: Awaited<ReturnType<typeof importRateSheet>>;
        try {
          result = await importRateSheet(store, file, { plan: o.plan, currency: o.currency, scope });
        } catch (error) {
          const problems = isAppError(error) ? (error.details?.['problems'] as SheetProblem[] | undefined) : undefined;
          if (problems === undefined || !isAppError(error)) throw error;
          // Every bad line, one per line, before the one-line error the CLI ends with.
          await writeText(ctx.io.stderr, problems.map((p) => `line ${p.line}: ${p.message}\n`).join(''));
          throw new AppError(error.code, `Rate sheet ${file} was refused whole (nothing changed): ${problems.length} bad line(s), listed above. Correct them and import it again.`, error.details);
        }
        const { plan, replaced } = result;
        await writeText(
          ctx.io.stdout,
          `${replaced ? 'Replaced' : 'Created'} plan ${plan.name}: ${plan.row_count.toLocaleString('en-US')} rows in ${plan.currency}, for ${scopeText(plan)}.\n`,
        );
        await rerateNow(ctx, store);
      });
    });

  rates
    .command('assign')
    .description('Change which PBXs and destination trunks a plan prices (its rows stay).')
    .argument('<plan>', 'the plan name')
    .option('--pbx <name>', 'price calls of this PBX (repeatable; none = every PBX)', collect)
    .option('--trunk <name>', 'price calls leaving by this trunk (repeatable; none = every trunk)', collect)
    .addHelpText('after', '\nExamples:\n  ucmcdr rates assign BT --pbx office --trunk "BT SIP"\n  ucmcdr rates assign BT   (every PBX, every trunk)')
    .action(async (name: string, o: ScopeOptions) => {
      const ctx = context();
      await withStore(ctx, 'write', async (store) => {
        const plan = assignPlan(store, name, { pbx: o.pbx ?? [], trunks: o.trunk ?? [] });
        await writeText(ctx.io.stdout, `Plan ${plan.name} now prices ${scopeText(plan)}.\n`);
        await rerateNow(ctx, store);
      });
    });

  rates
    .command('list')
    .description('List the rate plans: currency, rows, which PBXs and trunks each prices.')
    .option('--format <format>', 'table or json', choice(FORMATS), 'table')
    .action(async (o: { format: 'table' | 'json' }) => {
      const ctx = context();
      await withStore(ctx, 'write', async (store) => {
        const plans = store.rates.list();
        await writeText(ctx.io.stdout, o.format === 'json' ? `${JSON.stringify(plans, null, 2)}\n` : plansText(plans));
      });
    });

  rates
    .command('show')
    .description('Show a plan and its rows.')
    .argument('<plan>', 'the plan name')
    .option('--format <format>', 'table or json', choice(FORMATS), 'table')
    .action(async (name: string, o: { format: 'table' | 'json' }) => {
      const ctx = context();
      await withStore(ctx, 'write', async (store) => {
        const plan = store.rates.get(name);
        if (plan === null) throw new AppError('NOT_FOUND', `There is no rate plan named "${name}": see ucmcdr rates list.`, { plan: name });
        const text =
          o.format === 'json'
            ? `${JSON.stringify(plan, null, 2)}\n`
            : `Plan ${plan.name} (${plan.currency}) for ${scopeText(plan)}, from ${plan.file}\n${rowsText(plan.rows)}`;
        await writeText(ctx.io.stdout, text);
      });
    });

  rates
    .command('remove')
    .description('Remove a plan: the calls it priced become not billable (unless another plan applies).')
    .argument('<plan>', 'the plan name')
    .action(async (name: string) => {
      const ctx = context();
      await withStore(ctx, 'write', async (store) => {
        store.rates.remove(name);
        await writeText(ctx.io.stdout, `Removed plan ${name}.\n`);
        await rerateNow(ctx, store);
      });
    });

  rates
    .command('lookup')
    .description('Which plan, prefix and price would apply to a number dialled on a PBX.')
    .argument('<number>', 'the number as dialled')
    .requiredOption('--pbx <name>', 'the PBX it is dialled on (its dial plan applies)')
    .option('--trunk <name>', 'the destination trunk it leaves by')
    .option('--at <time>', 'PBX wall clock YYYY-MM-DD[THH:MM] (default now): which effective row applies')
    .option('--format <format>', 'table or json', choice(FORMATS), 'table')
    .action(async (number: string, o: { pbx: string; trunk?: string; at?: string; format: 'table' | 'json' }) => {
      const ctx = context();
      await withStore(ctx, 'write', async (store) => {
        const found = lookupRate(store, { number, pbx: o.pbx, trunk: o.trunk, at: o.at });
        await writeText(ctx.io.stdout, o.format === 'json' ? `${JSON.stringify(found, null, 2)}\n` : lookupText(found));
      });
    });

  rates
    .command('rerate')
    .description('Price every cached call again (after an interrupted re-rating).')
    .action(async () => {
      const ctx = context();
      await withStore(ctx, 'write', async (store) => {
        const before = store.rates.state();
        if (!before.stale) {
          await writeText(ctx.io.stdout, 'Costs are up to date.\n');
          return;
        }
        await rerateNow(ctx, store);
      });
    });
}
