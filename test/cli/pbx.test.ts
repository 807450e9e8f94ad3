import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CallRow, PbxProfile } from '../../preload/api.js';
import { startSimulator, type RunningSimulator } from '../../main/simulator/index.js';
import { cli } from './helpers.js';
import { tempDir } from '../support/fs.js';

const USER = 'cdrapi';
const PASSWORD = 'S3cret-for-tests';
const ENV = { UCM_PW: PASSWORD, WRONG_PW: 'not-it' };

const tmp = tempDir('ucmcdr-pbx-');
const db = join(tmp.dir, 'cache.sqlite');
let sim: RunningSimulator;

beforeAll(async () => {
  sim = await startSimulator({ port: 0, seed: 5, calls: 150, days: 20, user: USER, password: PASSWORD, tz: 'Europe/Berlin' });
});
afterAll(async () => {
  await sim.close();
  tmp.cleanup();
});

const add = (name: string, ...extra: string[]) =>
  cli(['--db', db, 'pbx', 'add', name, '--url', sim.url, '--user', USER, '--tz', 'Europe/Berlin', ...extra], { env: ENV });

async function profiles(): Promise<PbxProfile[]> {
  return JSON.parse((await cli(['--db', db, 'pbx', 'list', '--format', 'json'])).stdout) as PbxProfile[];
}

describe('ucmcdr pbx, sync and recordings against the simulator', () => {
  it('shows the fingerprint of an untrusted certificate and saves nothing', async () => {
    const run = await add('office');
    expect(run.code).toBe(1);
    expect(run.stderr).toBe(
      `ucmcdr: The PBX certificate is not trusted yet: SHA-256 ${sim.fingerprint} (subject ${run.stderr.match(/subject ([^)]*)\)/)?.[1]}). ` +
        `Compare it with the fingerprint the PBX shows, then re-run with --fingerprint ${sim.fingerprint} or with --trust-on-first-use.\n`,
    );
    expect(await profiles()).toEqual([]);
  });

  it('refuses a --fingerprint the PBX does not present, naming both', async () => {
    const other = 'AB:'.repeat(31) + 'AB';
    const run = await add('office', '--fingerprint', other.toLowerCase());
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`trusted ${other}, presented ${sim.fingerprint}`);
    expect(await profiles()).toEqual([]);
  });

  it('refuses bad option values before connecting', async () => {
    const zone = await add('office', '--tz', 'Mars/Olympus', '--trust-on-first-use');
    expect(zone.code).toBe(2);
    expect(zone.stderr).toMatch(/^ucmcdr: option '--tz <zone>' argument 'Mars\/Olympus' is invalid\. Use an IANA time zone/);
    const url = await cli(['--db', db, 'pbx', 'add', 'x', '--url', 'http://192.0.2.1', '--user', 'u', '--trust-on-first-use']);
    expect(url.code).toBe(2);
    expect(url.stderr).toMatch(/must start with https:\/\//);
    const both = await add('office', '--fingerprint', sim.fingerprint, '--trust-on-first-use');
    expect(both.stderr).toBe('ucmcdr: Give either --fingerprint or --trust-on-first-use, not both.\n');
    const ca = await add('office', '--ca-file', join(tmp.dir, 'missing.pem'));
    expect(ca.stderr).toMatch(/--ca-file <file>.*No such file/);
  });

  it('pins the certificate it sees with --trust-on-first-use and checks the credentials from --password-env', async () => {
    const run = await add('office', '--trust-on-first-use', '--password-env', 'UCM_PW');
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(`Pinned certificate SHA-256 ${sim.fingerprint}.`);
    expect(run.stdout).toMatch(/Credentials accepted; API generation (legacy|ucm63xx)\./);
    const [profile] = await profiles();
    expect(profile).toMatchObject({ name: 'office', url: sim.url, user: USER, tz: 'Europe/Berlin', fingerprint: sim.fingerprint });
    expect(JSON.stringify(profile)).not.toContain(PASSWORD);
    expect(readFileSync(db).includes(Buffer.from(PASSWORD))).toBe(false);
  });

  it('adds a profile pinned to the fingerprint the user compared', async () => {
    const run = await add('second', '--fingerprint', sim.fingerprint.replace(/:/g, '').toLowerCase(), '--api', 'legacy');
    expect(run.code).toBe(0);
    expect((await profiles()).map((p) => [p.name, p.api, p.fingerprint])).toEqual([
      ['office', 'auto', sim.fingerprint],
      ['second', 'legacy', sim.fingerprint],
    ]);
    const dup = await add('second', '--trust-on-first-use');
    expect(dup.stderr).toBe('ucmcdr: A PBX named "second" exists already: pick another name or remove it first.\n');
  });

  it('saves nothing when the credentials given with --password-env are refused', async () => {
    const run = await add('third', '--trust-on-first-use', '--password-env', 'WRONG_PW');
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^ucmcdr: [^\n]+\n$/);
    expect((await profiles()).map((p) => p.name)).toEqual(['office', 'second']);
  });

  it('lists profiles as an aligned table', async () => {
    const run = await cli(['--db', db, 'pbx', 'list']);
    const [header, first] = run.stdout.split('\n');
    expect(header).toMatch(/^NAME\s+URL\s+API\s+USER\s+ZONE\s+CALLS\s+LAST SYNC\s+CERTIFICATE$/);
    expect(first).toMatch(new RegExp(`^office\\s+${sim.url.replace(/\./g, '\\.')}\\s+\\w+\\s+cdrapi\\s+Europe/Berlin\\s+0\\s+never\\s+${sim.fingerprint}$`));
  });

  it('pins the certificate again with pbx trust, refusing one the PBX does not present', async () => {
    const wrong = await cli(['--db', db, 'pbx', 'trust', 'second', '--fingerprint', 'CD'.repeat(32)]);
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toContain(`presented ${sim.fingerprint}`);
    const neither = await cli(['--db', db, 'pbx', 'trust', 'second']);
    expect(neither.code).toBe(2);
    const ok = await cli(['--db', db, 'pbx', 'trust', 'second', '--trust-on-first-use']);
    expect(ok.stdout).toBe(`Pinned certificate SHA-256 ${sim.fingerprint} for second.\n`);
  });

  it('tests the connection: the right password passes, a wrong one fails in one line', async () => {
    const ok = await cli(['--db', db, 'pbx', 'test', 'office', '--password-env', 'UCM_PW'], { env: ENV });
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(/^OK: office accepted the credentials \(API (legacy|ucm63xx)\)\.\n$/);
    const wrong = await cli(['--db', db, 'pbx', 'test', 'office', '--password-env', 'WRONG_PW'], { env: ENV });
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toMatch(/^ucmcdr: [^\n]+\n$/);
    expect(wrong.stderr).not.toContain('not-it');
  });

  it('needs a password from --password-env when there is no terminal, and never echoes what was given', async () => {
    const none = await cli(['--db', db, 'sync', 'office']);
    expect(none.code).toBe(1);
    expect(none.stderr).toBe(
      'ucmcdr: A PBX password is needed and there is no terminal to type it: put it in an environment variable and pass its name with --password-env VAR.\n',
    );
    const unset = await cli(['--db', db, 'sync', 'office', '--password-env', 'NOT_SET'], { env: ENV });
    expect(unset.code).toBe(2);
    expect(unset.stderr).toBe(
      'ucmcdr: The environment variable NOT_SET (named with --password-env) is not set or is empty: set it to the PBX password first.\n',
    );
    const empty = await cli(['--db', db, 'pbx', 'test', 'office', '--password-env', 'EMPTY_PW'], { env: { ...ENV, EMPTY_PW: '' } });
    expect(empty.stderr).toContain('The environment variable EMPTY_PW (named with --password-env) is not set or is empty');
    for (const argv of [
      ['sync', '--all', '--password-env', 'office=OFFICE_PW'],
      ['sync', '--all', '--password-env', 'office=UCM_PW', '--password-env', 'OFFICE_PW'],
      ['watch', '--once', '--password-env', 'office=OFFICE_PW'],
    ]) {
      const run = await cli(['--db', db, ...argv], { env: ENV });
      expect(run.code).toBe(2);
      expect(run.stdout).toBe('');
      expect(run.stderr).toBe(
        'ucmcdr: The environment variable OFFICE_PW (named with --password-env) is not set or is empty: set it to the PBX password first.\n',
      );
    }
    const smtp = await cli(
      ['--db', db, 'watch', '--once', '--password-env', 'office=UCM_PW', '--smtp', 'smtp://127.0.0.1:1', '--mail-from', 'a@example.com',
        '--mail-to', 'b@example.com', '--smtp-password-env', 'SMTP_PW'],
      { env: ENV },
    );
    expect(smtp.code).toBe(2);
    expect(smtp.stderr).toBe(
      'ucmcdr: The environment variable SMTP_PW (named with --smtp-password-env) is not set or is empty: set it to the SMTP password first.\n',
    );
    const badName = await cli(['--db', db, 'sync', '--all', '--password-env', 'office=p@ss word!'], { env: ENV });
    expect(badName.code).toBe(2);
    expect(badName.stderr).not.toContain('p@ss');
    const literal = await cli(['--db', db, 'sync', 'office', '--password-env', 'p@ss word!'], { env: ENV });
    expect(literal.code).toBe(2);
    expect(literal.stderr).not.toContain('p@ss');
  });

  it('syncs all calls with a summary line on stdout; a second sync adds nothing', async () => {
    const first = await cli(['--db', db, 'sync', 'office', '--password-env', 'UCM_PW'], { env: ENV });
    // The alert rules run on the new calls; the simulator's office calls abroad at night now and then.
    const raised = JSON.parse((await cli(['--db', db, 'alerts', '--format', 'json'])).stdout) as { rule: string }[];
    expect(first.stderr).toBe(raised.length === 0 ? '' : `${raised.length} new alert${raised.length === 1 ? '' : 's'}: see "ucmcdr alerts".\n`);
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(new RegExp(`^Synced office: ${sim.calls.length} new calls, 0 updated, \\d+ pages in [\\d.]+ s\\.\\n$`));
    const calls = JSON.parse((await cli(['--db', db, 'calls', '--pbx', 'office', '--format', 'json', '--limit', '1000'])).stdout) as CallRow[];
    expect(calls.map((c) => c.session).sort()).toEqual(sim.calls.map((c) => c.session).sort());
    const again = await cli(['--db', db, 'sync', 'office', '--password-env', 'UCM_PW'], { env: ENV });
    expect(again.stdout).toMatch(/^Synced office: 0 new calls, /);
    expect(again.stderr).toBe('');
    expect((await profiles())[0]).toMatchObject({ last_sync_state: 'ok', calls: sim.calls.length });
  });

  it('lists the last sync in this computer\'s time to the second, written as the calls table writes times', async () => {
    const [office] = await profiles();
    const at = new Date(office.last_sync_at!);
    const pad = (n: number) => String(n).padStart(2, '0');
    const local =
      `${at.getFullYear()}-${pad(at.getMonth() + 1)}-${pad(at.getDate())} ` +
      `${pad(at.getHours())}:${pad(at.getMinutes())}:${pad(at.getSeconds())}`;
    const run = await cli(['--db', db, 'pbx', 'list']);
    const row = run.stdout.split('\n').find((line) => line.startsWith('office '))!;
    expect(row).toMatch(new RegExp(`\\s${local} ok\\s`));
    expect(row).not.toContain(office.last_sync_at!);
  });

  it('copies a call\'s recordings into a folder with readable names, then skips them', async () => {
    const recorded = sim.calls.find((c) => /\.wav@/.test(c.main.recordfiles ?? ''))!;
    const run = await cli(['--db', db, 'recordings', recorded.session, '--pbx', 'office', '--out', tmp.dir, '--password-env', 'UCM_PW'], {
      env: ENV,
    });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/: [1-9]\d* copied, 0 already in /);
    const files = readdirSync(tmp.dir).filter((f) => f.endsWith('.wav'));
    expect(files.length).toBeGreaterThan(0);
    expect(files.every((f) => f.includes(recorded.session))).toBe(true);
    expect(readFileSync(join(tmp.dir, files[0])).subarray(0, 4).toString('latin1')).toBe('RIFF');
    const again = await cli(['--db', db, 'recordings', recorded.session, '--pbx', 'office', '--out', tmp.dir], { env: ENV });
    expect(again.stdout).toMatch(new RegExp(`: 0 copied, ${files.length} already in `));
  });

  it('creates the --out folder, and finds the PBX of the call without --pbx when only one PBX has it', async () => {
    const recorded = sim.calls.filter((c) => /\.wav@/.test(c.main.recordfiles ?? ''))[1]!;
    const out = join(tmp.dir, 'not-there', 'yet');
    expect(existsSync(out)).toBe(false);
    const run = await cli(['--db', db, 'recordings', recorded.session, '--out', out, '--password-env', 'UCM_PW'], { env: ENV });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/: [1-9]\d* copied, 0 already in /);
    expect(readdirSync(out).filter((f) => f.endsWith('.wav')).length).toBeGreaterThan(0);
    const file = join(tmp.dir, 'a-file');
    writeFileSync(file, 'not a folder');
    const notDir = await cli(['--db', db, 'recordings', recorded.session, '--out', file]);
    expect(notDir.code).toBe(2);
    expect(notDir.stderr).toBe(`ucmcdr: --out ${file} is a file, not a folder: give a folder for the recordings.\n`);
  });

  it('removes a profile with its calls', async () => {
    const run = await cli(['--db', db, 'pbx', 'remove', 'office', '--delete-calls']);
    expect(run.stdout).toBe(`Removed PBX office and its ${sim.calls.length} cached calls.\n`);
    expect((await profiles()).map((p) => p.name)).toEqual(['second']);
    const gone = await cli(['--db', db, 'pbx', 'remove', 'office']);
    expect(gone.code).toBe(1);
    expect(gone.stderr).toBe('ucmcdr: No PBX named "office" (known: second): add it with "ucmcdr pbx add".\n');
  });
});
