import type { Command } from 'commander';
import type { ImportFileResult } from '../../../preload/api.js';
import { AppError } from '../../errors.js';
import type { ImportProgress } from '../../importers/index.js';
import { type CliContext, requirePbx, withStore } from '../context.js';
import { writeText } from '../io.js';
import { checkNewCalls } from './alerts.js';
import { choice, parseExistingFile, parseName } from '../options.js';
import { progressPrinter, progressText } from '../progress.js';

interface ImportOptions {
  pbx?: string;
  report?: string;
  dateOrder: 'auto' | 'mdy' | 'dmy';
}

/** Rejected rows listed on screen per file; --report holds them all. */
const SHOWN_REJECTS = 20;

/** The importer lists a bounded number of rejected rows and counts them all. */
function rejectedCount(result: ImportFileResult): number {
  return result.rejected_total ?? result.rejected.length;
}

/** Whether a file that failed had batches committed before (its counts tell what they stored). */
function stoppedPartWay(result: ImportFileResult): boolean {
  return result.error !== null && result.imported + result.already_present + result.merged > 0;
}

/**
 * A file's failure in the command line's words. A file whose dates read both ways is told which
 * --date-order to give (the window offers its own choice, with its own words).
 */
function failureText(result: ImportFileResult): string {
  const error = result.error;
  if (!error) return '';
  const details = error.details ?? {};
  if (details['date_order_ambiguous'] !== true || typeof details['example'] !== 'string') return error.message;
  const readings = details['readings'] as { mdy?: unknown; dmy?: unknown } | null | undefined;
  const both =
    typeof readings?.mdy === 'string' && typeof readings.dmy === 'string'
      ? `can be ${readings.mdy} (month first) or ${readings.dmy} (day first)`
      : 'can be read month first or day first';
  return (
    `${result.file}: dates such as "${details['example']}" ${both}, and nothing in the file decides: ` +
    'import it again with --date-order mdy or --date-order dmy.'
  );
}

export function fileSummary(result: ImportFileResult): string {
  if (result.error && !stoppedPartWay(result)) return `${result.file}: refused: ${failureText(result)}\n`;
  const rejected = rejectedCount(result);
  const counts =
    `${result.imported} imported, ${result.already_present} already present, ${result.merged} merged, ${rejected} rejected`;
  const lines = [
    result.error
      ? `${result.file} (${result.format}): stopped part-way after ${counts}: ${failureText(result)}`
      : `${result.file} (${result.format}): ${counts}`,
  ];
  for (const place of result.elsewhere) {
    lines.push(`  ${place.calls.toLocaleString('en-US')} already present in ${place.source}: merged there, not doubled`);
  }
  if (result.kept > 0) {
    lines.push(
      `  ${result.kept.toLocaleString('en-US')} values kept as they were: the file said otherwise (\`ucmcdr session ID --format json\` lists them as conflicts)`,
    );
  }
  if (result.spreadsheet_damage !== undefined) {
    lines.push(`  the file was re-saved by a spreadsheet (${result.spreadsheet_damage}): its rows changed no cached call`);
  }
  if (result.import_id !== null && !result.error) lines.push(`  import ${result.import_id} (\`ucmcdr imports undo ${result.import_id}\` takes it back)`);
  for (const row of result.rejected.slice(0, SHOWN_REJECTS)) lines.push(`  line ${row.line}: ${row.reason}`);
  if (rejected > SHOWN_REJECTS) {
    lines.push(`  ... and ${rejected - SHOWN_REJECTS} more (--report FILE writes them all)`);
  }
  return `${lines.join('\n')}\n`;
}

export function registerImport(program: Command, context: () => CliContext): void {
  program
    .command('import')
    .description('Import CDR files: cdrapi JSON/XML/CSV, UCM CDR page exports, GDMS cloud CSV or .zip.')
    .argument('<file...>', 'files to import (the format is recognised from the content)')
    .option('--pbx <name>', 'the PBX profile the calls belong to (default: the "Imported" source)', parseName)
    .option('--report <file>', 'write the rejected rows with their reasons to this CSV file')
    .option('--date-order <order>', 'day/month order of dates like 03/04/2021: auto, mdy or dmy', choice(['auto', 'mdy', 'dmy'] as const), 'auto')
    .addHelpText(
      'after',
      `
Re-importing a file changes nothing. Each call is looked for in every source first: a call already
cached (synced, or imported into another source) merges where it is, never doubled; new calls go to
--pbx (default: the "Imported" source). A merge fills what the cache lacks but replaces a stored value
only from a better source (sync > saved cdrapi file > UCM page/GDMS CSV > spreadsheet-damaged file);
values it does not take are kept aside and listed by "ucmcdr session ID --format json" (conflicts).
A row with a number in scientific notation (7.80160E+09: the file was saved by a spreadsheet) is
rejected with how to get the original; a file whose times lack seconds changes no cached call.
Every import is logged: "ucmcdr imports list" shows it, "ucmcdr imports undo ID" takes it back.
A file that is not CDR data is refused whole and nothing of it is written.
--date-order auto reads dates like 03/04/2021 as the file shows: a number over 12 is the day; else
AM/PM times mean month-first; else the reading under which the rows run in time order. A file that
leaves both readings open is refused: import it again with --date-order mdy or dmy.
A file that fails half-way (a full disk) is "stopped part-way": its earlier batches are kept whole,
and importing it again adds the rest. Each call keeps its file and import time (origin, imported_at).

Examples:
  ucmcdr import cdr-2023.csv cdr-2024.csv --pbx office
  ucmcdr import saved-cdrapi.json
  ucmcdr import gdms-export.zip --date-order dmy --report rejected.csv`,
    )
    .action(async (files: string[], o: ImportOptions) => {
      const ctx = context();
      const paths = files.map((file) => {
        try {
          return parseExistingFile(file);
        } catch {
          throw new AppError('BAD_INPUT', `Cannot import "${file}": no such file.`, { file });
        }
      });
      // A whole file written, then every new call read by the alert rules: through a memory map those
      // pages would count as the command's memory (1 GB at a million calls); read() keeps to the page cache.
      await withStore(ctx, 'write', async (store) => {
        if (o.pbx !== undefined) requirePbx(store, o.pbx);
        const { importFiles } = await import('../../importers/index.js');
        const progress = progressPrinter(ctx.io);
        const result = await importFiles(store, paths, {
          pbx: o.pbx,
          dateOrder: o.dateOrder,
          reportPath: o.report,
          signal: ctx.io.signal,
          onProgress: (p: ImportProgress) =>
            p.phase === 'indexing'
              ? progress.update(`${p.file}: ${p.rows.toLocaleString('en-US')} rows stored, rebuilding the search indexes`, true)
              : progress.update(progressText(`${p.file}: ${p.rows.toLocaleString('en-US')} rows`, p.rate, p.eta_seconds)),
        });
        progress.done();
        for (const file of result.files) await writeText(ctx.io.stdout, fileSummary(file));
        await checkNewCalls(ctx, store);
        const failed = result.files.filter((f) => f.error !== null);
        if (failed.length > 0) {
          const list = (files: ImportFileResult[]) => files.map((f) => `${f.file} (${failureText(f)})`).join('; ');
          const stopped = failed.filter(stoppedPartWay);
          const refused = failed.filter((f) => !stoppedPartWay(f));
          const parts: string[] = [];
          if (refused.length > 0) parts.push(`${refused.length} of ${result.files.length} files refused: ${list(refused)}`);
          if (stopped.length > 0) parts.push(`${stopped.length} of ${result.files.length} files stopped part-way: ${list(stopped)}`);
          const code = (stopped[0] ?? refused[0])?.error?.code ?? 'BAD_FILE';
          throw new AppError(code, parts.join('. '));
        }
      }, { mapBytes: 0 });
    });
}
