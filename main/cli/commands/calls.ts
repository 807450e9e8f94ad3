import type { Command } from 'commander';
import type { CallFilter, CallRow, CallSort } from '../../../preload/api.js';
import type { Store } from '../../store/types.js';
import { encodeRoute } from '../../cdr/outcome.js';
import { csvLine } from '../../export/csv.js';
import { type CliContext, withStore } from '../context.js';
import { addFilterOptions, filterFromOptions, type FilterOptionValues } from '../filters.js';
import { CALL_COLUMNS, hms, renderTable } from '../format.js';
import { writeText } from '../io.js';
import { choice, parseLimit, parseOffset, parseSort, SORT_HELP } from '../options.js';

interface CallsOptions extends FilterOptionValues {
  sort?: CallSort;
  limit: number;
  offset: number;
  format: 'table' | 'csv' | 'json';
}

/** The store pages by keyset; this is its largest page. */
const PAGE = 1000;

/** Every CallRow field, in the order of the CSV columns. */
const ROW_FIELDS = [
  'id',
  'session',
  'pbx',
  'start',
  'start_utc',
  'answer',
  'end',
  'src',
  'dst',
  'caller_name',
  'clid',
  'answered_by',
  'disposition',
  'direction',
  'action_type',
  'action_kind',
  'action_target',
  'duration',
  'billsec',
  'src_trunk_name',
  'dst_trunk_name',
  'account_code',
  'recordings',
  'legs',
  'nat',
  'origin',
  'imported_at',
  'outcome',
  'route',
  'cost',
  'cost_status',
  'cost_currency',
  'rate_destination',
  'dst_line',
  'callee_name',
  'answered_by_name',
] as const satisfies readonly (keyof CallRow)[];

function csvCellText(field: (typeof ROW_FIELDS)[number], row: CallRow): string {
  if (field === 'route') return encodeRoute(row.route);
  const value = row[field];
  if (value === null) return '';
  if (Array.isArray(value)) return value.map((v) => `${v}@`).join('');
  return String(value);
}

/**
 * The calls after the first `offset` ones, at most `limit`, page by page. The store paginates by
 * keyset cursor, so an offset is reached by walking the cursors (skipped pages are read, not kept).
 */
export function* walkCalls(store: Store, filter: CallFilter, sort: CallSort | undefined, offset: number, limit: number) {
  let cursor: string | null = null;
  let toSkip = offset;
  let toTake = limit;
  while (toTake > 0) {
    const size = Math.min(PAGE, toSkip > 0 ? toSkip : toTake);
    const page = store.calls.page({ filter, sort, limit: size, cursor });
    if (toSkip > 0) toSkip -= page.rows.length;
    else {
      toTake -= page.rows.length;
      yield page.rows;
    }
    cursor = page.next_cursor;
    if (cursor === null || page.rows.length === 0) return;
  }
}

async function printCalls(ctx: CliContext, o: CallsOptions): Promise<void> {
  const filter = filterFromOptions(o);
  const out = ctx.io.stdout;
  await withStore(ctx, 'read', async (store) => {
    const pages = walkCalls(store, filter, o.sort, o.offset, o.limit);
    if (o.format === 'json') {
      let first = true;
      await writeText(out, '[');
      for (const rows of pages) {
        for (const row of rows) {
          await writeText(out, `${first ? '\n' : ',\n'}${JSON.stringify(row)}`);
          first = false;
        }
      }
      await writeText(out, first ? ']\n' : '\n]\n');
      return;
    }
    if (o.format === 'csv') {
      await writeText(out, csvLine(ROW_FIELDS));
      for (const rows of pages) {
        await writeText(out, rows.map((row) => csvLine(ROW_FIELDS.map((f) => csvCellText(f, row)))).join(''));
      }
      return;
    }
    const shown: CallRow[] = [];
    for (const rows of pages) shown.push(...rows);
    const totals = store.calls.totals(filter);
    const matching = `${totals.count} call${totals.count === 1 ? '' : 's'}`;
    const talk = `total talk time ${hms(totals.talk_seconds)}`;
    if (totals.count === 0) await writeText(out, 'No calls match.\n');
    else if (shown.length === 0) await writeText(out, `No calls after --offset ${o.offset}: ${matching} match; ${talk}.\n`);
    else {
      await writeText(out, renderTable(CALL_COLUMNS, shown));
      await writeText(out, `\nShowing ${o.offset + 1}-${o.offset + shown.length} of ${matching}; ${talk}.\n`);
    }
  });
}

export function registerCalls(program: Command, context: () => CliContext): void {
  const command = program
    .command('calls')
    .description('List cached calls, filtered and sorted (newest first by default).')
    .option('--sort <field>', `sort by ${SORT_HELP} (default -start)`, parseSort)
    .option('--limit <n>', 'how many calls to show', parseLimit, 100)
    .option('--offset <n>', 'skip this many calls first', parseOffset, 0)
    .option('--format <format>', 'table, csv or json', choice(['table', 'csv', 'json'] as const), 'table');
  addFilterOptions(command)
    .addHelpText(
      'after',
      `
--from/--to take ISO dates (2024-03-01, 2024-03-01T08:00) or slashed ones that read one way only
(25/10/2026); a date such as 9/10/2026 needs --date-order mdy (Sep 10) or dmy (9 Oct).

Examples:
  ucmcdr calls --from 2024-03-01 --to 2024-03-31 --status "NO ANSWER"
  ucmcdr calls --from 9/10/2026 --date-order dmy
  ucmcdr calls --caller 3XXX --direction inbound,internal --min-talk 1:00 --sort -talk
  ucmcdr calls --pbx office --has-recording --format json --limit 500 --offset 500
  ucmcdr calls --search "Müller" --format csv > calls.csv`,
    )
    .action(async (options: CallsOptions) => printCalls(context(), options));
}
