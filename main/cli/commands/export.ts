import { existsSync, statSync } from 'node:fs';
import { dirname, extname, resolve } from 'node:path';
import type { Command } from 'commander';
import type { CallSort, ExportField, ExportFormat } from '../../../preload/api.js';
import { EXPORT_FIELDS, EXPORT_FORMATS } from '../../../preload/api.js';
import { AppError } from '../../errors.js';
import { exportCalls, validateExportFields } from '../../export/export.js';
import { openOutputFile } from '../../export/output-file.js';
import { type CliContext, withStore } from '../context.js';
import { addFilterOptions, filterFromOptions, type FilterOptionValues } from '../filters.js';
import { writeText } from '../io.js';
import { anyText, choice, listOf, parseSort, SORT_HELP } from '../options.js';

interface ExportOptions extends FilterOptionValues {
  out: string;
  fields?: string[];
  format?: ExportFormat;
  sort?: CallSort;
  bom?: boolean;
  force?: boolean;
}

function alreadyThere(out: string): AppError {
  return new AppError('BAD_INPUT', `--out ${out} already exists: add --force to replace it, or choose another file name.`, {
    path: out,
  });
}

/** The format named by --format, else by the --out file's extension, else CSV. */
function formatOf(o: ExportOptions): ExportFormat {
  if (o.format) return o.format;
  const ext = extname(o.out).toLowerCase().slice(1);
  return (EXPORT_FORMATS as readonly string[]).includes(ext) ? (ext as ExportFormat) : 'csv';
}

function checkOutPath(out: string, force: boolean): string {
  const path = resolve(out);
  if (!existsSync(dirname(path)) || !statSync(dirname(path)).isDirectory()) {
    throw new AppError('BAD_INPUT', `--out ${out}: the folder ${dirname(path)} does not exist; create it first.`);
  }
  if (existsSync(path) && statSync(path).isDirectory()) {
    throw new AppError('BAD_INPUT', `--out ${out} is a folder: give a file name such as calls.csv.`);
  }
  // Checked before the cache is opened, so the refusal is quick; openOutputFile checks again when it places the file.
  if (!force && existsSync(path)) throw alreadyThere(out);
  return path;
}

async function runExport(ctx: CliContext, o: ExportOptions): Promise<void> {
  const filter = filterFromOptions(o);
  const fields: ExportField[] = validateExportFields(o.fields);
  const format = formatOf(o);
  if (o.bom && format !== 'csv') {
    throw new AppError('BAD_INPUT', `--bom is for CSV files (Excel on Windows reads UTF-8 CSV with it), not ${format}.`);
  }
  const toStdout = o.out === '-';
  const force = o.force === true;
  const path = toStdout ? null : checkOutPath(o.out, force);
  const request = { filter, sort: o.sort, fields, format, bom: o.bom === true };
  await withStore(ctx, 'read', async (store) => {
    if (path === null) {
      await exportCalls(store, request, ctx.io.stdout, { signal: ctx.io.signal });
      return;
    }
    // Written beside --out and renamed when complete: a failed or cancelled export leaves no
    // half-written file that looks complete in a spreadsheet, and never truncates an existing one.
    const file = await openOutputFile(path, { overwrite: force, exists: () => alreadyThere(o.out) });
    try {
      const { rows } = await exportCalls(store, request, file.stream, { signal: ctx.io.signal });
      await file.commit();
      await writeText(ctx.io.stdout, `Exported ${rows} calls to ${path} (${format}).\n`);
    } catch (error) {
      await file.discard();
      throw error;
    }
  });
}

export function registerExport(program: Command, context: () => CliContext): void {
  const command = program
    .command('export')
    .description('Write the filtered calls to a CSV, JSON or Excel (xlsx) file, streamed (any number of calls).')
    .requiredOption('--out <file>', 'the file to write ("-" for standard output)')
    .option('--fields <list>', `columns, in order (default all): ${EXPORT_FIELDS.join(',')}`, listOf(anyText))
    .option(
      '--format <format>',
      `${EXPORT_FORMATS.join(', ')} (default: from the --out extension, else csv)`,
      choice(EXPORT_FORMATS),
    )
    .option('--bom', 'CSV: start with a UTF-8 byte-order mark, so Excel on Windows reads names like Müller right')
    .option('--force', 'replace the --out file if it exists (without it, an existing file is refused)')
    .option('--sort <field>', `sort by ${SORT_HELP} (default -start)`, parseSort);
  addFilterOptions(command)
    .addHelpText(
      'after',
      `
CSV columns carry the names of the UCM page's "Export File Data" list (Account Code, Session, ...,
NAT) plus PBX, Direction and Recordings. Cells starting with = + - @ that are not plain numbers get a
leading ' so spreadsheets do not run them as formulas (+4930123456 and -5 stay as they are).

xlsx has the same columns in a worksheet "Calls" (then "Calls 2", ... past 1,048,575 calls) with a
frozen header row and a filter. Numbers, sessions and names are text cells, so leading zeros and
long numbers stay intact; start, answer and end times are date cells in the PBX's wall clock; call
and talk time are numbers of seconds.

The file is written beside --out and put in place when complete; an existing file is refused unless
--force is given, and is left as it was when the export fails or is cancelled.

Examples:
  ucmcdr export --out march.csv --from 2024-03-01 --to 2024-03-31
  ucmcdr export --out march.xlsx --from 2024-03-01 --to 2024-03-31
  ucmcdr export --out march.csv --bom --force --from 2024-03-01 --to 2024-03-31
  ucmcdr export --out calls.json --direction inbound --status ANSWERED,BUSY
  ucmcdr export --out short.csv --fields start_time,caller_number,callee_number,talk_time,disposition`,
    )
    .action(async (o: ExportOptions) => runExport(context(), o));
}
