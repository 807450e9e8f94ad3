import { X509Certificate } from 'node:crypto';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { generate } from 'selfsigned';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPbxClient } from '../../main/pbx/client.js';
import { caught } from '../support/caught.js';

/**
 * A bare HTTPS server standing in for a PBX whose behaviour the simulator does not offer: answering
 * late (or never), and observing how many requests are in flight at once.
 */
interface TestServer {
  url: string;
  fingerprint: string;
  maxInFlight: number;
  received: number;
  /** Requests not answered yet: answer one with `release`. */
  held: (() => void)[];
  hold: boolean;
  close(): Promise<void>;
}

let server: TestServer;

beforeAll(async () => {
  const pems = await generate([{ name: 'commonName', value: '127.0.0.1' }], { keyType: 'ec', curve: 'P-256', algorithm: 'sha256' });
  let inFlight = 0;
  const state = { maxInFlight: 0, received: 0, held: [] as (() => void)[], hold: false };
  const https: Server = createServer({ key: pems.private, cert: pems.cert }, (req, res) => {
    inFlight += 1;
    state.received += 1;
    state.maxInFlight = Math.max(state.maxInFlight, inFlight);
    const answer = (): void => {
      inFlight -= 1;
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end('{"cdr_root":[]}');
    };
    req.resume();
    // Without holding, answer on the next turn of the loop: time enough for an overlapping request.
    if (state.hold) state.held.push(answer);
    else setImmediate(answer);
  });
  await new Promise<void>((resolve) => https.listen(0, '127.0.0.1', resolve));
  const port = (https.address() as AddressInfo).port;
  server = Object.assign(state, {
    url: `https://127.0.0.1:${port}`,
    fingerprint: new X509Certificate(pems.cert).fingerprint256,
    close: () =>
      new Promise<void>((resolve) => {
        https.close(() => resolve());
        https.closeAllConnections();
      }),
  });
});

afterAll(async () => {
  await server.close();
});

function legacyClient(options: { timeoutMs?: number } = {}) {
  return createPbxClient({ url: server.url, api: 'legacy', user: 'u', fingerprint: server.fingerprint, ca_file: null }, 'pw', options);
}

/** Lets the event loop turn until `done` holds, at most `limit` turns. */
async function turnsUntil(done: () => boolean, limit = 5000): Promise<void> {
  for (let turn = 0; turn < limit && !done(); turn += 1) await new Promise(setImmediate);
}

describe('requests to one PBX', () => {
  it('go one at a time, even from several clients at once', async () => {
    server.hold = true;
    server.maxInFlight = 0;
    const before = server.received;
    const clients = [legacyClient(), legacyClient()];
    try {
      const all = Promise.all(Array.from({ length: 6 }, (_, i) => clients[i % 2]!.queryCdr({ numRecords: 1, offset: i })));
      await turnsUntil(() => server.received === before + 1);
      // Time enough for a second client's connection and request to arrive, were they not queued.
      await turnsUntil(() => server.received > before + 1, 2000);
      expect(server.received).toBe(before + 1);
      for (let answered = 0, turn = 0; answered < 6 && turn < 100_000; turn += 1) {
        const answer = server.held.shift();
        if (answer) {
          answer();
          answered += 1;
        } else {
          await new Promise(setImmediate);
        }
      }
      expect((await all).map((page) => page.entries)).toEqual([0, 0, 0, 0, 0, 0]);
      expect(server.maxInFlight).toBe(1);
    } finally {
      server.hold = false;
      for (const answer of server.held.splice(0)) answer();
      for (const client of clients) client.close();
    }
  });

  it('give up after the timeout with PBX_UNREACHABLE naming the host', async () => {
    server.hold = true;
    const client = legacyClient({ timeoutMs: 300 });
    try {
      const error = await caught(client.queryCdr({ numRecords: 1 }));
      expect(error.code).toBe('PBX_UNREACHABLE');
      expect(error.message).toContain(new URL(server.url).host);
      expect(error.message).toMatch(/did not answer in time/);
    } finally {
      server.hold = false;
      for (const answer of server.held.splice(0)) answer();
      client.close();
    }
  });

  it('stop with CANCELLED when the caller aborts', async () => {
    server.hold = true;
    const client = legacyClient();
    const controller = new AbortController();
    const before = server.received;
    try {
      const pending = client.queryCdr({ numRecords: 1 }, controller.signal);
      // Abort once the PBX has the request, so the cancellation hits an exchange in flight.
      await turnsUntil(() => server.received > before);
      expect(server.received).toBe(before + 1);
      controller.abort();
      expect((await caught(pending)).code).toBe('CANCELLED');
    } finally {
      server.hold = false;
      for (const answer of server.held.splice(0)) answer();
      client.close();
    }
  });
});
