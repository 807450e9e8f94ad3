import type { Command } from 'commander';
import type { ImportEntry } from '../../../preload/api.js';
import { AppError } from '../../errors.js';
import { type CliContext, withStore } from '../context.js';
import { renderTable } from '../format.js';
import { writeText } from '../io.js';
import { choice } from '../options.js';

const STATE_TEXT: Record<ImportEntry['state'], string> = {
  running: 'running or interrupted',
  done: 'done',
  stopped: 'stopped part-way',
  undone: 'undone',
};

function listText(entries: ImportEntry[]): string {
  if (entries.length === 0) return 'No imports yet: import files with "ucmcdr import FILE...".\n';
  return renderTable(
    [
      { header: 'ID', value: (e: ImportEntry) => String(e.id), align: 'right' },
      { header: 'WHEN', value: (e) => e.when.slice(0, 16).replace('T', ' ') },
      { header: 'FILE', value: (e) => e.file, max: 40 },
      { header: 'SOURCE', value: (e) => e.source, max: 20 },
      { header: 'IMPORTED', value: (e) => String(e.imported), align: 'right' },
      { header: 'MERGED', value: (e) => String(e.merged), align: 'right' },
      { header: 'PRESENT', value: (e) => String(e.already_present), align: 'right' },
      { header: 'REJECTED', value: (e) => String(e.rejected), align: 'right' },
      { header: 'KEPT', value: (e) => String(e.kept), align: 'right' },
      { header: 'STATE', value: (e) => STATE_TEXT[e.state] },
    ],
    entries,
  );
}

function parseImportId(value: string): number {
  if (!/^\d+$/.test(value) || Number(value) <= 0 || !Number.isSafeInteger(Number(value))) {
    throw new AppError('BAD_INPUT', `"${value}" is not an import id: give the number \`ucmcdr imports list\` shows in its ID column.`);
  }
  return Number(value);
}

export function registerImports(program: Command, context: () => CliContext): void {
  const imports = program.command('imports').description('List past imports and undo one.');
  imports
    .command('list')
    .description('List imported files, newest first: id, when, file, source and what each did.')
    .option('--format <format>', 'table or json', choice(['table', 'json'] as const), 'table')
    .addHelpText(
      'after',
      `
JSON fields: id, file, format, source, when (ISO UTC), imported, already_present, merged, rejected,
kept (values kept as they were), elsewhere (calls found under another source), state
(running, done, stopped, undone; "running" after a killed import means it was interrupted).

Examples:
  ucmcdr imports list
  ucmcdr imports list --format json`,
    )
    .action(async (o: { format: 'table' | 'json' }) => {
      const ctx = context();
      await withStore(ctx, 'read', async (store) => {
        const entries = store.imports.list();
        await writeText(ctx.io.stdout, o.format === 'json' ? `${JSON.stringify(entries, null, 2)}\n` : listText(entries));
      });
    });
  imports
    .command('undo')
    .description('Undo an import: remove the calls it created and withdraw the values it filled into cached calls.')
    .argument('<id>', 'the import id (see "ucmcdr imports list")', parseImportId)
    .addHelpText(
      'after',
      `
Calls the import created are removed. Calls it merged into stay; the values it filled in are taken
back where nothing changed them since, and the conflicts it recorded are dropped. All of it happens
in one transaction: an interrupted undo leaves the cache as it was.

Examples:
  ucmcdr imports list
  ucmcdr imports undo 12`,
    )
    .action(async (id: number) => {
      const ctx = context();
      await withStore(ctx, 'write', async (store) => {
        const { entry, removed, restored } = store.imports.undo(id);
        await writeText(
          ctx.io.stdout,
          `Undid import ${entry.id} (${entry.file} into ${entry.source}): ${removed} calls removed, ${restored} calls restored.\n`,
        );
      });
    });
}
