import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openStore } from '../../main/store/store.js';
import { cli } from '../cli/helpers.js';
import { tempDir } from '../support/fs.js';
import { flatCall } from '../support/calls.js';

/**
 * An import that merges into synced calls, and `imports undo`, killed with SIGKILL while they write.
 * An import commits batch by batch: a killed one keeps whole batches, its log entry says what they
 * stored, and undoing it gives back exactly the cache before it. An undo is one transaction: the
 * cache after a killed undo is the one before the undo or the one after it.
 */

const SYNCED = 12_000;
const NEW = 12_000;
const BIN = fileURLToPath(new URL('../../bin/ucmcdr.js', import.meta.url));

let tmp: { dir: string; cleanup: () => void };
let db: string;
let csv: string;

function start(n: number): string {
  return new Date(Date.UTC(2024, 0, 1) + n * 600_000).toISOString().slice(0, 19).replace('T', ' ');
}

/** Synced calls without account codes; the file brings account codes for them and new calls after them. */
function prepare(): void {
  const store = openStore(db);
  try {
    const id = store.profiles.save({ name: 'office', url: 'https://192.0.2.10:8443', api: 'auto', user: 'cdrapi', tz: 'Europe/Berlin' }).id;
    for (let batch = 0; batch < SYNCED; batch += 2000) {
      const calls = Array.from({ length: 2000 }, (_, i) => {
        const n = batch + i;
        return flatCall({ session: `s-${n}`, start: start(n), src: String(1000 + (n % 50)), dst: String(2000 + (n % 70)), billsec: 10 });
      });
      store.calls.ingest(id, calls, { origin: 'sync' });
    }
  } finally {
    store.close();
  }
  const lines = ['Session,Caller Number,Callee Number,Start Time,Call Time,Talk Time,Account Code'];
  for (let n = 0; n < SYNCED + NEW; n++) {
    lines.push(`s-${n},${1000 + (n % 50)},${2000 + (n % 70)},${start(n)},12,10,ACC-${n % 9}`);
  }
  csv = join(tmp.dir, 'history.csv');
  writeFileSync(csv, `${lines.join('\n')}\n`);
}

interface State {
  calls: number;
  talk: number;
  /** Digest of every call's identity, row values and records. */
  digest: string;
  withAccount: number;
  imports: { id: number; state: string; imported: number; merged: number }[];
}

function state(): State {
  const raw = new Database(db, { readonly: true });
  try {
    expect(raw.pragma('integrity_check', { simple: true })).toBe('ok');
    const hash = createHash('sha256');
    const rows = raw
      .prepare(
        `SELECT c.session, c.pbx_id, c.start_utc, c.src, c.dst, c.account_code, c.billsec, c.legs, group_concat(l.fields, '|') AS records
         FROM calls AS c JOIN legs AS l ON l.call_id = c.id GROUP BY c.id ORDER BY c.session`,
      )
      .raw()
      .all();
    for (const row of rows) hash.update(JSON.stringify(row));
    const totals = raw.prepare('SELECT count(*) AS calls, coalesce(sum(billsec), 0) AS talk FROM calls').get() as { calls: number; talk: number };
    const tally = raw.prepare('SELECT coalesce(sum(calls), 0) AS calls, coalesce(sum(talk), 0) AS talk FROM call_days').get();
    expect(tally).toEqual(totals);
    const pbxTotals = raw.prepare('SELECT sum(call_count) AS calls, sum(talk_seconds) AS talk FROM pbx').get();
    expect(pbxTotals).toEqual(totals);
    return {
      ...totals,
      digest: hash.digest('hex'),
      withAccount: (raw.prepare("SELECT count(*) AS n FROM calls WHERE account_code <> ''").get() as { n: number }).n,
      imports: raw.prepare('SELECT id, state, imported, merged FROM import_log ORDER BY id').all() as State['imports'],
    };
  } finally {
    raw.close();
  }
}

/**
 * Runs the command and kills it once `ready()` says it is in the middle of its writes. A busy loop on
 * purpose: a timer could sleep past the moment.
 */
async function killWhen(args: string[], ready: () => boolean): Promise<{ signal: NodeJS.Signals | null; stderr: string }> {
  const child = spawn(process.execPath, [BIN, '--db', db, ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<NodeJS.Signals | null>((resolve) => child.once('exit', (_code, signal) => resolve(signal)));
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline && !ready()) {
    // Spin: see above.
  }
  child.kill('SIGKILL');
  return { signal: await exited, stderr };
}

/** The first bytes in the write-ahead log: the one transaction is being committed. */
function walWritten(): boolean {
  const wal = `${db}-wal`;
  return existsSync(wal) && (statSync(wal, { throwIfNoEntry: false })?.size ?? 0) > 0;
}

/** The import log shows some thousands of calls stored: the import is between two batches' commits. */
function importUnderWay(): boolean {
  const raw = new Database(db, { readonly: true });
  try {
    const row = raw.prepare('SELECT imported + merged AS n FROM import_log ORDER BY id DESC LIMIT 1').get() as { n: number } | undefined;
    return (row?.n ?? 0) >= 3000;
  } catch {
    return false;
  } finally {
    raw.close();
  }
}

/** Folds the WAL into the file, so the next command's WAL starts empty and its growth is its own. */
function checkpoint(): void {
  const raw = new Database(db);
  raw.pragma('wal_checkpoint(TRUNCATE)');
  raw.close();
}

beforeEach(() => {
  tmp = tempDir('ucmcdr-import-kill-');
  db = join(tmp.dir, 'cache.sqlite');
  prepare();
  checkpoint();
});
afterEach(() => tmp.cleanup());

describe('kill -9 during an import that merges into synced calls', () => {
  it('keeps whole batches that its log entry counts, doubles nothing, and undoing it gives back the cache before it', async () => {
    const before = state();
    const { signal, stderr } = await killWhen(['import', csv, '--pbx', 'office'], importUnderWay);
    expect(signal, stderr).toBe('SIGKILL');

    const killed = state();
    const [entry] = killed.imports;
    expect(entry?.state).toBe('running');
    expect(entry!.merged + entry!.imported).toBeGreaterThan(0);
    expect(entry!.merged + entry!.imported).toBeLessThan(SYNCED + NEW);
    expect(entry!.merged + entry!.imported).toBe(killed.withAccount);
    expect(killed.calls).toBe(SYNCED + entry!.imported);

    const undo = await cli(['--db', db, 'imports', 'undo', String(entry!.id)]);
    expect(undo.stderr).toBe('');
    const undone = state();
    expect({ ...undone, imports: [] }).toEqual({ ...before, imports: [] });

    // Importing the file again completes it, with every call once.
    const again = await cli(['--db', db, 'import', csv, '--pbx', 'office']);
    expect(again.stdout).toContain(`${NEW} imported, 0 already present, ${SYNCED} merged`);
    const after = state();
    expect(after.calls).toBe(SYNCED + NEW);
    expect(after.withAccount).toBe(SYNCED + NEW);
  });
});

describe('kill -9 during imports undo', () => {
  it('leaves the cache as before the undo or as after it, never between', async () => {
    const before = state();
    const run = await cli(['--db', db, 'import', csv, '--pbx', 'office']);
    expect(run.stdout).toContain(`${NEW} imported, 0 already present, ${SYNCED} merged`);
    const imported = state();
    checkpoint();

    const { signal, stderr } = await killWhen(['imports', 'undo', '1'], walWritten);
    expect(signal, stderr).toBe('SIGKILL');

    const after = state();
    if (after.imports[0]?.state === 'undone') {
      expect({ ...after, imports: [] }).toEqual({ ...before, imports: [] });
    } else {
      expect(after).toEqual(imported);
      const undo = await cli(['--db', db, 'imports', 'undo', '1']);
      expect(undo.stdout).toContain(`${NEW} calls removed, ${SYNCED} calls restored`);
      expect({ ...state(), imports: [] }).toEqual({ ...before, imports: [] });
    }
  });
});
