import { normalizeHeaderName } from '../importers/header-map.js';
import { DELIMITER_NAMES, listNames, readSheet, valuesPastHeader, type SheetProblem } from '../importers/sheet-file.js';
import { contactNumber } from '../store/contacts.js';

/**
 * The contacts file parser: a list of names and numbers saved from a spreadsheet, an address book or a
 * phone system (CSV), read as main/importers/sheet-file.ts reads small tables (UTF-8 with or without
 * BOM, UTF-16 with a BOM or Windows-1252; comma, semicolon or tab). Like a rate sheet it is taken whole
 * or not at all: any bad line refuses the file, with every bad line listed.
 *
 * Columns are found by their header (case, spaces and punctuation ignored):
 * - the name: one of CONTACT_COLUMN_NAMES.name; or, without one, first and last name columns joined
 *   (`First Name` + `Last Name`, as address books export them); a company column names a line whose
 *   name cells are empty;
 * - the numbers: every column whose header is one of CONTACT_COLUMN_NAMES.number (`Phone`, `Mobile`,
 *   `Business Phone`...): each non-empty cell is a number of that line's name.
 *
 * A number is written with digits, a leading `+` and the separators people use (`+49 (30) 123-45`,
 * `030/12345`), and `*` or `#`; it is kept without the separators. A line whose number cells are all
 * empty is skipped (an address book entry without a phone); a number without a name, a number that is
 * not one (letters, scientific notation from a spreadsheet) or a number given twice with two names is
 * a bad line.
 */

export type ContactField = 'name' | 'first' | 'last' | 'company' | 'number';

/** Header names each column is recognised by. */
export const CONTACT_COLUMN_NAMES: Readonly<Record<ContactField, readonly string[]>> = Object.freeze({
  name: ['name', 'full name', 'fullname', 'display name', 'contact', 'contact name', 'caller id name', 'callerid name'],
  first: ['first name', 'firstname', 'given name', 'forename'],
  last: ['last name', 'lastname', 'family name', 'surname'],
  company: ['company', 'organization', 'organisation', 'company name'],
  number: [
    'number',
    'phone',
    'phone number',
    'telephone',
    'telephone number',
    'tel',
    'extension',
    'ext',
    'mobile',
    'mobile phone',
    'mobile number',
    'cell',
    'cell phone',
    'business phone',
    'work phone',
    'home phone',
    'office phone',
    'direct dial',
    'did',
  ],
});

const FIELD_BY_NAME = new Map<string, ContactField>();
for (const field of Object.keys(CONTACT_COLUMN_NAMES) as ContactField[]) {
  for (const name of CONTACT_COLUMN_NAMES[field]) FIELD_BY_NAME.set(normalizeHeaderName(name), field);
}

/** The longest number kept (E.164 allows 15 digits; extensions, feature codes and prefixes are shorter). */
const MAX_NUMBER_LENGTH = 32;
const MAX_NAME_LENGTH = 200;
const NUMBER = /^\+?[0-9*#]+$/;

export interface ContactLine {
  /** 1-based line in the file (the header is the first non-blank line). */
  line: number;
  number: string;
  name: string;
}

export type ContactSheetResult =
  | { ok: true; contacts: ContactLine[]; skipped: number; columns: { name: string[]; numbers: string[] } }
  | { ok: false; problems: SheetProblem[] };

interface Columns {
  /** Name columns in the order a line's name is taken from: the name, else first + last, else the company. */
  name: number | null;
  first: number | null;
  last: number | null;
  company: number | null;
  numbers: number[];
  written: { name: string[]; numbers: string[] };
}

function planColumns(headers: readonly string[]): { columns: Columns } | { problems: string[] } {
  const found = new Map<ContactField, number[]>();
  headers.forEach((header, index) => {
    const field = FIELD_BY_NAME.get(normalizeHeaderName(header));
    if (field !== undefined) found.set(field, [...(found.get(field) ?? []), index]);
  });
  const seen = headers.filter((header) => header.trim() !== '');
  const shown = seen.length > 0 ? listNames(seen) : 'none';
  const problems: string[] = [];
  if (!found.has('number')) {
    problems.push(`no number column: the headers found are ${shown}; name the number column one of ${listNames(CONTACT_COLUMN_NAMES.number)} (case, spaces and punctuation do not matter)`);
  }
  if (!found.has('name') && !found.has('first') && !found.has('last') && !found.has('company')) {
    problems.push(
      `no name column: the headers found are ${shown}; name the name column one of ${listNames(CONTACT_COLUMN_NAMES.name)} (or give first name and last name columns)`,
    );
  }
  for (const field of ['name', 'first', 'last', 'company'] as const) {
    const indexes = found.get(field) ?? [];
    if (indexes.length > 1) {
      problems.push(`the columns ${listNames(indexes.map((index) => headers[index] ?? ''))} all mean the ${field === 'name' ? 'name' : `${field} name`}: keep one of them and rename or delete the others`);
    }
  }
  if (problems.length > 0) return { problems };
  const one = (field: ContactField): number | null => found.get(field)?.[0] ?? null;
  const numbers = found.get('number') ?? [];
  const nameColumns = [one('name'), one('first'), one('last'), one('company')].filter((index): index is number => index !== null);
  return {
    columns: {
      name: one('name'),
      first: one('first'),
      last: one('last'),
      company: one('company'),
      numbers,
      written: { name: nameColumns.map((index) => headers[index] ?? ''), numbers: numbers.map((index) => headers[index] ?? '') },
    },
  };
}

/** A line's name: its name cell, else its first and last names joined, else its company. */
function nameOf(fields: readonly string[], columns: Columns): string {
  const cell = (index: number | null): string => (index === null ? '' : (fields[index] ?? '').trim());
  const whole = cell(columns.name);
  if (whole !== '') return whole;
  const joined = [cell(columns.first), cell(columns.last)].filter((part) => part !== '').join(' ');
  return joined !== '' ? joined : cell(columns.company);
}

function readNumber(text: string, header: string): { number: string } | { problem: string } {
  const written = text.trim();
  const label = `${header} "${written}"`;
  if (/^\+?\d+(?:[.,]\d+)?e\+?\d+$/i.test(written)) {
    return { problem: `${label} is in scientific notation, which a spreadsheet writes when it takes a number for a quantity: format the column as text and save the file again` };
  }
  const number = contactNumber(written);
  if (!NUMBER.test(number)) return { problem: `${label} is not a phone number: write digits (a leading + and spaces, dashes, dots, slashes or brackets between them are fine)` };
  if (number.length > MAX_NUMBER_LENGTH) return { problem: `${label} is longer than ${MAX_NUMBER_LENGTH} digits` };
  return { number };
}

/** Reads a contacts file; see the module comment for what it accepts. */
export function parseContactSheet(bytes: Buffer): ContactSheetResult {
  const { delimiter, records } = readSheet(bytes);
  const header = records[0];
  if (header === undefined) {
    return { ok: false, problems: [{ line: 1, message: 'the file is empty: a contacts file has a header line (name, number...) and one line per contact' }] };
  }
  if (header.fields === null) return { ok: false, problems: [{ line: header.line, message: header.error ?? 'the header cannot be read' }] };
  const planned = planColumns(header.fields);
  if ('problems' in planned) return { ok: false, problems: planned.problems.map((message) => ({ line: header.line, message })) };
  const { columns } = planned;
  const headerCount = header.fields.length;

  const contacts: ContactLine[] = [];
  const problems: SheetProblem[] = [];
  const byNumber = new Map<string, ContactLine>();
  let skipped = 0;
  for (const record of records.slice(1)) {
    const { line, fields } = record;
    if (fields === null) {
      problems.push({ line, message: record.error ?? 'this line cannot be read' });
      continue;
    }
    const lineProblems: string[] = [];
    const used = valuesPastHeader(fields, headerCount);
    if (used > 0) {
      lineProblems.push(`this line has ${used} values but the header has ${headerCount} columns: quote values that contain a ${DELIMITER_NAMES[delimiter]}`);
    }
    const name = nameOf(fields, columns);
    const numbers: string[] = [];
    for (const index of columns.numbers) {
      const cell = (fields[index] ?? '').trim();
      if (cell === '') continue;
      const read = readNumber(cell, header.fields[index] ?? 'number');
      if ('problem' in read) lineProblems.push(read.problem);
      else if (!numbers.includes(read.number)) numbers.push(read.number);
    }
    if (lineProblems.length === 0 && numbers.length === 0) {
      skipped++;
      continue;
    }
    if (name === '') lineProblems.push(`no name for ${numbers.length > 0 ? numbers.join(', ') : 'this line'}: write the contact's name, or remove the line`);
    else if (name.length > MAX_NAME_LENGTH) lineProblems.push(`the name is longer than ${MAX_NAME_LENGTH} characters`);
    const read: ContactLine[] = [];
    if (lineProblems.length === 0) {
      for (const number of numbers) {
        const earlier = byNumber.get(number);
        if (earlier === undefined) read.push({ line, number, name });
        else if (earlier.name !== name) {
          lineProblems.push(`number ${number} is already on line ${earlier.line} as "${earlier.name}": keep one of the two names`);
        }
      }
    }
    if (lineProblems.length > 0) {
      problems.push({ line, message: lineProblems.join('; ') });
      continue;
    }
    for (const contact of read) {
      byNumber.set(contact.number, contact);
      contacts.push(contact);
    }
  }
  if (problems.length > 0) return { ok: false, problems };
  if (contacts.length === 0) {
    return { ok: false, problems: [{ line: header.line, message: 'the file has a header but no contacts with a number: add one line per contact under the header' }] };
  }
  return { ok: true, contacts, skipped, columns: columns.written };
}
