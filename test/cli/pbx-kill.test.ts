import { spawn } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { wallClockToUtc } from '../../main/cdr/time.js';
import { openStore } from '../../main/store/store.js';
import { flatCall } from '../support/calls.js';
import { tempDir } from '../support/fs.js';

/**
 * `pbx set --tz` and `pbx remove --keep-calls` killed with SIGKILL while they write: the cache must
 * reopen intact and hold either the state before the command or the state after it, never a mix.
 */

const CALLS = 20_000;
const BIN = fileURLToPath(new URL('../../bin/ucmcdr.js', import.meta.url));
const OLD_ZONE = 'Europe/Berlin';
const NEW_ZONE = 'America/New_York';

let tmp: { dir: string; cleanup: () => void };
let db: string;

interface Snapshot {
  pbx: { kind: string; url: string; tz: string; fingerprint: string | null; call_count: number };
  calls: { id: number; start: string; start_utc: number }[];
  legs: { call_id: number; seq: number; fields: string }[];
  positions: number;
}

function snapshot(): Snapshot {
  const raw = new Database(db, { readonly: true });
  try {
    expect(raw.pragma('integrity_check', { simple: true })).toBe('ok');
    const pbx = raw.prepare("SELECT kind, url, tz, fingerprint, call_count FROM pbx WHERE name = 'office'").get() as Snapshot['pbx'];
    const calls = raw.prepare('SELECT id, start, start_utc FROM calls ORDER BY id').all() as Snapshot['calls'];
    // A record's instants are not stored (schema 8): its stored form must not change with the zone.
    const legs = raw.prepare("SELECT call_id, seq, hex(fields) AS fields FROM legs ORDER BY call_id, seq").all() as Snapshot['legs'];
    const positions = (raw.prepare('SELECT count(*) AS n FROM sync_position').get() as { n: number }).n;
    return { pbx, calls, legs, positions };
  } finally {
    raw.close();
  }
}

/** 20,000 calls of a pinned PBX over two years (both sides of several DST changes), with a sync position. */
function fillCache(): void {
  const store = openStore(db);
  try {
    const id = store.profiles.save({
      name: 'office',
      url: 'https://192.0.2.10:8443',
      api: 'auto',
      user: 'cdrapi',
      tz: OLD_ZONE,
      fingerprint: 'AA:BB:CC',
    }).id;
    const base = Date.UTC(2023, 0, 1);
    for (let batch = 0; batch < CALLS; batch += 2000) {
      const calls = Array.from({ length: 2000 }, (_, i) => {
        const n = batch + i;
        const start = new Date(base + n * 3_157_000).toISOString().slice(0, 19).replace('T', ' ');
        return flatCall({ session: `s-${n}`, start, src: String(1000 + (n % 50)), dst: String(2000 + (n % 70)) });
      });
      store.calls.ingest(id, calls, { origin: 'sync' });
    }
    store.sync.setPosition(id, {
      window_start: '2024-12-01T00:00:00',
      window_end: '2025-01-01T00:00:00',
      offset: 2000,
      newest_start: null,
      in_progress: true,
      full: false,
    });
  } finally {
    store.close();
  }
}

/**
 * Starts the command and kills it the moment the cache's write-ahead log holds its first written
 * bytes: the transaction is being committed (or was just committed) then. The watch is a busy loop on
 * purpose: the window between the first WAL byte and the end of the process is milliseconds, and a
 * timer would sleep through it.
 */
async function killWhileWriting(args: string[]): Promise<{ signal: NodeJS.Signals | null; stderr: string }> {
  const wal = `${db}-wal`;
  const child = spawn(process.execPath, [BIN, '--db', db, ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<NodeJS.Signals | null>((resolve) => child.once('exit', (_code, signal) => resolve(signal)));
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline && !(existsSync(wal) && statSync(wal, { throwIfNoEntry: false })?.size)) {
    // Spin: see above.
  }
  child.kill('SIGKILL');
  return { signal: await exited, stderr };
}

beforeEach(() => {
  tmp = tempDir('ucmcdr-kill-');
  db = join(tmp.dir, 'cache.sqlite');
  fillCache();
});
afterEach(() => tmp.cleanup());

describe('kill -9 while a PBX profile changes', () => {
  it('pbx set --tz: all calls keep the old instants with the old zone, or all have the new ones with the new zone', async () => {
    const before = snapshot();
    expect(before.calls).toHaveLength(CALLS);
    const { signal, stderr } = await killWhileWriting(['pbx', 'set', 'office', '--tz', NEW_ZONE]);
    expect(signal, stderr).toBe('SIGKILL');

    const after = snapshot();
    expect(after.calls.map((c) => [c.id, c.start])).toEqual(before.calls.map((c) => [c.id, c.start]));
    expect(after.pbx.call_count).toBe(CALLS);
    const instant = (local: string, tz: string) => Math.floor(wallClockToUtc(local, tz) / 1000);
    if (after.pbx.tz === OLD_ZONE) {
      expect(after).toEqual(before);
    } else {
      expect(after.pbx.tz).toBe(NEW_ZONE);
      const wrong = after.calls.filter((c) => c.start_utc !== instant(c.start, NEW_ZONE));
      expect(wrong).toEqual([]);
      expect(after.legs).toEqual(before.legs);
    }
    // Either way the cache is usable: the next change completes.
    const store = openStore(db);
    try {
      const office = store.profiles.getByName('office')!;
      store.profiles.save({ ...office, tz: 'Asia/Tokyo' });
      const first = store.calls.page({ filter: {}, sort: { field: 'start', dir: 'asc' }, limit: 1 }).rows[0]!;
      expect(first.start_utc).toBe(`${new Date(wallClockToUtc(first.start, 'Asia/Tokyo')).toISOString().slice(0, 19)}Z`);
      // A record's instants are derived with the zone of the moment.
      expect(store.calls.session(first.id)!.main.start_utc).toBe(first.start_utc);
    } finally {
      store.close();
    }
  });

  it('pbx remove --keep-calls: the PBX stays as it was, or is an import-only source with every call', async () => {
    const before = snapshot();
    const { signal, stderr } = await killWhileWriting(['pbx', 'remove', 'office', '--keep-calls']);
    expect(signal, stderr).toBe('SIGKILL');

    const after = snapshot();
    expect(after.calls).toEqual(before.calls);
    expect(after.legs).toEqual(before.legs);
    if (after.pbx.kind === 'pbx') {
      expect(after).toEqual(before);
    } else {
      expect(after.pbx).toEqual({ kind: 'import', url: '', tz: OLD_ZONE, fingerprint: null, call_count: CALLS });
      expect(after.positions).toBe(0);
    }
  });
});
