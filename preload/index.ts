import { contextBridge, ipcRenderer, webUtils, type IpcRendererEvent } from 'electron';
import { DROP_CHANNEL, PROGRESS_CHANNEL, type ApiResult, type FileRef, type ProgressEvent, type UcmApi } from './api.js';
// Bundled into the preload by electron-vite (a sandboxed preload cannot load modules at run time).
import { createApiClient } from './client.js';

/**
 * Rejections cross the context bridge as plain `{code, message, details}` objects: the bridge keeps
 * an Error's message but drops its own properties, and the code is what the UI acts on.
 */
function unwrap<T>(result: ApiResult<T>): T {
  if (result.ok) return result.value;
  throw { name: 'ApiError', code: result.error.code, message: result.error.message, details: result.error.details };
}

const api = {
  // `pbx.list()` invokes 'pbx/list' with undefined, which main's schema for a method without a request accepts.
  ...createApiClient(async (method, request) => unwrap(await ipcRenderer.invoke(method, request))),
  events: {
    onProgress(listener: (event: ProgressEvent) => void) {
      // The raw IpcRendererEvent (with its sender) never reaches the page.
      const forward = (_event: IpcRendererEvent, progress: ProgressEvent): void => listener(progress);
      ipcRenderer.on(PROGRESS_CHANNEL, forward);
      return () => {
        ipcRenderer.removeListener(PROGRESS_CHANNEL, forward);
      };
    },
  },
} satisfies UcmApi;

/** Dropped files: only the preload can read their paths; main registers them and returns handles. */
const files = {
  async fromDrop(dropped: File[]): Promise<FileRef[]> {
    const paths = Array.from(dropped, (file) => webUtils.getPathForFile(file)).filter((path) => path !== '');
    return unwrap((await ipcRenderer.invoke(DROP_CHANNEL, { paths })) as ApiResult<FileRef[]>);
  },
};

contextBridge.exposeInMainWorld('ucm', { ...api, files });
