import { mkdirSync, writeFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { networkInterfaces } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '../support/fs.js';
import type { ApiResult, CallPage, ExportResult, FileRef, ImportResult, PbxProfile } from '../../preload/api.js';
import { recordingsDir } from '../../main/paths.js';
import { openStore } from '../../main/store/store.js';
import type { Store } from '../../main/store/types.js';
import { startWebServer, type WebServer } from '../../main/web/server.js';

interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

/** A raw request, so tests control Host and every header (fetch would not let them). */
function send(port: number, opts: { method?: string; path: string; headers?: Record<string, string>; body?: Buffer | string }): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      { host: '127.0.0.1', port, method: opts.method ?? 'GET', path: opts.path, headers: opts.headers },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
      },
    );
    req.on('error', reject);
    req.end(opts.body);
  });
}

const json = <T>(reply: Reply): ApiResult<T> => JSON.parse(reply.body.toString('utf8')) as ApiResult<T>;

const UCM_CSV = [
  'Caller Number,Callee Number,Start Time,Call Time,Talk Time,Status,Caller Name,Session',
  '4003,1001,2024-03-01 08:02:10,23,20,ANSWERED,Anna,web-s-1',
  '4004,1002,2024-03-01 09:15:00,12,0,NO ANSWER,Bernd,web-s-2',
  '1001,4003,2024-03-02 10:00:00,40,35,ANSWERED,Zoë,web-s-3',
].join('\r\n');

describe('web mode server', () => {
  let dir: string;
  let removeDir: () => void;
  let store: Store;
  let server: WebServer;
  let cookie: string;
  const logs: string[] = [];

  const auth = (): Record<string, string> => ({ Cookie: cookie, 'X-UCM-Token': server.token, 'Content-Type': 'application/json' });
  const api = <T>(method: string, body: unknown = {}): Promise<ApiResult<T>> =>
    send(server.port, { method: 'POST', path: `/api/${method}`, headers: auth(), body: JSON.stringify(body) }).then(json<T>);

  beforeAll(async () => {
    ({ dir, cleanup: removeDir } = tempDir('ucm-web-test-'));
    const staticDir = join(dir, 'static');
    mkdirSync(join(staticDir, 'assets'), { recursive: true });
    writeFileSync(join(staticDir, 'index.html'), '<!doctype html><title>UCM CDR Viewer</title>');
    writeFileSync(join(staticDir, 'assets', 'app.js'), 'export {}');
    store = openStore(join(dir, 'cache.sqlite'));
    server = await startWebServer({ store, dataDir: join(dir, 'data'), staticDir, onLog: (line) => logs.push(line) });
    const page = await send(server.port, { path: `/?token=${server.token}`, headers: { Host: `127.0.0.1:${server.port}` } });
    cookie = String(page.headers['set-cookie']?.[0] ?? '').split(';')[0];
  });

  afterAll(async () => {
    await server.close();
    store.close();
    removeDir();
  });

  it('listens on 127.0.0.1 only and prints a URL with the token', async () => {
    expect(server.address().address).toBe('127.0.0.1');
    expect(server.url).toBe(`http://127.0.0.1:${server.port}/?token=${server.token}`);
    expect(server.token).toMatch(/^[\w-]{43}$/);
    const outside = Object.values(networkInterfaces())
      .flat()
      .find((a) => a && a.family === 'IPv4' && !a.internal);
    if (outside) {
      const refused = await new Promise<boolean>((resolve) => {
        const req = httpRequest({ host: outside.address, port: server.port, path: '/' }, () => resolve(false));
        req.on('error', () => resolve(true));
        req.end();
      });
      expect(refused).toBe(true);
    }
  });

  it('answers the app page for the token and sets a strict HttpOnly cookie, with the CSP header', async () => {
    const page = await send(server.port, { path: `/?token=${server.token}` });
    expect(page.status).toBe(200);
    expect(page.body.toString()).toContain('UCM CDR Viewer');
    expect(page.headers['set-cookie']?.[0]).toBe(`ucm_token=${server.token}; HttpOnly; SameSite=Strict; Path=/`);
    expect(page.headers['content-security-policy']).toContain("default-src 'none'");
    const asset = await send(server.port, { path: '/assets/app.js', headers: { Cookie: cookie } });
    expect(asset.status).toBe(200);
    expect(asset.headers['content-type']).toContain('javascript');
  });

  it('refuses requests without a valid token with 401 and never reaches a service', async () => {
    const pageWithout = await send(server.port, { path: '/' });
    expect(pageWithout.status).toBe(401);
    expect((await send(server.port, { path: '/?token=wrong' })).status).toBe(401);
    expect((await send(server.port, { path: '/assets/app.js' })).status).toBe(401);
    const attempts: Record<string, string>[] = [
      {},
      { Cookie: cookie },
      { 'X-UCM-Token': server.token },
      { Cookie: cookie, 'X-UCM-Token': `${server.token}x` },
      { Cookie: 'ucm_token=nope', 'X-UCM-Token': server.token },
    ];
    for (const headers of attempts) {
      const reply = await send(server.port, { method: 'POST', path: '/api/pbx/save', headers, body: JSON.stringify({ name: 'X', url: 'https://10.0.0.9', api: 'auto', user: 'u', tz: 'UTC' }) });
      expect(reply.status).toBe(401);
      expect(json(reply)).toMatchObject({ ok: false, error: { code: 'PERMISSION_DENIED' } });
    }
    expect((await send(server.port, { path: '/api/events?token=wrong' })).status).toBe(401);
    const list = await api<PbxProfile[]>('pbx/list');
    expect(list).toEqual({ ok: true, value: [] });
  });

  it('refuses a foreign Host with 403 even with the token (DNS rebinding)', async () => {
    for (const host of ['evil.example', `evil.example:${server.port}`, `127.0.0.1:${server.port + 1}`]) {
      const reply = await send(server.port, { method: 'POST', path: '/api/pbx/list', headers: { ...auth(), Host: host }, body: '{}' });
      expect(reply.status).toBe(403);
    }
    const ok = await send(server.port, { method: 'POST', path: '/api/pbx/list', headers: { ...auth(), Host: `localhost:${server.port}` }, body: '{}' });
    expect(ok.status).toBe(200);
  });

  it('answers ApiResult envelopes, refuses invalid payloads with BAD_INPUT, unknown methods with 404', async () => {
    const bad = await api('calls/page', { filter: { from: 'yesterday' } });
    expect(bad).toMatchObject({ ok: false, error: { code: 'BAD_INPUT' } });
    if (!bad.ok) expect(bad.error.message).toContain('Invalid from filter "yesterday"');
    const unknown = await send(server.port, { method: 'POST', path: '/api/calls/drop', headers: auth(), body: '{}' });
    expect(unknown.status).toBe(404);
    const notJson = await send(server.port, { method: 'POST', path: '/api/calls/totals', headers: auth(), body: '{filter' });
    expect(notJson.status).toBe(400);
    const big = await send(server.port, { method: 'POST', path: '/api/calls/totals', headers: auth(), body: JSON.stringify({ filter: { search: 'x'.repeat(1_100_000) } }) });
    expect(big.status).toBe(413);
    const get = await send(server.port, { path: '/api/calls/totals', headers: auth() });
    expect(get.status).toBe(405);
    const dialog = await api('dialogs/pickFolder');
    expect(dialog).toMatchObject({ ok: false, error: { code: 'BAD_INPUT' } });
  });

  it('takes an upload as a FileRef with a safe name and imports it', async () => {
    const up = await send(server.port, {
      method: 'POST',
      path: `/api/upload?name=${encodeURIComponent('../../ucm export.csv')}`,
      headers: { ...auth(), 'Content-Type': 'application/octet-stream' },
      body: UCM_CSV,
    });
    const ref = json<FileRef>(up);
    expect(ref.ok).toBe(true);
    if (!ref.ok) return;
    expect(ref.value.name).toBe('ucm export.csv');
    const result = await api<ImportResult>('imports/run', { taskId: 'imp-1', files: [ref.value] });
    expect(result.ok).toBe(true);
    if (result.ok) expect(result.value.files[0]).toMatchObject({ file: 'ucm export.csv', imported: 3, error: null });
    const forged = await api('imports/run', { taskId: 'imp-2', files: [{ ref: 'forged', name: '/etc/passwd' }] });
    expect(forged).toMatchObject({ ok: false, error: { code: 'BAD_INPUT' } });
  });

  it('streams progress events and serves an export once as a download', async () => {
    const events = await openEvents(server.port, server.token);
    try {
      const exported = await api<ExportResult>('exports/run', { taskId: 'exp-1', filter: {}, format: 'csv', fields: ['caller_number', 'callee_number', 'session'] });
      expect(exported.ok).toBe(true);
      if (!exported.ok) return;
      expect(exported.value.rows).toBe(3);
      expect(exported.value.download_url).toMatch(/^\/download\/[\w-]+$/);
      const first = await send(server.port, { path: exported.value.download_url ?? '', headers: { Cookie: cookie } });
      expect(first.status).toBe(200);
      expect(first.headers['content-disposition']).toMatch(/^attachment; filename="calls-.*\.csv"/);
      const lines = first.body.toString('utf8').trim().split(/\r?\n/);
      expect(lines).toHaveLength(4);
      expect(lines.slice(1).map((l) => l.split(',')[2]).sort()).toEqual(['web-s-1', 'web-s-2', 'web-s-3']);
      const second = await send(server.port, { path: exported.value.download_url ?? '', headers: { Cookie: cookie } });
      expect(second.status).toBe(404);
      const event = await events.next();
      expect(event).toMatchObject({ taskId: 'exp-1', kind: 'export', done: 3, total: 3 });
    } finally {
      events.close();
    }
  });

  it('serves an xlsx export as a workbook download', async () => {
    const exported = await api<ExportResult>('exports/run', { taskId: 'exp-x', filter: {}, format: 'xlsx', fields: ['session'] });
    expect(exported.ok).toBe(true);
    if (!exported.ok) return;
    const download = await send(server.port, { path: exported.value.download_url ?? '', headers: { Cookie: cookie } });
    expect(download.status).toBe(200);
    expect(download.headers['content-type']).toBe('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    expect(download.headers['content-disposition']).toMatch(/^attachment; filename="calls-.*\.xlsx"/);
    expect(download.body.subarray(0, 4).toString('latin1')).toBe('PK\x03\x04');
    const refused = await api('exports/run', { taskId: 'exp-y', filter: {}, format: 'xlsx', bom: 'yes' });
    expect(refused).toMatchObject({ ok: false, error: { code: 'BAD_INPUT' } });
  });

  it('serves a cached recording with byte ranges', async () => {
    const page = await api<CallPage>('calls/page', { filter: { caller_name: 'Anna' } });
    expect(page.ok).toBe(true);
    if (!page.ok) return;
    const call = page.value.rows[0];
    // A recording that the store lists as downloaded, as the recordings service leaves it.
    store.calls.ingest(store.profiles.getByName(call.pbx)?.id ?? 0, [
      { session: call.session, main: { session: call.session, src: call.src, dst: call.dst, start: '2024-03-01 08:02:10', recordfiles: '2024-03/a.wav@' }, legs: [] },
    ], { origin: 'sync' });
    const withRecording = store.calls.get(call.id);
    expect(withRecording?.recordings).toEqual(['2024-03/a.wav']);
    const file = join(recordingsDir(join(dir, 'data')), 'test', 'a.wav');
    mkdirSync(join(recordingsDir(join(dir, 'data')), 'test'), { recursive: true });
    const bytes = Buffer.from(Array.from({ length: 4096 }, (_, i) => i % 251));
    writeFileSync(file, bytes);
    store.recordings.set({ call_id: call.id, path: '2024-03/a.wav', state: 'cached', local_path: file, bytes: bytes.length, checked_at: null });

    const play = await api<{ url: string; bytes: number }>('recordings/play', { call_id: call.id, recording: '2024-03/a.wav' });
    expect(play).toEqual({ ok: true, value: { url: `/recordings/${call.id}/0`, bytes: 4096 } });
    const whole = await send(server.port, { path: `/recordings/${call.id}/0`, headers: { Cookie: cookie } });
    expect(whole.status).toBe(200);
    expect(whole.headers['accept-ranges']).toBe('bytes');
    expect(whole.body.equals(bytes)).toBe(true);
    const part = await send(server.port, { path: `/recordings/${call.id}/0`, headers: { Cookie: cookie, Range: 'bytes=1000-1999' } });
    expect(part.status).toBe(206);
    expect(part.headers['content-range']).toBe('bytes 1000-1999/4096');
    expect(part.body.equals(bytes.subarray(1000, 2000))).toBe(true);
    const beyond = await send(server.port, { path: `/recordings/${call.id}/0`, headers: { Cookie: cookie, Range: 'bytes=9999-' } });
    expect(beyond.status).toBe(416);
    expect((await send(server.port, { path: `/recordings/${call.id}/0` })).status).toBe(401);
    expect((await send(server.port, { path: `/recordings/${call.id}/3`, headers: { Cookie: cookie } })).status).toBe(404);
  });

  it('never writes the token into its log', () => {
    expect(logs.length).toBeGreaterThan(5);
    expect(logs.join('\n')).not.toContain(server.token);
  });
});

/** Reads `data:` messages from the SSE stream. */
async function openEvents(port: number, token: string): Promise<{ next(): Promise<unknown>; close(): void }> {
  const queue: unknown[] = [];
  const waiters: ((v: unknown) => void)[] = [];
  let buffer = '';
  let close = (): void => undefined;
  await new Promise<void>((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port, path: `/api/events?token=${encodeURIComponent(token)}` }, (res) => {
      expect(res.headers['content-type']).toContain('text/event-stream');
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        buffer += chunk;
        let end: number;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const message = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          if (!message.startsWith('data: ')) continue;
          const value: unknown = JSON.parse(message.slice(6));
          const waiter = waiters.shift();
          if (waiter) waiter(value);
          else queue.push(value);
        }
      });
      resolve();
    });
    req.on('error', reject);
    close = () => req.destroy();
    req.end();
  });
  return {
    next: () => (queue.length > 0 ? Promise.resolve(queue.shift()) : new Promise((resolve) => waiters.push(resolve))),
    close,
  };
}
