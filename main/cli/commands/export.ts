import { createWriteStream, existsSync, rmSync, statSync } from 'node:fs';
import { dirname, extname, resolve } from 'node:path';
import { finished } from 'node:stream/promises';
import type { Command } from 'commander';
import type { CallSort, ExportField } from '../../../preload/api.js';
import { EXPORT_FIELDS } from '../../../preload/api.js';
import { AppError } from '../../errors.js';
import { exportCalls, validateExportFields } from '../../export/export.js';
import { type CliContext, withStore } from '../context.js';
import { addFilterOptions, filterFromOptions, type FilterOptionValues } from '../filters.js';
import { writeText } from '../io.js';
import { anyText, choice, listOf, parseSort } from '../options.js';

interface ExportOptions extends FilterOptionValues {
  out: string;
  fields?: string[];
  format?: 'csv' | 'json';
  sort?: CallSort;
}

function checkOutPath(out: string): string {
  const path = resolve(out);
  if (!existsSync(dirname(path)) || !statSync(dirname(path)).isDirectory()) {
    throw new AppError('BAD_INPUT', `--out ${out}: the folder ${dirname(path)} does not exist; create it first.`);
  }
  if (existsSync(path) && statSync(path).isDirectory()) {
    throw new AppError('BAD_INPUT', `--out ${out} is a folder: give a file name such as calls.csv.`);
  }
  return path;
}

async function runExport(ctx: CliContext, o: ExportOptions): Promise<void> {
  const filter = filterFromOptions(o);
  const fields: ExportField[] = validateExportFields(o.fields);
  const format = o.format ?? (extname(o.out).toLowerCase() === '.json' ? 'json' : 'csv');
  const toStdout = o.out === '-';
  const path = toStdout ? null : checkOutPath(o.out);
  await withStore(ctx, 'read', async (store) => {
    const out = path === null ? ctx.io.stdout : createWriteStream(path);
    try {
      const { rows } = await exportCalls(store, { filter, sort: o.sort, fields, format }, out, { signal: ctx.io.signal });
      if (path !== null) {
        out.end();
        await finished(out);
        await writeText(ctx.io.stdout, `Exported ${rows} calls to ${path} (${format}).\n`);
      }
    } catch (error) {
      // A half-written export looks complete in a spreadsheet: remove it.
      if (path !== null) {
        (out as ReturnType<typeof createWriteStream>).destroy();
        rmSync(path, { force: true });
      }
      throw error;
    }
  });
}

export function registerExport(program: Command, context: () => CliContext): void {
  const command = program
    .command('export')
    .description('Write the filtered calls to a CSV or JSON file, streamed (any number of calls).')
    .requiredOption('--out <file>', 'the file to write ("-" for standard output)')
    .option('--fields <list>', `columns, in order (default all): ${EXPORT_FIELDS.join(',')}`, listOf(anyText))
    .option('--format <format>', 'csv or json (default: from the --out extension, else csv)', choice(['csv', 'json'] as const))
    .option('--sort <field>', 'sort by a column; prefix "-" for descending (default -start)', parseSort);
  addFilterOptions(command)
    .addHelpText(
      'after',
      `
CSV columns carry the names of the UCM page's "Export File Data" list (Account Code, Session, ...,
NAT) plus PBX, Direction and Recordings. Cells starting with = + - @ that are not plain numbers get a
leading ' so spreadsheets do not run them as formulas (+4930123456 and -5 stay as they are).

Examples:
  ucmcdr export --out march.csv --from 2024-03-01 --to 2024-03-31
  ucmcdr export --out calls.json --direction inbound --status ANSWERED,BUSY
  ucmcdr export --out short.csv --fields start_time,caller_number,callee_number,talk_time,disposition`,
    )
    .action(async (o: ExportOptions) => runExport(context(), o));
}
