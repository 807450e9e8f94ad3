import { mkdir, readdir, readFile, stat, unlink, writeFile } from 'node:fs/promises';
import { join, sep } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { tempDir } from '../support/fs.js';
import { tempStore } from '../support/store.js';
import type { CallRow } from '../../preload/api.js';
import type { CdrCall } from '../../main/cdr/types.js';
import { createPbxClient } from '../../main/pbx/client.js';
import { recapiFilename } from '../../main/pbx/recapi.js';
import { recordingsDir } from '../../main/paths.js';
import { cacheFileName, exportFileName } from '../../main/recordings/names.js';
import { exportRecordings, fetchRecording } from '../../main/recordings/recordings.js';
import { startSimulator, type RunningSimulator } from '../../main/simulator/index.js';
import type { Store } from '../../main/store/types.js';
import { caught } from '../support/caught.js';

const USER = 'cdrapi';
const PASSWORD = 'rec-test-password';
const cleanups: (() => Promise<void>)[] = [];

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

interface Setup {
  sim: RunningSimulator;
  store: Store;
  dataDir: string;
  pbxId: number;
}

async function setup(api: 'legacy' | 'ucm63xx'): Promise<Setup> {
  const sim = await startSimulator({ port: 0, api, seed: 5, calls: 300, days: 30, user: USER, password: PASSWORD });
  cleanups.push(() => sim.close());
  const { dir: dataDir, store, cleanup } = tempStore('ucmcdr-rec-');
  cleanups.push(async () => cleanup());
  const pbxId = store.profiles.save({ name: 'Office', url: sim.url, api, user: USER, tz: 'UTC', fingerprint: sim.fingerprint }).id;
  store.calls.ingest(pbxId, sim.calls, { origin: 'sync' });
  return { sim, store, dataDir, pbxId };
}

function callsWithRecordings(store: Store, count: (n: number) => boolean): CallRow[] {
  return store.calls.page({ filter: { has_recording: true }, limit: 1000 }).rows.filter((row) => count(row.recordings.length));
}

function recapiRequests(sim: RunningSimulator): { filename?: string }[] {
  return sim.requests.filter((r) => r.path === '/recapi' || r.action === 'recapi').map((r) => r.params);
}

describe('fetchRecording', () => {
  it.each(['legacy', 'ucm63xx'] as const)('downloads a single WAV over the %s API and then serves it from the cache', async (api) => {
    const { sim, store, dataDir, pbxId } = await setup(api);
    const call = callsWithRecordings(store, (n) => n >= 1)[0]!;
    const path = call.recordings[0]!;
    const fetched = await fetchRecording(store, dataDir, call.id, path, PASSWORD);
    expect(fetched.local_path.startsWith(join(recordingsDir(dataDir), String(pbxId)) + sep)).toBe(true);
    const bytes = await readFile(fetched.local_path);
    expect(bytes.toString('latin1', 0, 4)).toBe('RIFF');
    expect(bytes.toString('latin1', 8, 12)).toBe('WAVE');
    expect(fetched.bytes).toBe(bytes.length);
    expect(store.recordings.get(call.id, path)).toMatchObject({ state: 'cached', local_path: fetched.local_path, bytes: bytes.length });
    // The query string arrives decoded; the /api JSON value carries the URL-encoded name as sent.
    expect(recapiRequests(sim).at(-1)).toMatchObject({ filename: api === 'legacy' ? path : recapiFilename([path]) });
    if (api === 'ucm63xx') expect(recapiFilename([path])).toMatch(/%2F/);

    const requestsBefore = sim.requests.length;
    expect(await fetchRecording(store, dataDir, call.id, path, PASSWORD)).toEqual(fetched);
    expect(sim.requests.length).toBe(requestsBefore);
  });

  it('fetches again when the cached file was deleted', async () => {
    const { sim, store, dataDir } = await setup('legacy');
    const call = callsWithRecordings(store, (n) => n >= 1)[0]!;
    const first = await fetchRecording(store, dataDir, call.id, call.recordings[0]!, PASSWORD);
    await unlink(first.local_path);
    const before = recapiRequests(sim).length;
    const again = await fetchRecording(store, dataDir, call.id, call.recordings[0]!, PASSWORD);
    expect((await stat(again.local_path)).size).toBe(again.bytes);
    expect(recapiRequests(sim).length).toBeGreaterThan(before);
  });

  it('says "not on the PBX any more" for a 404 and does not ask again', async () => {
    for (const api of ['legacy', 'ucm63xx'] as const) {
      const { sim, store, dataDir, pbxId } = await setup(api);
      const template = sim.calls.find((c) => c.legs.length === 1)!;
      const vanished = 'auto-1000000000-1000-1001.wav';
      const leg = { ...template.legs[0]!, recordfiles: `${vanished}@`, session: 'vanished-1', cdr: 'vanished-1' };
      const ghost: CdrCall = { session: 'vanished-1', main: leg, legs: [leg] };
      store.calls.ingest(pbxId, [ghost], { origin: 'sync' });
      const callId = store.calls.findSession('vanished-1')[0]!.call.id;
      const error = await caught(fetchRecording(store, dataDir, callId, vanished, PASSWORD));
      expect(error.code).toBe('RECORDING_GONE');
      expect(error.message).toMatch(/not on the PBX any more/);
      expect(store.recordings.get(callId, vanished)).toMatchObject({ state: 'gone', local_path: null });
      const before = sim.requests.length;
      expect((await caught(fetchRecording(store, dataDir, callId, vanished, PASSWORD))).code).toBe('RECORDING_GONE');
      expect(sim.requests.length).toBe(before);
    }
  });

  it('refuses a file without a RIFF/WAVE header and does not cache it', async () => {
    const { dir: spool, cleanup: removeSpool } = tempDir('ucmcdr-spool-');
    cleanups.push(async () => removeSpool());
    await mkdir(join(spool, 'monitor', '2024-03'), { recursive: true });
    await writeFile(join(spool, 'monitor', '2024-03', 'auto-1709280000-1000-1001.wav'), 'this is not audio');
    const sim = await startSimulator({ port: 0, api: 'legacy', calls: 5, days: 2, user: USER, password: PASSWORD, recordingsDir: spool });
    cleanups.push(() => sim.close());
    const { dir: dataDir, store, cleanup } = tempStore('ucmcdr-rec-');
    cleanups.push(async () => cleanup());
    const pbxId = store.profiles.save({ name: 'Office', url: sim.url, api: 'legacy', user: USER, tz: 'UTC', fingerprint: sim.fingerprint }).id;
    const path = '2024-03/auto-1709280000-1000-1001.wav';
    const leg = { ...sim.calls[0]!.legs[0]!, recordfiles: `${path}@`, session: 'broken-1', cdr: 'broken-1' };
    store.calls.ingest(pbxId, [{ session: 'broken-1', main: leg, legs: [leg] }], { origin: 'sync' });
    const callId = store.calls.findSession('broken-1')[0]!.call.id;
    const error = await caught(fetchRecording(store, dataDir, callId, path, PASSWORD));
    expect(error.code).toBe('PROTOCOL_ERROR');
    expect(error.message).toMatch(/RIFF\/WAVE/);
    expect(store.recordings.get(callId, path)?.state ?? 'unknown').not.toBe('cached');
  });

  it('refuses a path the call does not list', async () => {
    const { store, dataDir } = await setup('legacy');
    const call = callsWithRecordings(store, (n) => n >= 1)[0]!;
    const error = await caught(fetchRecording(store, dataDir, call.id, '../../etc/passwd', PASSWORD));
    expect(error.code).toBe('BAD_INPUT');
  });
});

describe('recapi answers', () => {
  it.each(['legacy', 'ucm63xx'] as const)('returns a tar of several files over the %s API, stream-parsed into entries', async (api) => {
    const { sim, store } = await setup(api);
    const paths = callsWithRecordings(store, (n) => n >= 1)
      .slice(0, 3)
      .map((row) => row.recordings[0]!);
    const client = createPbxClient({ url: sim.url, api, user: USER, fingerprint: sim.fingerprint, ca_file: null }, PASSWORD);
    try {
      const payload = await client.fetchRecording(paths);
      expect(payload.container).toBe('tar');
      expect(payload.files.map((f) => f.name).sort()).toEqual([...paths].sort());
      for (const file of payload.files) expect(file.data.toString('latin1', 0, 4)).toBe('RIFF');
      expect(recapiRequests(sim).at(-1)).toMatchObject({ filename: api === 'legacy' ? paths.join('@') : recapiFilename(paths) });
    } finally {
      client.close();
    }
  });
});

describe('exportRecordings', () => {
  it('copies with readable names, numbering further recordings, and skips what is already there', async () => {
    const { sim, store, dataDir } = await setup('ucm63xx');
    const several = callsWithRecordings(store, (n) => n >= 2);
    const single = callsWithRecordings(store, (n) => n === 1);
    expect(several.length).toBeGreaterThan(0);
    const chosen = [several[0]!, ...single.slice(0, 2)];
    const outDir = join(dataDir, 'export');
    const expected = chosen.flatMap((call) => call.recordings.map((_p, i) => exportFileName(call, i)));
    const before = recapiRequests(sim).length;

    const first = await exportRecordings(store, dataDir, { callIds: chosen.map((c) => c.id) }, outDir, PASSWORD);
    expect(first).toEqual({ copied: expected.length, skipped_existing: 0, missing: 0 });
    expect((await readdir(outDir)).sort()).toEqual([...expected].sort());
    // One request per call: a call's recordings come together (a tar when there are several).
    expect(recapiRequests(sim).length - before).toBe(chosen.length);
    const call = several[0]!;
    expect(exportFileName(call, 1)).toMatch(/-2\.wav$/);
    expect(exportFileName(call, 0)).toBe(
      `${call.start.slice(0, 10)}_${call.start.slice(11, 13)}${call.start.slice(14, 16)}_${call.src}-to-${call.dst}_${call.session}.wav`,
    );

    await writeFile(join(outDir, 'unrelated.txt'), 'keep me');
    const second = await exportRecordings(store, dataDir, { callIds: chosen.map((c) => c.id) }, outDir, PASSWORD);
    expect(second).toEqual({ copied: 0, skipped_existing: expected.length, missing: 0 });
    expect(await readFile(join(outDir, 'unrelated.txt'), 'utf8')).toBe('keep me');
  });

  it('exports a filtered set; without a password only cached recordings are copied', async () => {
    const { store, dataDir } = await setup('legacy');
    const withRecordings = callsWithRecordings(store, (n) => n >= 1);
    const cachedCall = withRecordings[0]!;
    await fetchRecording(store, dataDir, cachedCall.id, cachedCall.recordings[0]!, PASSWORD);
    const filter = { caller: cachedCall.src };
    const matching = store.calls.page({ filter: { ...filter, has_recording: true }, limit: 1000 }).rows;
    const total = matching.reduce((sum, row) => sum + row.recordings.length, 0);
    const outDir = join(dataDir, 'offline');
    const progress: number[] = [];
    const result = await exportRecordings(store, dataDir, { filter }, outDir, null, { onProgress: (p) => progress.push(p.done) });
    expect(result.copied).toBe(1);
    expect(result.missing).toBe(total - 1);
    expect(progress.at(-1)).toBe(matching.length);
    expect(await readdir(outDir)).toEqual([exportFileName(cachedCall, 0)]);
  });
});

describe('local names', () => {
  it('flattens month folders and keeps names inside the cache folder', () => {
    expect(cacheFileName('2022-08/auto-1661159747#203-01904593096-6400.wav')).toBe('2022-08_auto-1661159747#203-01904593096-6400.wav');
    for (const hostile of ['../../etc/passwd', '/etc/passwd', 'C:\\Windows\\x.wav', '..', 'CON', 'a'.repeat(400)]) {
      const name = cacheFileName(hostile);
      expect(name).not.toMatch(/[/\\]/);
      expect(name.startsWith('.')).toBe(false);
      expect(name.length).toBeLessThanOrEqual(120);
      expect(name).toMatch(/\.wav$/);
    }
    expect(cacheFileName('a b.wav')).not.toBe(cacheFileName('a_b.wav'));
  });

  it('sanitizes numbers and sessions in export names', () => {
    const name = exportFileName({ start: '2024-03-01T08:02:11', src: '"Bob" <1001>', dst: '../2001', session: 'a/b' }, 2);
    expect(name).toBe('2024-03-01_0802__Bob___1001_-to-_2001_a_b-3.wav');
  });
});
