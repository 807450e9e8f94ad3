import type { CdrCall } from '../../main/cdr/types.js';
import type { RunningSimulator } from '../../main/simulator/index.js';
import type { Store } from '../../main/store/types.js';
import { tempStore } from '../support/store.js';

export const USER = 'cdrapi';
export const PASSWORD = 'sync-test-password';

export interface TempCache {
  dir: string;
  dbPath: string;
  store: Store;
  cleanup(): Promise<void>;
}

export async function tempCache(): Promise<TempCache> {
  const { dir, db, store, cleanup } = tempStore('ucmcdr-sync-');
  return { dir, dbPath: db, store, cleanup: async () => cleanup() };
}

/** A profile for the simulator with its certificate pinned, as after the user trusted it. */
export function addSimulatorProfile(store: Store, sim: RunningSimulator, name = 'Office'): number {
  return store.profiles.save({ name, url: sim.url, api: 'auto', user: USER, tz: 'UTC', fingerprint: sim.fingerprint }).id;
}

/** session -> number of leg records, for every call of one PBX in the cache, read page by page. */
export function cachedCalls(store: Store, pbx: string): Map<string, number> {
  const calls = new Map<string, number>();
  let cursor: string | null = null;
  for (let guard = 0; guard < 10_000; guard += 1) {
    const page = store.calls.page({ filter: { pbx: [pbx] }, limit: 1000, cursor });
    for (const row of page.rows) {
      if (calls.has(row.session)) throw new Error(`session ${row.session} is cached twice`);
      calls.set(row.session, row.legs);
    }
    cursor = page.next_cursor;
    if (cursor === null) return calls;
  }
  throw new Error('more pages than any test dataset has');
}

/** session -> number of leg records of the calls a simulator serves. */
export function servedCalls(calls: readonly CdrCall[]): Map<string, number> {
  return new Map(calls.map((call) => [call.session, call.legs.length]));
}
