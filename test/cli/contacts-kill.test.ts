import { spawn } from 'node:child_process';
import { copyFileSync, existsSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { openStore } from '../../main/store/store.js';
import { flatCall } from '../support/calls.js';
import { tempDir } from '../support/fs.js';
import { cli } from './helpers.js';

/**
 * `ucmcdr contacts import --replace` killed with SIGKILL while it commits: the phonebook is the one
 * before or the one after, whole, never a mix, and the cache reopens intact. The new file is big
 * enough (120,000 contacts) that its one transaction writes megabytes.
 */

const CONTACTS = 120_000;
const BIN = fileURLToPath(new URL('../../bin/ucmcdr.js', import.meta.url));

const tmp = tempDir('ucmcdr-contacts-kill-');
/** office with a few calls and OLD imported: each test starts from a copy. */
const template = join(tmp.dir, 'template.sqlite');
/** The template after the import of NEW ran to the end. */
const reference = join(tmp.dir, 'reference.sqlite');
const oldFile = join(tmp.dir, 'old.csv');
const newFile = join(tmp.dir, 'new.csv');
let db: string;

const number = (i: number): string => `0301${String(i).padStart(7, '0')}`;

function checkpoint(path: string): void {
  const raw = new Database(path);
  raw.pragma('wal_checkpoint(TRUNCATE)');
  raw.close();
}

async function ok(path: string, argv: string[]): Promise<string> {
  const run = await cli(['--db', path, ...argv]);
  expect(run.code, run.stderr).toBe(0);
  return run.stdout;
}

/** The imported contacts as (number, name), in number order, after an integrity check. */
function phonebook(path: string): string[] {
  const raw = new Database(path, { readonly: true });
  try {
    expect(raw.pragma('integrity_check', { simple: true })).toBe('ok');
    return (raw.prepare('SELECT number, name FROM contacts WHERE source = 3 ORDER BY number').all() as { number: string; name: string }[]).map(
      (r) => `${r.number} ${r.name}`,
    );
  } finally {
    raw.close();
  }
}

beforeAll(async () => {
  // Old: 40,000 contacts named "Old i"; new: 120,000 named "New i", half of them numbers the old file had.
  writeFileSync(oldFile, `Name,Phone\n${Array.from({ length: 40_000 }, (_, i) => `Old ${i},${number(i)}`).join('\n')}\n`);
  writeFileSync(newFile, `Name,Phone\n${Array.from({ length: CONTACTS }, (_, i) => `New ${i},${number(i + 20_000)}`).join('\n')}\n`);
  const store = openStore(template);
  try {
    const office = store.profiles.save({ name: 'office', url: 'https://192.0.2.10:8443', api: 'legacy', user: 'cdrapi', tz: 'UTC' }).id;
    store.calls.ingest(office, [flatCall({ session: 's1', start: '2024-03-01 08:00:00', src: '1001', dst: number(30_000), userfield: 'Outbound' })], { origin: 'sync' });
  } finally {
    store.close();
  }
  expect(await ok(template, ['contacts', 'import', oldFile, '--pbx', 'office'])).toMatch(/: 40,000 added, 0 renamed, 0 unchanged /);
  checkpoint(template);
  copyFileSync(template, reference);
  expect(await ok(reference, ['contacts', 'import', newFile, '--pbx', 'office', '--replace'])).toMatch(
    /: 100,000 added, 20,000 renamed, 0 unchanged, 20,000 earlier ones removed /,
  );
  checkpoint(reference);
});
afterAll(() => tmp.cleanup());
beforeEach(() => {
  db = join(tmp.dir, `killed-${Date.now()}.sqlite`);
  copyFileSync(template, db);
});

/** Runs `ucmcdr --db <db> <args>` and kills it with SIGKILL once its first write-ahead log bytes appear (a busy loop: a timer could miss them). */
async function killWhileWriting(args: string[]): Promise<NodeJS.Signals | null> {
  const wal = `${db}-wal`;
  const child = spawn(process.execPath, [BIN, '--db', db, ...args], { stdio: 'ignore' });
  const exited = new Promise<NodeJS.Signals | null>((resolve) => child.once('exit', (_code, signal) => resolve(signal)));
  try {
    const deadline = Date.now() + 60_000;
    while (Date.now() < deadline && !(existsSync(wal) && (statSync(wal, { throwIfNoEntry: false })?.size ?? 0) > 0)) {
      // Spin: see above.
    }
  } finally {
    child.kill('SIGKILL');
  }
  return exited;
}

describe('kill -9 during contacts import', () => {
  it('leaves the phonebook as it was or as the whole file makes it, and the import can run again', async () => {
    const before = phonebook(template);
    const after = phonebook(reference);
    expect(before).toHaveLength(40_000);
    expect(after).toHaveLength(CONTACTS);

    expect(await killWhileWriting(['contacts', 'import', newFile, '--pbx', 'office', '--replace'])).toBe('SIGKILL');

    const found = phonebook(db);
    // Never a mix: exactly one of the two, whole.
    expect([before.length, after.length]).toContain(found.length);
    expect(found).toEqual(found.length === before.length ? before : after);
    // The calls show the names of whichever phonebook it is.
    const call = JSON.parse(await ok(db, ['calls', '--format', 'json'])) as { callee_name: string }[];
    expect(call[0]?.callee_name).toBe(found.length === before.length ? 'Old 30000' : 'New 10000');

    // Importing again ends where an uninterrupted import ends.
    await ok(db, ['contacts', 'import', newFile, '--pbx', 'office', '--replace']);
    expect(phonebook(db)).toEqual(after);
  });
});
