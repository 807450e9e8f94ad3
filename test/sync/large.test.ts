import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type RunningSimulator } from '../../main/simulator/index.js';
import { syncPbx } from '../../main/sync/sync.js';
import { addSimulatorProfile, cachedCalls, PASSWORD, servedCalls, tempCache, USER, type TempCache } from './helpers.js';

// A year of history from a busy PBX. The 100,000-call figure belongs to the benchmark: on this
// 2-core machine the cache's ingest alone takes about a millisecond per call.
const CALLS = 10_000;

describe('a year of history', () => {
  let sim: RunningSimulator;
  let cache: TempCache;
  let pbxId: number;

  beforeAll(async () => {
    sim = await startSimulator({ port: 0, api: 'ucm63xx', seed: 3, calls: CALLS, days: 365, user: USER, password: PASSWORD });
    cache = await tempCache();
    pbxId = addSimulatorProfile(cache.store, sim);
  });

  afterAll(async () => {
    await cache.cleanup();
    await sim.close();
  });

  it('syncs in full, then an incremental run fetches only the calls added since', async () => {
    const full = await syncPbx(cache.store, pbxId, PASSWORD, { retryDelay: async () => {} });
    expect(full.calls_new).toBe(CALLS);
    expect(full.pages).toBeGreaterThanOrEqual(12);
    expect(cachedCalls(cache.store, 'Office')).toEqual(servedCalls(sim.calls));

    const requestsBefore = sim.requests.length;
    sim.addCalls(250);
    const incremental = await syncPbx(cache.store, pbxId, PASSWORD, { retryDelay: async () => {} });
    expect(incremental.calls_new).toBe(250);
    expect(incremental.pages).toBeLessThanOrEqual(2);
    const pages = sim.requests.slice(requestsBefore).filter((r) => r.action === 'cdrapi');
    expect(pages.length).toBe(incremental.pages);
    expect(cachedCalls(cache.store, 'Office')).toEqual(servedCalls(sim.calls));
  });
});
