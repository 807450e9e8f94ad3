import Database from 'better-sqlite3';
import { describe, expect } from 'vitest';
import { openStore } from '../../main/store/store.js';
import type { Store } from '../../main/store/types.js';
import { flatCall, transferCall } from '../support/calls.js';
import { it } from '../support/fixtures.js';
import { addPbx } from '../support/store.js';

/** Every instant stored for a PBX's calls: the call's own and each record's. */
function instants(store: Store, pbx: string): { call: string; records: (string | null)[] }[] {
  return store.calls.page({ filter: { pbx: [pbx] }, sort: { field: 'start', dir: 'asc' }, limit: 1000 }).rows.map((row) => {
    const detail = store.calls.session(row.id)!;
    return { call: row.start_utc, records: [detail.main, ...detail.legs].map((r) => r.start_utc) };
  });
}

describe('changing the zone of a profile', () => {
  it('re-times the start instant of every call and record of that profile, and of no other', ({ store }) => {
    const office = addPbx(store, 'Office', 'Europe/Berlin');
    const branch = addPbx(store, 'Branch', 'Europe/Berlin');
    store.calls.ingest(office, [transferCall(), flatCall({ session: 's-1', start: '2024-07-01 09:00:00' })], { origin: 'sync' });
    store.calls.ingest(branch, [flatCall({ session: 's-1', start: '2024-07-01 09:00:00' })], { origin: 'sync' });
    expect(instants(store, 'Office')).toEqual([
      { call: '2016-04-29T00:53:37Z', records: ['2016-04-29T00:53:37Z', '2016-04-29T00:53:37Z', '2016-04-29T00:53:49Z'] },
      { call: '2024-07-01T07:00:00Z', records: ['2024-07-01T07:00:00Z', '2024-07-01T07:00:00Z'] },
    ]);
    const branchBefore = instants(store, 'Branch');

    const saved = store.profiles.save({ ...store.profiles.get(office)!, tz: 'America/New_York' });
    expect(saved.tz).toBe('America/New_York');
    expect(instants(store, 'Office')).toEqual([
      { call: '2016-04-29T06:53:37Z', records: ['2016-04-29T06:53:37Z', '2016-04-29T06:53:37Z', '2016-04-29T06:53:49Z'] },
      { call: '2024-07-01T13:00:00Z', records: ['2024-07-01T13:00:00Z', '2024-07-01T13:00:00Z'] },
    ]);
    expect(instants(store, 'Branch')).toEqual(branchBefore);
    // The wall clock, and with it the day counts, stay as they were.
    expect(store.calls.page({ filter: { pbx: ['Office'] }, limit: 10 }).rows.map((r) => r.start).sort()).toEqual([
      '2016-04-29T02:53:37',
      '2024-07-01T09:00:00',
    ]);
    expect(store.calls.totals({ pbx: ['Office'], from: '2024-07-01', to: '2024-07-01' }).count).toBe(1);
  });

  it('orders calls of different zones by the new instants', ({ store }) => {
    const office = addPbx(store, 'Office', 'UTC');
    const branch = addPbx(store, 'Branch', 'UTC');
    store.calls.ingest(office, [flatCall({ session: 'o', start: '2024-03-01 10:00:00' })], { origin: 'sync' });
    store.calls.ingest(branch, [flatCall({ session: 'b', start: '2024-03-01 11:00:00' })], { origin: 'sync' });
    const order = () => store.calls.page({ filter: {}, limit: 10 }).rows.map((r) => r.session);
    expect(order()).toEqual(['b', 'o']);
    store.profiles.save({ ...store.profiles.get(branch)!, tz: 'Asia/Tokyo' });
    expect(order()).toEqual(['o', 'b']);
  });

  it('changes nothing when one call cannot be re-timed: profile and instants stay together', ({ store, db }) => {
    const office = addPbx(store, 'Office', 'Europe/Berlin');
    store.calls.ingest(office, [flatCall({ session: 'a', start: '2024-01-01 10:00:00' }), flatCall({ session: 'z', start: '2024-01-02 10:00:00' })], {
      origin: 'sync',
    });
    const before = instants(store, 'Office');
    const raw = new Database(db);
    raw.prepare("UPDATE calls SET start = '2024-13-45T99:00:00' WHERE session = 'z'").run();
    raw.close();
    expect(() => store.profiles.save({ ...store.profiles.get(office)!, tz: 'Asia/Tokyo' })).toThrow(/2024-13-45T99:00:00/);
    expect(store.profiles.get(office)!.tz).toBe('Europe/Berlin');
    expect(instants(store, 'Office')[0]).toEqual(before[0]);
  });
});

describe('import-only sources', () => {
  it('keeps "Imported" the default source whatever other import-only sources exist', ({ store }) => {
    const archive = store.profiles.save({ name: 'Archive', kind: 'import', url: '', api: 'auto', user: '', tz: 'UTC' });
    expect(store.profiles.findImportSource()).toBeNull();
    const imported = store.profiles.importSource();
    expect(imported).toMatchObject({ name: 'Imported', kind: 'import', default_source: true });
    expect(imported.id).not.toBe(archive.id);
    expect(store.profiles.importSource().id).toBe(imported.id);
    expect(store.profiles.list().map((p) => [p.name, p.default_source ?? false])).toEqual([
      ['Archive', false],
      ['Imported', true],
    ]);
  });

  it('takes the only import source of a cache from before named sources as the default', ({ store, db }) => {
    const legacy = store.profiles.importSource();
    const raw = new Database(db);
    raw.prepare("DELETE FROM settings WHERE key LIKE 'pbx.%'").run();
    raw.close();
    store.close();
    const reopened = openStore(db);
    try {
      expect(reopened.profiles.findImportSource()?.id).toBe(legacy.id);
      const office = addPbx(reopened, 'Office');
      reopened.profiles.keepHistory(office);
      expect(reopened.profiles.findImportSource()?.id).toBe(legacy.id);
      expect(reopened.profiles.get(office)).toMatchObject({ kind: 'import' });
      expect(reopened.profiles.get(office)?.default_source).toBeUndefined();
    } finally {
      reopened.close();
    }
  });

  it('turns a PBX into an import-only source that keeps its calls, forgetting address, certificate and position', ({ store }) => {
    const office = store.profiles.save({
      name: 'Office',
      url: 'https://192.0.2.10:8443',
      api: 'ucm63xx',
      detected_api: 'ucm63xx',
      user: 'cdrapi',
      tz: 'Europe/Berlin',
      model: 'UCM6304',
      fingerprint: 'AA:BB',
      ca_file: '/ca.pem',
      has_password: true,
    });
    store.calls.ingest(office.id, [transferCall()], { origin: 'sync' });
    store.sync.setPosition(office.id, {
      window_start: '2016-04-01T00:00:00',
      window_end: '2016-05-01T00:00:00',
      offset: 1000,
      newest_start: null,
      in_progress: true,
      full: false,
    });
    const kept = store.profiles.keepHistory(office.id);
    expect(kept).toMatchObject({
      id: office.id,
      name: 'Office',
      kind: 'import',
      url: '',
      user: '',
      api: 'auto',
      detected_api: null,
      fingerprint: null,
      ca_file: null,
      has_password: false,
      tz: 'Europe/Berlin',
      model: 'UCM6304',
      calls: 1,
    });
    expect(store.sync.position(office.id)).toBeNull();
    expect(store.calls.findSession('1461920017104140-1000', 'Office')).toHaveLength(1);
    expect(store.profiles.keepHistory(office.id)).toEqual(kept);
    expect(() => store.profiles.save({ ...kept, kind: 'pbx', url: 'https://192.0.2.10' })).toThrow(/import-only source: it cannot become a PBX/);
  });
});
