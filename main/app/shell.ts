import { isHttpUrl } from '../../preload/checks.js';
import { AppError } from '../errors.js';
import type { DownloadSlot } from './downloads.js';

/**
 * What the services need from the shell they run in, and the only place the desktop app and the web
 * mode differ for them: the desktop shell (main/shell/desktop.ts) and the web server
 * (main/web/shell.ts) each provide one, so no service checks which one it runs in.
 */
export interface Shell {
  /** Reported by `app/info`; the renderer shows the controls that fit. */
  mode: 'desktop' | 'web';
  /** The URL the audio player loads a cached recording from. */
  recordingUrl(callId: number, index: number): string;
  /**
   * Where an export or recordings tar without a chosen target goes: the web mode writes it to a
   * one-shot download; the desktop refuses, since its save dialog always names a target.
   */
  outputFor(fileName: string, contentType: string): Promise<DownloadSlot>;
  /**
   * `app/openExternal`: the desktop opens http(s) links in the system browser through its one gate;
   * the web mode only vouches for the scheme, and the browser opens the link itself.
   */
  openExternal(url: string): Promise<void>;
  /**
   * `reports/save` as PDF: the desktop prints the report's HTML page with Chromium's printToPDF; the
   * web mode refuses (the browser prints the saved HTML page itself).
   */
  printToPdf(html: string): Promise<Buffer>;
  /**
   * A new warning or critical alert: the desktop shows a system notification; the web mode has no
   * desktop of its own (the page shows the browser's notification when the user allowed it).
   */
  notify(title: string, body: string): void;
}

/**
 * The rule of `openExternal` in both shells: only http(s) links with a host leave the app (never
 * file:, javascript: or custom schemes). Returns the parsed link, or throws BAD_INPUT.
 */
export function webLink(url: string): URL {
  if (!isHttpUrl(url)) throw new AppError('BAD_INPUT', `Only http(s) links can be opened, not "${url.slice(0, 80)}".`);
  return new URL(url);
}
