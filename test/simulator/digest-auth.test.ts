import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { parseDigestParams } from '../../main/pbx/digest.js';
import { startSimulator, type RunningSimulator } from '../../main/simulator/index.js';
import { authorization, DigestClient, httpsRequest } from './client.js';

const PATH = '/cdrapi?format=json&numRecords=1';

async function challengeOf(sim: RunningSimulator, path = PATH): Promise<string> {
  const first = await httpsRequest(sim, path);
  expect(first.status).toBe(401);
  return String(first.headers['www-authenticate']);
}

describe.each(['MD5', 'MD5-sess', 'SHA-256'] as const)('legacy Digest with %s', (algorithm) => {
  let sim: RunningSimulator;
  beforeAll(async () => {
    sim = await startSimulator({ calls: 20, digestAlgorithm: algorithm });
  });
  afterAll(() => sim.close());

  it('challenges with realm, qop="auth", the algorithm, a nonce and an opaque value', async () => {
    const params = parseDigestParams(await challengeOf(sim));
    expect(params).toMatchObject({ qop: 'auth', algorithm });
    expect(params.realm).not.toBe('');
    expect(params.nonce).toMatch(/^\S{16,}$/);
    expect(params.opaque).toMatch(/^[0-9a-f]{32}$/);
    expect(params.stale).toBeUndefined();
  });

  it('accepts a correct response and keeps accepting the same nonce with a growing nc', async () => {
    const challenge = await challengeOf(sim);
    for (const nc of [1, 2, 3]) {
      const result = await httpsRequest(sim, PATH, {
        headers: { Authorization: authorization(challenge, { user: 'cdrapi', password: 'cdrapi123', uri: PATH, nc }) },
      });
      expect(result.status).toBe(200);
      expect(JSON.parse(result.body.toString()).cdr_root).toHaveLength(1);
    }
  });

  it('answers a wrong password with 401 and a fresh challenge that is not stale', async () => {
    const challenge = await challengeOf(sim);
    const result = await httpsRequest(sim, PATH, {
      headers: { Authorization: authorization(challenge, { user: 'cdrapi', password: 'wrong', uri: PATH, nc: 1 }) },
    });
    expect(result.status).toBe(401);
    const fresh = parseDigestParams(String(result.headers['www-authenticate']));
    expect(fresh.stale).toBeUndefined();
    expect(fresh.nonce).not.toBe(parseDigestParams(challenge).nonce);
  });
});

describe('legacy Digest checks', () => {
  let sim: RunningSimulator;
  beforeAll(async () => {
    sim = await startSimulator({ calls: 20, nonceTtlMs: 60_000 });
  });
  afterAll(() => sim.close());
  afterEach(() => {
    vi.useRealTimers();
  });

  const good = { user: 'cdrapi', password: 'cdrapi123' };

  it('rejects a wrong user name with 401', async () => {
    const challenge = await challengeOf(sim);
    const result = await httpsRequest(sim, PATH, {
      headers: { Authorization: authorization(challenge, { user: 'admin', password: 'cdrapi123', uri: PATH, nc: 1 }) },
    });
    expect(result.status).toBe(401);
  });

  it('rejects a response computed for another URI than the one requested', async () => {
    const challenge = await challengeOf(sim);
    const result = await httpsRequest(sim, PATH, {
      headers: { Authorization: authorization(challenge, { ...good, uri: '/cdrapi?format=csv', nc: 1 }) },
    });
    expect(result.status).toBe(401);
  });

  it('rejects a replayed nonce count', async () => {
    const challenge = await challengeOf(sim);
    const header = authorization(challenge, { ...good, uri: PATH, nc: 1 });
    expect((await httpsRequest(sim, PATH, { headers: { Authorization: header } })).status).toBe(200);
    expect((await httpsRequest(sim, PATH, { headers: { Authorization: header } })).status).toBe(401);
  });

  it('rejects an algorithm other than the configured one', async () => {
    const challenge = await challengeOf(sim);
    const result = await httpsRequest(sim, PATH, {
      headers: { Authorization: authorization(challenge, { ...good, uri: PATH, nc: 1, algorithm: 'SHA-256' }) },
    });
    expect(result.status).toBe(401);
  });

  it('answers a correct response to an expired nonce with 401 stale=true', async () => {
    const challenge = await challengeOf(sim);
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(Date.now() + 61_000);
    const result = await httpsRequest(sim, PATH, {
      headers: { Authorization: authorization(challenge, { ...good, uri: PATH, nc: 1 }) },
    });
    expect(result.status).toBe(401);
    expect(parseDigestParams(String(result.headers['www-authenticate'])).stale).toBe('true');
  });

  it('marks every nonce stale after expire-nonces, and a client recovers with one retry', async () => {
    const client = new DigestClient(sim);
    expect((await client.get(PATH)).status).toBe(200);
    const challenge = await challengeOf(sim);
    sim.injectFault('expire-nonces');
    const result = await httpsRequest(sim, PATH, {
      headers: { Authorization: authorization(challenge, { ...good, uri: PATH, nc: 1 }) },
    });
    expect(parseDigestParams(String(result.headers['www-authenticate'])).stale).toBe('true');
    expect((await client.get(PATH)).status).toBe(200);
  });

  it('does not serve the UCM63xx /api when only the legacy API is configured', async () => {
    const legacy = await startSimulator({ calls: 1, api: 'legacy' });
    try {
      const result = await httpsRequest(legacy, '/api', { method: 'POST', body: '{"request":{"action":"challenge","user":"cdrapi"}}' });
      expect(result.status).toBe(404);
    } finally {
      await legacy.close();
    }
  });
});

describe('Permitted IPs', () => {
  it('answers 403 to a legacy request from an address that is not permitted, even with valid credentials', async () => {
    const sim = await startSimulator({ calls: 5, permitted: false });
    try {
      expect((await httpsRequest(sim, PATH)).status).toBe(403);
      expect((await new DigestClient(sim).get('/recapi')).status).toBe(403);
    } finally {
      await sim.close();
    }
  });
});
