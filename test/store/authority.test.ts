import Database from 'better-sqlite3';
import { describe, expect } from 'vitest';
import { flatCall } from '../support/calls.js';
import { test } from '../support/fixtures.js';
import { addPbx } from '../support/store.js';

/** Merges by source rank (main/cdr/authority.ts), conflicts kept aside, and sessions found in any source. */

// Every test starts from a fresh cache holding one PBX, office (auto: made even where a test does not name it).
const it = test.extend('office', { auto: true }, ({ store }) => addPbx(store, 'office'));

const synced = () => flatCall({ session: 's-1', start: '2025-03-03 08:07:20', src: '07917330699', caller_name: 'Łukasz', billsec: 20, duration: 30 });
const offered = () => flatCall({ session: 's-1', start: '2025-03-03 08:07:20', src: '7917330699', caller_name: 'Lukasz', billsec: 20, duration: 30 });

describe('merging by source rank', () => {
  it('a file never replaces what the PBX API stored; the values it offered are kept aside as conflicts', ({ store, office }) => {
    store.calls.ingest(office, [synced()], { origin: 'sync' });
    for (const source of ['page-csv', 'cdrapi-file', 'damaged'] as const) {
      const counts = store.calls.ingest(office, [offered()], { origin: `import:${source}.csv`, source });
      expect(counts).toMatchObject({ inserted: 0, merged: 0, kept: 5 });
    }
    const [detail] = store.calls.findSession('s-1');
    expect(detail?.call).toMatchObject({ src: '07917330699', caller_name: 'Łukasz' });
    // The number (src, and the caller ID, channel and action owner holding it) and the name: kept aside once per file.
    expect(detail?.conflicts.filter((c) => c.origin === 'import:page-csv.csv').map((c) => c.field).sort()).toEqual([
      'action_owner',
      'caller_name',
      'channel',
      'clid',
      'src',
    ]);
    expect(detail?.conflicts).toContainEqual({ acct_id: '1', field: 'src', kept: '07917330699', offered: '7917330699', origin: 'import:page-csv.csv' });
    expect(detail?.conflicts).toContainEqual({ acct_id: '1', field: 'caller_name', kept: 'Łukasz', offered: 'Lukasz', origin: 'import:page-csv.csv' });
    expect(store.calls.totals({ caller: '07917330699' }).count).toBe(1);
  });

  it('a better source replaces what a worse one stored, and the replaced value is kept aside with its origin', ({ store, office }) => {
    store.calls.ingest(office, [offered()], { origin: 'import:page.csv', source: 'page-csv' });
    expect(store.calls.ingest(office, [synced()], { origin: 'sync' })).toMatchObject({ merged: 1, kept: 0 });
    const [detail] = store.calls.findSession('s-1');
    expect(detail?.call).toMatchObject({ src: '07917330699', caller_name: 'Łukasz', origin: 'import:page.csv' });
    expect(detail?.conflicts).toContainEqual({ acct_id: '1', field: 'src', kept: '07917330699', offered: '7917330699', origin: 'import:page.csv' });
    // The API's rank stays with the call: the page file offered again changes nothing.
    expect(store.calls.ingest(office, [offered()], { origin: 'import:page.csv', source: 'page-csv' })).toMatchObject({ merged: 0, kept: 5 });
    expect(store.calls.findSession('s-1')[0]?.call.src).toBe('07917330699');
  });

  it('a damaged file fills nothing either: a call it shares with the cache stays as it is', ({ store, office }) => {
    const lacking = flatCall({ session: 's-2', start: '2025-03-03 09:00:00', accountcode: '' });
    store.calls.ingest(office, [lacking], { origin: 'import:a.csv', source: 'page-csv' });
    const damaged = flatCall({ session: 's-2', start: '2025-03-03 09:00:00', accountcode: 'ACC-1' });
    expect(store.calls.ingest(office, [damaged], { origin: 'import:b.csv', source: 'damaged' })).toMatchObject({ merged: 0, unchanged: 1 });
    expect(store.calls.findSession('s-2')[0]?.call.account_code).toBe('');
    expect(store.calls.ingest(office, [damaged], { origin: 'import:c.csv', source: 'page-csv' })).toMatchObject({ merged: 1 });
    expect(store.calls.findSession('s-2')[0]?.call.account_code).toBe('ACC-1');
  });

  it('the PBX API replaces its own earlier answer without calling it a conflict', ({ store, office }) => {
    store.calls.ingest(office, [flatCall({ session: 's-3', start: '2025-03-03 10:00:00', disposition: 'NO ANSWER', billsec: 0 })], { origin: 'sync' });
    store.calls.ingest(office, [flatCall({ session: 's-3', start: '2025-03-03 10:00:00', disposition: 'ANSWERED', billsec: 12 })], { origin: 'sync' });
    const [detail] = store.calls.findSession('s-3');
    expect(detail?.call).toMatchObject({ disposition: 'ANSWERED', billsec: 12 });
    expect(detail?.conflicts).toEqual([]);
  });
});

describe('finding a call in any source', () => {
  it('merges an import into the source that holds the session and counts it there; without `anywhere` (sync) looks only at its own', ({ store, office }) => {
    const imported = store.profiles.importSource().id;
    store.calls.ingest(office, [synced()], { origin: 'sync' });
    const again = flatCall({ session: 's-1', start: '2025-03-03 08:07:20', src: '07917330699', caller_name: 'Łukasz', accountcode: 'ACC-9' });
    const counts = store.calls.ingest(imported, [again, flatCall({ session: 'new-1', start: '2025-03-04 08:00:00' })], {
      origin: 'import:x.csv',
      anywhere: true,
    });
    expect(counts).toMatchObject({ inserted: 1, merged: 1, elsewhere: { [office]: 1 } });
    expect(store.calls.findSession('s-1').map((d) => [d.call.pbx, d.call.account_code])).toEqual([['office', 'ACC-9']]);
    expect(store.calls.findSession('new-1').map((d) => d.call.pbx)).toEqual(['Imported']);
    expect(store.profiles.get(office)?.calls).toBe(1);
    expect(store.profiles.get(imported)?.calls).toBe(1);
  });
});

describe('calls stored before ranks were kept', () => {
  it('are ranked by their origin: a synced call (authority NULL, as schema 2 left it) is not replaced by a file', ({ store, office }) => {
    store.calls.ingest(office, [synced()], { origin: 'sync' });
    const raw = new Database(store.path);
    raw.prepare('UPDATE calls SET authority = NULL').run();
    raw.close();
    expect(store.calls.ingest(office, [offered()], { origin: 'import:page.csv', source: 'page-csv' })).toMatchObject({ merged: 0, kept: 5 });
    expect(store.calls.findSession('s-1')[0]?.call.src).toBe('07917330699');
  });
});

describe('a sync of calls imported before the PBX was added', () => {
  it('takes the imported copy into the PBX (one call, re-timed with its zone), out of the import and its tallies', ({ store, office }) => {
    const imported = store.profiles.importSource().id;
    const importId = store.imports.begin({ pbx_id: imported, file: 'old.csv', format: 'ucm-csv' });
    const old = flatCall({ session: 's-9', start: '2025-03-03 08:07:20', src: '07917330699', billsec: 20, duration: 30 });
    store.calls.ingest(imported, [old], { origin: 'import:old.csv', source: 'page-csv', import_id: importId, anywhere: true });

    const counts = store.calls.ingest(office, [flatCall({ session: 's-9', start: '2025-03-03 08:07:20', src: '07917330699', billsec: 20, duration: 30 })], { origin: 'sync' });

    expect(counts).toMatchObject({ inserted: 0, merged: 1 });
    const found = store.calls.findSession('s-9');
    expect(found.map((d) => [d.call.pbx, d.call.origin])).toEqual([['office', 'import:old.csv']]);
    // office is in Europe/Berlin (UTC+1 in March): re-derived with the PBX's own clock.
    expect(found[0]?.call.start_utc).toBe('2025-03-03T07:07:20Z');
    expect(store.profiles.get(imported)?.calls).toBe(0);
    expect(store.profiles.get(office)?.calls).toBe(1);
    expect(store.calls.totals({ pbx: ['Imported'] }).count).toBe(0);
    expect(store.calls.totals({ pbx: ['office'], from: '2025-03-03', to: '2025-03-03' })).toEqual({ count: 1, talk_seconds: 20 });
    // Undoing the old import no longer removes what the PBX itself delivered.
    expect(store.imports.undo(importId)).toMatchObject({ removed: 0 });
    expect(store.calls.findSession('s-9')).toHaveLength(1);
  });
});
