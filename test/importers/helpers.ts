import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { openStore } from '../../main/store/store.js';
import type { Store } from '../../main/store/types.js';

export { fixture, makeZip } from './files.js';

/** A temp folder and a store in it; `cleanup` closes the store and removes the folder. */
export function tempStore(): { dir: string; store: Store; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'ucmcdr-import-'));
  const store = openStore(join(dir, 'cache.sqlite'));
  return {
    dir,
    store,
    cleanup: () => {
      store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Every row of every table, through a separate read-only connection: equal dumps = unchanged cache. */
export function dumpDatabase(path: string): Record<string, unknown[]> {
  const db = new Database(path, { readonly: true, fileMustExist: true });
  try {
    const tables = db
      .prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
      .all() as { name: string }[];
    const dump: Record<string, unknown[]> = {};
    for (const { name } of tables) dump[name] = db.prepare(`SELECT * FROM "${name.replace(/"/g, '""')}"`).all();
    return dump;
  } finally {
    db.close();
  }
}
