import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CallRow } from '../../preload/api.js';
import { startSimulator, type RunningSimulator } from '../../main/simulator/index.js';
import { cli, collector } from './helpers.js';
import { tempDir } from '../support/fs.js';

const ENV = { UCM_PW: 'pw-for-cancel' };
const tmp = tempDir('ucmcdr-cancel-');
const db = join(tmp.dir, 'cache.sqlite');
let sim: RunningSimulator;

beforeAll(async () => {
  sim = await startSimulator({ port: 0, seed: 9, calls: 1500, days: 100, user: 'cdrapi', password: ENV.UCM_PW });
  const added = await cli(['--db', db, 'pbx', 'add', 'office', '--url', sim.url, '--user', 'cdrapi', '--tz', 'UTC', '--fingerprint', sim.fingerprint]);
  expect(added.code).toBe(0);
});
afterAll(async () => {
  await sim.close();
  tmp.cleanup();
});

async function sessions(): Promise<string[]> {
  const run = await cli(['--db', db, 'calls', '--format', 'json', '--limit', '5000']);
  return (JSON.parse(run.stdout) as CallRow[]).map((c) => c.session);
}

describe('ucmcdr sync and Ctrl-C', () => {
  it('stops after the page in flight, keeps the committed pages, and the next sync completes without doubles', async () => {
    const controller = new AbortController();
    // A terminal stderr gets every progress line at once; the first one (after the first committed page) is our Ctrl-C.
    const stderr = Object.assign(
      collector((text) => {
        if (text.includes('page 1')) controller.abort();
      }),
      { isTTY: true },
    );
    const cancelled = await cli(['--db', db, 'sync', 'office', '--password-env', 'UCM_PW'], { env: ENV, signal: controller.signal, stderr });
    expect(cancelled.code).toBe(130);
    expect(cancelled.stdout).toBe('');
    expect(cancelled.stderr.trimEnd().split('\n').at(-1)).toBe('ucmcdr: Sync cancelled; the pages already fetched are kept.');
    const kept = await sessions();
    expect(kept.length).toBeGreaterThan(0);
    expect(kept.length).toBeLessThan(sim.calls.length);

    const resumed = await cli(['--db', db, 'sync', 'office', '--password-env', 'UCM_PW'], { env: ENV });
    expect(resumed.code).toBe(0);
    const all = await sessions();
    expect(all).toHaveLength(sim.calls.length);
    expect(new Set(all).size).toBe(all.length);
    expect(all.sort()).toEqual(sim.calls.map((c) => c.session).sort());
  });
});
