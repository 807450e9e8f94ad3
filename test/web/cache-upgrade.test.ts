import { mkdirSync, writeFileSync } from 'node:fs';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { join } from 'node:path';
import { describe, expect } from 'vitest';
import type { ApiResult, CacheUpgradeStatus, CallTotals, ProgressEvent } from '../../preload/api.js';
import { openStore } from '../../main/store/store.js';
import { startWebServer } from '../../main/web/server.js';
import { it } from '../support/fixtures.js';
import { cacheContent, schema7Cache } from '../store/legacy-cache.js';

/**
 * `ucmcdr serve` on an older cache: the server starts at once, converts the records in the background
 * (one turn of the event loop between batches, as in production) and answers every request meanwhile;
 * the page's event stream carries the upgrade's state.
 */

const CALLS = 3_000;

function post<T>(port: number, path: string, headers: Record<string, string>, body: unknown): Promise<ApiResult<T>> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port, method: 'POST', path, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve(JSON.parse(Buffer.concat(chunks).toString('utf8')) as ApiResult<T>));
    });
    req.on('error', reject);
    req.end(JSON.stringify(body));
  });
}

describe('the web mode on a cache from before schema 8', () => {
  it('serves requests while the records are converted in the background, and streams the upgrade to the page', async ({ dir }) => {
    const path = join(dir, 'old.sqlite');
    schema7Cache(path, CALLS);
    const staticDir = join(dir, 'static');
    mkdirSync(staticDir, { recursive: true });
    writeFileSync(join(staticDir, 'index.html'), '<!doctype html><title>UCM CDR Viewer</title>');
    const store = openStore(path, { deferUpgrade: true });
    const lines: string[] = [];
    const server = await startWebServer({ store, dataDir: join(dir, 'data'), staticDir, onLog: (line) => lines.push(line), cacheUpgrade: { batchCalls: 50 } });
    const events: ProgressEvent[] = [];
    let stream: IncomingMessage | null = null;
    try {
      // The page's event stream, as the renderer opens it.
      await new Promise<void>((resolve, reject) => {
        const req = httpRequest({ host: '127.0.0.1', port: server.port, path: `/api/events?token=${server.token}` }, (res) => {
          stream = res;
          res.setEncoding('utf8');
          let buffer = '';
          res.on('data', (chunk: string) => {
            buffer += chunk;
            for (let end = buffer.indexOf('\n\n'); end >= 0; end = buffer.indexOf('\n\n')) {
              const message = buffer.slice(0, end);
              buffer = buffer.slice(end + 2);
              if (message.startsWith('data: ')) events.push(JSON.parse(message.slice(6)) as ProgressEvent);
            }
          });
          resolve();
        });
        req.on('error', reject);
        req.end();
      });
      const page = await new Promise<IncomingMessage>((resolve, reject) => {
        httpRequest({ host: '127.0.0.1', port: server.port, path: `/?token=${server.token}` }, resolve).on('error', reject).end();
      });
      page.resume();
      const headers = {
        Cookie: String(page.headers['set-cookie']?.[0] ?? '').split(';')[0]!,
        'X-UCM-Token': server.token,
        'Content-Type': 'application/json',
      };

      const answered: { status: CacheUpgradeStatus; count: number }[] = [];
      const deadline = Date.now() + 60_000;
      for (;;) {
        const status = await post<CacheUpgradeStatus>(server.port, '/api/app/upgradeStatus', headers, {});
        if (!status.ok) throw new Error(status.error.message);
        if (status.value.phase === 'done' || Date.now() > deadline) break;
        const totals = await post<CallTotals>(server.port, '/api/calls/totals', headers, { filter: {} });
        answered.push({ status: status.value, count: totals.ok ? totals.value.count : -1 });
      }
      expect(answered.every((a) => a.count === CALLS)).toBe(true);
      // Requests were answered between batches, while records were in both forms.
      expect(answered.filter((a) => a.status.phase === 'records' && a.status.done > 0 && a.status.done < CALLS).length).toBeGreaterThan(0);

      await expect.poll(() => events.at(-1)?.upgrade?.phase, { timeout: 10_000 }).toBe('done');
      const phases = events.map((e) => e.upgrade?.phase);
      expect(phases.indexOf('space')).toBeGreaterThan(phases.lastIndexOf('records'));
      expect(events.filter((e) => e.upgrade?.phase === 'records').length).toBeGreaterThan(2);
      expect(events.every((e) => e.kind === 'upgrade' && e.taskId === 'cache-upgrade')).toBe(true);
      expect(lines).toContain(`Upgrading the cache to the compact record form in the background: ${CALLS.toLocaleString('en-US')} calls to convert.`);
      expect(lines.some((line) => /^The cache is upgraded \(\d+ s\)\.$/.test(line))).toBe(true);
    } finally {
      (stream as IncomingMessage | null)?.destroy();
      await server.close();
      store.close();
    }
    expect(cacheContent(path).legs.every((l) => l.type === 'blob')).toBe(true);
  });
});
