import type { Command } from 'commander';
import { reportTable, type ReportTable } from '../../../preload/report-tables.js';
import { REPORT_KINDS, type ReportKind, type ReportRequest } from '../../../preload/reports.js';
import { AppError } from '../../errors.js';
import { csvLine } from '../../export/csv.js';
import { openOutputFile } from '../../export/output-file.js';
import { type CliContext, withStore } from '../context.js';
import { addFilterOptions, filterFromOptions, type FilterOptionValues } from '../filters.js';
import { renderTable } from '../format.js';
import { writeText } from '../io.js';
import { choice, parseLimit } from '../options.js';

interface ReportOptions extends FilterOptionValues {
  format: 'table' | 'csv' | 'json' | 'html';
  out?: string;
  force?: boolean;
  by?: string;
  compare?: 'previous';
  of?: 'callers' | 'destinations';
  limit?: number;
  trunk?: string;
}

function tableText(table: ReportTable): string {
  const rows = table.totals ? [...table.rows, table.totals] : table.rows;
  const text = renderTable(
    table.columns.map((c) => ({
      header: c.label.toUpperCase(),
      value: (row: Record<string, string | number>) => {
        const value = row[c.key];
        return typeof value === 'number' ? value.toLocaleString('en-US') : (value ?? '');
      },
      align: c.numeric ? ('right' as const) : ('left' as const),
      max: 60,
    })),
    rows,
  );
  if (!table.totals) return text;
  // The totals line is the last one: set it apart from the rows above it.
  const lines = text.trimEnd().split('\n');
  const width = Math.max(...lines.map((l) => l.length));
  lines.splice(lines.length - 1, 0, '-'.repeat(width));
  return `${lines.join('\n')}\n`;
}

function csvText(table: ReportTable): string {
  const lines = [csvLine(table.columns.map((c) => c.key))];
  for (const row of table.rows) lines.push(csvLine(table.columns.map((c) => String(row[c.key] ?? ''))));
  return lines.join('');
}

export function registerReport(program: Command, context: () => CliContext): void {
  const command = program
    .command('report')
    .description('Answers instead of rows: summary, activity, heatmap, top numbers, extensions, trunks, groups, capacity, missed calls, call costs.')
    .argument('<kind>', REPORT_KINDS.join(', '), choice(REPORT_KINDS))
    .option('--format <format>', 'table, csv, json or html', choice(['table', 'csv', 'json', 'html'] as const), 'table')
    .option('--out <file>', 'write the report to this file (html is written to a file only)')
    .option('--force', 'replace the --out file if it exists')
    .option(
      '--by <bucket>',
      'activity: hour, day, week or month (default day); concurrency: day or hour (default day); costs: extension, trunk, account, destination, day or month (default extension)',
    )
    .option('--compare <period>', 'activity: "previous" adds the period of the same length before', choice(['previous'] as const))
    .option('--of <what>', 'top: callers or destinations (default callers)', choice(['callers', 'destinations'] as const))
    .option('--limit <n>', 'top: rows (default 10)', parseLimit)
    .option('--trunk <name>', 'concurrency: only calls using this trunk');
  addFilterOptions(command).addHelpText(
    'after',
    `
Every report is a report of the calls the filter options select (the same as "ucmcdr calls").
Hours, days and weeks are the PBX's wall clock. "answered" means a person answered (outcome
answered); "missed" is every other outcome (voicemail, unanswered, failed). docs/reports.md
defines every figure.

  summary       calls, answered, missed, talk, ASR, ACD, average wait, by direction
  activity      per hour/day/week/month, zero-filled; --compare previous adds the period before
  heatmap       weekday x hour
  top           --of callers|destinations [--limit N]
  extensions    per extension: outgoing, incoming, answered, missed, talk
  trunks        per trunk: inbound, outbound, answered, talk, peak concurrent calls
  groups        ring groups and queues: offered, answered, missed, answer rate, wait, who answered
  concurrency   peak concurrent calls overall and per day or hour [--trunk NAME]
  missed        inbound calls not answered whose number got no later answered call
  accounts      per account code
  costs         what rated calls cost --by extension|trunk|account|destination|day|month;
                unrated calls (no prefix matched) are counted apart (docs/costs.md)

Examples:
  ucmcdr report summary --from 2025-03-01 --to 2025-03-31
  ucmcdr report activity --by week --compare previous --from 2025-03-01 --to 2025-03-31
  ucmcdr report missed --pbx office --from 2025-03-03
  ucmcdr report top --of destinations --limit 20 --direction outbound --format csv
  ucmcdr report groups --format html --out groups.html
  ucmcdr report costs --by destination --from 2025-03-01 --to 2025-03-31`,
  );
  command.action(async (kind: ReportKind, o: ReportOptions) => {
    const ctx = context();
    if (o.format === 'html' && (o.out === undefined || o.out === '-')) {
      throw new AppError('BAD_INPUT', 'An HTML report is written to a file: add --out report.html.');
    }
    const request: ReportRequest = { kind, filter: filterFromOptions(o) };
    if (o.by !== undefined) request.by = o.by as ReportRequest['by'];
    if (o.compare !== undefined) request.compare = o.compare;
    if (o.of !== undefined) request.of = o.of;
    if (o.limit !== undefined) request.limit = o.limit;
    if (o.trunk !== undefined) request.trunk = o.trunk;
    await withStore(ctx, 'read', async (store) => {
      const report = store.reports.run(request);
      let text: string;
      if (o.format === 'json') text = `${JSON.stringify(report, null, 2)}\n`;
      else if (o.format === 'csv') text = csvText(reportTable(report));
      else if (o.format === 'table') text = tableText(reportTable(report));
      else {
        const { reportHtml } = await import('../../reports/html.js');
        const names = request.filter.pbx?.length ? request.filter.pbx : store.profiles.list().map((p) => p.name);
        text = await reportHtml(report, { request, pbxs: names, generatedAt: new Date().toISOString() });
      }
      if (o.out === undefined || o.out === '-') {
        await writeText(ctx.io.stdout, text);
        return;
      }
      const file = await openOutputFile(o.out, { overwrite: o.force === true });
      try {
        await writeText(file.stream, text);
        await file.commit();
      } catch (error) {
        await file.discard();
        throw error;
      }
      await writeText(ctx.io.stderr, `Wrote the ${kind} report to ${o.out} (${o.format}).\n`);
    });
  });
}
