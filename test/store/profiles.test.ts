import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect } from 'vitest';
import { flatCall, transferCall } from '../support/calls.js';
import { it } from '../support/fixtures.js';
import { addPbx } from '../support/store.js';

describe('PBX profiles', () => {
  it('creates, lists, renames and reads profiles without any secret', ({ store }) => {
    const saved = store.profiles.save({
      name: 'Head office',
      url: 'https://192.0.2.10:8443',
      api: 'ucm63xx',
      user: 'cdrapi',
      tz: 'Europe/Vienna',
      model: 'UCM6304',
      fingerprint: 'AA:BB',
      has_password: true,
    });
    expect(saved).toMatchObject({
      name: 'Head office',
      kind: 'pbx',
      api: 'ucm63xx',
      detected_api: null,
      tz: 'Europe/Vienna',
      model: 'UCM6304',
      fingerprint: 'AA:BB',
      ca_file: null,
      has_password: true,
      last_sync_state: 'never',
      last_sync_at: null,
      calls: 0,
    });
    const renamed = store.profiles.save({ ...saved, id: saved.id, name: 'HQ', api: 'auto', detected_api: 'legacy' });
    expect(renamed).toMatchObject({ id: saved.id, name: 'HQ', detected_api: 'legacy' });
    expect(store.profiles.getByName('Head office')).toBeNull();
    expect(store.profiles.getByName('HQ')?.id).toBe(saved.id);
    expect(store.profiles.list().map((p) => p.name)).toEqual(['HQ']);
  });

  it('refuses a taken name, an unknown zone, a bad URL and an unknown id', ({ store }) => {
    addPbx(store, 'Office');
    const base = { url: 'https://192.0.2.1', api: 'auto' as const, user: 'u', tz: 'UTC' };
    expect(() => store.profiles.save({ ...base, name: 'Office' })).toThrow(/"Office" already exists/);
    expect(() => store.profiles.save({ ...base, name: 'B', tz: 'Mars/Olympus' })).toThrow(/"Mars\/Olympus"/);
    expect(() => store.profiles.save({ ...base, name: 'C', url: 'pbx.local' })).toThrow(/"pbx.local" is not a URL/);
    expect(() => store.profiles.save({ ...base, name: 'D', api: 'v2' as never })).toThrow(/"v2"/);
    expect(() => store.profiles.save({ ...base, id: 4242, name: 'E' })).toThrow(/no PBX with id 4242/);
    expect(store.profiles.list()).toHaveLength(1);
  });

  it('records the outcome of a sync', ({ store }) => {
    const id = addPbx(store, 'Office');
    store.sync.setOutcome(id, { state: 'failed', error: 'Wrong user or password.', at: '2024-03-01T10:00:00Z' });
    expect(store.profiles.get(id)).toMatchObject({
      last_sync_state: 'failed',
      last_sync_error: 'Wrong user or password.',
      last_sync_at: '2024-03-01T10:00:00Z',
    });
    expect(() => store.sync.setOutcome(id, { state: 'done' as never })).toThrow(/"done"/);
  });

  it('creates the "Imported" source once, in the local zone', ({ store }) => {
    const first = store.profiles.importSource();
    expect(first).toMatchObject({ name: 'Imported', kind: 'import' });
    expect(store.profiles.importSource().id).toBe(first.id);
  });

  it('removes a PBX with its calls, legs, free text, recordings, sync position and import log, and nothing else', ({ store, dir }) => {
    const gone = addPbx(store, 'Old');
    const kept = addPbx(store, 'Kept');
    store.calls.ingest(gone, [transferCall('shared'), flatCall({ session: 'only-old', start: '2024-01-01 10:00:00', caller_name: 'Zygmunt' })], { origin: 'sync' });
    store.calls.ingest(kept, [transferCall('shared')], { origin: 'sync' });
    const goneCall = store.calls.findSession('only-old')[0]?.call.id as number;
    store.recordings.set({ call_id: goneCall, path: 'a.wav', state: 'gone', local_path: null, bytes: null, checked_at: null });
    store.sync.setPosition(gone, {
      window_start: '2024-01-01T00:00:00',
      window_end: '2024-02-01T00:00:00',
      offset: 0,
      newest_start: null,
      in_progress: false,
      full: false,
    });
    store.imports.begin({ pbx_id: gone, file: 'x.csv', format: 'ucm-csv' });

    store.profiles.remove(gone);

    expect(store.profiles.get(gone)).toBeNull();
    expect(store.calls.findSession('shared').map((d) => d.call.pbx)).toEqual(['Kept']);
    expect(store.calls.totals({ search: 'zygmunt' }).count).toBe(0);
    expect(store.calls.totals({})).toEqual({ count: 1, talk_seconds: 9 });
    const db = new Database(join(dir, 'cache.sqlite'), { readonly: true });
    const count = (sql: string): unknown => db.prepare(sql).pluck().get();
    expect(count('SELECT count(*) FROM calls')).toBe(1);
    expect(count('SELECT count(*) FROM legs')).toBe(3);
    expect(count('SELECT count(*) FROM recordings')).toBe(0);
    expect(count('SELECT count(*) FROM sync_position')).toBe(0);
    expect(count('SELECT count(*) FROM import_log')).toBe(0);
    expect(count('SELECT sum(calls) FROM call_days')).toBe(1);
    expect(count("SELECT count(*) FROM calls_fts WHERE calls_fts MATCH '\"zygmunt\"'")).toBe(0);
    db.close();
    expect(() => store.profiles.remove(gone)).toThrow(/no PBX with id/);
  });
});

describe('bookkeeping', () => {
  it('keeps the sync position per PBX and clears it', ({ store }) => {
    const id = addPbx(store, 'Office');
    expect(store.sync.position(id)).toBeNull();
    const position = {
      window_start: '2024-01-01T00:00:00',
      window_end: '2024-02-01T00:00:00',
      offset: 3000,
      newest_start: '2024-01-20T08:00:00',
      in_progress: true,
      full: false,
    };
    store.sync.setPosition(id, position);
    store.sync.setPosition(id, { ...position, offset: 4000 });
    expect(store.sync.position(id)).toEqual({ ...position, offset: 4000 });
    expect(() => store.sync.setPosition(id, { ...position, window_end: '2024-02-01 00:00' })).toThrow(/"2024-02-01 00:00"/);
    store.sync.setPosition(id, null);
    expect(store.sync.position(id)).toBeNull();
  });

  it('remembers what is known about a recording', ({ store }) => {
    const id = addPbx(store, 'Office');
    store.calls.ingest(id, [transferCall()], { origin: 'sync' });
    const callId = store.calls.findSession('1461920017104140-1000')[0]?.call.id as number;
    const path = 'auto-1461920017-1000-1001.wav';
    expect(store.recordings.get(callId, path)).toBeNull();
    store.recordings.set({ call_id: callId, path, state: 'cached', local_path: '/data/rec/1.wav', bytes: 4096, checked_at: '2024-03-01T10:00:00Z' });
    store.recordings.set({ call_id: callId, path, state: 'gone', local_path: null, bytes: null, checked_at: '2024-03-02T10:00:00Z' });
    expect(store.recordings.get(callId, path)).toEqual({
      call_id: callId,
      path,
      state: 'gone',
      local_path: null,
      bytes: null,
      checked_at: '2024-03-02T10:00:00Z',
    });
    expect(() => store.recordings.set({ call_id: callId, path, state: 'lost' as never, local_path: null, bytes: null, checked_at: null })).toThrow(/"lost"/);
    expect(() => store.recordings.set({ call_id: 999, path, state: 'gone', local_path: null, bytes: null, checked_at: null })).toThrow(/no call with id 999/);
  });

  it('keeps settings as text by key', ({ store }) => {
    expect(store.settings.get('theme')).toBeNull();
    store.settings.set('theme', 'dark');
    store.settings.set('theme', 'light');
    expect(store.settings.get('theme')).toBe('light');
  });
});
