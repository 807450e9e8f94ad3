import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { tempDir } from '../support/fs.js';
import { handleAppRequest } from '../../main/shell/app-protocol.js';
import { recordingsDir } from '../../main/paths.js';
import type { Store } from '../../main/store/types.js';

const { dir: root, cleanup } = tempDir('ucm-proto-');
const rendererDir = join(root, 'renderer');
const dataDir = join(root, 'data');
mkdirSync(join(rendererDir, 'assets'), { recursive: true });
writeFileSync(join(rendererDir, 'index.html'), '<!doctype html><title>UCM</title>');
writeFileSync(join(rendererDir, 'assets', 'app.js'), 'console.log(1)');
writeFileSync(join(root, 'secret.txt'), 'top secret');
const wavPath = join(recordingsDir(dataDir), '1', 'a.wav');
mkdirSync(join(recordingsDir(dataDir), '1'), { recursive: true });
const wav = Buffer.from(Array.from({ length: 1000 }, (_, i) => i % 256));
writeFileSync(wavPath, wav);

/** The two store reads the protocol makes; the rest of the Store is not involved. */
const store = {
  calls: { get: (id: number) => (id === 7 ? { id: 7, recordings: ['2024-03/a.wav', '2024-03/outside.wav'] } : null) },
  recordings: {
    get: (_id: number, path: string) =>
      path === '2024-03/a.wav'
        ? { call_id: 7, path, state: 'cached', local_path: wavPath, bytes: wav.length, checked_at: null }
        : { call_id: 7, path, state: 'cached', local_path: join(root, 'secret.txt'), bytes: 10, checked_at: null },
  },
} as unknown as Store;

const ctx = { rendererDir, store, dataDir };
const get = (url: string, headers: Record<string, string> = {}) => handleAppRequest(new Request(url, { headers }), ctx);

afterAll(cleanup);

describe('the app:// protocol', () => {
  it('serves the renderer with the CSP header, and the app page for routes', async () => {
    const page = await get('app://ucm/index.html');
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toContain("default-src 'none'");
    expect(await page.text()).toContain('<title>UCM</title>');
    expect((await get('app://ucm/calls')).status).toBe(200);
    const js = await get('app://ucm/assets/app.js');
    expect(js.headers.get('content-type')).toContain('text/javascript');
  });

  it('never serves files outside the renderer folder', async () => {
    for (const url of ['app://ucm/../secret.txt', 'app://ucm/%2e%2e/secret.txt', 'app://ucm/assets/..%2f..%2fsecret.txt', 'app://other/index.html']) {
      const res = await get(url);
      expect(res.status).toBe(404);
      expect(await res.text()).not.toContain('top secret');
    }
  });

  it('serves a cached recording whole and in byte ranges', async () => {
    const whole = await get('app://ucm/recordings/7/0');
    expect(whole.status).toBe(200);
    expect(whole.headers.get('accept-ranges')).toBe('bytes');
    expect(Buffer.from(await whole.arrayBuffer())).toEqual(wav);
    const part = await get('app://ucm/recordings/7/0', { Range: 'bytes=100-199' });
    expect(part.status).toBe(206);
    expect(part.headers.get('content-range')).toBe('bytes 100-199/1000');
    expect(Buffer.from(await part.arrayBuffer())).toEqual(wav.subarray(100, 200));
    expect((await get('app://ucm/recordings/7/0', { Range: 'bytes=5000-' })).status).toBe(416);
  });

  it('refuses recordings the call does not have or whose file lies outside the recordings folder', async () => {
    expect((await get('app://ucm/recordings/8/0')).status).toBe(404);
    expect((await get('app://ucm/recordings/7/5')).status).toBe(404);
    const outside = await get('app://ucm/recordings/7/1');
    expect(outside.status).toBe(404);
    expect(await outside.text()).not.toContain('top secret');
  });
});
