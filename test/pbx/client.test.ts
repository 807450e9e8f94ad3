import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect } from 'vitest';
import { it } from '../support/fixtures.js';
import { createPbxClient, type PbxClient, type PbxConnection } from '../../main/pbx/client.js';
import { startSimulator, type RunningSimulator, type SimulatorOptions } from '../../main/simulator/index.js';
import { caught } from '../support/caught.js';

const PASSWORD = 'S3cret-pass';
const USER = 'cdrapi';

/** Unique sessions the simulator serves in start order (it delivers some calls twice). */
function sessions(sim: RunningSimulator): string[] {
  return sim.calls.map((call) => call.session);
}

const open: { sims: RunningSimulator[]; clients: PbxClient[] } = { sims: [], clients: [] };

async function simulator(options: SimulatorOptions = {}): Promise<RunningSimulator> {
  const sim = await startSimulator({ port: 0, calls: 40, days: 20, seed: 7, user: USER, password: PASSWORD, ...options });
  open.sims.push(sim);
  return sim;
}

function client(sim: RunningSimulator, overrides: Partial<PbxConnection> = {}, password = PASSWORD, delays: number[] = []): PbxClient {
  const made = createPbxClient(
    { url: sim.url, api: 'auto', user: USER, fingerprint: sim.fingerprint, ca_file: null, ...overrides },
    password,
    {
      timeoutMs: 10_000,
      delay: async (ms) => {
        delays.push(ms);
      },
    },
  );
  open.clients.push(made);
  return made;
}

afterEach(async () => {
  for (const made of open.clients.splice(0)) made.close();
  await Promise.all(open.sims.splice(0).map((sim) => sim.close()));
});

describe('legacy API (HTTP Digest)', () => {
  it.each(['MD5', 'MD5-sess', 'SHA-256'] as const)('authenticates with %s and reads every call', async (digestAlgorithm) => {
    const sim = await simulator({ api: 'legacy', digestAlgorithm });
    const pbx = client(sim);
    expect(await pbx.api()).toBe('legacy');
    const page = await pbx.queryCdr({ numRecords: 1000 });
    expect(new Set(page.calls.map((call) => call.session))).toEqual(new Set(sessions(sim)));
    expect(page.bytes).toBeGreaterThan(0);
  });

  it('reuses the nonce: three queries cost one challenge round trip, not one per query', async () => {
    const sim = await simulator({ api: 'legacy' });
    const pbx = client(sim, { api: 'legacy' });
    for (let offset = 0; offset < 3; offset += 1) await pbx.queryCdr({ numRecords: 5, offset: offset * 5 });
    const cdrRequests = sim.requests.filter((r) => r.path === '/cdrapi');
    expect(cdrRequests).toHaveLength(4);
  });

  it('sends the time bounds with a literal T', async () => {
    const sim = await simulator({ api: 'legacy' });
    const pbx = client(sim, { api: 'legacy' });
    await pbx.queryCdr({ startTime: '2020-01-01 00:00', endTime: '2099-12-31' });
    const last = sim.requests.at(-1)!;
    expect(last.params).toMatchObject({ startTime: '2020-01-01T00:00:00', endTime: '2099-12-31T00:00:00', format: 'json' });
  });

  it('renews an expired nonce (stale=true) transparently', async () => {
    const sim = await simulator({ api: 'legacy' });
    const pbx = client(sim, { api: 'legacy' });
    await pbx.queryCdr({ numRecords: 1 });
    sim.injectFault('expire-nonces');
    const before = sim.requests.length;
    const page = await pbx.queryCdr({ numRecords: 2 });
    expect(page.calls.length).toBeGreaterThan(0);
    // The stale answer, then the retry with the new nonce.
    expect(sim.requests.length - before).toBe(2);
  });

  it('reports a wrong password as AUTH_FAILED without repeating the password', async () => {
    const sim = await simulator({ api: 'legacy' });
    const error = await caught(client(sim, {}, 'wrong-password').queryCdr({ numRecords: 1 }));
    expect(error.code).toBe('AUTH_FAILED');
    expect(error.message).toContain(USER);
    expect(JSON.stringify({ m: error.message, d: error.details })).not.toContain('wrong-password');
  });

  it('turns a 403 (IP not permitted) into PERMISSION_DENIED', async () => {
    const sim = await simulator({ api: 'legacy', permitted: false });
    const error = await caught(client(sim, { api: 'legacy' }).queryCdr({ numRecords: 1 }));
    expect(error.code).toBe('PERMISSION_DENIED');
    expect(error.message).toMatch(/Permitted IPs/);
  });

  it('waits as asked after HTTP 429 and then succeeds', async () => {
    const sim = await simulator({ api: 'legacy' });
    const delays: number[] = [];
    const pbx = client(sim, { api: 'legacy' }, PASSWORD, delays);
    await pbx.queryCdr({ numRecords: 1 });
    sim.injectFault('rate-limit-next');
    const page = await pbx.queryCdr({ numRecords: 3 });
    expect(page.entries).toBe(3);
    expect(delays).toEqual([15_000]);
  });

  it('reports a 5xx as a transient PROTOCOL_ERROR with an excerpt', async () => {
    const sim = await simulator({ api: 'legacy' });
    const pbx = client(sim, { api: 'legacy' });
    await pbx.queryCdr({ numRecords: 1 });
    sim.injectFault('server-error-next');
    const error = await caught(pbx.queryCdr({ numRecords: 1 }));
    expect(error.code).toBe('PROTOCOL_ERROR');
    expect(error.details).toMatchObject({ status: 500, transient: true, excerpt: 'Internal Server Error' });
  });

  it('reports a connection cut mid-answer as PBX_UNREACHABLE', async () => {
    const sim = await simulator({ api: 'legacy' });
    const pbx = client(sim, { api: 'legacy' });
    await pbx.queryCdr({ numRecords: 1 });
    sim.injectFault('cut-next-cdr-response');
    const error = await caught(pbx.queryCdr({ numRecords: 20 }));
    expect(error.code).toBe('PBX_UNREACHABLE');
    expect(error.message).toContain(new URL(sim.url).host);
    expect((await pbx.queryCdr({ numRecords: 20 })).entries).toBe(20);
  });
});

describe('UCM63xx API (challenge/login/cookie)', () => {
  it('detects the new API, logs in and reads the records at the top level', async () => {
    const sim = await simulator({ api: 'ucm63xx' });
    const pbx = client(sim);
    expect(await pbx.api()).toBe('ucm63xx');
    const page = await pbx.queryCdr({ numRecords: 1000 });
    expect(new Set(page.calls.map((call) => call.session))).toEqual(new Set(sessions(sim)));
    const actions = sim.requests.map((r) => r.action);
    expect(actions).toEqual(['challenge', 'challenge', 'login', 'cdrapi']);
    expect(sim.requests.at(-1)!.params).toMatchObject({ format: 'json', numRecords: '1000', offset: '0' });
  });

  it('prefers the new API when a PBX serves both', async () => {
    const sim = await simulator({ api: 'both' });
    expect(await client(sim).api()).toBe('ucm63xx');
  });

  it('keeps the cookie across requests and logs in again once when it expired (-6)', async () => {
    const sim = await simulator({ api: 'ucm63xx' });
    const pbx = client(sim, { api: 'ucm63xx' });
    await pbx.queryCdr({ numRecords: 1 });
    await pbx.queryCdr({ numRecords: 1, offset: 1 });
    expect(sim.requests.filter((r) => r.action === 'login')).toHaveLength(1);
    sim.injectFault('expire-sessions');
    const page = await pbx.queryCdr({ numRecords: 4 });
    expect(page.entries).toBe(4);
    expect(sim.requests.map((r) => r.action).slice(-4)).toEqual(['cdrapi', 'challenge', 'login', 'cdrapi']);
  });

  it('reports a wrong password (-37) as AUTH_FAILED', async () => {
    const sim = await simulator({ api: 'ucm63xx' });
    const error = await caught(client(sim, { api: 'ucm63xx' }, 'not-it').queryCdr({ numRecords: 1 }));
    expect(error.code).toBe('AUTH_FAILED');
    expect(error.message).not.toContain('not-it');
  });

  it('reports -47 as PERMISSION_DENIED naming Permitted IPs', async () => {
    const sim = await simulator({ api: 'ucm63xx', permitted: false });
    const error = await caught(client(sim, { api: 'ucm63xx' }).queryCdr({ numRecords: 1 }));
    expect(error.code).toBe('PERMISSION_DENIED');
    expect(error.message).toMatch(/API disabled or this computer's IP is not in Permitted IPs/);
  });

  it('backs off on "too frequent" (-45) for the 15 s the PBX asks, through the injected delay', async () => {
    const sim = await simulator({ api: 'ucm63xx' });
    const delays: number[] = [];
    const pbx = client(sim, { api: 'ucm63xx' }, PASSWORD, delays);
    await pbx.queryCdr({ numRecords: 1 });
    sim.injectFault('rate-limit-next');
    expect((await pbx.queryCdr({ numRecords: 2 })).entries).toBe(2);
    expect(delays).toEqual([15_000]);
  });

  it('backs off on -8 (timeout) and retries', async () => {
    const sim = await simulator({ api: 'ucm63xx' });
    const delays: number[] = [];
    const pbx = client(sim, { api: 'ucm63xx' }, PASSWORD, delays);
    await pbx.queryCdr({ numRecords: 1 });
    sim.injectFault('timeout-next');
    sim.injectFault('timeout-next');
    expect((await pbx.queryCdr({ numRecords: 2 })).entries).toBe(2);
    expect(delays).toHaveLength(2);
    expect(delays[1]!).toBeGreaterThan(delays[0]!);
  });

  it('gives up with RATE_LIMITED after a bounded number of busy answers', async () => {
    const sim = await simulator({ api: 'ucm63xx' });
    const delays: number[] = [];
    const pbx = client(sim, { api: 'ucm63xx' }, PASSWORD, delays);
    await pbx.queryCdr({ numRecords: 1 });
    for (let i = 0; i < 6; i += 1) sim.injectFault('rate-limit-next');
    const error = await caught(pbx.queryCdr({ numRecords: 1 }));
    expect(error.code).toBe('RATE_LIMITED');
    expect(delays).toHaveLength(4);
  });
});

describe('TLS trust', () => {
  it('refuses an unknown self-signed certificate as TLS_UNTRUSTED and shows its fingerprint', async () => {
    const sim = await simulator({ api: 'legacy' });
    const error = await caught(client(sim, { fingerprint: null }).queryCdr({ numRecords: 1 }));
    expect(error.code).toBe('TLS_UNTRUSTED');
    expect((error.details?.certificate as { fingerprint: string }).fingerprint).toBe(sim.fingerprint);
    expect(sim.requests).toHaveLength(0);
  });

  it('refuses a changed certificate with both fingerprints and sends nothing to it', async ({ dir }) => {
    // Two certificate folders: the simulator makes a new certificate in the second one.
    const first = join(dir, 'a');
    const second = join(dir, 'b');
    const original = await simulator({ api: 'legacy', certDir: first });
    const pinned = original.fingerprint;
    const port = original.port;
    await original.close();
    const replaced = await simulator({ api: 'legacy', certDir: second, port });
    expect(replaced.fingerprint).not.toBe(pinned);
    const error = await caught(client(replaced, { fingerprint: pinned }).queryCdr({ numRecords: 1 }));
    expect(error.code).toBe('TLS_FINGERPRINT_MISMATCH');
    expect(error.details).toEqual({ expected: pinned, actual: replaced.fingerprint });
    expect(error.message).toContain(pinned);
    expect(error.message).toContain(replaced.fingerprint);
    expect(replaced.requests).toHaveLength(0);
  });

  it('keeps a pinned certificate valid across a restart with the same certificate folder', async ({ dir }) => {
    const first = await simulator({ api: 'legacy', certDir: dir });
    const pinned = first.fingerprint;
    await first.close();
    const again = await simulator({ api: 'legacy', certDir: dir });
    expect((await client(again, { fingerprint: pinned }).queryCdr({ numRecords: 1 })).calls).toHaveLength(1);
  });

  it('trusts a certificate through a CA file instead of a pin', async ({ dir }) => {
    const sim = await simulator({ api: 'legacy' });
    const caFile = join(dir, 'pbx.pem');
    await writeFile(caFile, sim.certificatePem);
    expect((await client(sim, { fingerprint: null, ca_file: caFile }).queryCdr({ numRecords: 1 })).calls).toHaveLength(1);
  });

  it('reports a port nobody listens on as PBX_UNREACHABLE naming the host', async () => {
    const sim = await simulator({ api: 'legacy' });
    const url = sim.url;
    await sim.close();
    const error = await caught(
      createPbxClient({ url, api: 'legacy', user: USER, fingerprint: null, ca_file: null }, PASSWORD).queryCdr({ numRecords: 1 }),
    );
    expect(error.code).toBe('PBX_UNREACHABLE');
    expect(error.message).toContain(new URL(url).host);
    expect(error.message).toMatch(/port/);
  });
});
