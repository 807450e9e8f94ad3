import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { tempDir } from '../support/fs.js';
import { API_METHODS, DROP_CHANNEL, PROGRESS_CHANNEL, type ApiResult, type FileRef } from '../../preload/api.js';
import type { ApiHandlers } from '../../main/app/dispatch.js';
import { FileRefRegistry } from '../../main/app/file-refs.js';

vi.mock('electron', () => ({ shell: { openExternal: vi.fn() } }));
const { progressSender, registerIpc, trustedSender } = await import('../../main/shell/ipc.js');

type Handler = (event: unknown, payload?: unknown) => Promise<unknown>;

function fakeIpcMain() {
  const handlers = new Map<string, Handler>();
  return {
    handlers,
    handle: (channel: string, handler: Handler) => {
      if (handlers.has(channel)) throw new Error(`second handler for ${channel}`);
      handlers.set(channel, handler);
    },
    removeHandler: (channel: string) => void handlers.delete(channel),
  };
}

/** Every contract method as a spy answering a marker, so a test sees whether a service was reached. */
function spyHandlers(): { handlers: ApiHandlers; calls: string[] } {
  const calls: string[] = [];
  const areas: Record<string, Record<string, (req: unknown) => Promise<unknown>>> = {};
  for (const method of API_METHODS) {
    const [area, name] = method.split('/');
    areas[area] ??= {};
    areas[area][name] = async (req) => {
      calls.push(method);
      return { reached: method, req };
    };
  }
  return { handlers: areas as unknown as ApiHandlers, calls };
}

function fakeWindow(url = 'app://ucm/index.html') {
  const mainFrame = { url, parent: null };
  const sent: unknown[][] = [];
  const webContents = { mainFrame, send: (...args: unknown[]) => sent.push(args) };
  return { win: { webContents, isDestroyed: () => false }, mainFrame, webContents, sent };
}

describe('IPC binding', () => {
  const { dir: tmp, cleanup } = tempDir('ucm-ipc-');
  afterAll(cleanup);

  function setup(url?: string) {
    const ipc = fakeIpcMain();
    const { handlers, calls } = spyHandlers();
    const window = fakeWindow(url);
    const files = new FileRefRegistry();
    const refused: string[] = [];
    const unregister = registerIpc(ipc as never, handlers, trustedSender(() => window.win as never, () => 'app://ucm'), {
      files,
      onRefused: (channel) => refused.push(channel),
    });
    const ours = { sender: window.webContents, senderFrame: window.mainFrame };
    return { ipc, calls, window, files, refused, unregister, ours };
  }

  it('registers a handler for every contract method plus the drop channel, and removes them all', () => {
    const { ipc, unregister } = setup();
    expect([...ipc.handlers.keys()].sort()).toEqual([...API_METHODS, DROP_CHANNEL].sort());
    unregister();
    expect(ipc.handlers.size).toBe(0);
  });

  it('answers a trusted call with an ok envelope from the service', async () => {
    const { ipc, ours, calls } = setup();
    const result = await ipc.handlers.get('calls/totals')?.(ours, { filter: { direction: ['inbound'] } });
    expect(result).toEqual({ ok: true, value: { reached: 'calls/totals', req: { filter: { direction: ['inbound'] } } } });
    expect(calls).toEqual(['calls/totals']);
  });

  it('refuses a payload that fails validation with BAD_INPUT before any service runs', async () => {
    const { ipc, ours, calls } = setup();
    const result = (await ipc.handlers.get('calls/page')?.(ours, { filter: { status: ['MAYBE'] }, limit: 0 })) as ApiResult<unknown>;
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.error.code).toBe('BAD_INPUT');
      expect(result.error.message).toContain('limit');
    }
    expect(calls).toEqual([]);
  });

  it('ignores calls from another WebContents, a subframe, or a foreign origin', async () => {
    const { ipc, window, calls, refused } = setup();
    const otherContents = { mainFrame: { url: 'app://ucm/index.html', parent: null } };
    const subframe = { url: 'app://ucm/index.html', parent: window.mainFrame };
    const senders = [
      { sender: otherContents, senderFrame: otherContents.mainFrame },
      { sender: window.webContents, senderFrame: subframe },
      { sender: window.webContents, senderFrame: null },
    ];
    for (const event of senders) {
      const result = (await ipc.handlers.get('pbx/list')?.(event)) as ApiResult<unknown>;
      expect(result).toMatchObject({ ok: false, error: { code: 'PERMISSION_DENIED' } });
    }
    window.mainFrame.url = 'https://evil.example/';
    const foreign = { sender: window.webContents, senderFrame: window.mainFrame };
    expect(await ipc.handlers.get('pbx/remove')?.(foreign, { id: 1 })).toMatchObject({ ok: false });
    expect(await ipc.handlers.get(DROP_CHANNEL)?.(foreign, { paths: ['/etc/passwd'] })).toMatchObject({ ok: false });
    expect(calls).toEqual([]);
    expect(refused).toEqual(['pbx/list', 'pbx/list', 'pbx/list', 'pbx/remove', DROP_CHANNEL]);
  });

  it('turns dropped file paths into refs, refusing folders and made-up paths', async () => {
    const { ipc, ours, files } = setup();
    const csv = join(tmp, 'cdr.csv');
    writeFileSync(csv, 'a,b\n');
    const ok = (await ipc.handlers.get(DROP_CHANNEL)?.(ours, { paths: [csv] })) as ApiResult<FileRef[]>;
    expect(ok.ok).toBe(true);
    if (ok.ok) {
      expect(ok.value[0].name).toBe('cdr.csv');
      expect(files.resolve(ok.value[0], 'file')).toBe(csv);
    }
    for (const paths of [[tmp], ['relative.csv'], [join(tmp, 'missing.csv')], []]) {
      const refused = (await ipc.handlers.get(DROP_CHANNEL)?.(ours, { paths })) as ApiResult<FileRef[]>;
      expect(refused).toMatchObject({ ok: false, error: { code: 'BAD_INPUT' } });
    }
  });

  it('sends progress events to our window on the progress channel', () => {
    const { window } = setup();
    const send = progressSender(() => window.win as never);
    const event = { taskId: 't', kind: 'sync' as const, stage: 's', done: 1, total: 2, rate: null, eta_seconds: null };
    send(event);
    expect(window.sent).toEqual([[PROGRESS_CHANNEL, event]]);
    expect(() => progressSender(() => null)(event)).not.toThrow();
  });
});
