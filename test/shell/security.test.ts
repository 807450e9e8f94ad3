import { EventEmitter } from 'node:events';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { isHttpUrl } from '../../preload/checks.js';

const openExternal = vi.fn(async (_url: string) => undefined);
vi.mock('electron', () => ({ shell: { openExternal } }));

const { hardenSession, hardenWebContents, openExternalSafely, originOf } = await import(
  '../../main/shell/security.js'
);

type OpenHandler = (details: { url: string }) => { action: string };

/** Enough of a WebContents to see which gates get installed and what they decide. */
class FakeContents extends EventEmitter {
  openHandler: OpenHandler | null = null;
  setWindowOpenHandler(handler: OpenHandler): void {
    this.openHandler = handler;
  }
  /** Emits like Electron: returns whether a listener called preventDefault. */
  fire(name: string, url?: string): boolean {
    let prevented = false;
    this.emit(name, { preventDefault: () => (prevented = true) }, url);
    return prevented;
  }
}

function hardened(): FakeContents {
  const contents = new FakeContents();
  hardenWebContents(contents as never, 'app://ucm');
  return contents;
}

beforeEach(() => openExternal.mockClear());

describe('the external-link gate', () => {
  it('refuses file:, javascript:, data:, custom schemes and garbage', async () => {
    for (const url of ['file:///etc/passwd', 'javascript:alert(1)', 'data:text/html,x', 'app://ucm/x', 'smb://h/s', 'not a url', '']) {
      expect(isHttpUrl(url)).toBe(false);
      await expect(openExternalSafely(url)).rejects.toMatchObject({ code: 'BAD_INPUT' });
    }
    expect(openExternal).not.toHaveBeenCalled();
  });

  it('opens http and https links, normalized by URL parsing', async () => {
    await openExternalSafely('https://www.grandstream.com/support');
    await openExternalSafely('HTTP://example.com');
    expect(openExternal.mock.calls.map((c) => c[0])).toEqual(['https://www.grandstream.com/support', 'http://example.com/']);
  });

  it('builds origins for custom schemes too', () => {
    expect(originOf('app://ucm/index.html#/calls')).toBe('app://ucm');
    expect(originOf('http://localhost:5173/')).toBe('http://localhost:5173');
    expect(originOf('::')).toBeNull();
  });
});

describe('WebContents gates', () => {
  it('installs navigation, redirect, webview and window-open handlers', () => {
    const contents = hardened();
    expect(contents.listenerCount('will-navigate')).toBe(1);
    expect(contents.listenerCount('will-redirect')).toBe(1);
    expect(contents.listenerCount('will-attach-webview')).toBe(1);
    expect(contents.openHandler).not.toBeNull();
  });

  it('keeps navigation inside our origin and sends web links to the system browser', () => {
    const contents = hardened();
    expect(contents.fire('will-navigate', 'app://ucm/index.html')).toBe(false);
    expect(contents.fire('will-navigate', 'https://evil.example/')).toBe(true);
    expect(contents.fire('will-navigate', 'file:///etc/passwd')).toBe(true);
    expect(openExternal.mock.calls.map((c) => c[0])).toEqual(['https://evil.example/']);
  });

  it('refuses redirects elsewhere, every webview and every new window', () => {
    const contents = hardened();
    expect(contents.fire('will-redirect', 'https://elsewhere.example/')).toBe(true);
    expect(contents.fire('will-attach-webview')).toBe(true);
    expect(contents.openHandler?.({ url: 'https://docs.example/' })).toEqual({ action: 'deny' });
    expect(contents.openHandler?.({ url: 'file:///c:/windows/system32/calc.exe' })).toEqual({ action: 'deny' });
    expect(openExternal.mock.calls.map((c) => c[0])).toEqual(['https://docs.example/']);
  });
});

describe('session gates', () => {
  it('denies every permission request and check, and adds the CSP header', () => {
    let request: ((wc: unknown, permission: string, cb: (ok: boolean) => void) => void) | undefined;
    let check: (() => boolean) | undefined;
    let device: (() => boolean) | undefined;
    let headers: ((details: { responseHeaders?: Record<string, string[]> }, cb: (r: unknown) => void) => void) | undefined;
    const ses = {
      setPermissionRequestHandler: (h: typeof request) => (request = h),
      setPermissionCheckHandler: (h: typeof check) => (check = h),
      setDevicePermissionHandler: (h: typeof device) => (device = h),
      webRequest: { onHeadersReceived: (h: typeof headers) => (headers = h) },
    };
    hardenSession(ses as never, { cspHeader: true });
    for (const permission of ['media', 'geolocation', 'notifications', 'clipboard-read', 'openExternal']) {
      const answer = vi.fn();
      request?.({}, permission, answer);
      expect(answer).toHaveBeenCalledWith(false);
    }
    expect(check?.()).toBe(false);
    expect(device?.()).toBe(false);
    let answered: { responseHeaders: Record<string, string[]> } | undefined;
    headers?.({ responseHeaders: { 'X-Other': ['1'] } }, (r) => (answered = r as typeof answered));
    expect(answered?.responseHeaders['Content-Security-Policy'][0]).toContain("default-src 'none'");
    expect(answered?.responseHeaders['X-Other']).toEqual(['1']);
  });
});
