import { join } from 'node:path';
import { openStore } from '../../main/store/store.js';
import type { Store } from '../../main/store/types.js';
import { tempDir } from './fs.js';

export interface TempStore {
  dir: string;
  /** The cache file the store is open on, `cache.sqlite` in `dir`. */
  db: string;
  store: Store;
  /** Closes the store, then removes the folder. */
  cleanup: () => void;
}

/** A fresh cache in its own temp folder, for a store that outlives one test (the `store` fixture otherwise). */
export function tempStore(prefix = 'ucmcdr-store-'): TempStore {
  const { dir, cleanup } = tempDir(prefix);
  const db = join(dir, 'cache.sqlite');
  const store = openStore(db);
  return {
    dir,
    db,
    store,
    cleanup: () => {
      store.close();
      cleanup();
    },
  };
}

/** A PBX profile with a documentation address; its id. */
export function addPbx(store: Store, name: string, tz = 'Europe/Berlin'): number {
  return store.profiles.save({ name, url: 'https://192.0.2.10:8443', api: 'auto', user: 'cdrapi', tz }).id;
}
