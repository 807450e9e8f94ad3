import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { createPbxClient } from '../../main/pbx/client.js';
import { startSimulator, type RunningSimulator, type SimulatorOptions } from '../../main/simulator/index.js';
import { openStore } from '../../main/store/store.js';
import { SAFETY_OVERLAP_SECONDS, syncPbx, type SyncProgress } from '../../main/sync/sync.js';
import { addSimulatorProfile, cachedCalls, PASSWORD, servedCalls, tempCache, USER, type TempCache } from './helpers.js';
import { caught } from '../support/caught.js';

const cleanups: (() => Promise<void>)[] = [];

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function setup(options: SimulatorOptions = {}): Promise<{ sim: RunningSimulator; cache: TempCache; pbxId: number }> {
  const sim = await startSimulator({ port: 0, seed: 11, calls: 2500, days: 75, user: USER, password: PASSWORD, ...options });
  cleanups.push(() => sim.close());
  const cache = await tempCache();
  cleanups.push(() => cache.cleanup());
  return { sim, cache, pbxId: addSimulatorProfile(cache.store, sim) };
}

const noWait = async (): Promise<void> => {};

describe('syncPbx', () => {
  it.each(['legacy', 'ucm63xx'] as const)('fetches all history over the %s API, each call exactly once', async (api) => {
    const { sim, cache, pbxId } = await setup({ api });
    const progress: SyncProgress[] = [];
    const result = await syncPbx(cache.store, pbxId, PASSWORD, { onProgress: (p) => progress.push(p), retryDelay: noWait });
    expect(cachedCalls(cache.store, 'Office')).toEqual(servedCalls(sim.calls));
    expect(result.calls_new).toBe(sim.calls.length);
    expect(result.pages).toBeGreaterThanOrEqual(4);
    const profile = cache.store.profiles.get(pbxId)!;
    expect(profile.detected_api).toBe(api);
    expect(profile.last_sync_state).toBe('ok');
    expect(cache.store.sync.position(pbxId)).toMatchObject({ in_progress: false });
    const last = progress.at(-1)!;
    expect(last.calls).toBeGreaterThanOrEqual(sim.calls.length);
    expect(last.done).toBe(last.total);
    expect(last.bytes).toBeGreaterThan(0);
  });

  it('walks month windows with pages of 1000 by offset and the literal T in times', async () => {
    const { sim, cache, pbxId } = await setup({ api: 'ucm63xx' });
    await syncPbx(cache.store, pbxId, PASSWORD, { retryDelay: noWait });
    const queries = sim.requests.filter((r) => r.action === 'cdrapi').map((r) => r.params);
    const pages = queries.slice(1);
    expect(pages.every((q) => q.numRecords === '1000')).toBe(true);
    expect(pages.some((q) => q.offset === '1000')).toBe(true);
    for (const q of pages) {
      if (q.startTime) expect(q.startTime).toMatch(/^\d{4}-\d{2}-01T00:00:00$/);
      if (q.endTime) expect(q.endTime).toMatch(/^\d{4}-\d{2}-\d{2}T23:59:59$/);
    }
  });

  it('stores calls the API delivers twice only once', async () => {
    const { sim, cache, pbxId } = await setup({ api: 'legacy', calls: 1200 });
    const deliveries = await (async () => {
      const client = createPbxClient({ url: sim.url, api: 'legacy', user: USER, fingerprint: sim.fingerprint, ca_file: null }, PASSWORD);
      try {
        let total = 0;
        for (let offset = 0; ; offset += 1000) {
          const page = await client.queryCdr({ offset });
          total += page.entries;
          if (page.entries < 1000) return total;
        }
      } finally {
        client.close();
      }
    })();
    expect(deliveries).toBeGreaterThan(sim.calls.length);
    await syncPbx(cache.store, pbxId, PASSWORD, { retryDelay: noWait });
    expect(cachedCalls(cache.store, 'Office')).toEqual(servedCalls(sim.calls));
  });

  it('fetches only what is new on the next run, from the newest call minus the safety overlap', async () => {
    const { sim, cache, pbxId } = await setup({ api: 'ucm63xx', calls: 1500 });
    await syncPbx(cache.store, pbxId, PASSWORD, { retryDelay: noWait });
    const newest = cache.store.sync.position(pbxId)!.newest_start!;
    const before = sim.requests.length;
    const added = sim.addCalls(30);
    const result = await syncPbx(cache.store, pbxId, PASSWORD, { retryDelay: noWait });
    expect(result.calls_new).toBe(30);
    expect(cachedCalls(cache.store, 'Office')).toEqual(servedCalls(sim.calls));
    const later = sim.requests.slice(before).filter((r) => r.action === 'cdrapi');
    const floor = new Date(Date.parse(`${newest}Z`) - SAFETY_OVERLAP_SECONDS * 1000).toISOString().slice(0, 19);
    expect(later.length).toBeGreaterThan(0);
    for (const q of later) expect(q.params.startTime! >= floor).toBe(true);
    expect(cache.store.sync.position(pbxId)!.newest_start! >= added.at(-1)!.main.start!.replace(' ', 'T')).toBe(true);
  });

  it('retries a page whose connection was cut and doubles nothing', async () => {
    const { sim, cache, pbxId } = await setup({ api: 'legacy' });
    const attempts: number[] = [];
    let armed = false;
    await syncPbx(cache.store, pbxId, PASSWORD, {
      retryDelay: async (attempt) => {
        attempts.push(attempt);
      },
      onProgress: () => {
        if (!armed) {
          armed = true;
          sim.injectFault('cut-next-cdr-response');
        }
      },
    });
    expect(attempts).toEqual([1]);
    expect(cachedCalls(cache.store, 'Office')).toEqual(servedCalls(sim.calls));
  });

  it('retries 5xx answers with backoff', async () => {
    const { sim, cache, pbxId } = await setup({ api: 'ucm63xx', calls: 300 });
    const attempts: number[] = [];
    sim.injectFault('server-error-next');
    sim.injectFault('server-error-next');
    await syncPbx(cache.store, pbxId, PASSWORD, { retryDelay: async (attempt) => void attempts.push(attempt) });
    expect(attempts).toEqual([1, 2]);
    expect(cachedCalls(cache.store, 'Office')).toEqual(servedCalls(sim.calls));
  });

  it('stops at once on a wrong password, with nothing written', async () => {
    const { cache, pbxId } = await setup({ api: 'legacy', calls: 300 });
    const attempts: number[] = [];
    const error = await caught(syncPbx(cache.store, pbxId, 'wrong', { retryDelay: async (a) => void attempts.push(a) }));
    expect(error.code).toBe('AUTH_FAILED');
    expect(attempts).toEqual([]);
    expect(cache.store.calls.totals({}).count).toBe(0);
    expect(cache.store.sync.position(pbxId)).toBeNull();
    expect(cache.store.profiles.get(pbxId)).toMatchObject({ last_sync_state: 'failed', detected_api: null });
  });

  it('stops on a changed certificate with nothing written', async () => {
    const { cache, sim } = await setup({ api: 'ucm63xx', calls: 100 });
    const wrongPin = sim.fingerprint.replace(/^../, sim.fingerprint.startsWith('00') ? '11' : '00');
    const id = cache.store.profiles.save({ name: 'Pinned', url: sim.url, api: 'auto', user: USER, tz: 'UTC', fingerprint: wrongPin }).id;
    const error = await caught(syncPbx(cache.store, id, PASSWORD, { retryDelay: noWait }));
    expect(error.code).toBe('TLS_FINGERPRINT_MISMATCH');
    expect(cache.store.calls.totals({ pbx: ['Pinned'] }).count).toBe(0);
    expect(sim.requests).toHaveLength(0);
  });

  it('can be cancelled: committed pages stay, and the next run completes without duplicates', async () => {
    const { sim, cache, pbxId } = await setup({ api: 'ucm63xx' });
    const controller = new AbortController();
    const error = await caught(
      syncPbx(cache.store, pbxId, PASSWORD, {
        signal: controller.signal,
        retryDelay: noWait,
        onProgress: (p) => {
          if (p.pages === 2) controller.abort();
        },
      }),
    );
    expect(error.code).toBe('CANCELLED');
    const kept = cache.store.calls.totals({}).count;
    expect(kept).toBeGreaterThan(0);
    expect(kept).toBeLessThan(sim.calls.length);
    expect(cache.store.profiles.get(pbxId)!.last_sync_state).toBe('cancelled');
    expect(cache.store.sync.position(pbxId)!.in_progress).toBe(true);
    await syncPbx(cache.store, pbxId, PASSWORD, { retryDelay: noWait });
    expect(cachedCalls(cache.store, 'Office')).toEqual(servedCalls(sim.calls));
  });

  it('survives kill -9 mid-sync: the next run resumes and the cache holds every call exactly once', async () => {
    const { sim, cache, pbxId } = await setup({ api: 'legacy', calls: 6000, days: 60 });
    cache.store.close();
    const runner = fileURLToPath(new URL('./sync-runner.ts', import.meta.url));
    const child = spawn(process.execPath, ['--import', 'tsx', runner, cache.dbPath, String(pbxId)], {
      env: { ...process.env, UCMCDR_TEST_PASSWORD: PASSWORD },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const exited = new Promise<NodeJS.Signals | null>((resolve) => child.once('exit', (_code, signal) => resolve(signal)));
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    for await (const line of createInterface({ input: child.stdout })) {
      if (line === 'done') break;
      if (Number(line.replace('page ', '')) >= 2) {
        child.kill('SIGKILL');
        break;
      }
    }
    expect(await exited, stderr).toBe('SIGKILL');

    const reopened = openStore(cache.dbPath);
    cache.store = reopened;
    const position = reopened.sync.position(pbxId)!;
    expect(position.in_progress).toBe(true);
    const committed = reopened.calls.totals({}).count;
    expect(committed).toBeGreaterThan(0);
    expect(committed).toBeLessThan(sim.calls.length);

    const before = sim.requests.length;
    await syncPbx(reopened, pbxId, PASSWORD, { retryDelay: noWait });
    expect(cachedCalls(reopened, 'Office')).toEqual(servedCalls(sim.calls));
    // The resumed run starts at the saved position instead of at the oldest record.
    const resumedFirst = sim.requests.slice(before).find((r) => r.path === '/cdrapi' && r.params.offset !== undefined)!;
    expect(resumedFirst.params.offset).toBe(String(position.offset));
  });
});
