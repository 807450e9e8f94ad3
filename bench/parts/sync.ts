import { spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { parseCdrResponse } from '../../main/cdr/parse.js';
import type { CdrCall } from '../../main/cdr/types.js';
import { generateCalls, serializeCdr, startSimulator } from '../../main/simulator/index.js';
import { openStore } from '../../main/store/store.js';
import { syncPbx } from '../../main/sync/sync.js';
import { SEED, TZ } from '../data.js';
import { cpuMs, peakRssMb, report } from '../measure.js';

export interface SyncArgs {
  calls: number;
  dir: string;
}

/** The simulator's clock and span are fixed so the baseline can generate exactly the calls it serves. */
const SIM = { now: new Date('2025-01-01T00:00:00Z'), days: 365, user: 'cdrapi', password: 'cdrapi123', api: 'both' as const };
const PAGE = 1000;

function freshDb(path: string): void {
  for (const suffix of ['', '-wal', '-shm']) rmSync(`${path}${suffix}`, { force: true });
}

/** Runs in its own process during the sync part: serves until its stdin closes. */
export async function serveSimulator(args: SyncArgs): Promise<void> {
  const sim = await startSimulator({ port: 0, calls: args.calls, seed: SEED, tz: TZ, ...SIM });
  process.stdout.write(`${JSON.stringify({ url: sim.url, fingerprint: sim.fingerprint })}\n`);
  process.stdin.resume();
  await new Promise((done) => process.stdin.once('end', done));
  await sim.close();
}

function spawnSimulator(args: SyncArgs): Promise<{ url: string; fingerprint: string; stop: () => void }> {
  const child = spawn(process.execPath, ['--import', 'tsx', resolve('bench', 'child.ts'), 'simulator', JSON.stringify(args)], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  return new Promise((ready, fail) => {
    child.once('error', fail);
    child.once('exit', (code) => fail(new Error(`the simulator exited early with status ${code}`)));
    createInterface({ input: child.stdout }).once('line', (line) => {
      const { url, fingerprint } = JSON.parse(line) as { url: string; fingerprint: string };
      ready({ url, fingerprint, stop: () => child.stdin.end() });
    });
  });
}

/** A full sync over HTTPS from a simulator in another process: this process's CPU time is the client's. */
export async function syncFromSimulator(args: SyncArgs): Promise<void> {
  const sim = await spawnSimulator(args);
  const db = join(args.dir, 'sync.sqlite');
  freshDb(db);
  const store = openStore(db);
  try {
    const pbx = store.profiles.save({ name: 'sim', url: sim.url, api: 'auto', user: SIM.user, tz: TZ, fingerprint: sim.fingerprint });
    const cpu = process.cpuUsage();
    const started = performance.now();
    const result = await syncPbx(store, pbx.id, SIM.password, { full: true });
    const seconds = (performance.now() - started) / 1000;
    const used = cpuMs(cpu);
    const calls = store.calls.totals({}).count;
    report({
      part: 'sync',
      figures: {
        calls,
        pages: result.pages,
        seconds,
        calls_per_s: calls / seconds,
        cpu_ms_per_1000: (used / calls) * 1000,
        api: store.profiles.get(pbx.id)?.detected_api ?? null,
        peak_rss_mb: peakRssMb(),
      },
    });
  } finally {
    store.close();
    sim.stop();
    freshDb(db);
  }
}

/** The same calls as cdrapi JSON pages, parsed and ingested without any network; only that is timed. */
export function syncBaseline(args: SyncArgs): void {
  const db = join(args.dir, 'sync-baseline.sqlite');
  freshDb(db);
  const store = openStore(db);
  const pbx = store.profiles.save({ name: 'sim', url: 'https://127.0.0.1:8443', api: 'legacy', user: SIM.user, tz: TZ });
  const end = SIM.now.getTime();
  const calls = generateCalls({
    count: args.calls,
    seed: SEED,
    start: new Date(end - SIM.days * 86_400_000),
    end: SIM.now,
    tz: TZ,
    flavour: 'ucm63xx',
  });
  let ms = 0;
  let cpu = 0;
  let pages = 0;
  let batch: CdrCall[] = [];
  const flush = (): void => {
    const text = serializeCdr(batch, 'json');
    const before = process.cpuUsage();
    const started = performance.now();
    store.calls.ingest(pbx.id, parseCdrResponse(text).calls, { origin: 'sync' });
    ms += performance.now() - started;
    cpu += cpuMs(before);
    pages++;
    batch = [];
  };
  for (const call of calls) {
    batch.push(call);
    if (batch.length === PAGE) flush();
  }
  if (batch.length > 0) flush();
  const count = store.calls.totals({}).count;
  store.close();
  freshDb(db);
  report({
    part: 'sync-baseline',
    figures: { calls: count, pages, seconds: ms / 1000, calls_per_s: count / (ms / 1000), cpu_ms_per_1000: (cpu / count) * 1000, peak_rss_mb: peakRssMb() },
  });
}
