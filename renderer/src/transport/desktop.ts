import type { FileRef, UcmApi } from '../../../preload/api.js';
import { ApiError, toApiError } from './api-error.js';

/**
 * What the desktop preload exposes: the contract, plus `files.fromDrop`, which turns files dropped
 * on the window into handles (the preload reads their paths with webUtils). It sits outside UcmApi
 * because the web mode uploads dropped files instead.
 */
export interface DesktopBridge extends UcmApi {
  files?: { fromDrop(files: File[]): Promise<FileRef[]> };
}

/** Same methods, but every rejection arrives as an ApiError whatever shape crossed the bridge. */
function guardArea<T extends object>(areaName: string, area: T): T {
  const guarded: Record<string, unknown> = {};
  for (const name of Object.keys(area)) {
    guarded[name] = async (...args: unknown[]) => {
      const method: unknown = Reflect.get(area, name);
      if (typeof method !== 'function') {
        throw new ApiError('INTERNAL', `The desktop bridge has no ${areaName}.${name}. Reinstall the app.`);
      }
      try {
        return await method.apply(area, args);
      } catch (reason) {
        throw toApiError(reason);
      }
    };
  }
  return guarded as T;
}

export function wrapDesktopBridge(bridge: DesktopBridge): UcmApi {
  return {
    app: guardArea('app', bridge.app),
    pbx: guardArea('pbx', bridge.pbx),
    sync: guardArea('sync', bridge.sync),
    calls: guardArea('calls', bridge.calls),
    recordings: guardArea('recordings', bridge.recordings),
    imports: guardArea('imports', bridge.imports),
    exports: guardArea('exports', bridge.exports),
    dialogs: guardArea('dialogs', bridge.dialogs),
    tasks: guardArea('tasks', bridge.tasks),
    // Subscribing is synchronous and returns the unsubscribe function: no promise to guard.
    events: { onProgress: (listener) => bridge.events.onProgress(listener) },
  };
}
