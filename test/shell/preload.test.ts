import { describe, expect, it, vi } from 'vitest';
import { API_METHODS, DROP_CHANNEL, PROGRESS_CHANNEL, type UcmApi } from '../../preload/api.js';

const exposed = new Map<string, unknown>();
const invoke = vi.fn(async (channel: string, request?: unknown): Promise<unknown> => {
  if (channel === 'pbx/test') return { ok: false, error: { code: 'AUTH_FAILED', message: 'Wrong password.', details: { pbx_id: 1 } } };
  return { ok: true, value: { channel, request } };
});
const listeners = new Map<string, (...args: unknown[]) => void>();

vi.mock('electron', () => ({
  contextBridge: { exposeInMainWorld: (key: string, value: unknown) => exposed.set(key, value) },
  ipcRenderer: {
    invoke,
    on: (channel: string, fn: (...args: unknown[]) => void) => listeners.set(channel, fn),
    removeListener: (channel: string, fn: unknown) => {
      if (listeners.get(channel) === fn) listeners.delete(channel);
    },
  },
  webUtils: { getPathForFile: (file: { path: string }) => file.path },
}));

await import('../../preload/index.js');
const bridge = exposed.get('ucm') as UcmApi & { files: { fromDrop(files: unknown[]): Promise<unknown> } };

describe('the preload bridge', () => {
  it('exposes only window.ucm, with one function per contract method and no raw ipcRenderer', () => {
    expect([...exposed.keys()]).toEqual(['ucm']);
    for (const method of API_METHODS) {
      const [area, name] = method.split('/') as [keyof UcmApi, string];
      expect(typeof (bridge[area] as Record<string, unknown>)[name]).toBe('function');
    }
    expect(Object.keys(bridge).sort()).toEqual([...new Set(API_METHODS.map((m) => m.split('/')[0])), 'events', 'files'].sort());
    expect(JSON.stringify(Object.keys(bridge))).not.toContain('ipcRenderer');
  });

  it('invokes the method name with the request and unwraps the envelope', async () => {
    await expect(bridge.calls.totals({ filter: {} })).resolves.toEqual({ channel: 'calls/totals', request: { filter: {} } });
    expect(invoke).toHaveBeenLastCalledWith('calls/totals', { filter: {} });
  });

  it('invokes a method without a request with undefined, as main expects', async () => {
    await bridge.pbx.list();
    expect(invoke).toHaveBeenLastCalledWith('pbx/list', undefined);
  });

  it('rejects with a plain object carrying code, message and details', async () => {
    await expect(bridge.pbx.test({ id: 1 })).rejects.toEqual({
      name: 'ApiError',
      code: 'AUTH_FAILED',
      message: 'Wrong password.',
      details: { pbx_id: 1 },
    });
  });

  it('hands progress listeners the event without the IpcRendererEvent, and unsubscribes', () => {
    const seen: unknown[] = [];
    const off = bridge.events.onProgress((event) => seen.push(event));
    const progress = { taskId: 't', kind: 'sync', stage: 'x', done: 1, total: null, rate: null, eta_seconds: null };
    listeners.get(PROGRESS_CHANNEL)?.({ sender: 'raw ipc event' }, progress);
    expect(seen).toEqual([progress]);
    off();
    expect(listeners.has(PROGRESS_CHANNEL)).toBe(false);
  });

  it('sends the paths of dropped files on the drop channel', async () => {
    await bridge.files.fromDrop([{ path: '/home/u/cdr.csv' }, { path: '' }]);
    expect(invoke).toHaveBeenLastCalledWith(DROP_CHANNEL, { paths: ['/home/u/cdr.csv'] });
  });
});
