import { createHash } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { startSimulator, type RunningSimulator } from '../../main/simulator/index.js';
import { apiCall, apiJson, DigestClient, httpsRequest, login } from './client.js';

let sim: RunningSimulator;

beforeAll(async () => {
  sim = await startSimulator({ calls: 300, seed: 5, cookieTtlMs: 60_000, now: new Date('2024-06-30T18:00:00Z') });
});
afterAll(() => sim.close());
afterEach(() => {
  vi.useRealTimers();
});

function md5(text: string): string {
  return createHash('md5').update(text).digest('hex');
}

describe('UCM63xx login', () => {
  it('hands out a numeric challenge', async () => {
    const answer = await apiJson(sim, { action: 'challenge', user: 'cdrapi', version: '1.0' });
    expect(answer.status).toBe(0);
    expect(String(answer.response?.challenge)).toMatch(/^\d{16}$/);
  });

  it('logs in with md5(challenge + password) and returns a cookie', async () => {
    const { response } = await apiJson(sim, { action: 'challenge', user: 'cdrapi' });
    const answer = await apiJson(sim, { action: 'login', user: 'cdrapi', token: md5(`${String(response?.challenge)}cdrapi123`) });
    expect(answer.status).toBe(0);
    expect(String(answer.response?.cookie)).toMatch(/^sid[0-9a-f]{32}$/);
  });

  it('answers -37 to a wrong password or user, and to a challenge used twice', async () => {
    const first = await apiJson(sim, { action: 'challenge', user: 'cdrapi' });
    const challenge = String(first.response?.challenge);
    expect((await apiJson(sim, { action: 'login', user: 'cdrapi', token: md5(`${challenge}nope`) })).status).toBe(-37);
    expect((await apiJson(sim, { action: 'login', user: 'admin', token: md5(`${challenge}cdrapi123`) })).status).toBe(-37);
    expect((await apiJson(sim, { action: 'login', user: 'cdrapi', token: md5(`${challenge}cdrapi123`) })).status).toBe(0);
    expect((await apiJson(sim, { action: 'login', user: 'cdrapi', token: md5(`${challenge}cdrapi123`) })).status).toBe(-37);
  });

  it('answers -1 to a body that is not a JSON request or names no known action', async () => {
    const notJson = await httpsRequest(sim, '/api', { method: 'POST', body: 'action=challenge' });
    expect(JSON.parse(notJson.body.toString())).toEqual({ status: -1 });
    expect((await apiJson(sim, { action: 'reboot' })).status).toBe(-1);
  });

  it('answers -47 when the caller is not among the Permitted IPs', async () => {
    const closed = await startSimulator({ calls: 1, permitted: false });
    try {
      expect((await apiJson(closed, { action: 'challenge', user: 'cdrapi' })).status).toBe(-47);
    } finally {
      await closed.close();
    }
  });
});

describe('UCM63xx cdrapi', () => {
  it('returns cdr_root at the top level with status 0, the same records as the legacy API', async () => {
    const cookie = await login(sim);
    const answer = await apiJson(sim, { action: 'cdrapi', cookie, format: 'json', numRecords: '25', offset: '10', caller: '10@' });
    expect(answer.status).toBe(0);
    expect(answer.cdr_root).toHaveLength(25);
    const legacy = await new DigestClient(sim).json('/cdrapi?format=json&numRecords=25&offset=10&caller=10@');
    expect(answer.cdr_root).toEqual(legacy.cdr_root);
  });

  it('answers a non-string parameter value like any bad parameter: no records', async () => {
    const cookie = await login(sim);
    const answer = await apiJson(sim, { action: 'cdrapi', cookie, format: 'json', numRecords: 5 });
    expect(answer).toEqual({ cdr_root: [], status: 0 });
  });

  it('serves CSV and XML through /api as well', async () => {
    const cookie = await login(sim);
    const csv = await apiCall(sim, { action: 'cdrapi', cookie, format: 'csv', numRecords: '2' });
    expect(csv.headers['content-type']).toMatch(/^text\/csv/);
    expect(csv.body.toString().startsWith('AcctId,accountcode,src,')).toBe(true);
    const xml = await apiCall(sim, { action: 'cdrapi', cookie, format: 'xml', numRecords: '2' });
    expect(xml.body.toString()).toMatch(/^<root>\n<cdr session="/);
  });

  it('answers -6 to an unknown cookie, an idle one, and any after expire-sessions', async () => {
    expect((await apiJson(sim, { action: 'cdrapi', cookie: 'sid0000', format: 'json' })).status).toBe(-6);
    const idle = await login(sim);
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(Date.now() + 61_000);
    expect((await apiJson(sim, { action: 'cdrapi', cookie: idle, format: 'json', numRecords: '1' })).status).toBe(-6);
    vi.useRealTimers();
    const cookie = await login(sim);
    expect((await apiJson(sim, { action: 'cdrapi', cookie, format: 'json', numRecords: '1' })).status).toBe(0);
    sim.injectFault('expire-sessions');
    expect((await apiJson(sim, { action: 'cdrapi', cookie, format: 'json', numRecords: '1' })).status).toBe(-6);
  });

  it('keeps a cookie alive while it is used', async () => {
    const cookie = await login(sim);
    vi.useFakeTimers({ toFake: ['Date'] });
    for (let i = 0; i < 3; i++) {
      vi.setSystemTime(Date.now() + 40_000);
      expect((await apiJson(sim, { action: 'cdrapi', cookie, format: 'json', numRecords: '1' })).status).toBe(0);
    }
  });
});

describe('UCM63xx listAccount', () => {
  it('lists the office\'s extensions with their full names, a page at a time, sorted as asked', async () => {
    const cookie = await login(sim);
    const request = { action: 'listAccount', cookie, options: 'extension,fullname', sidx: 'extension', sord: 'asc' };
    const first = await apiJson(sim, { ...request, item_num: '8', page: '1' });
    expect(first.status).toBe(0);
    expect(first.response).toMatchObject({ total_page: 3, page: 1, total_item: 20 });
    const accounts = first.response?.account as { extension: string; fullname: string }[];
    expect(accounts.slice(0, 2)).toEqual([
      { extension: '1000', fullname: 'José Núñez' },
      { extension: '1001', fullname: 'Zoë Ångström' },
    ]);
    expect(accounts).toHaveLength(8);
    const last = await apiJson(sim, { ...request, item_num: '8', page: '3' });
    expect((last.response?.account as unknown[]).map((a) => (a as { extension: string }).extension)).toEqual(['1016', '1017', '1018', '1019']);
    const descending = await apiJson(sim, { ...request, sord: 'desc', item_num: '1', page: '1' });
    expect(descending.response?.account).toEqual([{ extension: '1019', fullname: 'Conference Phone' }]);
  });

  it('answers -6 without a valid cookie, and -47 when the API user may not read the list while cdrapi works', async () => {
    expect((await apiJson(sim, { action: 'listAccount', cookie: 'sid-none', item_num: '10', page: '1' })).status).toBe(-6);
    const closed = await startSimulator({ calls: 5, accountList: false });
    try {
      const cookie = await login(closed);
      expect(await apiJson(closed, { action: 'listAccount', cookie, item_num: '10', page: '1' })).toEqual({ status: -47 });
      expect((await apiJson(closed, { action: 'cdrapi', cookie, format: 'json', numRecords: '1' })).status).toBe(0);
    } finally {
      await closed.close();
    }
  });
});

describe('faults', () => {
  it('answers -45 with a retry time after rate-limit-next, once', async () => {
    const cookie = await login(sim);
    sim.injectFault('rate-limit-next');
    const limited = await apiJson(sim, { action: 'cdrapi', cookie, format: 'json', numRecords: '1' });
    expect(limited.status).toBe(-45);
    expect(limited.response?.retry_after).toBe(15);
    expect((await apiJson(sim, { action: 'cdrapi', cookie, format: 'json', numRecords: '1' })).status).toBe(0);
  });

  it('answers -8 after timeout-next and HTTP 500 after server-error-next', async () => {
    const cookie = await login(sim);
    sim.injectFault('timeout-next');
    expect((await apiJson(sim, { action: 'cdrapi', cookie, format: 'json' })).status).toBe(-8);
    sim.injectFault('server-error-next');
    expect((await apiCall(sim, { action: 'cdrapi', cookie, format: 'json' })).status).toBe(500);
  });

  it('gives the legacy API 429 with Retry-After, 504 and 500 for the same faults', async () => {
    const client = new DigestClient(sim);
    expect((await client.get('/cdrapi?numRecords=1')).status).toBe(200);
    sim.injectFault('rate-limit-next');
    const limited = await client.get('/cdrapi?numRecords=1');
    expect(limited.status).toBe(429);
    expect(limited.headers['retry-after']).toBe('15');
    sim.injectFault('timeout-next');
    expect((await client.get('/cdrapi?numRecords=1')).status).toBe(504);
    sim.injectFault('server-error-next');
    expect((await client.get('/cdrapi?numRecords=1')).status).toBe(500);
    expect((await client.get('/cdrapi?numRecords=1')).status).toBe(200);
  });

  it('cuts the connection in the middle of the next cdrapi body, on either API', async () => {
    const cookie = await login(sim);
    sim.injectFault('cut-next-cdr-response');
    await expect(apiCall(sim, { action: 'cdrapi', cookie, format: 'json', numRecords: '200' })).rejects.toThrow();
    expect((await apiJson(sim, { action: 'cdrapi', cookie, format: 'json', numRecords: '2' })).cdr_root).toHaveLength(2);
    const client = new DigestClient(sim);
    expect((await client.get('/cdrapi?numRecords=1')).status).toBe(200);
    sim.injectFault('cut-next-cdr-response');
    await expect(client.get('/cdrapi?format=json&numRecords=200')).rejects.toThrow();
  });
});

describe('request log', () => {
  it('records path, action and parameters but never cookies or tokens', async () => {
    const cookie = await login(sim);
    await apiJson(sim, { action: 'cdrapi', cookie, format: 'json', caller: '1000' });
    const last = sim.requests[sim.requests.length - 1]!;
    expect(last).toEqual({ path: '/api', action: 'cdrapi', params: { format: 'json', caller: '1000' } });
    expect(JSON.stringify(sim.requests)).not.toContain(cookie);
    expect(sim.requests.some((r) => r.action === 'login' && !('token' in r.params))).toBe(true);
  });
});
