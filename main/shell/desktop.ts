import type { Shell } from '../app/shell.js';
import { AppError } from '../errors.js';
import { APP_ORIGIN } from './app-protocol.js';
import { printHtmlToPdf } from './report-pdf.js';
import { showNotification } from './notify.js';
import { openExternalSafely } from './security.js';

/** The desktop app's side of the services (see main/app/shell.ts). */
export const desktopShell: Shell = {
  mode: 'desktop',
  // Recordings come from the app's own privileged scheme (app-protocol.ts), which serves byte ranges.
  recordingUrl: (callId, index) => `${APP_ORIGIN}/recordings/${callId}/${index}`,
  // The renderer asks the native save dialog (or folder picker) first; a request without its answer is refused.
  async outputFor() {
    throw new AppError('BAD_INPUT', 'Choose where to save first (target is missing).', { field: 'target' });
  },
  openExternal: openExternalSafely,
  printToPdf: printHtmlToPdf,
  notify: showNotification,
};
