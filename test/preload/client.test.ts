import { describe, expect, it, vi } from 'vitest';
import { API_METHODS, type ApiMethodName } from '../../preload/api.js';
import { createApiClient, splitMethod } from '../../preload/client.js';

/** Every `area.method` path of an object of areas, as `area/method`. */
function methodPaths(client: object): string[] {
  return Object.entries(client).flatMap(([area, methods]) => Object.keys(methods as object).map((name) => `${area}/${name}`));
}

describe('the generic contract client', () => {
  it('has one function for each entry of API_METHODS and nothing else', () => {
    const client = createApiClient(async () => undefined);
    expect(methodPaths(client).sort()).toEqual([...API_METHODS].sort());
    expect(new Set(API_METHODS).size).toBe(API_METHODS.length);
  });

  it('invokes each method under its own name with the request it was given', async () => {
    const invoke = vi.fn(async (method: ApiMethodName, request: unknown) => ({ method, request }));
    const client = createApiClient(invoke) as unknown as Record<string, Record<string, (request?: unknown) => Promise<unknown>>>;
    for (const method of API_METHODS) {
      const [area, name] = method.split('/');
      const request = { sent_to: method };
      await expect(client[area][name](request)).resolves.toEqual({ method, request });
      expect(invoke).toHaveBeenLastCalledWith(method, request);
    }
    expect(invoke).toHaveBeenCalledTimes(API_METHODS.length);
  });

  it('passes no request as undefined, leaving each transport to send what it always sent', async () => {
    const invoke = vi.fn(async () => []);
    await createApiClient(invoke).pbx.list();
    expect(invoke).toHaveBeenCalledWith('pbx/list', undefined);
  });

  it('passes a rejection through untouched', async () => {
    const failure = { code: 'NOT_FOUND', message: 'gone' };
    const client = createApiClient(() => Promise.reject(failure));
    await expect(client.calls.session({ call_id: 1 })).rejects.toBe(failure);
  });

  it('splits a wire name at its slash into area and method', () => {
    expect(splitMethod('calls/filterOptions')).toEqual(['calls', 'filterOptions']);
  });
});
