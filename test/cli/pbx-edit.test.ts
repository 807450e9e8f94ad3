import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CallRow, PbxProfile } from '../../preload/api.js';
import { startSimulator, type RunningSimulator } from '../../main/simulator/index.js';
import { openStore } from '../../main/store/store.js';
import { cli } from './helpers.js';
import { tempDir } from '../support/fs.js';
import { flatCall } from '../support/calls.js';

const USER = 'cdrapi';
const PASSWORD = 'S3cret-for-edit-tests';
const ENV = { UCM_PW: PASSWORD };

const tmp = tempDir('ucmcdr-pbx-edit-');
const db = join(tmp.dir, 'cache.sqlite');
const csv = join(tmp.dir, 'old-branch.csv');
const otherCsv = join(tmp.dir, 'other.csv');
let first: RunningSimulator;
let second: RunningSimulator;

beforeAll(async () => {
  // Two PBXs with certificates of their own: a profile moved from one to the other meets another certificate.
  [first, second] = await Promise.all([
    startSimulator({ port: 0, seed: 1, calls: 5, days: 2, user: USER, password: PASSWORD, certDir: join(tmp.dir, 'cert-1') }),
    startSimulator({ port: 0, seed: 2, calls: 5, days: 2, user: USER, password: PASSWORD, certDir: join(tmp.dir, 'cert-2') }),
  ]);
  writeFileSync(
    csv,
    [
      'Caller Number,Callee Number,Start Time,Call Time,Talk Time,Caller Name,Disposition,Session',
      '1001,1002,2021-03-18 15:14:33,10,8,Anna,ANSWERED,old-1',
      '1001,1003,2021-07-01 09:00:00,12,0,Anna,NO ANSWER,old-2',
      '',
    ].join('\r\n'),
  );
  writeFileSync(
    otherCsv,
    [
      'Caller Number,Callee Number,Start Time,Call Time,Talk Time,Caller Name,Disposition,Session',
      '2001,2002,2022-05-02 11:00:00,10,8,Eve,ANSWERED,other-1',
      '2001,2003,2022-05-03 12:00:00,12,0,Eve,NO ANSWER,other-2',
      '',
    ].join('\r\n'),
  );
});
afterAll(async () => {
  await Promise.all([first.close(), second.close()]);
  tmp.cleanup();
});

async function profiles(): Promise<PbxProfile[]> {
  return JSON.parse((await cli(['--db', db, 'pbx', 'list', '--format', 'json'])).stdout) as PbxProfile[];
}

async function profile(name: string): Promise<PbxProfile | undefined> {
  return (await profiles()).find((p) => p.name === name);
}

async function calls(pbx: string): Promise<CallRow[]> {
  const run = await cli(['--db', db, 'calls', '--pbx', pbx, '--format', 'json', '--limit', '1000', '--sort', 'start']);
  expect(run.stderr).toBe('');
  return JSON.parse(run.stdout) as CallRow[];
}

/** Puts `n` calls under a profile directly, as a sync would have. */
function cacheCalls(name: string, n: number): void {
  const store = openStore(db);
  try {
    const id = store.profiles.getByName(name)!.id;
    const made = Array.from({ length: n }, (_, i) =>
      flatCall({ session: `${name}-${i}`, start: `2024-01-${String(1 + (i % 28)).padStart(2, '0')} 10:00:00`, src: '1001', dst: '1002' }),
    );
    store.calls.ingest(id, made, { origin: 'sync' });
  } finally {
    store.close();
  }
}

describe('ucmcdr pbx add --import-only', () => {
  it('adds a named source without an address and says how to fill it', async () => {
    const run = await cli(['--db', db, 'pbx', 'add', 'old-branch', '--import-only', '--tz', 'Europe/Vienna', '--model', 'UCM6208']);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toBe(
      'Added import-only source old-branch (zone Europe/Vienna, model UCM6208).\n' +
        'Import its history with "ucmcdr import --pbx old-branch FILE...".\n',
    );
    expect(await profile('old-branch')).toMatchObject({ kind: 'import', url: '', user: '', tz: 'Europe/Vienna', model: 'UCM6208', fingerprint: null });
  });

  it('refuses connection options with --import-only, and a PBX without --url', async () => {
    const withUrl = await cli(['--db', db, 'pbx', 'add', 'x', '--import-only', '--url', first.url, '--trust-on-first-use']);
    expect(withUrl.code).toBe(2);
    expect(withUrl.stderr).toBe('ucmcdr: --import-only makes a source without an address: leave out --url, --trust-on-first-use.\n');
    const noUrl = await cli(['--db', db, 'pbx', 'add', 'x', '--user', USER]);
    expect(noUrl.code).toBe(2);
    expect(noUrl.stderr).toBe('ucmcdr: pbx add needs --url and --user (or --import-only, for history of a PBX that cannot be reached).\n');
    const taken = await cli(['--db', db, 'pbx', 'add', 'old-branch', '--import-only']);
    expect(taken.stderr).toBe('ucmcdr: A PBX named "old-branch" exists already: pick another name or remove it first.\n');
    expect((await profiles()).map((p) => p.name)).toEqual(['old-branch']);
  });

  it('is filled by import --pbx, read in its zone, while files without --pbx still go to "Imported"', async () => {
    const named = await cli(['--db', db, 'import', csv, '--pbx', 'old-branch']);
    expect(named.stderr).toBe('');
    expect(named.code).toBe(0);
    const rows = await calls('old-branch');
    expect(rows.map((r) => [r.session, r.start, r.start_utc])).toEqual([
      ['old-1', '2021-03-18T15:14:33', '2021-03-18T14:14:33Z'],
      ['old-2', '2021-07-01T09:00:00', '2021-07-01T07:00:00Z'],
    ]);
    const unnamed = await cli(['--db', db, 'import', otherCsv]);
    expect(unnamed.code).toBe(0);
    const list = await profiles();
    expect(list.map((p) => [p.name, p.kind, p.calls, p.default_source ?? false])).toEqual([
      ['Imported', 'import', 2, true],
      ['old-branch', 'import', 2, false],
    ]);
  });

  it('lists import-only sources as such, with no sync state', async () => {
    const run = await cli(['--db', db, 'pbx', 'list']);
    const lines = run.stdout.trimEnd().split('\n');
    expect(lines[1]).toMatch(/^Imported\s+\(import only: default for files\)\s+\S+\s+2\s*$/);
    expect(lines[2]).toMatch(/^old-branch\s+\(import only: no address\)\s+Europe\/Vienna\s+2\s*$/);
  });

  it('refuses to sync, test or trust an import-only source, before asking for a password', async () => {
    const hint = 'Import files into it with "ucmcdr import --pbx old-branch FILE...".';
    for (const [argv, what] of [
      [['sync', 'old-branch'], 'synced'],
      [['pbx', 'test', 'old-branch'], 'tested'],
      [['pbx', 'trust', 'old-branch', '--trust-on-first-use'], 'trusted'],
    ] as const) {
      const run = await cli(['--db', db, ...argv]);
      expect(run.code).toBe(2);
      expect(run.stderr).toBe(`ucmcdr: "old-branch" is an import-only source (history without a PBX address): it cannot be ${what}. ${hint}\n`);
    }
  });
});

describe('ucmcdr pbx set', () => {
  it('re-times every call of a source when its zone changes, keeping the wall clock', async () => {
    const run = await cli(['--db', db, 'pbx', 'set', 'old-branch', '--tz', 'America/New_York']);
    expect(run.code).toBe(0);
    expect(run.stderr).toBe('Re-timing 2 cached calls of old-branch from Europe/Vienna to America/New_York…\n');
    expect(run.stdout).toBe('Updated old-branch: zone Europe/Vienna -> America/New_York (2 cached calls re-timed).\n');
    const rows = await calls('old-branch');
    expect(rows.map((r) => [r.start, r.start_utc])).toEqual([
      ['2021-03-18T15:14:33', '2021-03-18T19:14:33Z'],
      ['2021-07-01T09:00:00', '2021-07-01T13:00:00Z'],
    ]);
    const session = JSON.parse((await cli(['--db', db, 'session', 'old-2', '--pbx', 'old-branch', '--format', 'json'])).stdout) as {
      main: { start_utc: string };
      legs: { start_utc: string }[];
    };
    expect([session.main, ...session.legs].map((record) => record.start_utc)).toEqual(
      [session.main, ...session.legs].map(() => '2021-07-01T13:00:00Z'),
    );
    // The other source keeps its own zone's instants.
    expect((await calls('Imported')).every((r) => r.start_utc !== '2021-07-01T13:00:00Z')).toBe(true);
  });

  it('renames, refusing a taken name; an import-only source takes no address', async () => {
    const taken = await cli(['--db', db, 'pbx', 'set', 'old-branch', '--rename', 'Imported']);
    expect(taken.code).toBe(2);
    expect(taken.stderr).toBe('ucmcdr: A PBX named "Imported" exists already: pick another name for --rename.\n');
    const address = await cli(['--db', db, 'pbx', 'set', 'old-branch', '--url', first.url, '--user', 'x']);
    expect(address.code).toBe(2);
    expect(address.stderr).toBe(
      'ucmcdr: "old-branch" is an import-only source: it has no address, user, API or certificate (--url, --user do not apply); only --tz, --model, --rename and the dial plan do.\n',
    );
    const renamed = await cli(['--db', db, 'pbx', 'set', 'old-branch', '--rename', 'branch 2019', '--model', 'UCM6204']);
    expect(renamed.stdout).toBe('Updated old-branch: renamed to branch 2019; model UCM6204.\n');
    expect((await calls('branch 2019')).length).toBe(2);
  });

  it('checks every value before touching the cache', async () => {
    const before = await profiles();
    const none = await cli(['--db', db, 'pbx', 'set', 'Imported']);
    expect(none.stderr).toBe('ucmcdr: pbx set needs at least one of --url, --user, --api, --tz, --model, --ca-file, --rename, --country-code, --national-prefix, --international-prefix, --business-hours, --sync-every.\n');
    const zone = await cli(['--db', db, 'pbx', 'set', 'Imported', '--tz', 'Mars/Olympus']);
    expect(zone.stderr).toMatch(/^ucmcdr: option '--tz <zone>' argument 'Mars\/Olympus' is invalid\. Use an IANA time zone/);
    const api = await cli(['--db', db, 'pbx', 'set', 'Imported', '--api', 'v9']);
    expect(api.stderr).toMatch(/^ucmcdr: option '--api <generation>' argument 'v9' is invalid\. Use one of: auto, legacy, ucm63xx\./);
    const missing = await cli(['--db', db, 'pbx', 'set', 'nowhere', '--tz', 'UTC']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/^ucmcdr: No PBX named "nowhere"/);
    expect([none.code, zone.code, api.code]).toEqual([2, 2, 2]);
    expect(await profiles()).toEqual(before);
  });

  it('keeps the pinned certificate with a new address: the other server is refused until pbx trust', async () => {
    const add = await cli(['--db', db, 'pbx', 'add', 'office', '--url', first.url, '--user', USER, '--tz', 'UTC', '--trust-on-first-use']);
    expect(add.code).toBe(0);
    const badUrl = await cli(['--db', db, 'pbx', 'set', 'office', '--url', 'http://192.0.2.1']);
    expect(badUrl.code).toBe(2);
    expect(badUrl.stderr).toMatch(/must start with https:\/\//);

    const moved = await cli(['--db', db, 'pbx', 'set', 'office', '--url', second.url, '--user', 'api2', '--api', 'legacy']);
    expect(moved.stdout).toBe(
      `Updated office: address ${second.url} (the pinned certificate stays: if the PBX there shows another one, run "ucmcdr pbx trust office"); user api2; API legacy.\n`,
    );
    expect(await profile('office')).toMatchObject({ url: second.url, user: 'api2', api: 'legacy', fingerprint: first.fingerprint });

    const test = await cli(['--db', db, 'pbx', 'test', 'office', '--password-env', 'UCM_PW'], { env: ENV });
    expect(test.code).toBe(1);
    expect(test.stderr).toBe(
      `ucmcdr: The PBX presented a different certificate than the trusted one (trusted ${first.fingerprint}, presented ${second.fingerprint}). ` +
        'If the PBX certificate was replaced on purpose, compare the new fingerprint on the PBX and trust it again; otherwise do not connect. ' +
        `To trust it: ucmcdr --db ${db} pbx trust office --fingerprint ${second.fingerprint}\n`,
    );
    expect(test.stderr).not.toContain(PASSWORD);
    const trust = await cli(['--db', db, 'pbx', 'trust', 'office', '--fingerprint', second.fingerprint]);
    expect(trust.code).toBe(0);
    await cli(['--db', db, 'pbx', 'set', 'office', '--user', USER]);
    const again = await cli(['--db', db, 'pbx', 'test', 'office', '--password-env', 'UCM_PW'], { env: ENV });
    expect(again.stderr).toBe('');
    expect(again.code).toBe(0);
  });

  it('drops the pin for a CA file the user chose', async () => {
    const pem = join(tmp.dir, 'ca.pem');
    writeFileSync(pem, '-----BEGIN CERTIFICATE-----\n-----END CERTIFICATE-----\n');
    const run = await cli(['--db', db, 'pbx', 'set', 'office', '--ca-file', pem]);
    expect(run.stdout).toBe(`Updated office: certificates checked against ${pem} (the pinned certificate is dropped).\n`);
    expect(await profile('office')).toMatchObject({ fingerprint: null, ca_file: pem });
  });
});

describe('ucmcdr pbx remove', () => {
  it('refuses to remove a profile with calls without being told what becomes of them, naming how many', async () => {
    cacheCalls('office', 2000);
    const run = await cli(['--db', db, 'pbx', 'remove', 'office']);
    expect(run.code).toBe(2);
    expect(run.stderr).toBe(
      'ucmcdr: office has 2,000 cached calls: add --delete-calls to remove them with the profile, or --keep-calls to keep them as an import-only source.\n',
    );
    const both = await cli(['--db', db, 'pbx', 'remove', 'office', '--delete-calls', '--keep-calls']);
    expect(both.stderr).toBe('ucmcdr: Give either --delete-calls or --keep-calls, not both.\n');
    expect(await profile('office')).toMatchObject({ kind: 'pbx', calls: 2000 });
  });

  it('keeps the calls as an import-only source with --keep-calls, forgetting address, user and certificate', async () => {
    const before = await calls('office');
    const run = await cli(['--db', db, 'pbx', 'remove', 'office', '--keep-calls']);
    expect(run.stderr).toBe('');
    expect(run.stdout).toBe(
      'Removed the PBX profile office (address, user, certificate); its 2,000 cached calls stay as the import-only source office.\n',
    );
    expect(await profile('office')).toMatchObject({
      kind: 'import',
      url: '',
      user: '',
      fingerprint: null,
      ca_file: null,
      detected_api: null,
      calls: 2000,
      tz: 'UTC',
    });
    expect(await calls('office')).toEqual(before);
    const sync = await cli(['--db', db, 'sync', 'office']);
    expect(sync.stderr).toMatch(/it cannot be synced/);
    const keepAgain = await cli(['--db', db, 'pbx', 'remove', 'office', '--keep-calls']);
    expect(keepAgain.stderr).toBe(
      'ucmcdr: office is already an import-only source: keeping its calls means keeping it. Use --delete-calls to remove it.\n',
    );
    const plain = await cli(['--db', db, 'pbx', 'remove', 'office']);
    expect(plain.stderr).toBe('ucmcdr: office has 2,000 cached calls: add --delete-calls to remove them with the source.\n');
  });

  it('deletes the calls with --delete-calls, and removes a profile without calls at once', async () => {
    const run = await cli(['--db', db, 'pbx', 'remove', 'office', '--delete-calls']);
    expect(run.stdout).toBe('Removed import-only source office and its 2,000 cached calls.\n');
    expect(await profile('office')).toBeUndefined();
    const total = JSON.parse((await cli(['--db', db, 'calls', '--format', 'json', '--limit', '10000'])).stdout) as CallRow[];
    expect(total.filter((c) => c.pbx === 'office')).toEqual([]);

    const empty = await cli(['--db', db, 'pbx', 'add', 'spare', '--import-only', '--tz', 'UTC']);
    expect(empty.code).toBe(0);
    const gone = await cli(['--db', db, 'pbx', 'remove', 'spare']);
    expect(gone.stdout).toBe('Removed import-only source spare (it had no cached calls).\n');
  });
});
