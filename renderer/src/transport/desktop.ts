import type { FileRef, UcmApi } from '../../../preload/api.js';
import { createApiClient, splitMethod } from '../../../preload/client.js';
import { ApiError, toApiError } from './api-error.js';

/**
 * What the desktop preload exposes: the contract, plus `files.fromDrop`, which turns files dropped
 * on the window into handles (the preload reads their paths with webUtils). It sits outside UcmApi
 * because the web mode uploads dropped files instead.
 */
export interface DesktopBridge extends UcmApi {
  files?: { fromDrop(files: File[]): Promise<FileRef[]> };
}

/** The bridge's methods, but every rejection arrives as an ApiError whatever shape crossed the bridge. */
export function wrapDesktopBridge(bridge: DesktopBridge): UcmApi {
  const client = createApiClient(async (method, request) => {
    const [areaName, name] = splitMethod(method);
    // Looked up at each call: a bridge from an older preload may lack a method the contract has.
    const area: unknown = bridge[areaName];
    const fn: unknown = typeof area === 'object' && area !== null ? Reflect.get(area, name) : undefined;
    if (typeof fn !== 'function') {
      throw new ApiError('INTERNAL', `The desktop bridge has no ${areaName}.${name}. Reinstall the app.`);
    }
    try {
      // A call without a request reaches the bridge without one too, as the caller made it.
      return await (request === undefined ? fn.call(area) : fn.call(area, request));
    } catch (reason) {
      throw toApiError(reason);
    }
  });
  return {
    ...client,
    // Subscribing is synchronous and returns the unsubscribe function: no promise to guard.
    events: { onProgress: (listener) => bridge.events.onProgress(listener) },
  };
}
