import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cli, collector, type CliOutcome } from './helpers.js';
import { tempDir } from '../support/fs.js';
import { SCHEMA_VERSION } from '../../main/store/migrations.js';
import { cacheContent, schema7Cache } from '../store/legacy-cache.js';

const tmp = tempDir('ucmcdr-servers-');
const db = join(tmp.dir, 'cache.sqlite');
afterAll(() => tmp.cleanup());

/**
 * Starts a long-running command (simulator, serve) in-process; resolves with its output once `ready`
 * matches, plus `stop()`, which is Ctrl-C and resolves with the finished run.
 */
function startLongRunning(argv: string[], ready: RegExp) {
  const controller = new AbortController();
  let announce: (match: RegExpMatchArray) => void;
  const started = new Promise<RegExpMatchArray>((resolve) => (announce = resolve));
  const stdout = collector((text) => {
    const match = text.match(ready);
    if (match) announce(match);
  });
  const finished = cli(argv, { signal: controller.signal, stdout });
  return {
    started: Promise.race([started, finished.then((run: CliOutcome) => Promise.reject(new Error(`ended early: ${run.stderr}`)))]),
    stop: (): Promise<CliOutcome> => {
      controller.abort();
      return finished;
    },
  };
}

describe('ucmcdr simulator', () => {
  it('prints its URL and fingerprint, serves until Ctrl-C, and keeps its certificate between runs', async () => {
    const ready = /listening on (https:\/\/127\.0\.0\.1:\d+)\nCertificate SHA-256 fingerprint: ([0-9A-F:]{95})\n/;
    const first = startLongRunning(['--db', db, 'simulator', '--port', '0', '--calls', '30', '--seed', '4', '--days', '10'], ready);
    const [, url, fingerprint] = await first.started;
    const added = await cli(
      ['--db', db, 'pbx', 'add', 'demo', '--url', url, '--user', 'cdrapi', '--trust-on-first-use', '--password-env', 'PW'],
      { env: { PW: 'cdrapi123' } },
    );
    expect(added.stderr).toBe('');
    expect(added.stdout).toContain(`Pinned certificate SHA-256 ${fingerprint}.`);
    const synced = await cli(['--db', db, 'sync', 'demo', '--password-env', 'PW'], { env: { PW: 'cdrapi123' } });
    expect(synced.stdout).toMatch(/^Synced demo: 30 new calls/);
    const stopped = await first.stop();
    expect(stopped.code).toBe(0);
    expect(stopped.stdout.endsWith('Simulator stopped.\n')).toBe(true);

    const second = startLongRunning(['--db', db, 'simulator', '--port', '0', '--calls', '1'], ready);
    const [, , again] = await second.started;
    expect(again).toBe(fingerprint);
    expect((await second.stop()).code).toBe(0);
  });

  it('refuses bad options before starting', async () => {
    const run = await cli(['--db', db, 'simulator', '--api', 'v3']);
    expect(run.code).toBe(2);
    expect(run.stderr).toBe("ucmcdr: option '--api <generation>' argument 'v3' is invalid. Use one of: legacy, ucm63xx, both.\n");
  });
});

describe('ucmcdr serve', () => {
  it('serves the app on 127.0.0.1 behind the token in the URL it prints, until Ctrl-C', async () => {
    const ui = join(tmp.dir, 'ui');
    mkdirSync(ui);
    writeFileSync(join(ui, 'index.html'), '<!doctype html><title>UCM CDR Viewer test page</title>');
    const server = startLongRunning(['--db', db, 'serve', '--port', '0', '--static-dir', ui], /at (http:\/\/127\.0\.0\.1:(\d+)\/\?token=([\w-]+))\n/);
    const [, url, port] = await server.started;
    const page = await fetch(url);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('UCM CDR Viewer test page');
    const api = await fetch(`http://127.0.0.1:${port}/api/pbx/list`, { method: 'POST', body: '{}' });
    expect(api.status).toBe(401);
    const stopped = await server.stop();
    expect(stopped.code).toBe(0);
    expect(stopped.stdout.endsWith('Stopped.\n')).toBe(true);
    await expect(fetch(url)).rejects.toThrow();
  });

  it('serves a cache from before schema 8 at once and converts it in the background, saying so on stderr', async () => {
    const old = join(tmp.dir, 'old.sqlite');
    schema7Cache(old, 200);
    const ui = join(tmp.dir, 'ui-old');
    mkdirSync(ui);
    writeFileSync(join(ui, 'index.html'), '<!doctype html><title>UCM CDR Viewer test page</title>');
    const server = startLongRunning(['--db', old, 'serve', '--port', '0', '--static-dir', ui], /at (http:\/\/127\.0\.0\.1:(\d+)\/\?token=([\w-]+))\n/);
    await server.started;
    await expect.poll(() => cacheContent(old).legs.every((l) => l.type === 'blob'), { timeout: 20_000 }).toBe(true);
    await expect.poll(() => cacheContent(old).settings.some((s) => (s as { key: string }).key === 'records.compact_after'), { timeout: 20_000 }).toBe(false);
    const stopped = await server.stop();
    expect(stopped.code).toBe(0);
    const lines = stopped.stderr.split('\n');
    expect(lines).toContain(`ucmcdr: bringing the cache from schema 7 up to ${SCHEMA_VERSION} (about 20 s per million calls)`);
    expect(lines).toContain('Upgrading the cache to the compact record form in the background: 200 calls to convert.');
    expect(lines.some((line) => /^The cache is upgraded \(\d+ s\)\.$/.test(line))).toBe(true);
    // Not the foreground conversion of the other commands.
    expect(stopped.stderr).not.toContain('ucmcdr: upgrading the cache');
  });

  it('says once, before a command, that it brings an older cache up to date', async () => {
    const old = join(tmp.dir, 'older.sqlite');
    schema7Cache(old, 20);
    const first = await cli(['--db', old, 'calls', '--limit', '1', '--format', 'json']);
    expect(first.code).toBe(0);
    expect(first.stderr).toBe(`ucmcdr: bringing the cache from schema 7 up to ${SCHEMA_VERSION} (about 20 s per million calls)\n`);
    const again = await cli(['--db', old, 'calls', '--limit', '1', '--format', 'json']);
    expect(again.stdout).toBe(first.stdout);
    expect(again.stderr).toBe('');
  });

  it('says how to build the UI when the folder holds none', async () => {
    const run = await cli(['--db', db, 'serve', '--static-dir', tmp.dir]);
    expect(run.code).toBe(1);
    expect(run.stderr).toBe(`ucmcdr: --static-dir ${tmp.dir} holds no index.html: point it at a built renderer.\n`);
  });
});
