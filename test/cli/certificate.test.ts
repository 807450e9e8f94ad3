import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { generate } from 'selfsigned';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PbxProfile } from '../../preload/api.js';
import { startSimulator, type RunningSimulator } from '../../main/simulator/index.js';
import { cli } from './helpers.js';
import { tempDir } from '../support/fs.js';

const USER = 'cdrapi';
const PASSWORD = 'S3cret-for-certificate-tests';
const ENV = { PW: PASSWORD };

const tmp = tempDir('ucmcdr-certificate-');

/** What a plain web server (not a UCM) was sent: never a password, a digest answer or a login token. */
interface Seen {
  requests: { method: string; url: string; authorization: string | undefined; body: string }[];
}

/**
 * A TLS server that is not a UCM: every request gets `status` with an HTML page (and the headers
 * given), as a router's or a NAS's web interface would answer.
 */
async function plainServer(status: number, headers: Record<string, string> = {}): Promise<{ url: string; server: Server; seen: Seen }> {
  const pems = await generate([{ name: 'commonName', value: '127.0.0.1' }], { keyType: 'ec', curve: 'P-256', algorithm: 'sha256' });
  const seen: Seen = { requests: [] };
  const server = createServer({ key: pems.private, cert: pems.cert }, (req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
    req.on('end', () => {
      seen.requests.push({ method: req.method ?? '', url: req.url ?? '', authorization: req.headers.authorization, body });
      res.writeHead(status, { 'Content-Type': 'text/html; charset=utf-8', ...headers });
      res.end('<!doctype html><title>Router</title><h1>Welcome</h1>');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `https://127.0.0.1:${(server.address() as AddressInfo).port}`, server, seen };
}

const closeServer = (server: Server) => new Promise<void>((resolve) => server.close(() => resolve()));

async function profiles(db: string): Promise<PbxProfile[]> {
  return JSON.parse((await cli(['--db', db, 'pbx', 'list', '--format', 'json'])).stdout) as PbxProfile[];
}

afterAll(() => tmp.cleanup());

describe('pbx add --trust-on-first-use pins only a server that answers as a UCM API', () => {
  const db = join(tmp.dir, 'tofu.sqlite');
  const servers: Server[] = [];
  const sims: RunningSimulator[] = [];
  afterAll(async () => {
    await Promise.all([...servers.map(closeServer), ...sims.map((s) => s.close())]);
  });

  it.each([
    ['a 404 HTML page', 404, {}],
    ['a 200 HTML page for every address', 200, {}],
    ['Basic authentication', 401, { 'WWW-Authenticate': 'Basic realm="router"' }],
  ])('refuses a TLS server answering %s and saves nothing, before any password is sent', async (_what, status, headers) => {
    const plain = await plainServer(status, headers);
    servers.push(plain.server);
    const run = await cli(
      ['--db', db, 'pbx', 'add', 'router', '--url', plain.url, '--user', USER, '--trust-on-first-use', '--password-env', 'PW'],
      { env: ENV },
    );
    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(
      /^ucmcdr: 127\.0\.0\.1:\d+ did not answer as a UCM API \(neither the UCM63xx \/api nor the legacy cdrapi\): [^\n]* Nothing was saved and no certificate was pinned\.\n$/,
    );
    expect(run.stderr).not.toContain(PASSWORD);
    expect(await profiles(db)).toEqual([]);
    expect(plain.seen.requests.length).toBeGreaterThan(0);
    for (const request of plain.seen.requests) {
      expect(request.authorization).toBeUndefined();
      expect(request.body).not.toContain('token');
      expect(request.body).not.toContain(PASSWORD);
    }
  });

  it('refuses with --api legacy a server whose /cdrapi is not there', async () => {
    const sim = await startSimulator({ port: 0, api: 'ucm63xx', calls: 1, user: USER, password: PASSWORD, certDir: join(tmp.dir, 'cert-new') });
    sims.push(sim);
    const run = await cli(['--db', db, 'pbx', 'add', 'new', '--url', sim.url, '--user', USER, '--api', 'legacy', '--trust-on-first-use']);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/did not answer as a UCM API \(the legacy cdrapi\): \/cdrapi answered HTTP 404/);
    expect(await profiles(db)).toEqual([]);
  });

  it.each(['legacy', 'ucm63xx', 'both'] as const)('pins the certificate of a simulator serving the %s API', async (api) => {
    const sim = await startSimulator({ port: 0, api, calls: 1, user: USER, password: PASSWORD, certDir: join(tmp.dir, `cert-${api}`) });
    sims.push(sim);
    const run = await cli(['--db', db, 'pbx', 'add', api, '--url', sim.url, '--user', USER, '--trust-on-first-use']);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(`Pinned certificate SHA-256 ${sim.fingerprint}.`);
    expect((await profiles(db)).find((p) => p.name === api)?.fingerprint).toBe(sim.fingerprint);
  });

  it('pbx trust --trust-on-first-use keeps the old pin when the server is not a UCM', async () => {
    const plain = await plainServer(404);
    servers.push(plain.server);
    const before = (await profiles(db)).find((p) => p.name === 'legacy')!;
    expect((await cli(['--db', db, 'pbx', 'set', 'legacy', '--url', plain.url])).code).toBe(0);
    const run = await cli(['--db', db, 'pbx', 'trust', 'legacy', '--trust-on-first-use']);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/did not answer as a UCM API .* The pinned certificate was kept\.\n$/);
    expect((await profiles(db)).find((p) => p.name === 'legacy')?.fingerprint).toBe(before.fingerprint);
  });
});

describe('a PBX showing another certificate: the error gives the command that trusts it', () => {
  const db = join(tmp.dir, 'moved.sqlite');
  let first: RunningSimulator;
  let second: RunningSimulator;
  let recorded: string;

  beforeAll(async () => {
    [first, second] = await Promise.all([
      startSimulator({ port: 0, seed: 3, calls: 40, days: 5, user: USER, password: PASSWORD, certDir: join(tmp.dir, 'cert-first') }),
      startSimulator({ port: 0, seed: 4, calls: 5, days: 5, user: USER, password: PASSWORD, certDir: join(tmp.dir, 'cert-second') }),
    ]);
    const add = await cli(['--db', db, 'pbx', 'add', 'office', '--url', first.url, '--user', USER, '--tz', 'UTC', '--fingerprint', first.fingerprint]);
    expect(add.code).toBe(0);
    const sync = await cli(['--db', db, 'sync', 'office', '--password-env', 'PW'], { env: ENV });
    expect(sync.code).toBe(0);
    recorded = first.calls.find((c) => /\.wav@/.test(c.main.recordfiles ?? ''))!.session;
    // The address now reaches another server, with a certificate of its own.
    expect((await cli(['--db', db, 'pbx', 'set', 'office', '--url', second.url])).code).toBe(0);
  });
  afterAll(async () => {
    await Promise.all([first.close(), second.close()]);
  });

  const hint = () => `To trust it: ucmcdr --db ${db} pbx trust office --fingerprint ${second.fingerprint}`;

  // First: a failed round makes the watch wait before it tries that PBX again.
  it('watch --once', async () => {
    const run = await cli(['--db', db, 'watch', '--once', '--password-env', 'office=PW'], { env: ENV });
    expect(run.stdout).toMatch(/Z office: failed \(TLS_FINGERPRINT_MISMATCH\) /);
    expect(run.stdout).toContain(hint());
  });

  it('sync NAME', async () => {
    const run = await cli(['--db', db, 'sync', 'office', '--password-env', 'PW'], { env: ENV });
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^ucmcdr: The PBX presented a different certificate than the trusted one/);
    expect(run.stderr.endsWith(`${hint()}\n`)).toBe(true);
  });

  it('recordings', async () => {
    const run = await cli(['--db', db, 'recordings', recorded, '--out', join(tmp.dir, 'rec'), '--password-env', 'PW'], { env: ENV });
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^ucmcdr: The PBX presented a different certificate than the trusted one/);
    expect(run.stderr.endsWith(`${hint()}\n`)).toBe(true);
  });

  it('sync --all', async () => {
    const run = await cli(['--db', db, 'sync', '--all', '--password-env', 'PW'], { env: ENV });
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/^office: failed \(TLS_FINGERPRINT_MISMATCH\) /);
    expect(run.stdout).toContain(hint());
  });

  it('pbx test, and the command it gives works', async () => {
    const run = await cli(['--db', db, 'pbx', 'test', 'office', '--password-env', 'PW'], { env: ENV });
    expect(run.code).toBe(1);
    expect(run.stderr.endsWith(`${hint()}\n`)).toBe(true);
    const command = hint().replace('To trust it: ucmcdr ', '').split(' ');
    const trust = await cli(command);
    expect(trust.stdout).toBe(`Pinned certificate SHA-256 ${second.fingerprint} for office.\n`);
    expect((await cli(['--db', db, 'pbx', 'test', 'office', '--password-env', 'PW'], { env: ENV })).code).toBe(0);
  });
});
