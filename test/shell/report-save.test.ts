import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createAppApi, type AppApi, type Shell } from '../../main/app/index.js';
import { FileRefRegistry } from '../../main/app/file-refs.js';
import { createMemorySecrets } from '../../main/secrets.js';
import { openStore } from '../../main/store/store.js';
import type { Store } from '../../main/store/types.js';
import { DownloadRegistry } from '../../main/web/downloads.js';
import { createWebShell } from '../../main/web/shell.js';

/** What the hidden print window was made with and did: the options, the page it loaded, the print settings. */
const printed: { options: Record<string, unknown>; loaded: string[]; html: string[]; pdfOptions: unknown[]; destroyed: boolean }[] = [];

vi.mock('electron', () => {
  class BrowserWindow {
    record: (typeof printed)[number];
    webContents: { printToPDF(options: unknown): Promise<Buffer> };
    constructor(options: Record<string, unknown>) {
      const record = { options, loaded: [] as string[], html: [] as string[], pdfOptions: [] as unknown[], destroyed: false };
      printed.push(record);
      this.record = record;
      this.webContents = {
        async printToPDF(pdfOptions: unknown) {
          record.pdfOptions.push(pdfOptions);
          return Buffer.from(`%PDF-1.7 of ${record.html[0]?.length ?? 0} characters`);
        },
      };
    }
    async loadFile(path: string): Promise<void> {
      this.record.loaded.push(path);
      this.record.html.push(readFileSync(path, 'utf8'));
    }
    destroy(): void {
      this.record.destroyed = true;
    }
  }
  return { BrowserWindow, shell: { openExternal: vi.fn() } };
});
const { desktopShell } = await import('../../main/shell/desktop.js');

const CSV = [
  'Caller Number,Callee Number,Start Time,Call Time,Talk Time,Status,Session',
  '4003,1001,2024-03-01 08:02:10,23,20,ANSWERED,save-s-1',
  '4004,1002,2024-03-01 09:15:00,12,0,NO ANSWER,save-s-2',
  '4004,1002,2024-03-02 10:00:00,12,0,NO ANSWER,save-s-3',
].join('\r\n');

let dir: string;
let store: Store;
let files: FileRefRegistry;
let downloads: DownloadRegistry;
let api: AppApi | null;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'ucm-report-save-'));
  store = openStore(join(dir, 'cache.sqlite'));
  files = new FileRefRegistry();
  downloads = new DownloadRegistry(join(dir, 'downloads'));
  api = null;
  printed.length = 0;
});

afterEach(async () => {
  await api?.close();
  store.close();
  rmSync(dir, { recursive: true, force: true });
});

async function servicesOn(shell: Shell): Promise<AppApi> {
  api = createAppApi({ store, dataDir: dir, secrets: createMemorySecrets(), shell, emitProgress: () => undefined, files });
  const csv = join(dir, 'calls.csv');
  writeFileSync(csv, CSV);
  await api.imports.run({ taskId: 'imp', files: [files.add(csv, 'file')] });
  return api;
}

const ACTIVITY = { kind: 'activity', by: 'day', filter: {} } as const;

describe('reports/save', () => {
  it('web: the HTML page becomes a one-shot download holding the figures', async () => {
    const services = await servicesOn(createWebShell(downloads));
    const result = await services.reports.save({ request: ACTIVITY, format: 'html' });
    const id = /^\/download\/([\w-]+)$/.exec(result.download_url ?? '')?.[1] ?? '';
    const ready = downloads.take(id);
    expect(ready).toMatchObject({ contentType: 'text/html; charset=utf-8', fileName: expect.stringMatching(/^report-activity-\d{8}-\d{6}\.html$/) });
    const html = readFileSync(ready!.path, 'utf8');
    expect(html).toContain('<h1>Activity</h1>');
    expect(html).toContain('2024-03-01');
    expect(html).toContain('2024-03-02');
  });

  it('web: refuses a PDF, saying how to make one', async () => {
    const services = await servicesOn(createWebShell(downloads));
    await expect(services.reports.save({ request: ACTIVITY, format: 'pdf' })).rejects.toMatchObject({
      code: 'BAD_INPUT',
      message: 'PDF files are made by the desktop app. Save the report as HTML and print it to PDF from the browser.',
    });
  });

  it('desktop: writes the HTML page to the file chosen in the save dialog, and refuses without one', async () => {
    const services = await servicesOn(desktopShell);
    await expect(services.reports.save({ request: ACTIVITY, format: 'html' })).rejects.toMatchObject({ code: 'BAD_INPUT', details: { field: 'target' } });
    const path = join(dir, 'activity.html');
    expect(await services.reports.save({ request: ACTIVITY, format: 'html', target: files.add(path, 'save') })).toEqual({});
    expect(readFileSync(path, 'utf8')).toContain('<h1>Activity</h1>');
  });

  it('desktop: prints the same page to PDF in a sandboxed window without JavaScript, and cleans up', async () => {
    const services = await servicesOn(desktopShell);
    const path = join(dir, 'top.pdf');
    await services.reports.save({ request: { kind: 'top', filter: {} }, format: 'pdf', target: files.add(path, 'save') });
    expect(readFileSync(path, 'utf8')).toMatch(/^%PDF-1\.7 of \d+ characters$/);
    expect(printed).toHaveLength(1);
    const [window] = printed;
    expect(window.options).toMatchObject({
      show: false,
      webPreferences: { sandbox: true, javascript: false, contextIsolation: true, nodeIntegration: false, partition: 'report-pdf' },
    });
    expect(window.html[0]).toContain('<h1>Top numbers</h1>');
    expect(window.html[0]).toContain('4004');
    expect(window.pdfOptions).toEqual([{ printBackground: true, pageSize: 'A4' }]);
    expect(window.destroyed).toBe(true);
    expect(existsSync(window.loaded[0])).toBe(false);
  });
});
