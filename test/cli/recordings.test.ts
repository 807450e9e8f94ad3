import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore } from '../../main/store/store.js';
import { cli } from './helpers.js';
import { tempDir } from '../support/fs.js';
import { flatCall } from '../support/calls.js';
import { seedCache } from './data.js';

const tmp = tempDir('ucmcdr-recordings-');
const db = join(tmp.dir, 'cache.sqlite');

beforeAll(() => {
  seedCache(db);
  // Session c is on office; the same session id on branch too (two PBXs numbering alike).
  const store = openStore(db);
  try {
    const branch = store.profiles.getByName('branch')!;
    store.calls.ingest(
      branch.id,
      [flatCall({ session: 'c', start: '2024-04-02 10:00:00', src: '2001', dst: '2003', recordfiles: 'auto-c2.wav@', duration: 9, billsec: 5 })],
      { origin: 'sync' },
    );
  } finally {
    store.close();
  }
});
afterAll(() => tmp.cleanup());

describe('ucmcdr recordings: which PBX', () => {
  it('names the PBXs holding the session when it is on several and --pbx is left out', async () => {
    const out = join(tmp.dir, 'out');
    const run = await cli(['--db', db, 'recordings', 'c', '--out', out]);
    expect(run.code).toBe(2);
    expect(run.stderr).toBe('ucmcdr: Session "c" exists on several PBXs (office, branch): choose one with --pbx NAME.\n');
    expect(existsSync(out)).toBe(false);
  });

  it('says when no PBX has the session', async () => {
    const run = await cli(['--db', db, 'recordings', 'zzz', '--out', join(tmp.dir, 'out')]);
    expect(run.code).toBe(1);
    expect(run.stderr).toBe('ucmcdr: No call with session "zzz" in the cache.\n');
  });

  it('takes the one PBX holding the session without --pbx', async () => {
    const run = await cli(['--db', db, 'recordings', 'a', '--out', join(tmp.dir, 'out')]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toBe('Call a has no recordings.\n');
  });
});
