import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import iconv from 'iconv-lite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CallRow, Contact, SessionDetail } from '../../preload/api.js';
import { openStore } from '../../main/store/store.js';
import { flatCall } from '../support/calls.js';
import { tempDir } from '../support/fs.js';
import { seedCache } from './data.js';
import { cli } from './helpers.js';

/**
 * `ucmcdr contacts` and the names it gives the calls: import (synonyms, encodings, every PBX or one),
 * a refused file, list, remove; the names in `calls`, `session` and exports; --search by name.
 * The seeded cache: office's 1001 is Anna Müller and 1004 Emil, branch's 2001 Dora (learned from
 * their internal calls); 1002 has no name.
 */

const tmp = tempDir('ucmcdr-contacts-');
const db = join(tmp.dir, 'cache.sqlite');
const file = (name: string, content: string | Buffer): string => {
  const path = join(tmp.dir, name);
  writeFileSync(path, content);
  return path;
};

beforeAll(() => {
  seedCache(db);
  const store = openStore(db);
  try {
    const office = store.profiles.getByName('office')!.id;
    store.profiles.save({ id: office, name: 'office', url: 'https://192.0.2.10:8443', api: 'legacy', user: 'cdrapi', tz: 'UTC', model: 'UCM6208' });
    // In on the first analog line: its dst is the PBX's `s`.
    const analog = flatCall({ session: 'f', start: '2024-03-25 09:00:00', src: '01711401584', dst: 's', channel: 'DAHDI/1-1', userfield: 'Inbound', dstanswer: '1002' });
    store.calls.ingest(office, [analog], { origin: 'sync' });
  } finally {
    store.close();
  }
});
afterAll(() => tmp.cleanup());

async function ok(...args: string[]): Promise<{ stdout: string; stderr: string }> {
  const run = await cli(['--db', db, ...args]);
  expect(run.stderr).toBe('');
  expect(run.code).toBe(0);
  return run;
}

async function calls(...args: string[]): Promise<Map<string, CallRow>> {
  const rows = JSON.parse((await ok('calls', '--format', 'json', ...args)).stdout) as CallRow[];
  return new Map(rows.map((r) => [r.session, r]));
}

async function listed(...args: string[]): Promise<Contact[]> {
  return JSON.parse((await ok('contacts', 'list', '--format', 'json', ...args)).stdout) as Contact[];
}

describe('ucmcdr contacts', () => {
  const LEARNED: Contact[] = [
  { pbx: 'branch', number: '2001', name: 'Dora', source: 'learned', in_use: true },
  { pbx: 'office', number: '1001', name: 'Anna Müller', source: 'learned', in_use: true },
  { pbx: 'office', number: '1004', name: 'Emil', source: 'learned', in_use: true },
];

  it('starts with the names learned from the calls', async () => {
    expect(await listed()).toEqual(LEARNED);
    expect((await calls()).get('a')).toMatchObject({ src: '1001', dst: '1002', callee_name: '', answered_by_name: '' });
  });

  it('imports a semicolon file in Windows-1252 for one PBX, its columns found by their header synonyms', async () => {
    const path = file('staff.csv', iconv.encode('Display Name;Extension;Mobile\r\nBärbel Groß;1002;0171 555-1234\r\nRingroup Sales;6400;\r\nNo Phone;;\r\n', 'win1252'));
    const run = await ok('contacts', 'import', path, '--pbx', 'office');
    expect(run.stdout).toBe(
      `Contacts of ${path} for office: 3 added, 0 renamed, 0 unchanged (name from "Display Name", numbers from "Extension", "Mobile"). 1 line(s) without a number skipped.\n`,
    );
    const rows = await calls();
    expect(rows.get('a')).toMatchObject({ callee_name: 'Bärbel Groß', answered_by_name: 'Bärbel Groß' });
    expect(rows.get('b')).toMatchObject({ dst: '6400', callee_name: 'Ringroup Sales' });
    // The same number in another PBX is not named by office's phonebook.
    expect(rows.get('d')).toMatchObject({ dst: '2002', callee_name: '' });
    expect(await listed('--pbx', 'office')).toEqual([
      { pbx: 'office', number: '1001', name: 'Anna Müller', source: 'learned', in_use: true },
      { pbx: 'office', number: '1002', name: 'Bärbel Groß', source: 'imported', in_use: true },
      { pbx: 'office', number: '1004', name: 'Emil', source: 'learned', in_use: true },
      { pbx: 'office', number: '6400', name: 'Ringroup Sales', source: 'imported', in_use: true },
      { pbx: 'office', number: '01715551234', name: 'Bärbel Groß', source: 'imported', in_use: true },
    ]);
  });

  it('imports for every PBX without --pbx, below a PBX\'s own import', async () => {
    const path = file('everyone.csv', '\ufeffName,Phone\nDora Everyone,2002\nNot Bärbel,1002\n');
    const run = await ok('contacts', 'import', path);
    expect(run.stdout).toMatch(/^Contacts of .*everyone\.csv for every PBX: 2 added, 0 renamed, 0 unchanged \(name from "Name", numbers from "Phone"\)\.\n$/);
    const rows = await calls();
    expect(rows.get('d')).toMatchObject({ pbx: 'branch', callee_name: 'Dora Everyone' });
    expect(rows.get('a')).toMatchObject({ callee_name: 'Bärbel Groß' });
    const table = (await ok('contacts', 'list', '--search', 'dora')).stdout;
    expect(table).toMatch(/^PBX\s+NUMBER\s+NAME\s+SOURCE\s+IN USE\nevery PBX\s+2002\s+Dora Everyone\s+imported\s+yes\nbranch\s+2001\s+Dora\s+learned\s+yes\n\n2 contacts\.\n$/);
  });

  it('refuses a file with bad lines whole, listing every one, and changes nothing', async () => {
    const before = await listed();
    const path = file('bad.csv', 'Name,Phone\nGood,3001\n,3002\nBad,not a number\n');
    const run = await cli(['--db', db, 'contacts', 'import', path, '--pbx', 'office']);
    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr).toBe(
      'line 3: no name for 3002: write the contact\'s name, or remove the line\n' +
        'line 4: Phone "not a number" is not a phone number: write digits (a leading + and spaces, dashes, dots, slashes or brackets between them are fine)\n' +
        `ucmcdr: Contacts file ${path} was refused whole (nothing changed): 2 bad line(s), listed above. Correct them and import it again.\n`,
    );
    expect(await listed()).toEqual(before);
    const unknown = await cli(['--db', db, 'contacts', 'import', path, '--pbx', 'nowhere']);
    expect(unknown.stderr).toBe('ucmcdr: There is no PBX named "nowhere": see ucmcdr pbx list.\n');
  });

  it('shows the names in the calls table and the session, and the analog line for `s`', async () => {
    const table = (await ok('calls', '--pbx', 'office', '--sort', 'start')).stdout;
    const [header, ...lines] = table.split('\n');
    expect(header).toMatch(/^START\s+STATUS\s+FROM\s+NAME\s+TO\s+TO NAME\s+ANSWERED BY\s+ANSWERED BY NAME\s+ACTION/);
    expect(lines[0]).toMatch(/^2024-03-01 08:00:00\s+ANSWERED\s+1001\s+Anna Müller\s+1002\s+Bärbel Groß\s+1002\s+Bärbel Groß\s+/);
    expect(lines[1]).toMatch(/\s07911123456\s+Bob\s+6400\s+Ringroup Sales\s+/);
    expect(lines.find((l) => l.includes('01711401584'))).toMatch(/\s01711401584\s+analog line \(FXO port 1\)\s+1002\s+Bärbel Groß\s/);
    const session = (await ok('session', 'a')).stdout;
    expect(session).toMatch(/^Call {6}1001 "Anna Müller" -> 1002 "Bärbel Groß", answered by 1002 "Bärbel Groß"$/m);
    const analog = JSON.parse((await ok('session', 'f', '--format', 'json')).stdout) as SessionDetail;
    expect(analog.call).toMatchObject({ dst: 's', dst_line: 'analog line (FXO port 1)' });
    expect(analog.main.fields['dst']).toBe('s');
    expect((await ok('session', 'f')).stdout).toMatch(/^Call {6}01711401584 -> analog line \(FXO port 1\) \(dst s\), answered by 1002 "Bärbel Groß"$/m);
  });

  it('finds calls by the names of their numbers with --search', async () => {
    expect([...(await calls('--search', 'groß')).keys()].sort()).toEqual(['a', 'f']);
    expect([...(await calls('--search', 'ringroup')).keys()]).toEqual(['b']);
    expect([...(await calls('--search', 'everyone')).keys()]).toEqual(['d']);
  });

  it('exports the names as Callee Name and Answer By Name, which a re-import of the file ignores', async () => {
    const out = join(tmp.dir, 'named.csv');
    await ok('export', '--out', out, '--pbx', 'office', '--sort', 'start');
    const lines = readFileSync(out, 'utf8').split('\r\n');
    expect(lines[0]).toMatch(/,Rate Destination,Callee Name,Answer By Name$/);
    expect(lines[1]).toMatch(/^,a,.*,Bärbel Groß,Bärbel Groß$/);
    const json = join(tmp.dir, 'named.json');
    await ok('export', '--out', json, '--search', 'ringroup', '--fields', 'session,callee_number,callee_name,answer_by_name');
    expect(JSON.parse(readFileSync(json, 'utf8'))).toEqual([{ session: 'b', callee_number: '6400', callee_name: 'Ringroup Sales', answer_by_name: '' }]);

    const fresh = join(tmp.dir, 'fresh.sqlite');
    const run = await cli(['--db', fresh, 'import', out]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/named\.csv \(.+\): 5 imported, 0 already present, 0 merged, 0 rejected/);
    const detail = JSON.parse((await cli(['--db', fresh, 'session', 'a', '--format', 'json'])).stdout) as SessionDetail;
    const fields = Object.keys(detail.main.fields);
    expect(fields).toContain('dst');
    // An unknown column would be kept under its header text: these two are dropped like the cost columns.
    expect(fields.filter((f) => /callee ?name|answer ?by ?name/i.test(f))).toEqual([]);
  });

  it('removes imported contacts by number or all of a scope, never the learned ones', async () => {
    expect((await ok('contacts', 'remove', '0171-555 1234', '--pbx', 'office')).stdout).toBe('Removed 1 imported contact of office.\n');
    expect((await ok('contacts', 'remove', '--all', '--pbx', 'office')).stdout).toBe('Removed 2 imported contacts of office.\n');
    expect((await calls()).get('a')).toMatchObject({ callee_name: 'Not Bärbel' });
    expect((await ok('contacts', 'remove', '--all')).stdout).toBe('Removed 2 imported contacts of every PBX.\n');
    expect(await listed()).toEqual(LEARNED);
    const neither = await cli(['--db', db, 'contacts', 'remove']);
    expect(neither.stderr).toBe('ucmcdr: Name the numbers to remove, or remove all imported contacts.\n');
  });
});
