import { describe, expect, vi } from 'vitest';
import { createAppApi, type AppApi } from '../../main/app/index.js';
import { validateRequest } from '../../main/app/validation.js';
import { createMemorySecrets } from '../../main/secrets.js';
import type { Store } from '../../main/store/types.js';
import { flatCall } from '../support/calls.js';
import { test } from '../support/fixtures.js';

// The desktop shell opens links through Electron's shell module, which only exists inside Electron.
// Notification: the desktop shell's notify for the alerts a sync or an import raises (none shown here).
vi.mock('electron', () => ({ shell: { openExternal: vi.fn() }, Notification: { isSupported: () => false } }));
const { desktopShell } = await import('../../main/shell/desktop.js');

/** The contract's PBX services for import-only sources, zone changes and removal with calls. */
const it = test
  .extend('secrets', () => createMemorySecrets())
  .extend('api', ({ store, dir, secrets }, { onCleanup }) => {
    const api = createAppApi({ store, dataDir: dir, secrets, shell: desktopShell, emitProgress: () => undefined });
    onCleanup(() => api.close());
    return api;
  });

async function officeWithCalls(api: AppApi, store: Store, n: number) {
  const office = await api.pbx.save({ name: 'office', url: 'https://192.0.2.10:8443', api: 'auto', user: 'cdrapi', tz: 'Europe/Berlin', password: 'pw-1' });
  store.calls.ingest(office.id, Array.from({ length: n }, (_, i) => flatCall({ session: `s-${i}`, start: '2024-07-01 09:00:00' })), { origin: 'sync' });
  return office;
}

describe('pbx services', () => {
  it('refuses to remove a profile with calls unless told what becomes of them, naming the count', async ({ api, store, secrets }) => {
    const office = await officeWithCalls(api, store, 1200);
    await expect(api.pbx.remove({ id: office.id })).rejects.toMatchObject({
      code: 'BAD_INPUT',
      message: '"office" has 1,200 cached calls: choose whether to delete them with it or keep them as history.',
      details: { id: office.id, calls: 1200 },
    });
    expect(store.profiles.get(office.id)?.calls).toBe(1200);
    expect(secrets.get(office.id)).toBe('pw-1');
  });

  it('keeps the calls as an import-only source and forgets the stored password', async ({ api, store, secrets }) => {
    const office = await officeWithCalls(api, store, 3);
    await api.pbx.remove({ id: office.id, calls: 'keep' });
    expect(secrets.get(office.id)).toBeNull();
    const [kept] = await api.pbx.list();
    expect(kept).toMatchObject({ id: office.id, name: 'office', kind: 'import', url: '', user: '', calls: 3, has_password: false });
    await expect(api.sync.run({ taskId: 't1', pbx_id: office.id })).rejects.toMatchObject({ code: 'BAD_INPUT' });
    await expect(api.pbx.remove({ id: office.id, calls: 'keep' })).rejects.toMatchObject({ code: 'BAD_INPUT' });
    await api.pbx.remove({ id: office.id, calls: 'delete' });
    expect(await api.pbx.list()).toEqual([]);
    expect(store.calls.totals({}).count).toBe(0);
  });

  it('deletes the calls with the profile, and removes a profile without calls without being asked', async ({ api, store, secrets }) => {
    const office = await officeWithCalls(api, store, 3);
    await api.pbx.remove({ id: office.id, calls: 'delete' });
    expect(store.calls.totals({}).count).toBe(0);
    expect(secrets.get(office.id)).toBeNull();
    const empty = await api.pbx.save({ name: 'lab', url: 'https://192.0.2.11', api: 'auto', user: 'u', tz: 'UTC' });
    await api.pbx.remove({ id: empty.id });
    expect(await api.pbx.list()).toEqual([]);
  });

  it('creates and edits import-only sources; a new zone re-times their calls', async ({ api, store }) => {
    const source = await api.pbx.saveImportSource({ name: 'archive', tz: 'Europe/Vienna', model: 'UCM6208' });
    expect(source).toMatchObject({ kind: 'import', url: '', tz: 'Europe/Vienna', model: 'UCM6208', has_password: false });
    store.calls.ingest(source.id, [flatCall({ session: 'a', start: '2024-07-01 09:00:00' })], { origin: 'import:a.csv' });
    const edited = await api.pbx.saveImportSource({ id: source.id, name: 'archive 2019', tz: 'UTC' });
    expect(edited).toMatchObject({ name: 'archive 2019', tz: 'UTC', model: 'UCM6208', calls: 1 });
    expect(store.calls.page({ filter: {}, limit: 1 }).rows[0]?.start_utc).toBe('2024-07-01T09:00:00Z');
    await expect(api.pbx.save({ id: source.id, name: 'x', url: 'https://192.0.2.1', api: 'auto', user: 'u', tz: 'UTC' })).rejects.toMatchObject({
      code: 'BAD_INPUT',
    });
    const office = await officeWithCalls(api, store, 0);
    await expect(api.pbx.saveImportSource({ id: office.id, name: 'office', tz: 'UTC' })).rejects.toMatchObject({ code: 'BAD_INPUT' });
    await expect(api.pbx.saveImportSource({ name: 'office', tz: 'UTC' })).rejects.toMatchObject({ code: 'BAD_INPUT' });
  });

  it('re-times a PBX\'s calls when the window saves a new zone, keeping the pinned certificate with a new address', async ({ api, store }) => {
    const office = await officeWithCalls(api, store, 2);
    store.profiles.save({ ...store.profiles.get(office.id)!, fingerprint: 'AA:BB' });
    const saved = await api.pbx.save({ id: office.id, name: 'office', url: 'https://192.0.2.99:8443', api: 'auto', user: 'cdrapi', tz: 'Asia/Tokyo' });
    expect(saved).toMatchObject({ tz: 'Asia/Tokyo', url: 'https://192.0.2.99:8443', fingerprint: 'AA:BB' });
    expect(store.calls.page({ filter: {}, limit: 5 }).rows.map((r) => r.start_utc)).toEqual(['2024-07-01T00:00:00Z', '2024-07-01T00:00:00Z']);
  });

  it('validates the new requests at the boundary', () => {
    expect(validateRequest('pbx/remove', { id: 1, calls: 'keep' })).toEqual({ id: 1, calls: 'keep' });
    expect(() => validateRequest('pbx/remove', { id: 1, calls: 'archive' })).toThrow(/calls/);
    expect(validateRequest('pbx/saveImportSource', { name: ' archive ', tz: 'UTC' })).toEqual({ name: 'archive', tz: 'UTC' });
    expect(() => validateRequest('pbx/saveImportSource', { name: 'a', tz: 'Mars/Olympus' })).toThrow(/IANA time zone/);
    expect(() => validateRequest('pbx/saveImportSource', { name: '', tz: 'UTC' })).toThrow(/name/);
  });
});
