import { readFile, stat } from 'node:fs/promises';
import { basename } from 'node:path';
import type { ContactImportResult, ContactList, ContactListRequest, ContactRemoveRequest, ContactRemoveResult } from '../../preload/contacts.js';
import { AppError } from '../errors.js';
import { EVERY_PBX } from '../store/contacts.js';
import type { Store } from '../store/types.js';
import { parseContactSheet } from './sheet.js';

/**
 * The phonebook as the CLI and the app use it (README "Names for numbers"): contacts files read and
 * imported for one PBX or for every PBX, the list, removals. The store keeps it (main/store/contacts.ts).
 */

/** An address book of a whole company fits easily; anything bigger is not a contacts file. */
const MAX_FILE_BYTES = 20 * 1024 * 1024;
/** How many bad lines the message itself lists (details.problems holds all). */
const LISTED_PROBLEMS = 30;

/** The phonebook a PBX name means: that profile's, or (no name) the one of every PBX. */
function scopeOf(store: Store, pbx: string | undefined): number {
  if (pbx === undefined || pbx === '') return EVERY_PBX;
  const profile = store.profiles.getByName(pbx);
  if (profile === null) throw new AppError('NOT_FOUND', `There is no PBX named "${pbx}": see ucmcdr pbx list.`, { pbx });
  return profile.id;
}

/** Reads a contacts file and adds its contacts to a PBX's phonebook (or every PBX's), in one transaction. */
export async function importContactsFile(
  store: Store,
  file: string,
  options: { pbx?: string; replace?: boolean; fileName?: string } = {},
): Promise<ContactImportResult> {
  const name = options.fileName ?? basename(file);
  const scope = scopeOf(store, options.pbx);
  let size: number;
  try {
    size = (await stat(file)).size;
  } catch {
    throw new AppError('NOT_FOUND', `Contacts file "${name}" cannot be read: check the path.`, { file: name });
  }
  if (size > MAX_FILE_BYTES) {
    throw new AppError('BAD_FILE', `"${name}" is ${Math.round(size / 1024 / 1024)} MB: too big for a contacts file (at most 20 MB).`, { file: name });
  }
  const sheet = parseContactSheet(await readFile(file));
  if (!sheet.ok) {
    const listed = sheet.problems.slice(0, LISTED_PROBLEMS).map((p) => `  line ${p.line}: ${p.message}`);
    const more = sheet.problems.length > LISTED_PROBLEMS ? [`  ... and ${sheet.problems.length - LISTED_PROBLEMS} more`] : [];
    throw new AppError(
      'BAD_FILE',
      [`Contacts file "${name}" was refused whole (nothing changed): ${sheet.problems.length} bad line(s). Correct them and import it again.`, ...listed, ...more].join('\n'),
      { file: name, problems: sheet.problems },
    );
  }
  const counts = store.contacts.importContacts(scope, sheet.contacts, { replace: options.replace === true });
  return { pbx: scope === EVERY_PBX ? '' : (options.pbx ?? ''), ...counts, skipped: sheet.skipped, columns: sheet.columns };
}

export function listContacts(store: Store, request: ContactListRequest = {}): ContactList {
  const pbxId = request.pbx === undefined || request.pbx === '' ? null : scopeOf(store, request.pbx);
  return store.contacts.list({ pbxId, search: request.search, limit: request.limit });
}

/** Removes imported contacts: the numbers given, or all of them (`all`), of a PBX or of every PBX. */
export function removeContacts(store: Store, request: ContactRemoveRequest): ContactRemoveResult {
  const scope = scopeOf(store, request.pbx);
  const numbers = request.numbers ?? [];
  if (request.all === true && numbers.length > 0) throw new AppError('BAD_INPUT', 'Give numbers to remove, or all, not both.');
  if (request.all !== true && numbers.length === 0) throw new AppError('BAD_INPUT', 'Name the numbers to remove, or remove all imported contacts.');
  return { removed: store.contacts.removeImported(scope, request.all === true ? 'all' : numbers) };
}
