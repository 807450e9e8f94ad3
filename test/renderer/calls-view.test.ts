import { fakeApi, makeCost, makeRow, resetFakeApi } from './fake-api.js';
import { flushPromises, mount } from '@vue/test-utils';
import { createPinia, setActivePinia, type Pinia } from 'pinia';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { SessionDetail } from '../../preload/api.js';
import { startRouter } from '../../renderer/src/router.js';
import { useCallsStore } from '../../renderer/src/stores/calls.js';
import { FILTER_DEBOUNCE_MS, useFilterStore } from '../../renderer/src/stores/filter.js';
import { useSessionStore } from '../../renderer/src/stores/session.js';
import CallsView from '../../renderer/src/views/CallsView.vue';

let pinia: Pinia;
let stopRouter: () => void;

function setHash(hash: string): void {
  window.history.replaceState(null, '', `/${hash}`);
}

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
  resetFakeApi();
  pinia = createPinia();
  setActivePinia(pinia);
  fakeApi.calls.page.mockResolvedValue({ rows: [makeRow(0), makeRow(1)], next_cursor: null });
  fakeApi.calls.totals.mockResolvedValue({ count: 1234, talk_seconds: 3723 });
});

afterEach(() => {
  stopRouter();
  vi.clearAllTimers();
  vi.useRealTimers();
  setHash('');
});

async function mountAt(hash: string) {
  setHash(hash);
  stopRouter = startRouter();
  const wrapper = mount(CallsView, { global: { plugins: [pinia] }, attachTo: document.body });
  await flushPromises();
  return { wrapper, calls: useCallsStore(), filters: useFilterStore(), session: useSessionStore() };
}

describe('calls screen and the address', () => {
  it('restores filter and sort from the address on load', async () => {
    const { wrapper, calls, filters } = await mountAt('#/calls?caller=1001&status=BUSY&sort=-billsec');
    expect(filters.filter).toEqual({ caller: '1001', status: ['BUSY'] });
    expect(calls.sort).toEqual({ field: 'billsec', dir: 'desc' });
    expect(fakeApi.calls.page).toHaveBeenCalledWith(
      expect.objectContaining({ filter: { caller: '1001', status: ['BUSY'] }, sort: { field: 'billsec', dir: 'desc' } }),
    );
    expect((wrapper.get('[data-testid="filter-caller"]').element as HTMLInputElement).value).toBe('1001');
    expect(fakeApi.calls.page).toHaveBeenCalledTimes(1);
    wrapper.unmount();
  });

  it('follows Back to another filter and another sort with one query', async () => {
    const { wrapper, calls, filters } = await mountAt('#/calls?caller=1001&sort=src');
    fakeApi.calls.page.mockClear();
    setHash('#/calls?callee=6400&sort=-billsec');
    window.dispatchEvent(new PopStateEvent('popstate'));
    await flushPromises();
    expect(filters.filter).toEqual({ callee: '6400' });
    expect(calls.sort).toEqual({ field: 'billsec', dir: 'desc' });
    expect(fakeApi.calls.page).toHaveBeenCalledTimes(1);
    expect(fakeApi.calls.page).toHaveBeenCalledWith(expect.objectContaining({ filter: { callee: '6400' }, sort: { field: 'billsec', dir: 'desc' } }));
    expect(window.location.hash).toBe('#/calls?callee=6400&sort=-billsec');
    wrapper.unmount();
  });

  it('shows the count and the talk time of the whole filtered set', async () => {
    const { wrapper } = await mountAt('#/calls');
    expect(wrapper.get('[data-testid="calls-count"]').text()).toBe('1,234');
    expect(wrapper.get('[data-testid="calls-talk-total"]').text()).toBe('1:02:03');
    wrapper.unmount();
  });

  it('writes an applied filter into the address, and Back restores the previous one', async () => {
    const { wrapper, filters } = await mountAt('#/calls?callee=6400');
    await wrapper.get('[data-testid="filter-callee"]').setValue('6500');
    await vi.advanceTimersByTimeAsync(FILTER_DEBOUNCE_MS);
    await flushPromises();
    expect(window.location.hash).toBe('#/calls?callee=6500');

    // What the browser does on Back: the previous entry's address, then popstate.
    setHash('#/calls?callee=6400');
    window.dispatchEvent(new PopStateEvent('popstate'));
    await flushPromises();
    expect(filters.filter).toEqual({ callee: '6400' });
    expect(fakeApi.calls.page).toHaveBeenLastCalledWith(expect.objectContaining({ filter: { callee: '6400' } }));
    wrapper.unmount();
  });

  it('names the parts of the address it had to ignore', async () => {
    const { wrapper, filters } = await mountAt('#/calls?status=LOST&caller=1001');
    expect(filters.filter).toEqual({ caller: '1001' });
    expect(wrapper.get('[data-testid="url-problems"]').text()).toContain('"status=LOST" is not a call status');
    wrapper.unmount();
  });

  it('opens the session of the selected call on Enter and keeps it in the address', async () => {
    const detail: SessionDetail = {
      call: makeRow(0),
      main: { acct_id: '1', fields: { src: '1000' }, start: null, start_utc: null, answer: null, end: null, disposition: 'ANSWERED', action_kind: 'DIAL', action_target: '', channel: { raw: '', kind: 'unknown' }, dstchannel: { raw: '', kind: 'unknown' }, recordings: [] },
      legs: [],
      conflicts: [],
      cost: makeCost(),
    };
    fakeApi.calls.session.mockResolvedValue(detail);
    const { wrapper, session } = await mountAt('#/calls');
    await wrapper.get('[data-testid="calls-table"]').trigger('keydown', { key: 'Enter' });
    await flushPromises();
    expect(fakeApi.calls.session).toHaveBeenCalledWith({ call_id: 1 });
    expect(session.callId).toBe(1);
    expect(wrapper.find('[data-testid="session-panel"]').exists()).toBe(true);
    expect(window.location.hash).toBe('#/calls?call=1');

    await wrapper.get('[data-testid="session-close"]').trigger('click');
    await flushPromises();
    expect(wrapper.find('[data-testid="session-panel"]').exists()).toBe(false);
    expect(window.location.hash).toBe('#/calls');
    wrapper.unmount();
  });
});

describe('calls screen: number patterns in the filter fields', () => {
  it('shows a quiet hint under a pattern being typed and asks nothing until it is complete', async () => {
    const { wrapper } = await mountAt('#/calls');
    fakeApi.calls.page.mockClear();
    fakeApi.calls.totals.mockClear();
    await wrapper.get('[data-testid="filter-caller"]').setValue('1001,');
    await vi.advanceTimersByTimeAsync(FILTER_DEBOUNCE_MS * 2);
    await flushPromises();
    expect(wrapper.get('[data-testid="filter-caller-hint"]').text()).toMatch(/after the comma/);
    expect(fakeApi.calls.page).not.toHaveBeenCalled();
    expect(fakeApi.calls.totals).not.toHaveBeenCalled();
    expect(wrapper.get('[data-testid="calls-count"]').text()).toBe('1,234');
    await wrapper.get('[data-testid="filter-caller"]').setValue('1001,1002');
    await vi.advanceTimersByTimeAsync(FILTER_DEBOUNCE_MS);
    await flushPromises();
    expect(wrapper.find('[data-testid="filter-caller-hint"]').exists()).toBe(false);
    expect(fakeApi.calls.page).toHaveBeenCalledWith(expect.objectContaining({ filter: { caller: '1001,1002' } }));
    wrapper.unmount();
  });

  it("shows the service's refusal of a field under that field, not as a banner naming the method", async () => {
    fakeApi.calls.page.mockRejectedValue({
      code: 'BAD_INPUT',
      message: 'Refused calls/page: filter.caller Invalid number pattern "5XX5": \'X\' may only appear at the end of the pattern.',
      details: { method: 'calls/page', field: 'filter.caller' },
    });
    const { wrapper } = await mountAt('#/calls?caller=1001');
    await flushPromises();
    const note = wrapper.get('[data-testid="filter-caller-error"]').text();
    expect(note).toMatch(/^Invalid number pattern/);
    expect(wrapper.text()).not.toContain('calls/page');
    expect(wrapper.find('[data-testid="error-banner"]').exists()).toBe(false);
    wrapper.unmount();
  });
});
