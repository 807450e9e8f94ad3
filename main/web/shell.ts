import { webLink, type Shell } from '../app/shell.js';
import { AppError } from '../errors.js';
import type { DownloadRegistry } from './downloads.js';

/** The web mode's side of the services (see main/app/shell.ts), on the server's one-shot downloads. */
export function createWebShell(downloads: Pick<DownloadRegistry, 'reserve'>): Shell {
  return {
    mode: 'web',
    // Served by the server's /recordings/ route, with byte ranges, to the page that holds the token cookie.
    recordingUrl: (callId, index) => `/recordings/${callId}/${index}`,
    // The browser has no save dialog to ask first: the file becomes a download it fetches once.
    outputFor: (fileName, contentType) => downloads.reserve(fileName, contentType),
    async openExternal(url) {
      // The browser opens the link itself; the server only vouches for the scheme.
      webLink(url);
    },
    notify() {
      // The page polls the alerts and raises the browser's own notification, where permitted.
    },
    async printToPdf() {
      // The server has no Chromium of its own to print with; the browser prints the HTML page as well.
      throw new AppError('BAD_INPUT', 'PDF files are made by the desktop app. Save the report as HTML and print it to PDF from the browser.', {
        field: 'format',
      });
    },
  };
}
