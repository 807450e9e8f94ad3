import type { BrowserWindow, IpcMain, IpcMainInvokeEvent } from 'electron';
import { API_METHODS, DROP_CHANNEL, PROGRESS_CHANNEL, type ApiMethodName, type ApiResult, type ProgressEvent } from '../../preload/api.js';
import { dispatch, type ApiHandlers } from '../app/dispatch.js';
import { toErrorPayload } from '../errors.js';
import { refsForDroppedFiles } from './dropped-files.js';
import type { FileRefRegistry } from '../app/file-refs.js';
import { originOf } from './security.js';

/** Decides whether an invoke comes from a frame allowed to use the contract. */
export type SenderCheck = (event: IpcMainInvokeEvent) => boolean;

/**
 * Only our window's top frame, showing our origin, may call: not another window, not an iframe, not
 * a page the window was somehow navigated to.
 */
export function trustedSender(getWindow: () => BrowserWindow | null, appOrigin: () => string): SenderCheck {
  return (event) => {
    const win = getWindow();
    if (!win || win.isDestroyed() || event.sender !== win.webContents) return false;
    const frame = event.senderFrame;
    if (!frame || frame !== win.webContents.mainFrame || frame.parent !== null) return false;
    return originOf(frame.url) === appOrigin();
  };
}

const REFUSED: ApiResult<never> = {
  ok: false,
  error: { code: 'PERMISSION_DENIED', message: 'This window is not allowed to use the app.' },
};

export interface IpcOptions {
  /** Files dropped on the window become refs here (desktop). */
  files?: FileRefRegistry;
  onInternalError?: (method: ApiMethodName, error: unknown) => void;
  /** Called for every refused sender, for the log. */
  onRefused?: (channel: string, event: IpcMainInvokeEvent) => void;
}

/**
 * Binds every contract method to ipcMain.handle: sender check, then the shared validation and
 * dispatch, answering ApiResult envelopes. Returns the function that removes the handlers.
 */
export function registerIpc(
  ipcMain: Pick<IpcMain, 'handle' | 'removeHandler'>,
  handlers: ApiHandlers,
  isTrustedSender: SenderCheck,
  options: IpcOptions = {},
): () => void {
  const channels: string[] = [];
  for (const method of API_METHODS) {
    ipcMain.handle(method, async (event, payload: unknown) => {
      if (!isTrustedSender(event)) {
        options.onRefused?.(method, event);
        return REFUSED;
      }
      return dispatch(handlers, method, payload, options.onInternalError);
    });
    channels.push(method);
  }
  const files = options.files;
  if (files) {
    ipcMain.handle(DROP_CHANNEL, async (event, payload: unknown) => {
      if (!isTrustedSender(event)) {
        options.onRefused?.(DROP_CHANNEL, event);
        return REFUSED;
      }
      try {
        return { ok: true, value: refsForDroppedFiles(payload, files) };
      } catch (error) {
        return { ok: false, error: toErrorPayload(error) };
      }
    });
    channels.push(DROP_CHANNEL);
  }
  return () => {
    for (const channel of channels) ipcMain.removeHandler(channel);
  };
}

/** Progress events go to our window only, and only while it exists. */
export function progressSender(getWindow: () => BrowserWindow | null): (event: ProgressEvent) => void {
  return (event) => {
    const win = getWindow();
    if (win && !win.isDestroyed()) win.webContents.send(PROGRESS_CHANNEL, event);
  };
}
