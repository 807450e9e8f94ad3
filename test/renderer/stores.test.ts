import { deferred, fakeApi, makeProfile, makeRow, resetFakeApi } from './fake-api.js';
import { flushPromises } from '@vue/test-utils';
import { createPinia, setActivePinia } from 'pinia';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { CallPage, CallTotals, PbxProfile, PbxTestResult } from '../../preload/api.js';
import { useCallsStore } from '../../renderer/src/stores/calls.js';
import { FILTER_DEBOUNCE_MS, useFilterStore } from '../../renderer/src/stores/filter.js';
import { usePbxStore } from '../../renderer/src/stores/pbx.js';

function profile(overrides: Partial<PbxProfile> = {}): PbxProfile {
  return makeProfile({ id: 7, name: 'Office', url: 'https://127.0.0.1:8089', tz: 'Europe/Berlin', fingerprint: null, last_sync_state: 'never', sync_every: 0, ...overrides });
}

function testResult(overrides: Partial<PbxTestResult>): PbxTestResult {
  return { ok: false, detected_api: null, certificate: null, error: null, ...overrides };
}

beforeEach(() => {
  resetFakeApi();
  setActivePinia(createPinia());
});

afterEach(() => {
  vi.useRealTimers();
});

describe('calls store', () => {
  it('keeps the newer answer when an older, slower query answers last', async () => {
    const calls = useCallsStore();
    const filters = useFilterStore();
    const slow = deferred<CallPage>();
    const fast = deferred<CallPage>();
    fakeApi.calls.page.mockReturnValueOnce(slow.promise).mockReturnValueOnce(fast.promise);

    filters.filter = { caller: '1001' };
    const first = calls.refresh();
    filters.filter = { caller: '2002' };
    const second = calls.refresh();

    fast.resolve({ rows: [makeRow(2, { src: '2002' })], next_cursor: null });
    await second;
    slow.resolve({ rows: [makeRow(1, { src: '1001' })], next_cursor: 'c1' });
    await first;

    expect(calls.rows.map((r) => r.src)).toEqual(['2002']);
    expect(calls.nextCursor).toBeNull();
    expect(filters.applied).toEqual({ caller: '2002' });
    expect(calls.loading).toBe(false);
  });

  it('drops stale totals the same way', async () => {
    const calls = useCallsStore();
    const slow = deferred<CallTotals>();
    fakeApi.calls.totals.mockReturnValueOnce(slow.promise).mockResolvedValueOnce({ count: 5, talk_seconds: 50 });

    await calls.refresh();
    await calls.refresh();
    slow.resolve({ count: 999, talk_seconds: 9999 });
    await slow.promise;
    await Promise.resolve();

    expect(calls.totals).toEqual({ count: 5, talk_seconds: 50 });
  });

  it('ignores a next page that belongs to a query replaced meanwhile', async () => {
    const calls = useCallsStore();
    const filters = useFilterStore();
    fakeApi.calls.page.mockResolvedValueOnce({ rows: [makeRow(0)], next_cursor: 'cursor-a' });
    await calls.refresh();

    const stalePage = deferred<CallPage>();
    fakeApi.calls.page.mockReturnValueOnce(stalePage.promise);
    const more = calls.loadMore();
    fakeApi.calls.page.mockResolvedValueOnce({ rows: [makeRow(5, { src: 'new' })], next_cursor: null });
    filters.filter = { search: 'new' };
    await calls.refresh();
    stalePage.resolve({ rows: [makeRow(1, { src: 'stale' })], next_cursor: 'cursor-b' });
    await more;

    expect(calls.rows.map((r) => r.src)).toEqual(['new']);
    expect(calls.nextCursor).toBeNull();
  });

  it('appends the next page by its keyset cursor with the same filter and sort', async () => {
    const calls = useCallsStore();
    const filters = useFilterStore();
    filters.filter = { status: ['BUSY'] };
    fakeApi.calls.page.mockResolvedValueOnce({ rows: [makeRow(0), makeRow(1)], next_cursor: 'after-1' });
    await calls.refresh();
    fakeApi.calls.page.mockResolvedValueOnce({ rows: [makeRow(2)], next_cursor: null });
    await calls.loadMore();

    expect(fakeApi.calls.page).toHaveBeenLastCalledWith(
      expect.objectContaining({ filter: { status: ['BUSY'] }, sort: { field: 'start', dir: 'desc' }, cursor: 'after-1' }),
    );
    expect(calls.rows.map((r) => r.id)).toEqual([1, 2, 3]);
    expect(calls.hasMore).toBe(false);
  });

  it('waits for a pause in typing before querying, then queries once', async () => {
    vi.useFakeTimers();
    const calls = useCallsStore();
    const filters = useFilterStore();
    await calls.refresh();
    fakeApi.calls.page.mockClear();
    filters.setFilter({ caller: '1' });
    filters.setFilter({ caller: '10' });
    filters.setFilter({ caller: '100' });
    expect(fakeApi.calls.page).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(FILTER_DEBOUNCE_MS);
    expect(fakeApi.calls.page).toHaveBeenCalledTimes(1);
    expect(fakeApi.calls.page).toHaveBeenCalledWith(expect.objectContaining({ filter: { caller: '100' } }));
  });

  it('queries again when a click applies the same filter again, and counts it again', async () => {
    const calls = useCallsStore();
    const filters = useFilterStore();
    filters.applyFilter({ status: ['BUSY'] });
    await calls.refresh();
    await flushPromises();
    filters.applyFilter({ status: ['BUSY'] });
    await flushPromises();
    expect(fakeApi.calls.page).toHaveBeenCalledTimes(2);
    expect(fakeApi.calls.totals).toHaveBeenCalledTimes(2);
  });

  it('queries once when the filter and the sort change together', async () => {
    const calls = useCallsStore();
    const filters = useFilterStore();
    await calls.refresh();
    await flushPromises();
    filters.replace({ caller: '1001' });
    calls.setSort({ field: 'billsec', dir: 'asc' });
    await flushPromises();
    expect(fakeApi.calls.page).toHaveBeenCalledTimes(2);
    expect(fakeApi.calls.page).toHaveBeenLastCalledWith(
      expect.objectContaining({ filter: { caller: '1001' }, sort: { field: 'billsec', dir: 'asc' }, cursor: null }),
    );
  });

  it('takes an edit still waiting for its typing pause along with a header click, in one query', async () => {
    vi.useFakeTimers();
    const calls = useCallsStore();
    const filters = useFilterStore();
    await calls.refresh();
    filters.setFilter({ caller: '1001' });
    await calls.toggleSort('src');
    await vi.runAllTimersAsync();
    expect(fakeApi.calls.page).toHaveBeenCalledTimes(2);
    expect(fakeApi.calls.page).toHaveBeenLastCalledWith(expect.objectContaining({ filter: { caller: '1001' }, sort: { field: 'src', dir: 'asc' } }));
    expect(filters.applied).toEqual({ caller: '1001' });
  });

  it('leaves a list never shown alone when the filter changes', async () => {
    useCallsStore();
    useFilterStore().applyFilter({ caller: '1001' });
    await flushPromises();
    expect(fakeApi.calls.page).not.toHaveBeenCalled();
  });

  it('flips the direction on a second click of the same header and starts text columns ascending', async () => {
    const calls = useCallsStore();
    await calls.toggleSort('src');
    expect(calls.sort).toEqual({ field: 'src', dir: 'asc' });
    await calls.toggleSort('src');
    expect(calls.sort).toEqual({ field: 'src', dir: 'desc' });
    await calls.toggleSort('billsec');
    expect(calls.sort).toEqual({ field: 'billsec', dir: 'desc' });
  });

  it('shows a refused filter value as the service worded it', async () => {
    const calls = useCallsStore();
    fakeApi.calls.page.mockRejectedValueOnce({ code: 'BAD_INPUT', message: 'caller "12--" is not a number pattern.' });
    await calls.refresh();
    expect(calls.error).toMatchObject({ code: 'BAD_INPUT', text: 'caller "12--" is not a number pattern.' });
    expect(calls.rows).toEqual([]);
  });
});

describe('calls store: first page before totals', () => {
  it('asks for the totals only once the first page has answered', async () => {
    const calls = useCallsStore();
    const page = deferred<CallPage>();
    fakeApi.calls.page.mockReturnValueOnce(page.promise);
    const running = calls.refresh();
    await flushPromises();
    expect(fakeApi.calls.page).toHaveBeenCalledTimes(1);
    expect(fakeApi.calls.totals).not.toHaveBeenCalled();

    page.resolve({ rows: [makeRow(0)], next_cursor: null });
    await running;
    expect(fakeApi.calls.totals).toHaveBeenCalledTimes(1);
    expect(fakeApi.calls.totals).toHaveBeenCalledWith({ filter: {} });
  });

  it('never counts a query that was replaced before its page answered', async () => {
    const calls = useCallsStore();
    const filters = useFilterStore();
    const old = deferred<CallPage>();
    fakeApi.calls.page.mockReturnValueOnce(old.promise);
    filters.filter = { caller: '1001' };
    const first = calls.refresh();
    filters.filter = { caller: '2002' };
    await calls.refresh();
    old.resolve({ rows: [makeRow(1)], next_cursor: null });
    await first;
    expect(fakeApi.calls.totals).toHaveBeenCalledTimes(1);
    expect(fakeApi.calls.totals).toHaveBeenCalledWith({ filter: { caller: '2002' } });
  });

  it('keeps the totals when only the sort changes, and counts again on refresh', async () => {
    const calls = useCallsStore();
    const filters = useFilterStore();
    fakeApi.calls.totals.mockResolvedValue({ count: 7, talk_seconds: 70 });
    filters.filter = { status: ['BUSY'] };
    await calls.refresh();
    await flushPromises();
    await calls.toggleSort('billsec');
    await calls.toggleSort('billsec');
    await flushPromises();
    expect(fakeApi.calls.page).toHaveBeenCalledTimes(3);
    expect(fakeApi.calls.totals).toHaveBeenCalledTimes(1);
    expect(calls.totals).toEqual({ count: 7, talk_seconds: 70 });

    await calls.refresh();
    expect(fakeApi.calls.totals).toHaveBeenCalledTimes(2);
  });

  it('counts after a sort change when the filter changed meanwhile', async () => {
    const calls = useCallsStore();
    const filters = useFilterStore();
    await calls.refresh();
    await flushPromises();
    const page = deferred<CallPage>();
    fakeApi.calls.page.mockReturnValueOnce(page.promise);
    filters.filter = { direction: ['inbound'] };
    const replaced = calls.refresh();
    await calls.toggleSort('src');
    page.resolve({ rows: [], next_cursor: null });
    await replaced;
    expect(fakeApi.calls.totals).toHaveBeenLastCalledWith({ filter: { direction: ['inbound'] } });
  });

  it('loads more for a new query while a next page of the replaced one is still on its way', async () => {
    const calls = useCallsStore();
    const filters = useFilterStore();
    fakeApi.calls.page.mockResolvedValueOnce({ rows: [makeRow(0)], next_cursor: 'old-1' });
    await calls.refresh();
    const stale = deferred<CallPage>();
    fakeApi.calls.page.mockReturnValueOnce(stale.promise);
    const staleMore = calls.loadMore();

    fakeApi.calls.page.mockResolvedValueOnce({ rows: [makeRow(10)], next_cursor: 'new-1' });
    filters.filter = { search: 'new' };
    await calls.refresh();
    fakeApi.calls.page.mockResolvedValueOnce({ rows: [makeRow(11)], next_cursor: null });
    await calls.loadMore();
    expect(fakeApi.calls.page).toHaveBeenLastCalledWith(expect.objectContaining({ cursor: 'new-1', filter: { search: 'new' } }));
    expect(calls.rows.map((r) => r.id)).toEqual([11, 12]);

    stale.resolve({ rows: [makeRow(1)], next_cursor: 'old-2' });
    await staleMore;
    expect(calls.rows.map((r) => r.id)).toEqual([11, 12]);
    expect(calls.loadingMore).toBe(false);
  });
});

describe('pbx store', () => {
  async function loadedStore(p = profile()) {
    fakeApi.pbx.list.mockResolvedValue([p]);
    const pbx = usePbxStore();
    await pbx.load();
    return pbx;
  }

  it('explains a refused password in plain words', async () => {
    const pbx = await loadedStore();
    fakeApi.pbx.test.mockResolvedValue(testResult({ error: { code: 'AUTH_FAILED', message: 'status -37' } }));
    await pbx.test(7);
    const state = pbx.tests[7];
    expect(state.state).toBe('failed');
    if (state.state !== 'failed') return;
    expect(state.error.text).toContain('The PBX refused the user name or password');
    expect(state.error.detail).toBe('status -37');
  });

  it.each([
    ['PERMISSION_DENIED', 'not in the API'],
    ['PBX_UNREACHABLE', 'could not be reached'],
    ['TLS_UNTRUSTED', 'not trusted yet'],
  ] as const)('maps a thrown %s to words that say what to do', async (code, words) => {
    const pbx = await loadedStore();
    fakeApi.pbx.test.mockRejectedValue({ name: 'ApiError', code, message: 'raw' });
    await pbx.test(7);
    const state = pbx.tests[7];
    expect(state.state === 'failed' && state.error.code).toBe(code);
    expect(state.state === 'failed' && state.error.text).toContain(words);
  });

  it('shows both fingerprints when the certificate changed', async () => {
    const pbx = await loadedStore(profile({ fingerprint: 'AA:AA' }));
    fakeApi.pbx.test.mockResolvedValue(
      testResult({ error: { code: 'TLS_FINGERPRINT_MISMATCH', message: 'changed', details: { expected: 'AA:AA', actual: 'BB:BB' } } }),
    );
    await pbx.test(7);
    const state = pbx.tests[7];
    expect(state.state === 'failed' && state.error.fingerprints).toEqual({ pinned: 'AA:AA', presented: 'BB:BB' });
  });

  it('asks to trust a new certificate, pins the one shown, then tests again', async () => {
    const pbx = await loadedStore();
    const certificate = { fingerprint: 'AB:CD:EF', subject: 'CN=ucm', issuer: 'CN=ucm', valid_from: '2024-01-01T00:00:00Z', valid_to: '2034-01-01T00:00:00Z' };
    fakeApi.pbx.test
      .mockResolvedValueOnce(testResult({ certificate, error: { code: 'TLS_UNTRUSTED', message: 'untrusted' } }))
      .mockResolvedValueOnce(testResult({ ok: true, detected_api: 'ucm63xx' }));
    fakeApi.pbx.trust.mockResolvedValue(profile({ fingerprint: 'AB:CD:EF' }));

    await pbx.test(7);
    expect(pbx.certificatePrompt?.certificate.fingerprint).toBe('AB:CD:EF');
    await pbx.trustCertificate();

    expect(fakeApi.pbx.trust).toHaveBeenCalledWith({ id: 7, fingerprint: 'AB:CD:EF' });
    expect(pbx.certificatePrompt).toBeNull();
    expect(pbx.tests[7]).toEqual({ state: 'ok', detected_api: 'ucm63xx' });
    expect(pbx.byId(7)?.detected_api).toBe('ucm63xx');
  });

  it('asks for the password when none is stored and retries with it', async () => {
    const pbx = await loadedStore(profile({ has_password: false }));
    fakeApi.pbx.test
      .mockResolvedValueOnce(testResult({ error: { code: 'PASSWORD_REQUIRED', message: 'no password' } }))
      .mockResolvedValueOnce(testResult({ ok: true, detected_api: 'legacy' }));

    const testing = pbx.test(7);
    await flushPromises();
    expect(pbx.passwordPrompt?.profile.id).toBe(7);
    pbx.passwordPrompt?.answer('s3cret');
    await testing;

    expect(fakeApi.pbx.test).toHaveBeenLastCalledWith({ id: 7, password: 's3cret' });
    expect(pbx.tests[7]).toEqual({ state: 'ok', detected_api: 'legacy' });
  });

  it('starts the demo PBX and shows its certificate to trust', async () => {
    const pbx = usePbxStore();
    const certificate = { fingerprint: '11:22', subject: 'CN=demo', issuer: 'CN=demo', valid_from: '', valid_to: '' };
    fakeApi.pbx.startDemo.mockResolvedValue({ profile: profile({ id: 9, name: 'Demo PBX' }), certificate });
    await pbx.startDemo();
    expect(pbx.byName('Demo PBX')?.id).toBe(9);
    expect(pbx.certificatePrompt).toMatchObject({ demo: true, certificate: { fingerprint: '11:22' } });
  });
});
