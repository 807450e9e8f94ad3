import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { CONTACT_COLUMN_NAMES, parseContactSheet, type ContactLine } from '../../main/contacts/sheet.js';
import { describeSheetProblems, type SheetProblem } from '../../main/importers/sheet-file.js';

function read(text: string | Buffer) {
  const result = parseContactSheet(typeof text === 'string' ? Buffer.from(text, 'utf8') : text);
  if (!result.ok) throw new Error(`expected the file to be read, got:\n${describeSheetProblems(result.problems)}`);
  return result;
}

function contactsOf(text: string | Buffer): [string, string][] {
  return read(text).contacts.map((c: ContactLine) => [c.number, c.name]);
}

function problemsOf(text: string | Buffer): SheetProblem[] {
  const result = parseContactSheet(typeof text === 'string' ? Buffer.from(text, 'utf8') : text);
  if (result.ok) throw new Error(`expected the file to be refused, got ${result.contacts.length} contacts`);
  return result.problems;
}

describe('parseContactSheet', () => {
  it('reads a name and a number column, each line with its line number', () => {
    const result = read('Name,Number\nAnna Schmidt,1001\n"Müller, Jürgen",+49 (30) 123-45 67\n');
    expect(result.contacts).toEqual([
      { line: 2, number: '1001', name: 'Anna Schmidt' },
      { line: 3, number: '+49301234567', name: 'Müller, Jürgen' },
    ]);
    expect(result.columns).toEqual({ name: ['Name'], numbers: ['Number'] });
  });

  it.each([
    ['Full Name,Phone', ','],
    ['display name;Telephone', ';'],
    ['CONTACT\tExtension', '\t'],
    ['Contact Name,Tel', ','],
    ['full_name;phone-number', ';'],
  ])('recognises the header "%s" (any case, spaces and punctuation)', (header, delimiter) => {
    expect(contactsOf(`${header}\nAnna${delimiter}1001\n`)).toEqual([['1001', 'Anna']]);
  });

  it('lists every synonym it knows, so the help can name them', () => {
    expect(CONTACT_COLUMN_NAMES.name).toEqual(expect.arrayContaining(['name', 'full name', 'display name', 'contact']));
    expect(CONTACT_COLUMN_NAMES.number).toEqual(expect.arrayContaining(['number', 'phone', 'extension', 'tel']));
  });

  it('joins first and last names, falls back to the company, and gives every number column the line\'s name', () => {
    const result = read(
      'First Name,Last Name,Company,Business Phone,Mobile Phone\n' +
        'Anna,Schmidt,Acme,030 1234,0171 555\n' +
        ',,Plumber Ltd,0800 123,\n' +
        'Bob,,,,\n',
    );
    expect(result.contacts.map((c) => [c.line, c.number, c.name])).toEqual([
      [2, '0301234', 'Anna Schmidt'],
      [2, '0171555', 'Anna Schmidt'],
      [3, '0800123', 'Plumber Ltd'],
    ]);
    // Bob has no number: nothing to import, not an error.
    expect(result.skipped).toBe(1);
    expect(result.columns).toEqual({ name: ['First Name', 'Last Name', 'Company'], numbers: ['Business Phone', 'Mobile Phone'] });
  });

  it("reads Windows-1252 bytes (a spreadsheet's save) and UTF-8 with a BOM", () => {
    expect(contactsOf(iconv.encode('Name;Phone\r\nJürgen Müller;1003\r\nChloé;1004\r\n', 'win1252'))).toEqual([
      ['1003', 'Jürgen Müller'],
      ['1004', 'Chloé'],
    ]);
    expect(contactsOf(Buffer.from('\ufeffName,Phone\nZoë Ångström,1001\n', 'utf8'))).toEqual([['1001', 'Zoë Ångström']]);
  });

  it('takes the same name given twice for a number once, and keeps * and #', () => {
    expect(contactsOf('name,number\nVoicemail,*97\nVoicemail,*97\nDoor,#1\n')).toEqual([
      ['*97', 'Voicemail'],
      ['#1', 'Door'],
    ]);
  });

  it('refuses the whole file, listing every bad line with what to do', () => {
    const problems = problemsOf(
      'Name,Phone\n' +
        'Anna,1001\n' +
        ',1002\n' +
        'Bob,call me\n' +
        'Carl,4.93E+10\n' +
        'Dora,1001\n' +
        'Emil,1005,extra\n' +
        'Fritz,1006\n',
    );
    expect(problems.map((p) => p.line)).toEqual([3, 4, 5, 6, 7]);
    expect(problems[0]?.message).toMatch(/^no name for 1002: write the contact's name, or remove the line$/);
    expect(problems[1]?.message).toMatch(/^Phone "call me" is not a phone number: write digits/);
    expect(problems[2]?.message).toMatch(/^Phone "4\.93E\+10" is in scientific notation, which a spreadsheet writes/);
    expect(problems[3]?.message).toBe('number 1001 is already on line 2 as "Anna": keep one of the two names');
    expect(problems[4]?.message).toMatch(/^this line has 3 values but the header has 2 columns/);
  });

  it('refuses a file without a number or name column, naming the headers it found and the ones it wants', () => {
    const [noNumber] = problemsOf('Name,Email\nAnna,anna@example.com\n');
    expect(noNumber?.message).toMatch(/^no number column: the headers found are "Name", "Email"; name the number column one of "number", "phone"/);
    const [noName] = problemsOf('Phone,Email\n1001,anna@example.com\n');
    expect(noName?.message).toMatch(/^no name column: the headers found are "Phone", "Email"/);
    const [twice] = problemsOf('Name,Full Name,Phone\nA,B,1\n');
    expect(twice?.message).toMatch(/^the columns "Name", "Full Name" all mean the name/);
  });

  it('refuses an empty file and one without contacts', () => {
    expect(problemsOf('')[0]?.message).toMatch(/^the file is empty/);
    expect(problemsOf('Name,Phone\nAnna,\n')[0]?.message).toMatch(/^the file has a header but no contacts with a number/);
  });
});
