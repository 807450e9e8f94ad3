/**
 * The one client of the contract: `{area: {method: (req) => invoke('area/method', req)}}` for every
 * entry of API_METHODS. The preload (IPC), the renderer's transports and the tests' fake are built on
 * it, so a new contract method needs no code here or there. No electron import: the renderer and the
 * tests load this file too.
 */
import { API_METHODS, type ApiArea, type ApiMethodName, type UcmApi } from './api.js';

/** Everything callable in the contract: UcmApi without the event subscription. */
export type ApiClient = Omit<UcmApi, 'events'>;

/**
 * Carries one call to wherever the services are. `request` is undefined when the caller passed none
 * (`pbx.list()`); each transport sends that as it always has.
 */
export type ApiInvoke = (method: ApiMethodName, request: unknown) => Promise<unknown>;

/** `'calls/page'` -> `['calls', 'page']`. */
export function splitMethod(method: ApiMethodName): [ApiArea, string] {
  const slash = method.indexOf('/');
  return [method.slice(0, slash) as ApiArea, method.slice(slash + 1)];
}

/**
 * `{area: {method: make('area/method')}}` for every contract method. The caller states what each
 * value is (a client function, a mock...): the shape follows UcmApi because API_METHODS does, which
 * api.ts checks at compile time.
 */
export function mapApiMethods<F>(make: (method: ApiMethodName) => F): Record<ApiArea, Record<string, F>> {
  const areas: Partial<Record<ApiArea, Record<string, F>>> = {};
  for (const method of API_METHODS) {
    const [area, name] = splitMethod(method);
    (areas[area] ??= {})[name] = make(method);
  }
  return areas as Record<ApiArea, Record<string, F>>;
}

export function createApiClient(invoke: ApiInvoke): ApiClient {
  const client = mapApiMethods((method) => (request?: unknown) => invoke(method, request));
  return client as unknown as ApiClient;
}
