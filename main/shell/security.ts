import { shell, type App, type Session, type WebContents } from 'electron';
import { isHttpUrl } from '../../preload/checks.js';
import { CONTENT_SECURITY_POLICY } from '../app/csp.js';
import { webLink } from '../app/shell.js';

/**
 * The desktop shell's gates: what the renderer may navigate to, open, ask for, or embed. Each gate
 * refuses by default; the few things allowed are named here and nowhere else.
 */

/** `scheme://host[:port]` of a URL; custom schemes have an opaque `URL.origin`, so build it ourselves. */
export function originOf(url: string): string | null {
  try {
    const parsed = new URL(url);
    return `${parsed.protocol}//${parsed.host}`;
  } catch {
    return null;
  }
}

/** THE one way to open a link in the system browser (lint forbids calling shell.openExternal elsewhere). */
export async function openExternalSafely(url: string): Promise<void> {
  await shell.openExternal(webLink(url).href);
}

function openIfWebLink(url: string): void {
  if (isHttpUrl(url)) openExternalSafely(url).catch(() => undefined);
}

/**
 * Pins one WebContents to our origin: no navigation or redirect elsewhere (a web link goes to the
 * system browser instead), no new windows, no <webview>.
 */
export function hardenWebContents(contents: WebContents, appOrigin: string): void {
  contents.on('will-navigate', (event, url) => {
    if (originOf(url) === appOrigin) return;
    event.preventDefault();
    openIfWebLink(url);
  });
  contents.on('will-redirect', (event, url) => {
    if (originOf(url) !== appOrigin) event.preventDefault();
  });
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(({ url }) => {
    openIfWebLink(url);
    return { action: 'deny' };
  });
}

/** Denies every permission (camera, notifications, geolocation, HID, ...) the page could ask for. */
export function hardenSession(ses: Session, options: { cspHeader: boolean }): void {
  ses.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  ses.setPermissionCheckHandler(() => false);
  ses.setDevicePermissionHandler(() => false);
  if (options.cspHeader) {
    // Second layer under the page's meta tag, for anything served over http(s) in a packaged app.
    ses.webRequest.onHeadersReceived((details, callback) => {
      callback({
        responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [CONTENT_SECURITY_POLICY] },
      });
    });
  }
}

/** Applies the WebContents gates to every WebContents the app ever creates. */
export function hardenApp(app: App, appOrigin: () => string): void {
  app.on('web-contents-created', (_event, contents) => hardenWebContents(contents, appOrigin()));
}
