import { contextBridge, ipcRenderer, webUtils, type IpcRendererEvent } from 'electron';
import {
  DROP_CHANNEL,
  PROGRESS_CHANNEL,
  type ApiMethodName,
  type ApiResult,
  type FileRef,
  type ProgressEvent,
  type UcmApi,
} from './api.js';

/**
 * Rejections cross the context bridge as plain `{code, message, details}` objects: the bridge keeps
 * an Error's message but drops its own properties, and the code is what the UI acts on.
 */
function unwrap<T>(result: ApiResult<T>): T {
  if (result.ok) return result.value;
  throw { name: 'ApiError', code: result.error.code, message: result.error.message, details: result.error.details };
}

async function call<T>(method: ApiMethodName, request?: unknown): Promise<T> {
  return unwrap((await ipcRenderer.invoke(method, request)) as ApiResult<T>);
}

const api = {
  app: {
    info: () => call('app/info'),
    getSettings: () => call('app/getSettings'),
    saveSettings: (req) => call('app/saveSettings', req),
    openExternal: (req) => call('app/openExternal', req),
  },
  pbx: {
    list: () => call('pbx/list'),
    save: (req) => call('pbx/save', req),
    saveImportSource: (req) => call('pbx/saveImportSource', req),
    remove: (req) => call('pbx/remove', req),
    test: (req) => call('pbx/test', req),
    trust: (req) => call('pbx/trust', req),
    startDemo: () => call('pbx/startDemo'),
  },
  sync: { run: (req) => call('sync/run', req) },
  calls: {
    page: (req) => call('calls/page', req),
    totals: (req) => call('calls/totals', req),
    session: (req) => call('calls/session', req),
    filterOptions: () => call('calls/filterOptions'),
  },
  recordings: {
    play: (req) => call('recordings/play', req),
    export: (req) => call('recordings/export', req),
  },
  imports: {
    run: (req) => call('imports/run', req),
    list: () => call('imports/list'),
    undo: (req) => call('imports/undo', req),
  },
  exports: { run: (req) => call('exports/run', req) },
  dialogs: {
    pickImportFiles: () => call('dialogs/pickImportFiles'),
    pickSaveFile: (req) => call('dialogs/pickSaveFile', req),
    pickFolder: () => call('dialogs/pickFolder'),
  },
  tasks: { cancel: (req) => call('tasks/cancel', req) },
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
