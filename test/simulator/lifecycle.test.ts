import { createHash, X509Certificate } from 'node:crypto';
import { readdir } from 'node:fs/promises';
import { connect } from 'node:tls';
import { afterAll, describe, expect, it } from 'vitest';
import { tempDir } from '../support/fs.js';
import { AppError } from '../../main/errors.js';
import { describeSimulator, startSimulator, type RunningSimulator } from '../../main/simulator/index.js';
import { httpsRequest } from './client.js';

const { dir, cleanup } = tempDir('ucm-sim-cert-');
afterAll(cleanup);

/** Completes a TLS handshake that verifies the certificate for a host name, returning the peer's DER. */
function handshake(sim: RunningSimulator, servername: string): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port: sim.port, servername, ca: sim.certificatePem }, () => {
      const der = socket.getPeerCertificate().raw;
      socket.end();
      resolve(der);
    });
    socket.on('error', reject);
  });
}

describe('certificate', () => {
  it('is created in certDir on first start and reused after a restart', async () => {
    const first = await startSimulator({ calls: 1, certDir: dir });
    await first.close();
    expect((await readdir(dir)).sort()).toEqual(['simulator-cert.pem', 'simulator-key.pem']);
    const second = await startSimulator({ calls: 1, certDir: dir });
    try {
      expect(second.fingerprint).toBe(first.fingerprint);
      expect(second.certificatePem).toBe(first.certificatePem);
    } finally {
      await second.close();
    }
  });

  it('is new for every start without certDir', async () => {
    const a = await startSimulator({ calls: 1 });
    const b = await startSimulator({ calls: 1 });
    try {
      expect(a.fingerprint).not.toBe(b.fingerprint);
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });

  it('is valid for 127.0.0.1 and localhost, and its fingerprint is the SHA-256 of the DER served', async () => {
    const sim = await startSimulator({ calls: 1 });
    try {
      const der = await handshake(sim, 'localhost');
      const hex = createHash('sha256').update(der).digest('hex').toUpperCase();
      expect(sim.fingerprint).toBe(hex.match(/../g)!.join(':'));
      const cert = new X509Certificate(sim.certificatePem);
      expect(cert.subjectAltName).toContain('IP Address:127.0.0.1');
      expect(cert.subjectAltName).toContain('DNS:localhost');
      expect(cert.checkHost('example.com')).toBeUndefined();
      expect((await httpsRequest(sim, '/cdrapi')).status).toBe(401);
      await expect(handshake(sim, 'example.com')).rejects.toThrow(/example\.com/);
    } finally {
      await sim.close();
    }
  });
});

describe('lifecycle', () => {
  it('reports its URL and fingerprint for the CLI to print', async () => {
    const sim = await startSimulator({ calls: 1 });
    try {
      expect(sim.url).toBe(`https://127.0.0.1:${sim.port}`);
      expect(describeSimulator(sim)).toBe(`UCM simulator listening on ${sim.url}\nCertificate SHA-256 fingerprint: ${sim.fingerprint}`);
    } finally {
      await sim.close();
    }
  });

  it('serves the same calls for the same seed and clock', async () => {
    const options = { calls: 150, seed: 77, days: 20, now: new Date('2024-02-01T09:00:00Z') };
    const a = await startSimulator(options);
    const b = await startSimulator(options);
    const c = await startSimulator({ ...options, seed: 78 });
    try {
      expect(a.calls).toHaveLength(150);
      expect(b.calls).toEqual(a.calls);
      expect(c.calls).not.toEqual(a.calls);
    } finally {
      await Promise.all([a.close(), b.close(), c.close()]);
    }
  });

  it('refuses a port that is taken with a message naming it', async () => {
    const sim = await startSimulator({ calls: 1 });
    try {
      await expect(startSimulator({ calls: 1, port: sim.port })).rejects.toThrow(new RegExp(`port ${sim.port} is already in use`));
    } finally {
      await sim.close();
    }
  });

  it('stops listening on close, and close can be called twice', async () => {
    const sim = await startSimulator({ calls: 1 });
    await Promise.all([sim.close(), sim.close()]);
    await expect(httpsRequest(sim, '/cdrapi')).rejects.toThrow(/ECONNREFUSED/);
  });

  it('answers unknown paths with 404', async () => {
    const sim = await startSimulator({ calls: 1, api: 'ucm63xx' });
    try {
      expect((await httpsRequest(sim, '/')).status).toBe(404);
      expect((await httpsRequest(sim, '/cdrapi')).status).toBe(404);
    } finally {
      await sim.close();
    }
  });

  it.each([
    [{ port: 70000 }, /port "70000"/],
    [{ api: 'v2' }, /api "v2"/],
    [{ tz: 'Nowhere/City' }, /tz "Nowhere\/City"/],
    [{ calls: -5 }, /calls "-5"/],
    [{ days: 0 }, /days "0"/],
    [{ user: 'a b' }, /user "a b"/],
    [{ password: '' }, /password/],
    [{ digestAlgorithm: 'SHA-512' }, /digestAlgorithm "SHA-512"/],
    [{ now: new Date('nope') }, /now "Invalid Date"/],
  ])('rejects the option %o with a message naming it', async (options, message) => {
    const attempt = startSimulator({ calls: 1, ...(options as object) });
    await expect(attempt).rejects.toBeInstanceOf(AppError);
    await expect(attempt).rejects.toThrow(message);
  });

  it('rejects addCalls with a count that is not a whole number', async () => {
    const sim = await startSimulator({ calls: 1 });
    try {
      expect(() => sim.addCalls(-1)).toThrow(/"-1"/);
      expect(() => sim.addCalls(1.5)).toThrow(AppError);
      expect(sim.addCalls(0)).toEqual([]);
    } finally {
      await sim.close();
    }
  });
});
