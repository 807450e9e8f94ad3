import { afterEach, describe, expect, it } from 'vitest';
import { testConnection } from '../../main/pbx/connect.js';
import { startSimulator, type RunningSimulator, type SimulatorOptions } from '../../main/simulator/index.js';

const USER = 'cdrapi';
const PASSWORD = 'connect-test-pw';
const sims: RunningSimulator[] = [];

afterEach(async () => {
  await Promise.all(sims.splice(0).map((sim) => sim.close()));
});

async function simulator(options: SimulatorOptions): Promise<RunningSimulator> {
  const sim = await startSimulator({ port: 0, calls: 10, days: 5, user: USER, password: PASSWORD, ...options });
  sims.push(sim);
  return sim;
}

describe('testConnection', () => {
  it('returns the certificate on first contact, before any request is sent', async () => {
    const sim = await simulator({ api: 'both' });
    const result = await testConnection({ url: sim.url, api: 'auto', user: USER, fingerprint: null, ca_file: null }, PASSWORD);
    expect(result.ok).toBe(false);
    expect(result.error?.code).toBe('TLS_UNTRUSTED');
    expect(result.certificate).toMatchObject({ fingerprint: sim.fingerprint, subject: expect.stringContaining('127.0.0.1') });
    expect(Date.parse(result.certificate!.valid_to)).toBeGreaterThan(Date.now());
    expect(sim.requests).toHaveLength(0);
  });

  it.each([
    ['both', 'ucm63xx'],
    ['legacy', 'legacy'],
  ] as const)('once trusted, detects the API of a %s PBX and checks the credentials with a one-record query', async (api, detected) => {
    const sim = await simulator({ api });
    const result = await testConnection({ url: sim.url, api: 'auto', user: USER, fingerprint: sim.fingerprint, ca_file: null }, PASSWORD);
    expect(result).toEqual({ ok: true, detected_api: detected, certificate: null, error: null });
    const query = sim.requests.filter((r) => r.path === '/cdrapi' || r.action === 'cdrapi').at(-1)!;
    expect(query.params.numRecords).toBe('1');
  });

  it('reports wrong credentials as a result, not an exception', async () => {
    const sim = await simulator({ api: 'ucm63xx' });
    const result = await testConnection({ url: sim.url, api: 'auto', user: USER, fingerprint: sim.fingerprint, ca_file: null }, 'nope');
    expect(result).toMatchObject({ ok: false, detected_api: 'ucm63xx', error: { code: 'AUTH_FAILED' } });
    expect(JSON.stringify(result)).not.toContain('nope');
  });

  it('shows both fingerprints and the new certificate when the pin no longer matches', async () => {
    const sim = await simulator({ api: 'legacy' });
    const pin = Array(32).fill('AB').join(':');
    const result = await testConnection({ url: sim.url, api: 'auto', user: USER, fingerprint: pin, ca_file: null }, PASSWORD);
    expect(result.error).toMatchObject({ code: 'TLS_FINGERPRINT_MISMATCH', details: { expected: pin, actual: sim.fingerprint } });
    expect(result.certificate?.fingerprint).toBe(sim.fingerprint);
    expect(sim.requests).toHaveLength(0);
  });
});
