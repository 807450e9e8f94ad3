import { afterEach, describe, expect, it } from 'vitest';
import { EXTENSIONS } from '../../main/simulator/office.js';
import { startSimulator, type SimulatorOptions } from '../../main/simulator/index.js';
import { EXTENSION_NAMES_EVERY_MS, syncPbx } from '../../main/sync/sync.js';
import { addSimulatorProfile, PASSWORD, tempCache, USER } from './helpers.js';

/**
 * A sync of a UCM63xx also reads the PBX's extension list (listAccount) into its phonebook, where the
 * API user may read it: best effort, never failing the sync, at most once an hour.
 */

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function setup(options: SimulatorOptions) {
  const sim = await startSimulator({ port: 0, seed: 5, calls: 300, days: 20, user: USER, password: PASSWORD, ...options });
  cleanups.push(() => sim.close());
  const cache = await tempCache();
  cleanups.push(() => cache.cleanup());
  return { sim, store: cache.store, pbxId: addSimulatorProfile(cache.store, sim) };
}

const noWait = async (): Promise<void> => {};

describe('the extension list of a UCM63xx', () => {
  it('becomes the PBX\'s own names at a sync, above the learned ones', async () => {
    const { sim, store, pbxId } = await setup({ api: 'ucm63xx' });
    await syncPbx(store, pbxId, PASSWORD, { retryDelay: noWait });
    const asked = sim.requests.filter((r) => r.action === 'listAccount');
    expect(asked.map((r) => r.params)).toEqual([{ item_num: '500', page: '1', options: 'extension,fullname', sidx: 'extension', sord: 'asc' }]);
    const shown = store.contacts.list({ pbxId }).contacts;
    expect(shown.filter((c) => c.source === 'api').map((c) => [c.number, c.name])).toEqual(EXTENSIONS.map((e) => [e.number, e.name]));
    expect(shown.every((c) => c.source === 'api')).toBe(true);
    // The calls show them.
    const reception = store.calls.page({ filter: { callee: '1017' }, limit: 1 }).rows[0];
    expect(reception?.callee_name).toBe('Reception, Ground Floor');
  });

  it('is skipped when the API user may not read it: the sync succeeds with the learned names only', async () => {
    const { sim, store, pbxId } = await setup({ api: 'ucm63xx', accountList: false });
    const result = await syncPbx(store, pbxId, PASSWORD, { retryDelay: noWait });
    expect(result.calls_new).toBe(sim.calls.length);
    expect(store.profiles.get(pbxId)).toMatchObject({ last_sync_state: 'ok', last_sync_error: null });
    expect(sim.requests.filter((r) => r.action === 'listAccount')).toHaveLength(1);
    const entries = store.contacts.list({ pbxId: null }).contacts;
    expect(entries.length).toBeGreaterThan(0);
    expect(entries.every((c) => c.source === 'learned')).toBe(true);
  });

  it('is read at most once an hour', async () => {
    const { sim, store, pbxId } = await setup({ api: 'ucm63xx' });
    const start = Date.now();
    await syncPbx(store, pbxId, PASSWORD, { retryDelay: noWait, now: () => new Date(start) });
    await syncPbx(store, pbxId, PASSWORD, { retryDelay: noWait, now: () => new Date(start + 60_000) });
    expect(sim.requests.filter((r) => r.action === 'listAccount')).toHaveLength(1);
    await syncPbx(store, pbxId, PASSWORD, { retryDelay: noWait, now: () => new Date(start + EXTENSION_NAMES_EVERY_MS) });
    expect(sim.requests.filter((r) => r.action === 'listAccount')).toHaveLength(2);
  });

  it('is not asked of the legacy API, which has none', async () => {
    const { sim, store, pbxId } = await setup({ api: 'legacy' });
    await syncPbx(store, pbxId, PASSWORD, { retryDelay: noWait });
    // The one /api request is the detection of the API generation, answered 404.
    expect(sim.requests.filter((r) => r.path === '/api')).toHaveLength(1);
    expect(store.contacts.list({ pbxId: null }).contacts.every((c) => c.source === 'learned')).toBe(true);
  });
});
