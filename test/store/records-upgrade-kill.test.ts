import { spawn } from 'node:child_process';
import { copyFileSync, existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateCalls } from '../../main/simulator/generator.js';
import { SCHEMA_VERSION } from '../../main/store/migrations.js';
import { UPGRADE_BATCH_CALLS } from '../../main/store/record-upgrade.js';
import { openStore } from '../../main/store/store.js';
import { tempDir } from '../support/fs.js';
import { cacheContent, toSchema7, type CacheContent } from './legacy-cache.js';

/**
 * Schema 8 converts the records of an older cache in batches after opening (record-upgrade.ts). Killed
 * with SIGKILL at several points of it, each next opening resumes, and the end is the same cache as an
 * uninterrupted conversion: every call, every record's stored bytes, every field set and setting.
 */

/** Three batches: two full ones and a short last one. */
const CALLS = 2 * UPGRADE_BATCH_CALLS + 1_000;
const BIN = fileURLToPath(new URL('../../bin/ucmcdr.js', import.meta.url));

let tmp: { dir: string; cleanup: () => void };
/** A schema 7 cache, copied for each run. */
let legacy: string;
/** The same after one uninterrupted conversion. */
let expected: CacheContent;

/** The conversion's marker (null: none; a call id, or `vacuum` once every record is converted), and whether the schema step is done. */
function progress(path: string): { upgraded: boolean; marker: string | null } {
  const raw = new Database(path, { readonly: true });
  try {
    const row = raw.prepare("SELECT value FROM settings WHERE key = 'records.compact_after'").get() as { value: string } | undefined;
    return { upgraded: raw.pragma('user_version', { simple: true }) === SCHEMA_VERSION, marker: row?.value ?? null };
  } finally {
    raw.close();
  }
}

const marker = (path: string): string | null => progress(path).marker;

/** The cache is whole, and the records of the calls up to the marker are converted. */
function expectConsistent(path: string): void {
  const raw = new Database(path, { readonly: true });
  try {
    expect(raw.pragma('integrity_check', { simple: true })).toBe('ok');
    const row = raw.prepare("SELECT value FROM settings WHERE key = 'records.compact_after'").get() as { value: string } | undefined;
    // Killed before the schema step committed, the cache is at schema 7 and every record as it was.
    const upgraded = raw.pragma('user_version', { simple: true }) === SCHEMA_VERSION;
    const upTo = !upgraded ? 0 : row === undefined || row.value === 'vacuum' ? Number.MAX_SAFE_INTEGER : Number(row.value);
    const left = raw.prepare("SELECT count(*) FROM legs WHERE call_id <= ? AND typeof(fields) = 'text'").pluck().get(upTo) as number;
    expect(left).toBe(0);
    expect(raw.prepare('SELECT count(*) FROM calls').pluck().get()).toBe(CALLS);
  } finally {
    raw.close();
  }
}

/**
 * Starts a command on the cache and kills it once `ready` says so, checked in a busy loop (a timer
 * would miss the moment). Returns the signal it ended by (null: it finished first).
 */
async function killWhen(path: string, ready: () => boolean): Promise<NodeJS.Signals | null> {
  const child = spawn(process.execPath, [BIN, '--db', path, 'pbx', 'list'], { stdio: 'ignore' });
  let running = true;
  const exited = new Promise<NodeJS.Signals | null>((resolve) =>
    child.once('exit', (_code, signal) => {
      running = false;
      resolve(signal);
    }),
  );
  const deadline = Date.now() + 120_000;
  while (running && Date.now() < deadline && !ready()) {
    // Spin: see above. `running` is only updated between turns of the event loop, so yield now and then.
    await new Promise((resolve) => setImmediate(resolve));
  }
  child.kill('SIGKILL');
  return exited;
}

const walWritten = (path: string) => () => (statSync(`${path}-wal`, { throwIfNoEntry: false })?.size ?? 0) > 0;
/** Once the conversion is past call `id` (Infinity: converting is through, the VACUUM runs). */
const markerPast = (path: string, id: number) => () => {
  if (!existsSync(`${path}-wal`)) return false;
  const at = progress(path);
  return at.upgraded && (at.marker === null || at.marker === 'vacuum' || Number(at.marker) >= id);
};

beforeAll(() => {
  tmp = tempDir('ucmcdr-records-upgrade-');
  legacy = join(tmp.dir, 'legacy.sqlite');
  const store = openStore(legacy);
  try {
    const tz = 'Europe/London';
    const pbx = store.profiles.save({ name: 'office', url: 'https://192.0.2.10:8443', api: 'auto', user: 'cdrapi', tz }).id;
    const calls = generateCalls({ count: CALLS, seed: 8, start: new Date('2023-01-01T00:00:00Z'), end: new Date('2024-12-31T00:00:00Z'), tz });
    let batch = [];
    for (const call of calls) {
      batch.push(call);
      if (batch.length === 5_000) {
        store.calls.ingest(pbx, batch, { origin: 'sync' });
        batch = [];
      }
    }
    store.calls.ingest(pbx, batch, { origin: 'sync' });
  } finally {
    store.close();
  }
  toSchema7(legacy);
  const whole = join(tmp.dir, 'whole.sqlite');
  copyFileSync(legacy, whole);
  openStore(whole).close();
  expected = cacheContent(whole);
  expect(expected.legs.every((l) => l.type === 'blob')).toBe(true);
}, 300_000);
afterAll(() => tmp.cleanup());

describe('kill -9 while the records of a schema 7 cache are converted', () => {
  it('resumes after kills in the first, second and last batch and in the VACUUM, and ends as an uninterrupted conversion', async () => {
    const path = join(tmp.dir, 'killed.sqlite');
    copyFileSync(legacy, path);
    const markers: (string | null)[] = [];
    const points = [walWritten(path), markerPast(path, UPGRADE_BATCH_CALLS), markerPast(path, 2 * UPGRADE_BATCH_CALLS), markerPast(path, Infinity)];
    for (const ready of points) {
      const signal = await killWhen(path, ready);
      expectConsistent(path);
      markers.push(marker(path));
      if (signal === null) break;
    }
    // At least one kill stopped the conversion in the middle, so resuming was exercised.
    expect(markers.some((m) => m !== null)).toBe(true);
    openStore(path).close();
    expect(marker(path)).toBeNull();
    const after = cacheContent(path);
    expect(after.calls).toEqual(expected.calls);
    expect(after.legs).toEqual(expected.legs);
    expect(after.field_sets).toEqual(expected.field_sets);
    expect(after.settings).toEqual(expected.settings);
  }, 300_000);
});
