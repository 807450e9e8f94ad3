import { describe, expect, it } from 'vitest';
import { API_METHODS } from '../../preload/api.js';
import { isApiMethod, validateRequest } from '../../main/app/validation.js';
import { AppError } from '../../main/errors.js';

function refusal(method: Parameters<typeof validateRequest>[0], payload: unknown): AppError {
  try {
    validateRequest(method, payload);
  } catch (error) {
    if (error instanceof AppError) return error;
    throw error;
  }
  throw new Error(`${method} accepted ${JSON.stringify(payload)}`);
}

describe('payload validation', () => {
  it('has a schema for every method of the contract', () => {
    for (const method of API_METHODS) {
      expect(isApiMethod(method)).toBe(true);
      // Every method refuses this payload with BAD_INPUT (a missing schema would throw a TypeError).
      const error = refusal(method, { definitely: 'not valid', taskId: 7 });
      expect(error.code).toBe('BAD_INPUT');
      expect(error.message).toContain(method);
    }
    expect(isApiMethod('calls/drop')).toBe(false);
  });

  it('accepts nothing or an empty object for methods without a request', () => {
    expect(validateRequest('pbx/list', undefined)).toBeUndefined();
    expect(validateRequest('pbx/list', {})).toBeUndefined();
    expect(refusal('pbx/list', { id: 1 }).code).toBe('BAD_INPUT');
  });

  it('refuses a filter that is not an object, or is too big to be one a person made', () => {
    expect(refusal('calls/page', { filter: 'from=2024-02-30' }).message).toContain('filter');
    expect(refusal('calls/totals', { filter: [] }).code).toBe('BAD_INPUT');
    expect(refusal('calls/totals', { filter: { search: 'x'.repeat(30_000) } }).message).toContain('20,000 characters');
  });

  it("passes a filter's content through as it is: the store's compileFilter is its one check", () => {
    const filter = { caller: ' ', search: '', from: '2024-02-30', evil: 'x' };
    expect(validateRequest('calls/page', { filter, limit: 10 })).toEqual({ filter, limit: 10 });
  });

  it('keeps valid filters exactly', () => {
    const filter = {
      from: '2024-03-01',
      to: '2024-03-31T23:59',
      caller: '5300,5302-5304,_4@',
      callee: '3XXX',
      status: ['ANSWERED', 'BUSY'],
      direction: ['inbound'],
      min_talk: 5,
      has_recording: true,
      search: 'Müller',
    };
    expect(validateRequest('calls/totals', { filter })).toEqual({ filter });
  });

  it('refuses out-of-range limits and unknown sort fields', () => {
    expect(refusal('calls/page', { filter: {}, limit: 5000 }).message).toContain('limit');
    expect(refusal('calls/page', { filter: {}, sort: { field: 'password', dir: 'asc' } }).message).toContain('sort.field');
  });

  it('never echoes a password in a refusal', () => {
    const error = refusal('pbx/save', {
      name: 'PBX',
      url: 'https://10.0.0.2:8089',
      api: 'auto',
      user: 'cdrapi',
      tz: 'Europe/Berlin',
      password: 'x'.repeat(2000),
    });
    expect(error.message).toContain('password');
    expect(error.message).not.toContain('xxxx');
  });

  it('refuses a profile with a non-http URL or an unknown time zone', () => {
    const base = { name: 'PBX', url: 'https://10.0.0.2:8089', api: 'auto', user: 'cdrapi', tz: 'Europe/Berlin' };
    expect(validateRequest('pbx/save', base)).toEqual(base);
    expect(refusal('pbx/save', { ...base, url: 'file:///etc/passwd' }).message).toContain('url');
    expect(refusal('pbx/save', { ...base, tz: 'Mars/Olympus' }).message).toContain('tz');
  });

  it('upper-cases a trusted fingerprint and refuses a short one', () => {
    const fp = Array.from({ length: 32 }, () => 'ab').join(':');
    expect(validateRequest('pbx/trust', { id: 1, fingerprint: fp })).toEqual({ id: 1, fingerprint: fp.toUpperCase() });
    expect(refusal('pbx/trust', { id: 1, fingerprint: 'AB:CD' }).message).toContain('fingerprint');
  });

  it('wants exactly one of call_id and filter for a recordings export', () => {
    expect(refusal('recordings/export', { taskId: 't1' }).message).toContain('call_id');
    expect(refusal('recordings/export', { taskId: 't1', call_id: 1, filter: {} }).code).toBe('BAD_INPUT');
    expect(validateRequest('recordings/export', { taskId: 't1', call_id: 3 })).toEqual({ taskId: 't1', call_id: 3 });
  });

  it('refuses task ids with odd characters and export fields outside the list', () => {
    expect(refusal('tasks/cancel', { taskId: '../x y' }).message).toContain('taskId');
    expect(refusal('exports/run', { taskId: 't', filter: {}, format: 'csv', fields: ['rm'] }).message).toContain('fields.0');
  });
});
