import { describe, expect, it, vi } from 'vitest';
import { API_METHODS, type ApiMethodName, type ProgressEvent, type UcmApi } from '../../preload/api.js';
import { ApiError } from '../../renderer/src/transport/api-error.js';
import { wrapDesktopBridge } from '../../renderer/src/transport/desktop.js';
import { createHttpApi, type EventSourceLike, type HttpApiOptions } from '../../renderer/src/transport/http.js';
import { TOKEN_STORAGE_KEY, takeToken } from '../../renderer/src/transport/token.js';

const TOKEN = 'tok_0123456789abcdefghij';

function jsonResponse(body: unknown, status = 200): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } });
}

function httpApi(overrides: Partial<HttpApiOptions> = {}) {
  const fetch = vi.fn<typeof globalThis.fetch>(async () => jsonResponse({ ok: true, value: [] }));
  const sources: (EventSourceLike & { url: string; closed: boolean })[] = [];
  const options: HttpApiOptions = {
    token: TOKEN,
    fetch,
    createEventSource(url) {
      const source = {
        url,
        closed: false,
        onmessage: null,
        close() {
          source.closed = true;
        },
      };
      sources.push(source);
      return source;
    },
    pickFiles: async () => [],
    openWindow: vi.fn(),
    ...overrides,
  };
  return { api: createHttpApi(options), fetch, sources, options };
}

describe('web transport', () => {
  it('posts the request to /api/<area>/<method> with the token header and unwraps the value', async () => {
    const { api, fetch } = httpApi();
    fetch.mockResolvedValueOnce(jsonResponse({ ok: true, value: { count: 3, talk_seconds: 60 } }));
    await expect(api.calls.totals({ filter: { caller: '1001' } })).resolves.toEqual({ count: 3, talk_seconds: 60 });

    const [url, init] = fetch.mock.calls[0];
    expect(url).toBe('/api/calls/totals');
    expect(init?.method).toBe('POST');
    expect(init?.credentials).toBe('same-origin');
    expect(init?.headers).toMatchObject({ 'X-UCM-Token': TOKEN, 'Content-Type': 'application/json' });
    expect(JSON.parse(String(init?.body))).toEqual({ filter: { caller: '1001' } });
  });

  it('posts every other contract method to its own path, with {} for a method without a request', async () => {
    // The browser answers these itself (file picker, downloads, window.open) instead of asking the server.
    const local = new Set<ApiMethodName>(['app/openExternal', 'dialogs/pickImportFiles', 'dialogs/pickSaveFile', 'dialogs/pickFolder']);
    const { api, fetch } = httpApi();
    const client = api as unknown as Record<string, Record<string, (request?: unknown) => Promise<unknown>>>;
    const posted = API_METHODS.filter((method) => !local.has(method));
    for (const method of posted) {
      const [area, name] = method.split('/');
      await client[area][name]();
      const [url, init] = fetch.mock.lastCall ?? [];
      expect(url).toBe(`/api/${method}`);
      expect(init?.body).toBe('{}');
    }
    expect(fetch).toHaveBeenCalledTimes(posted.length);
  });

  it('turns an error envelope into an ApiError with code, message and details', async () => {
    const { api, fetch } = httpApi();
    fetch.mockResolvedValueOnce(
      jsonResponse({ ok: false, error: { code: 'TLS_FINGERPRINT_MISMATCH', message: 'changed', details: { expected: 'A', actual: 'B' } } }),
    );
    const error = await api.pbx.test({ id: 1 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ code: 'TLS_FINGERPRINT_MISMATCH', message: 'changed', details: { expected: 'A', actual: 'B' } });
  });

  it('explains a refused token instead of passing on a bare 401', async () => {
    const { api, fetch } = httpApi();
    fetch.mockResolvedValueOnce(jsonResponse({ ok: false, error: { code: 'PERMISSION_DENIED', message: 'Missing token' } }, 401));
    await expect(api.pbx.list()).rejects.toMatchObject({ code: 'PERMISSION_DENIED', message: expect.stringContaining('ucmcdr serve') });
  });

  it('does not call the server at all without a token', async () => {
    const { api, fetch } = httpApi({ token: null });
    await expect(api.pbx.list()).rejects.toMatchObject({ code: 'PERMISSION_DENIED' });
    expect(fetch).not.toHaveBeenCalled();
  });

  it('reports a dropped connection and an unreadable answer in words', async () => {
    const { api, fetch } = httpApi();
    fetch.mockRejectedValueOnce(new TypeError('Failed to fetch'));
    await expect(api.pbx.list()).rejects.toMatchObject({ code: 'INTERNAL', message: expect.stringContaining('Lost the connection') });
    fetch.mockResolvedValueOnce(new Response('<html>502</html>', { status: 502 }));
    await expect(api.pbx.list()).rejects.toMatchObject({ code: 'INTERNAL', message: expect.stringContaining('HTTP 502') });
  });

  it('uploads picked files one by one and returns their handles', async () => {
    const files = [new File(['a'], 'Master.csv'), new File(['b'], 'cdr 2021#1.csv')];
    const { api, fetch } = httpApi({ pickFiles: async () => files });
    fetch
      .mockResolvedValueOnce(jsonResponse({ ok: true, value: { ref: 'r1', name: 'Master.csv' } }))
      .mockResolvedValueOnce(jsonResponse({ ok: true, value: { ref: 'r2', name: 'cdr 2021#1.csv' } }));
    await expect(api.dialogs.pickImportFiles()).resolves.toEqual([
      { ref: 'r1', name: 'Master.csv' },
      { ref: 'r2', name: 'cdr 2021#1.csv' },
    ]);
    expect(fetch.mock.calls.map(([url]) => url)).toEqual(['/api/upload?name=Master.csv', '/api/upload?name=cdr%202021%231.csv']);
    expect(fetch.mock.calls[0][1]?.body).toBe(files[0]);
  });

  it('answers the save and folder dialogs with null so callers download instead', async () => {
    const { api, fetch } = httpApi();
    await expect(api.dialogs.pickSaveFile({ suggested_name: 'calls.csv', format: 'csv' })).resolves.toBeNull();
    await expect(api.dialogs.pickFolder()).resolves.toBeNull();
    expect(fetch).not.toHaveBeenCalled();
  });

  it('opens only http(s) links, in the browser', async () => {
    const { api, options } = httpApi();
    await api.app.openExternal({ url: 'https://www.grandstream.com/' });
    expect(options.openWindow).toHaveBeenCalledWith('https://www.grandstream.com/');
    await expect(api.app.openExternal({ url: 'file:///etc/passwd' })).rejects.toMatchObject({ code: 'BAD_INPUT' });
  });

  it('delivers progress events from one event stream and drops malformed ones', () => {
    const { api, sources } = httpApi();
    const seen: ProgressEvent[] = [];
    const stop = api.events.onProgress((e) => seen.push(e));
    expect(sources).toHaveLength(1);
    expect(sources[0].url).toBe(`/api/events?token=${TOKEN}`);

    const good: ProgressEvent = { taskId: 't1', kind: 'sync', stage: 'Page 1', done: 100, total: 400, rate: 50, eta_seconds: 6 };
    sources[0].onmessage?.(new MessageEvent('message', { data: JSON.stringify(good) }));
    sources[0].onmessage?.(new MessageEvent('message', { data: JSON.stringify({ ...good, done: 'many' }) }));
    sources[0].onmessage?.(new MessageEvent('message', { data: 'not json' }));
    expect(seen).toEqual([good]);

    stop();
    expect(sources[0].closed).toBe(true);
  });
});

describe('desktop transport', () => {
  /** A bridge whose pbx.list rejects the way contextBridge delivers errors: as a plain object. */
  function bridgeRejecting(reason: unknown): UcmApi {
    const empty = {};
    return {
      app: empty,
      pbx: { list: vi.fn(() => Promise.reject(reason)) },
      sync: empty,
      calls: empty,
      recordings: empty,
      imports: empty,
      exports: empty,
      dialogs: empty,
      tasks: empty,
      events: { onProgress: () => () => undefined },
    } as unknown as UcmApi;
  }

  it('turns the plain error objects the bridge rejects with into ApiErrors', async () => {
    const api = wrapDesktopBridge(bridgeRejecting({ name: 'ApiError', code: 'DB_TOO_NEW', message: 'newer cache' }));
    const error = await api.pbx.list().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ code: 'DB_TOO_NEW', message: 'newer cache' });
  });

  it('calls the bridge method as the caller did, and explains a method an older bridge lacks', async () => {
    const bridge = bridgeRejecting(null);
    const list = vi.fn(async () => []);
    bridge.pbx.list = list;
    const api = wrapDesktopBridge(bridge);
    await api.pbx.list();
    expect(list).toHaveBeenCalledWith();
    await expect(api.calls.totals({ filter: {} })).rejects.toMatchObject({
      code: 'INTERNAL',
      message: expect.stringContaining('no calls.totals'),
    });
  });

  it('keeps an unknown code from a newer service as an unexpected error with its words', async () => {
    const api = wrapDesktopBridge(bridgeRejecting({ code: 'SOMETHING_NEW', message: 'words' }));
    await expect(api.pbx.list()).rejects.toMatchObject({ code: 'INTERNAL', message: 'words', details: { original_code: 'SOMETHING_NEW' } });
  });
});

describe('web access token', () => {
  function fakeWindow(href: string) {
    const store = new Map<string, string>();
    const replaced: string[] = [];
    return {
      replaced,
      win: {
        location: { href } as Location,
        history: { state: null, replaceState: (_s: unknown, _t: string, url: string) => replaced.push(url) } as unknown as History,
        sessionStorage: {
          getItem: (k: string) => store.get(k) ?? null,
          setItem: (k: string, v: string) => void store.set(k, v),
        } as Storage,
      },
    };
  }

  it('keeps the token from the address for this tab and removes it from the address bar', () => {
    const { win, replaced } = fakeWindow(`http://127.0.0.1:8080/?token=${TOKEN}#/calls?caller=1001`);
    expect(takeToken(win)).toBe(TOKEN);
    expect(win.sessionStorage.getItem(TOKEN_STORAGE_KEY)).toBe(TOKEN);
    expect(replaced).toEqual(['/#/calls?caller=1001']);
  });

  it('falls back to the stored token after a reload and ignores malformed ones', () => {
    const { win } = fakeWindow('http://127.0.0.1:8080/');
    win.sessionStorage.setItem(TOKEN_STORAGE_KEY, TOKEN);
    expect(takeToken(win)).toBe(TOKEN);
    const bad = fakeWindow('http://127.0.0.1:8080/?token=%3Cscript%3E');
    expect(takeToken(bad.win)).toBeNull();
  });
});
