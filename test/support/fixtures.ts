import { basename, join } from 'node:path';
import { test as base } from 'vitest';
import { openStore } from '../../main/store/store.js';
import { tempDir } from './fs.js';

/**
 * Vitest's `test` with the fixtures most tests of main/ need; a test gets one by naming it:
 * `it('...', ({ store }) => ...)`. Each is made for the test that asks for it and undone after it,
 * whether the test passed or not, so no test sees another's files.
 *
 * - `dir`: a fresh temp folder, removed after the test.
 * - `db`: the path of a cache file in `dir`, not created.
 * - `store`: a store open on `db`, closed after the test (before `dir` goes).
 */
export const test = base
  // Named after the test file, so a folder a killed run leaves behind says where it came from.
  .extend('dir', ({ task }, { onCleanup }) => {
    const { dir, cleanup } = tempDir(`ucmcdr-${basename(task.file.name, '.test.ts')}-`);
    onCleanup(cleanup);
    return dir;
  })
  .extend('db', ({ dir }) => join(dir, 'cache.sqlite'))
  .extend('store', ({ db }, { onCleanup }) => {
    const store = openStore(db);
    onCleanup(() => store.close());
    return store;
  });

export const it = test;
