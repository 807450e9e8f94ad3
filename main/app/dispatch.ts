import type { ApiMethodName, ApiResult, UcmApi } from '../../preload/api.js';
import { toErrorPayload } from '../errors.js';
import { validateRequest } from './validation.js';

/** Everything a transport can call: the contract minus the event subscription. */
export type ApiHandlers = Omit<UcmApi, 'events'>;

type AnyHandler = (request: unknown) => Promise<unknown>;

/**
 * The one path from a transport to a service, shared by IPC and the web mode: validate the payload
 * (a refused payload never reaches a service), call the method, wrap the outcome in an ApiResult.
 * `onInternalError` sees unexpected failures (bugs) for the log; users get only the message.
 */
export async function dispatch(
  handlers: ApiHandlers,
  method: ApiMethodName,
  payload: unknown,
  onInternalError?: (method: ApiMethodName, error: unknown) => void,
): Promise<ApiResult<unknown>> {
  try {
    const request = validateRequest(method, payload);
    const [area, name] = method.split('/') as [keyof ApiHandlers, string];
    const handler = (handlers[area] as unknown as Record<string, AnyHandler>)[name];
    const value = await handler.call(handlers[area], request);
    return { ok: true, value: value === undefined ? null : value };
  } catch (error) {
    const payload = toErrorPayload(error);
    if (payload.code === 'INTERNAL') onInternalError?.(method, error);
    return { ok: false, error: payload };
  }
}
