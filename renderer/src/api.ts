/**
 * The renderer's one door to the services: IPC through the preload bridge in the desktop app, HTTP
 * in the web mode (docs/web-mode.md). Everything else in the renderer imports `api` from here.
 */
import type { FileRef, UcmApi } from '../../preload/api.js';
import { ApiError, toApiError } from './transport/api-error.js';
import { downloadUrl, pickFilesWithInput } from './transport/browser.js';
import { type DesktopBridge, wrapDesktopBridge } from './transport/desktop.js';
import { createHttpApi } from './transport/http.js';
import { takeToken } from './transport/token.js';

export { ApiError, toApiError } from './transport/api-error.js';

export type TransportMode = 'desktop' | 'web';

const bridge = window.ucm;

export const transportMode: TransportMode = bridge ? 'desktop' : 'web';

function createWebApi() {
  return createHttpApi({
    token: takeToken(window),
    fetch: (input, init) => window.fetch(input, init),
    createEventSource: (url) => new EventSource(url),
    pickFiles: () => pickFilesWithInput(document),
    openWindow: (url) => {
      window.open(url, '_blank', 'noopener,noreferrer');
    },
  });
}

const webApi = bridge ? null : createWebApi();

export const api: UcmApi = webApi ?? wrapDesktopBridge(bridge as DesktopBridge);

/** Files dropped on the import zone, as handles the import can use. */
export async function filesFromDrop(files: File[]): Promise<FileRef[]> {
  if (webApi) return webApi.uploadFiles(files);
  if (!bridge?.files) {
    throw new ApiError('INTERNAL', 'This version of the app cannot take dropped files. Use "Choose files" instead.');
  }
  try {
    return await bridge.files.fromDrop(files);
  } catch (reason) {
    throw toApiError(reason);
  }
}

/** Web mode: fetches a file the server prepared (export, recordings archive) as a download. */
export function startDownload(url: string, fileName: string): void {
  downloadUrl(document, url, fileName);
}
