import type { Command } from 'commander';
import type { Contact, ContactImportResult } from '../../../preload/contacts.js';
import { importContactsFile, listContacts, removeContacts } from '../../contacts/contacts.js';
import { csvLine } from '../../export/csv.js';
import { AppError, isAppError } from '../../errors.js';
import type { SheetProblem } from '../../importers/sheet-file.js';
import { type CliContext, withStore } from '../context.js';
import { renderTable } from '../format.js';
import { writeText } from '../io.js';
import { choice, parseExistingFile, parseName } from '../options.js';

const FORMATS = ['table', 'csv', 'json'] as const;

const EVERY = 'every PBX';

function scopeText(pbx: string): string {
  return pbx === '' ? EVERY : pbx;
}

function importText(file: string, r: ContactImportResult): string {
  const parts = [`${r.added.toLocaleString('en-US')} added`, `${r.updated.toLocaleString('en-US')} renamed`, `${r.unchanged.toLocaleString('en-US')} unchanged`];
  if (r.removed > 0) parts.push(`${r.removed.toLocaleString('en-US')} earlier ones removed`);
  const skipped = r.skipped > 0 ? ` ${r.skipped.toLocaleString('en-US')} line(s) without a number skipped.` : '';
  return `Contacts of ${file} for ${scopeText(r.pbx)}: ${parts.join(', ')} (name from ${r.columns.name.map((c) => `"${c}"`).join(' + ')}, numbers from ${r.columns.numbers.map((c) => `"${c}"`).join(', ')}).${skipped}\n`;
}

function contactsTable(contacts: Contact[], total: number): string {
  if (total === 0) return 'No contacts: import a file with "ucmcdr contacts import FILE", or sync a PBX (names are learned from its calls).\n';
  const table = renderTable(
    [
      { header: 'PBX', value: (c: Contact) => scopeText(c.pbx), max: 20 },
      { header: 'NUMBER', value: (c) => c.number, max: Infinity },
      { header: 'NAME', value: (c) => c.name, max: 40 },
      { header: 'SOURCE', value: (c) => c.source },
      { header: 'IN USE', value: (c) => (c.in_use ? 'yes' : 'no: a higher source names it') },
    ],
    contacts,
  );
  return `${table}\n${total.toLocaleString('en-US')} contact${total === 1 ? '' : 's'}.\n`;
}

export function registerContacts(program: Command, context: () => CliContext): void {
  const contacts = program
    .command('contacts')
    .description('Names for numbers: the phonebook that names the callee and answering party of calls.')
    .addHelpText(
      'after',
      `
Each PBX has a phonebook, from three sources (the highest wins where several name one number):
  imported  contacts files you import ("contacts import"), for one PBX or for every PBX;
  api       the extension list of a UCM63xx, read at each sync where the API user may read it;
  learned   the caller name of each extension's latest internal call.
The call list, "calls", "session", exports (callee_name, answer_by_name) and the window show the
names beside the callee and answered-by numbers, and --search finds calls by them.
A contact written in international form (+44 20 7946 0000) also names the number as a PBX with a
dial plan dials it (020 7946 0000, 0044...: ucmcdr pbx set NAME --country-code ...).

Examples:
  ucmcdr contacts import staff.csv --pbx office
  ucmcdr contacts import customers.csv
  ucmcdr contacts list --pbx office
  ucmcdr contacts remove 02079460000 --pbx office`,
    );

  contacts
    .command('import')
    .description('Add the names and numbers of a contacts file to the phonebook of a PBX (or of every PBX).')
    .argument('<file>', 'the contacts file (CSV with comma, semicolon or tab; UTF-8 or Windows-1252)', parseExistingFile)
    .option('--pbx <name>', 'the PBX whose phonebook gets them (default: every PBX, present and future)', parseName)
    .option('--replace', 'drop the contacts imported earlier for the same PBX (or every PBX) first')
    .addHelpText(
      'after',
      `
Columns are found by their header (any case, spaces and punctuation ignored):
  name: name / full name / display name / contact / contact name, or first name + last name,
        or company when a line has no name;
  number: number / phone / phone number / telephone / tel / extension / ext / mobile / cell /
        business phone / work phone / home phone / direct dial (several number columns: each
        number gets the line's name).
Numbers keep digits, a leading + and * #; spaces, dashes, dots, slashes and brackets are dropped.
A file with any bad line (a number without a name, a number that is not one, a number given twice
with two names) is refused whole, every bad line listed; lines without a number are skipped.
A number imported before takes the file's name; --replace makes the file the whole imported list.
Imported names win over the PBX's own and learned ones. Without --pbx the contacts name the calls
of every PBX; a contact imported with --pbx wins over one imported for every PBX.

Examples:
  ucmcdr contacts import staff.csv --pbx office
  ucmcdr contacts import address-book.csv --replace`,
    )
    .action(async (file: string, o: { pbx?: string; replace?: boolean }) => {
      const ctx = context();
      await withStore(ctx, 'write', async (store) => {
        let result: ContactImportResult;
        try {
          result = await importContactsFile(store, file, { pbx: o.pbx, replace: o.replace === true });
        } catch (error) {
          const problems = isAppError(error) ? (error.details?.['problems'] as SheetProblem[] | undefined) : undefined;
          if (problems === undefined || !isAppError(error)) throw error;
          // Every bad line, one per line, before the one-line error the CLI ends with.
          await writeText(ctx.io.stderr, problems.map((p) => `line ${p.line}: ${p.message}\n`).join(''));
          throw new AppError(error.code, `Contacts file ${file} was refused whole (nothing changed): ${problems.length} bad line(s), listed above. Correct them and import it again.`, error.details);
        }
        await writeText(ctx.io.stdout, importText(file, result));
      });
    });

  contacts
    .command('list')
    .description('List the phonebook: every entry, or the names one PBX\'s calls show.')
    .option('--pbx <name>', 'the names this PBX\'s calls show, one per number (default: every entry of every PBX)', parseName)
    .option('--search <text>', 'only names or numbers holding this text')
    .option('--format <format>', 'table, csv or json', choice(FORMATS), 'table')
    .addHelpText(
      'after',
      `
Without --pbx every entry is listed, with the PBX it belongs to ("every PBX" for contacts imported
without --pbx), its source and whether the calls show it (IN USE "no": a higher source names the
same number). With --pbx each number once, with the name that PBX's calls show.

Examples:
  ucmcdr contacts list
  ucmcdr contacts list --pbx office --search müller
  ucmcdr contacts list --format csv > phonebook.csv`,
    )
    .action(async (o: { pbx?: string; search?: string; format: (typeof FORMATS)[number] }) => {
      const ctx = context();
      await withStore(ctx, 'read', async (store) => {
        const { contacts: list, total } = listContacts(store, { pbx: o.pbx, search: o.search });
        let text: string;
        if (o.format === 'json') text = `${JSON.stringify(list, null, 2)}\n`;
        else if (o.format === 'csv') {
          text = csvLine(['pbx', 'number', 'name', 'source', 'in_use']) + list.map((c) => csvLine([c.pbx, c.number, c.name, c.source, c.in_use ? 'yes' : 'no'])).join('');
        } else text = contactsTable(list, total);
        await writeText(ctx.io.stdout, text);
      });
    });

  contacts
    .command('remove')
    .description('Remove imported contacts (names learned or read from the PBX stay).')
    .argument('[numbers...]', 'the numbers to remove')
    .option('--pbx <name>', 'from this PBX\'s imported contacts (default: those imported for every PBX)', parseName)
    .option('--all', 'remove every imported contact of that PBX (or every one imported for every PBX)')
    .addHelpText(
      'after',
      `
Examples:
  ucmcdr contacts remove 02079460000 +442079460001 --pbx office
  ucmcdr contacts remove --all`,
    )
    .action(async (numbers: string[], o: { pbx?: string; all?: boolean }) => {
      const ctx = context();
      await withStore(ctx, 'write', async (store) => {
        const { removed } = removeContacts(store, { pbx: o.pbx, numbers, all: o.all === true });
        await writeText(ctx.io.stdout, `Removed ${removed.toLocaleString('en-US')} imported contact${removed === 1 ? '' : 's'} of ${scopeText(o.pbx ?? '')}.\n`);
      });
    });
}
