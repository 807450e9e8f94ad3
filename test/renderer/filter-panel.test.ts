import { fakeApi, resetFakeApi } from './fake-api.js';
import { flushPromises, mount } from '@vue/test-utils';
import { createPinia, setActivePinia, type Pinia } from 'pinia';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { CallFilter } from '../../preload/api.js';
import FilterPanel from '../../renderer/src/components/FilterPanel.vue';
import { quickRange } from '../../renderer/src/dates.js';
import { parseCallsState, serializeCallsState, type CallsUrlState } from '../../renderer/src/filter-state.js';
import { useCallsStore } from '../../renderer/src/stores/calls.js';
import { FILTER_DEBOUNCE_MS, useFilterStore } from '../../renderer/src/stores/filter.js';

let pinia: Pinia;

beforeEach(() => {
  // Debounce timers are fake so none of them outlives its test and queries during the next one.
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
  resetFakeApi();
  pinia = createPinia();
  setActivePinia(pinia);
  fakeApi.calls.filterOptions.mockResolvedValue({
    pbx: ['Office', 'Branch'],
    src_trunk: ['trunk_1', 'trunk_2'],
    dst_trunk: ['sip-out'],
    action_type: ['DIAL', 'RINGGROUP', 'QUEUE'],
    account_code: ['4711'],
  });
});

afterEach(() => {
  vi.clearAllTimers();
  vi.useRealTimers();
});

/** The panel beside a call list already shown, so the list's queries count from zero. */
async function mountPanel() {
  const filters = useFilterStore();
  await Promise.all([filters.loadOptions(), useCallsStore().refresh()]);
  fakeApi.calls.page.mockClear();
  const wrapper = mount(FilterPanel, { global: { plugins: [pinia] } });
  return { wrapper, filters };
}

describe('filter panel', () => {
  it.each([
    ['filter-search', 'search', 'Müller'],
    ['filter-caller', 'caller', '5300,5302-5304'],
    ['filter-callee', 'callee', '3XXX'],
    ['filter-answered_by', 'answered_by', '_4@'],
    ['filter-caller_name', 'caller_name', 'José Ä'],
  ] as const)('%s updates filter.%s', async (testid, field, value) => {
    const { wrapper, filters } = await mountPanel();
    await wrapper.get(`[data-testid="${testid}"]`).setValue(value);
    expect(filters.filter[field]).toBe(value);
  });

  it('keeps a space typed between two words', async () => {
    const { wrapper, filters } = await mountPanel();
    const input = wrapper.get('[data-testid="filter-caller_name"]');
    await input.setValue('Anna ');
    await input.setValue('Anna Maria');
    expect(filters.filter.caller_name).toBe('Anna Maria');
    expect((input.element as HTMLInputElement).value).toBe('Anna Maria');
  });

  it('updates the time range from the inputs and from a quick range', async () => {
    const { wrapper, filters } = await mountPanel();
    await wrapper.get('[data-testid="filter-from"]').setValue('2024-03-01T08:00');
    await wrapper.get('[data-testid="filter-to"]').setValue('2024-03-31T18:00:30');
    expect(filters.filter.from).toBe('2024-03-01T08:00');
    expect(filters.filter.to).toBe('2024-03-31T18:00:30');

    await wrapper.get('[data-testid="filter-range-last7"]').trigger('click');
    const expected = quickRange('last7', new Date());
    expect(filters.filter.from).toBe(expected.from);
    expect(filters.filter.to).toBe(expected.to);
    expect(wrapper.get('[data-testid="filter-range-last7"]').classes()).toContain('primary');
  });

  it('queries at once on a click and only after a pause in typing', async () => {
    const { wrapper } = await mountPanel();
    await wrapper.get('[data-testid="filter-status-busy"]').setValue(true);
    await flushPromises();
    expect(fakeApi.calls.page).toHaveBeenCalledTimes(1);
    expect(fakeApi.calls.page).toHaveBeenLastCalledWith(expect.objectContaining({ filter: { status: ['BUSY'] } }));

    await wrapper.get('[data-testid="filter-caller"]').setValue('1001');
    await flushPromises();
    expect(fakeApi.calls.page).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(FILTER_DEBOUNCE_MS);
    expect(fakeApi.calls.page).toHaveBeenCalledTimes(2);
    expect(fakeApi.calls.page).toHaveBeenLastCalledWith(expect.objectContaining({ filter: { status: ['BUSY'], caller: '1001' } }));
  });

  it('toggles statuses and directions in and out of the filter', async () => {
    const { wrapper, filters } = await mountPanel();
    await wrapper.get('[data-testid="filter-status-no-answer"]').setValue(true);
    await wrapper.get('[data-testid="filter-status-busy"]').setValue(true);
    expect(filters.filter.status).toEqual(['NO ANSWER', 'BUSY']);
    await wrapper.get('[data-testid="filter-status-no-answer"]').setValue(false);
    expect(filters.filter.status).toEqual(['BUSY']);

    await wrapper.get('[data-testid="filter-direction-inbound"]').setValue(true);
    expect(filters.filter.direction).toEqual(['inbound']);
  });

  it.each([
    ['pbx', ['Branch']],
    ['src_trunk', ['trunk_1', 'trunk_2']],
    ['dst_trunk', ['sip-out']],
    ['action_type', ['RINGGROUP']],
    ['account_code', ['4711']],
  ] as const)('the %s picker offers the cached values and sets the filter', async (field, chosen) => {
    const { wrapper, filters } = await mountPanel();
    const select = wrapper.get(`[data-testid="filter-${field}"]`);
    const options = select.findAll('option');
    expect(options.map((o) => o.element.value)).toEqual(filters.options[field]);
    for (const option of options) (option.element as HTMLOptionElement).selected = chosen.includes(option.element.value as never);
    await select.trigger('change');
    expect(filters.filter[field]).toEqual(chosen);
  });

  it('reads talk and call times as seconds or m:ss and refuses other text', async () => {
    const { wrapper, filters } = await mountPanel();
    await wrapper.get('[data-testid="filter-min_talk"]').setValue('90');
    await wrapper.get('[data-testid="filter-max_talk"]').setValue('2:30');
    await wrapper.get('[data-testid="filter-min_call"]').setValue('0:01:00');
    expect(filters.filter).toMatchObject({ min_talk: 90, max_talk: 150, min_call: 60 });

    await wrapper.get('[data-testid="filter-max_call"]').setValue('ten minutes');
    expect(filters.filter.max_call).toBeUndefined();
    expect(wrapper.text()).toContain('"ten minutes" is not a duration');

    await wrapper.get('[data-testid="filter-min_talk"]').setValue('');
    expect(filters.filter.min_talk).toBeUndefined();
  });

  it('sets and clears "has recording"', async () => {
    const { wrapper, filters } = await mountPanel();
    await wrapper.get('[data-testid="filter-has_recording"]').setValue('yes');
    expect(filters.filter.has_recording).toBe(true);
    await wrapper.get('[data-testid="filter-has_recording"]').setValue('no');
    expect(filters.filter.has_recording).toBe(false);
    await wrapper.get('[data-testid="filter-has_recording"]').setValue('');
    expect(filters.filter.has_recording).toBeUndefined();
  });

  it('queries with the edited filter after the typing pause', async () => {
    const { wrapper } = await mountPanel();
    await wrapper.get('[data-testid="filter-caller"]').setValue('1001');
    await wrapper.get('[data-testid="filter-status-answered"]').setValue(true);
    await vi.runAllTimersAsync();
    expect(fakeApi.calls.page).toHaveBeenCalledTimes(1);
    expect(fakeApi.calls.page).toHaveBeenCalledWith(expect.objectContaining({ filter: { caller: '1001', status: ['ANSWERED'] } }));
  });

  it('resets every filter at once', async () => {
    const { wrapper, filters } = await mountPanel();
    filters.replace({ caller: '1001', status: ['BUSY'], has_recording: true });
    await flushPromises();
    await wrapper.get('[data-testid="filter-reset"]').trigger('click');
    await flushPromises();
    expect(filters.filter).toEqual({});
    expect((wrapper.get('[data-testid="filter-caller"]').element as HTMLInputElement).value).toBe('');
  });

  it('saves the current filter by name and applies it again later', async () => {
    const { wrapper, filters } = await mountPanel();
    filters.replace({ callee: '6400', direction: ['inbound'] });
    await wrapper.get('[data-testid="saved-filter-name"]').setValue('Ring group');
    await wrapper.get('[data-testid="saved-filter-save"]').trigger('click');
    await flushPromises();
    expect(fakeApi.app.saveSettings).toHaveBeenCalledWith(
      expect.objectContaining({ saved_filters: [{ name: 'Ring group', filter: { callee: '6400', direction: ['inbound'] } }] }),
    );

    filters.replace({});
    await wrapper.get('[data-testid="saved-filter-select"]').setValue('Ring group');
    await flushPromises();
    expect(filters.filter).toEqual({ callee: '6400', direction: ['inbound'] });
  });
});

describe('filter state in the URL', () => {
  const full: CallsUrlState = {
    filter: {
      pbx: ['Office', 'Branch, East'],
      from: '2024-03-01',
      to: '2024-03-31T23:59:59',
      caller: '5300,5302-5304',
      callee: '3XXX',
      answered_by: '_4@',
      caller_name: 'Zoë & Co',
      status: ['ANSWERED', 'NO ANSWER'],
      direction: ['inbound', 'external'],
      action_type: ['RINGGROUP'],
      src_trunk: ['trunk_1'],
      dst_trunk: ['sip out'],
      account_code: ['4711'],
      min_talk: 10,
      max_talk: 600,
      min_call: 0,
      max_call: 3600,
      has_recording: false,
      search: 'a=b&c',
    },
    sort: { field: 'billsec', dir: 'asc' },
    call: 42,
  };

  it('round-trips every filter field, the sort and the open call', () => {
    const params = new URLSearchParams(serializeCallsState(full).toString());
    expect(parseCallsState(params)).toEqual({ state: full, problems: [] });
  });

  it('leaves the default sort and empty values out of the address', () => {
    const text = serializeCallsState({ filter: { caller: '', status: [] } as CallFilter, sort: { field: 'start', dir: 'desc' }, call: null }).toString();
    expect(text).toBe('');
  });

  it('names each value it cannot use instead of sending it to the query', () => {
    const { state, problems } = parseCallsState(
      new URLSearchParams('status=BUSY&status=LOST&min_talk=abc&from=yesterday&sort=-color&has_recording=maybe'),
    );
    expect(state.filter).toEqual({ status: ['BUSY'] });
    expect(state.sort).toEqual({ field: 'start', dir: 'desc' });
    expect(problems).toEqual([
      '"from=yesterday" is not a date like 2024-03-01 or 2024-03-01T08:00',
      '"status=LOST" is not a call status (ANSWERED, NO ANSWER, BUSY, FAILED, CONGESTION)',
      '"min_talk=abc" is not a number of seconds',
      '"has_recording=maybe" must be yes or no',
      '"sort=-color" is not a sortable column',
    ]);
  });
});
