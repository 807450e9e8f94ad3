import Database from 'better-sqlite3';
import { describe, expect } from 'vitest';
import type { CallFilter, CallRow } from '../../preload/api.js';
import { EVERY_PBX } from '../../main/store/contacts.js';
import { openStore } from '../../main/store/store.js';
import type { Store } from '../../main/store/types.js';
import { flatCall, type CallSpec } from '../support/calls.js';
import { test } from '../support/fixtures.js';

/**
 * Names for numbers (issue 15): each PBX's phonebook, learned from the calls, read from the PBX,
 * imported; the names of callees and answering parties on every reading of a call; the search that
 * finds calls by them; the analog line an analog call came in on.
 */

/** Two PBXs and their calls, set up for every test: office with a UK dial plan and an analog line, branch without. */
const it = test
  .extend('pbxs', { auto: true }, ({ store }) => {
  const office = store.profiles.save({
    name: 'office',
    url: 'https://192.0.2.10:8443',
    api: 'auto',
    user: 'cdrapi',
    tz: 'UTC',
    model: 'UCM6208',
    country_code: '44',
    national_prefix: '0',
    international_prefix: '00',
  }).id;
  const branch = store.profiles.save({ name: 'branch', url: 'https://192.0.2.20:8443', api: 'auto', user: 'cdrapi', tz: 'UTC' }).id;
  const at = (day: number): string => `2024-03-${String(day).padStart(2, '0')} 08:00:00`;
  const office_calls: CallSpec[] = [
    { session: 's1', start: at(1), src: '1001', dst: '1002', caller_name: 'Anna Old' },
    { session: 's2', start: at(2), src: '1001', dst: '1003', caller_name: 'Anna Schmidt' },
    { session: 's3', start: at(3), src: '1002', dst: '1001', caller_name: 'Bernd Bauer' },
    // An outbound route that sends the company's name: not the extension's.
    { session: 's4', start: at(4), src: '1003', dst: '02079460000', caller_name: 'Acme Ltd', userfield: 'Outbound', dst_trunk_name: 'BT' },
    { session: 's5', start: at(5), src: '07911123456', dst: '1002', caller_name: 'A Caller', userfield: 'Inbound', src_trunk_name: 'Daisy' },
    // In on the first analog line: the PBX writes `s` as the destination.
    { session: 's7', start: at(7), src: '01711401584', dst: 's', channel: 'DAHDI/1-1', userfield: 'Inbound', dstanswer: '1002' },
  ];
  store.calls.ingest(office, office_calls.map(flatCall), { origin: 'sync' });
  store.calls.ingest(branch, [flatCall({ session: 's6', start: at(6), src: '1001', dst: '1002', caller_name: 'Zed' })], { origin: 'sync' });
  return { office, branch };
  })
  .extend('office', ({ pbxs }) => pbxs.office)
  .extend('branch', ({ pbxs }) => pbxs.branch);

function rows(store: Store, filter: CallFilter = {}): Map<string, CallRow> {
  return new Map(store.calls.page({ filter, limit: 1000 }).rows.map((r) => [r.session, r]));
}

function names(store: Store): Record<string, [string, string]> {
  const out: Record<string, [string, string]> = {};
  for (const [session, row] of rows(store)) out[session] = [row.callee_name, row.answered_by_name];
  return out;
}

function sessions(store: Store, filter: CallFilter): string[] {
  return [...rows(store, filter).keys()].sort();
}

describe('names learned from the calls', () => {
  it('are the latest caller name of each extension\'s internal calls, in its own PBX, never an outbound route\'s', ({ store }) => {
    expect(names(store)).toEqual({
      s1: ['Bernd Bauer', 'Bernd Bauer'],
      s2: ['', ''],
      s3: ['Anna Schmidt', 'Anna Schmidt'],
      s4: ['', ''],
      s5: ['Bernd Bauer', 'Bernd Bauer'],
      s6: ['', ''],
      s7: ['', 'Bernd Bauer'],
    });
    expect(store.contacts.list({ pbxId: null }).contacts).toEqual([
      { pbx: 'branch', number: '1001', name: 'Zed', source: 'learned', in_use: true },
      { pbx: 'office', number: '1001', name: 'Anna Schmidt', source: 'learned', in_use: true },
      { pbx: 'office', number: '1002', name: 'Bernd Bauer', source: 'learned', in_use: true },
    ]);
  });

  it('are not replaced by an older call delivered later, and are by a newer one', ({ store, office }) => {
    store.calls.ingest(office, [flatCall({ session: 's0', start: '2024-02-01 08:00:00', src: '1001', dst: '1009', caller_name: 'Anna Ancient' })], { origin: 'import:old.csv' });
    expect(rows(store).get('s3')?.callee_name).toBe('Anna Schmidt');
    store.calls.ingest(office, [flatCall({ session: 's9', start: '2024-04-01 08:00:00', src: '1001', dst: '1009', caller_name: 'Anna Meyer' })], { origin: 'sync' });
    expect(rows(store).get('s3')?.callee_name).toBe('Anna Meyer');
  });

  it('are learned again from the calls left when the import that taught one is undone', ({ store, office }) => {
    const importId = store.imports.begin({ pbx_id: office, file: 'new.csv', format: 'ucm-csv' });
    const taught = flatCall({ session: 's8', start: '2024-03-20 08:00:00', src: '1001', dst: '1002', caller_name: 'Anna Imported' });
    store.calls.ingest(office, [taught], { origin: 'import:new.csv', import_id: importId });
    expect(rows(store).get('s3')?.callee_name).toBe('Anna Imported');
    expect(store.imports.undo(importId)).toMatchObject({ removed: 1 });
    expect(rows(store).get('s3')?.callee_name).toBe('Anna Schmidt');
  });

  it('are learned from the calls of a cache made before the phonebook existed (schema 11)', ({ db, store }) => {
    store.close();
    const raw = new Database(db);
    raw.exec('DROP TRIGGER contacts_forget_pbx; DROP TABLE contacts; PRAGMA user_version = 8;');
    raw.close();
    const reopened = openStore(db);
    try {
      expect(names(reopened)).toMatchObject({ s1: ['Bernd Bauer', 'Bernd Bauer'], s3: ['Anna Schmidt', 'Anna Schmidt'], s6: ['', ''] });
    } finally {
      reopened.close();
    }
  });
});

describe('where several sources name a number', () => {
  it('an import beats the PBX\'s own name, which beats a learned one; a PBX\'s own import beats one for every PBX', ({ store, office, branch }) => {
    store.contacts.setPbxNames(office, [{ number: '1002', name: 'Bernd (PBX)' }]);
    expect(rows(store).get('s1')?.callee_name).toBe('Bernd (PBX)');
    store.contacts.importContacts(EVERY_PBX, [{ number: '1002', name: 'Bernd (everyone)' }], { replace: false });
    expect([rows(store).get('s1')?.callee_name, rows(store).get('s6')?.callee_name]).toEqual(['Bernd (everyone)', 'Bernd (everyone)']);
    store.contacts.importContacts(office, [{ number: '1002', name: 'Bernd (office)' }], { replace: false });
    expect([rows(store).get('s1')?.callee_name, rows(store).get('s6')?.callee_name]).toEqual(['Bernd (office)', 'Bernd (everyone)']);

    expect(store.contacts.list({ pbxId: null }).contacts.filter((c) => c.number === '1002')).toEqual([
      { pbx: '', number: '1002', name: 'Bernd (everyone)', source: 'imported', in_use: true },
      { pbx: 'office', number: '1002', name: 'Bernd (office)', source: 'imported', in_use: true },
      { pbx: 'office', number: '1002', name: 'Bernd (PBX)', source: 'api', in_use: false },
      { pbx: 'office', number: '1002', name: 'Bernd Bauer', source: 'learned', in_use: false },
    ]);
    expect(store.contacts.list({ pbxId: office }).contacts).toEqual([
      { pbx: 'office', number: '1001', name: 'Anna Schmidt', source: 'learned', in_use: true },
      { pbx: 'office', number: '1002', name: 'Bernd (office)', source: 'imported', in_use: true },
    ]);
    expect(store.contacts.list({ pbxId: branch }).contacts).toEqual([
      { pbx: 'branch', number: '1001', name: 'Zed', source: 'learned', in_use: true },
      { pbx: '', number: '1002', name: 'Bernd (everyone)', source: 'imported', in_use: true },
    ]);

    // Removing the imports gives the PBX's own name back; the PBX's list replaced drops it.
    expect(store.contacts.removeImported(office, 'all')).toBe(1);
    expect(store.contacts.removeImported(EVERY_PBX, ['1002'])).toBe(1);
    expect(rows(store).get('s1')?.callee_name).toBe('Bernd (PBX)');
    expect(store.contacts.setPbxNames(office, [])).toMatchObject({ removed: 1 });
    expect(rows(store).get('s1')?.callee_name).toBe('Bernd Bauer');
  });

  it('an import adds to the earlier ones, or replaces them with --replace, and counts what it did', ({ store, office }) => {
    expect(store.contacts.importContacts(office, [{ number: '1', name: 'One' }, { number: '2', name: 'Two' }], { replace: false })).toEqual({
      added: 2,
      updated: 0,
      unchanged: 0,
      removed: 0,
    });
    expect(store.contacts.importContacts(office, [{ number: '2', name: 'Deux' }, { number: '3', name: 'Three' }], { replace: false })).toEqual({
      added: 1,
      updated: 1,
      unchanged: 0,
      removed: 0,
    });
    expect(store.contacts.importContacts(office, [{ number: '3', name: 'Three' }], { replace: true })).toEqual({ added: 0, updated: 0, unchanged: 1, removed: 2 });
    expect(store.contacts.list({ pbxId: null }).contacts.filter((c) => c.source === 'imported').map((c) => c.number)).toEqual(['3']);
  });

  it('a contact in international form names the number as a PBX with a dial plan dials it', ({ store, office, branch }) => {
    store.contacts.importContacts(EVERY_PBX, [{ number: '+442079460000', name: 'London Office' }], { replace: false });
    store.calls.ingest(branch, [flatCall({ session: 'b2', start: '2024-03-08 08:00:00', src: '2001', dst: '02079460000', userfield: 'Outbound' })], { origin: 'sync' });
    // office dials 0 for national numbers in country 44; branch has no dial plan: its 020... stays unnamed.
    expect(rows(store).get('s4')?.callee_name).toBe('London Office');
    expect(rows(store).get('b2')?.callee_name).toBe('');
    store.calls.ingest(office, [flatCall({ session: 's10', start: '2024-03-09 08:00:00', src: '1001', dst: '00442079460000', userfield: 'Outbound' })], { origin: 'sync' });
    expect(rows(store).get('s10')?.callee_name).toBe('London Office');
    expect(sessions(store, { search: 'london' })).toEqual(['s10', 's4']);
  });

  it('a removed PBX takes its phonebook with it, not the contacts of every PBX', ({ store, branch }) => {
    store.contacts.importContacts(EVERY_PBX, [{ number: '9', name: 'Nine' }], { replace: false });
    store.contacts.importContacts(branch, [{ number: '8', name: 'Eight' }], { replace: false });
    store.profiles.remove(branch);
    expect(store.contacts.list({ pbxId: null }).contacts.map((c) => `${c.pbx}:${c.number}`)).toEqual([':9', 'office:1001', 'office:1002']);
  });
});

describe('a search', () => {
  it('finds the calls of the numbers whose name holds the word, in the PBX that names them, as well as the text', ({ store }) => {
    // s2 has "Schmidt" as its caller name; s1 and s3 reach 1001, named Anna Schmidt in office only (branch's 1001 is Zed).
    expect(sessions(store, { search: 'schmidt' })).toEqual(['s1', 's2', 's3']);
    expect(store.calls.totals({ search: 'schmidt' }).count).toBe(3);
    expect(sessions(store, { search: 'BAUER' })).toEqual(['s1', 's3', 's5', 's7']);
    // Every word must match; a word that names nothing searches the text only.
    expect(sessions(store, { search: 'schmidt 1002' })).toEqual(['s1', 's3']);
    expect(sessions(store, { search: 'zed' })).toEqual(['s6']);
    // Short words (no trigram index) find the names too.
    expect(sessions(store, { search: 'ed', pbx: ['branch'] })).toEqual(['s6']);
  });

  it('selects the same calls for a report as for the call list', ({ store }) => {
    const summary = store.reports.run({ kind: 'summary', filter: { search: 'schmidt' } });
    expect(summary.kind === 'summary' && summary.calls).toBe(3);
  });

  it('goes by the name the calls show: one a higher source overrides is not found', ({ store, office }) => {
    store.contacts.importContacts(office, [{ number: '1002', name: 'Reception' }], { replace: false });
    expect(sessions(store, { search: 'reception' })).toEqual(['s1', 's3', 's5', 's7']);
    // s3's own caller name still holds "Bauer"; 1002's learned name does not count any more.
    expect(sessions(store, { search: 'bauer' })).toEqual(['s3']);
  });
});

describe('every reading of a call', () => {
  it('names callees and answering parties alike in pages, single calls, sessions and exports', ({ store }) => {
    store.contacts.importContacts(EVERY_PBX, [{ number: '1003', name: 'Carla' }], { replace: false });
    const page = rows(store);
    const iterated = new Map([...store.calls.iterate({})].map((r) => [r.session, r]));
    expect(iterated).toEqual(page);
    const s2 = page.get('s2') as CallRow;
    expect(store.calls.get(s2.id)).toEqual(s2);
    expect(store.calls.session(s2.id)?.call).toEqual(s2);
    expect(s2).toMatchObject({ dst: '1003', callee_name: 'Carla' });
  });

  it('names an analog call after the line it came in on, keeping `s` as its dst and in its record', ({ store }) => {
    const analog = rows(store).get('s7') as CallRow;
    expect(analog).toMatchObject({ dst: 's', dst_line: 'analog line (FXO port 1)', callee_name: '' });
    expect([...store.calls.iterate({ search: '01711401584' })].map((r) => r.dst_line)).toEqual(['analog line (FXO port 1)']);
    const detail = store.calls.session(analog.id);
    expect(detail?.call.dst_line).toBe('analog line (FXO port 1)');
    expect(detail?.main.fields['dst']).toBe('s');
    expect(rows(store).get('s1')?.dst_line).toBe('');
  });
});
