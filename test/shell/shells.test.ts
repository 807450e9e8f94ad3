import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeEach, describe, expect, vi } from 'vitest';
import { createAppApi, type AppApi, type Shell } from '../../main/app/index.js';
import { FileRefRegistry } from '../../main/app/file-refs.js';
import { createMemorySecrets } from '../../main/secrets.js';
import { DownloadRegistry } from '../../main/web/downloads.js';
import { createWebShell } from '../../main/web/shell.js';
import { test } from '../support/fixtures.js';

const openExternal = vi.fn(async (_url: string) => undefined);
vi.mock('electron', () => ({ shell: { openExternal } }));
const { desktopShell } = await import('../../main/shell/desktop.js');

const CSV = [
  'Caller Number,Callee Number,Start Time,Call Time,Talk Time,Status,Session',
  '4003,1001,2024-03-01 08:02:10,23,20,ANSWERED,shells-s-1',
  '4004,1002,2024-03-01 09:15:00,12,0,NO ANSWER,shells-s-2',
].join('\r\n');

/**
 * The services are the same for both shells; the Shell each one provides says what differs. These
 * run the same contract calls on the desktop's and the web mode's Shell and pin what each answers.
 */
const it = test
  .extend('downloads', ({ dir }) => new DownloadRegistry(join(dir, 'downloads')))
  /** The services on the given shell, with two calls imported through the contract; closed after the test. */
  .extend('servicesOn', ({ store, dir }, { onCleanup }) => {
    const files = new FileRefRegistry();
    const made: AppApi[] = [];
    onCleanup(async () => {
      for (const api of made) await api.close();
    });
    return async (shell: Shell): Promise<AppApi> => {
      const api = createAppApi({ store, dataDir: dir, secrets: createMemorySecrets(), shell, emitProgress: () => undefined, files });
      made.push(api);
      const csv = join(dir, 'calls.csv');
      writeFileSync(csv, CSV);
      await api.imports.run({ taskId: 'imp', files: [files.add(csv, 'file')] });
      return api;
    };
  });

beforeEach(() => {
  openExternal.mockClear();
});

const MISSING_TARGET = { code: 'BAD_INPUT', message: 'Choose where to save first (target is missing).', details: { field: 'target' } };

describe('exports without a target', () => {
  it('web: the calls become a one-shot download the browser fetches once', async ({ servicesOn, downloads }) => {
    const services = await servicesOn(createWebShell(downloads));
    const result = await services.exports.run({ taskId: 'exp', filter: {}, format: 'csv', fields: ['session', 'disposition'] });
    expect(result.rows).toBe(2);
    const id = /^\/download\/([\w-]+)$/.exec(result.download_url ?? '')?.[1] ?? '';
    const ready = downloads.take(id);
    expect(ready).toMatchObject({ contentType: expect.stringContaining('text/csv') });
    expect(ready?.fileName).toMatch(/^calls-\d{8}-\d{6}\.csv$/);
    expect(readFileSync(ready!.path, 'utf8')).toContain('shells-s-2');
    expect(downloads.take(id)).toBeNull();
  });

  it('web: the recordings become a one-shot tar download', async ({ servicesOn, downloads }) => {
    const services = await servicesOn(createWebShell(downloads));
    const result = await services.recordings.export({ taskId: 'rec', filter: {} });
    expect(result).toMatchObject({ copied: 0, download_url: expect.stringMatching(/^\/download\/[\w-]+$/) });
    const ready = downloads.take(result.download_url!.slice('/download/'.length));
    expect(ready).toMatchObject({ contentType: 'application/x-tar', fileName: expect.stringMatching(/^recordings-\d{8}-\d{6}\.tar$/) });
  });

  it('desktop: the calls and the recordings are refused until a target is chosen', async ({ servicesOn }) => {
    const services = await servicesOn(desktopShell);
    await expect(services.exports.run({ taskId: 'exp', filter: {}, format: 'csv' })).rejects.toMatchObject(MISSING_TARGET);
    await expect(services.recordings.export({ taskId: 'rec', filter: {} })).rejects.toMatchObject(MISSING_TARGET);
  });
});

describe('what else the shells decide', () => {
  it('reports the mode each shell runs in', async ({ servicesOn, downloads }) => {
    const desktop = await servicesOn(desktopShell);
    expect((await desktop.app.info()).mode).toBe('desktop');
    // One set of services at a time on the cache, as each shell runs alone.
    await desktop.close();
    expect((await (await servicesOn(createWebShell(downloads))).app.info()).mode).toBe('web');
  });

  it('names recordings on the app scheme (desktop) or on the server (web)', ({ downloads }) => {
    expect(desktopShell.recordingUrl(12, 1)).toBe('app://ucm/recordings/12/1');
    expect(createWebShell(downloads).recordingUrl(12, 1)).toBe('/recordings/12/1');
  });

  it('refuses other than http(s) links in both; only the desktop opens them itself', async ({ downloads }) => {
    const web = createWebShell(downloads);
    for (const either of [desktopShell, web]) {
      for (const url of ['file:///etc/passwd', 'javascript:alert(1)', 'not a url']) {
        await expect(either.openExternal(url)).rejects.toMatchObject({ code: 'BAD_INPUT' });
      }
    }
    await web.openExternal('https://www.grandstream.com/');
    expect(openExternal).not.toHaveBeenCalled();
    await desktopShell.openExternal('https://www.grandstream.com/');
    expect(openExternal.mock.calls.map((c) => c[0])).toEqual(['https://www.grandstream.com/']);
  });
});
