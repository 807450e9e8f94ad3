import { fakeApi, resetFakeApi } from './fake-api.js';
import { flushPromises } from '@vue/test-utils';
import { createPinia, setActivePinia } from 'pinia';
import { ref, type Ref } from 'vue';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { startRouter } from '../../renderer/src/router.js';
import { quickRange } from '../../renderer/src/dates.js';
import { FILTER_DEBOUNCE_MS, useFilterStore, type AddressPart } from '../../renderer/src/stores/filter.js';

let stopRouter: () => void;

function setHash(hash: string): void {
  window.history.replaceState(null, '', `/${hash}`);
}

/** What the browser does on Back: the previous entry's address, then popstate. */
function goBackTo(hash: string): void {
  setHash(hash);
  window.dispatchEvent(new PopStateEvent('popstate'));
}

/** A screen that keeps one parameter of its own, `group`, beside the filter. */
function groupPart(): { part: AddressPart; group: Ref<string> } {
  const group = ref('day');
  const part: AddressPart = {
    read(params, problems) {
      const value = params.get('group') ?? 'day';
      if (value === 'day' || value === 'week') group.value = value;
      else problems.push(`"group=${value}" is not a grouping`);
    },
    write(params) {
      if (group.value !== 'day') params.set('group', group.value);
    },
  };
  return { part, group };
}

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
  resetFakeApi();
  setActivePinia(createPinia());
});

afterEach(() => {
  stopRouter?.();
  vi.clearAllTimers();
  vi.useRealTimers();
  setHash('');
});

function bindAt(hash: string) {
  setHash(hash);
  stopRouter = startRouter();
  const filters = useFilterStore();
  const { part, group } = groupPart();
  const unbind = filters.bindAddress('calls', part);
  return { filters, group, unbind };
}

describe('filter store: editing and applying', () => {
  it('applies typed edits once, after a pause in typing', async () => {
    const filters = useFilterStore();
    const before = filters.applied;
    filters.setFilter({ caller: '1' });
    filters.setFilter({ caller: '10' });
    filters.setFilter({ caller: '100' });
    expect(filters.filter).toEqual({ caller: '100' });
    expect(filters.applied).toBe(before);
    await vi.advanceTimersByTimeAsync(FILTER_DEBOUNCE_MS);
    expect(filters.applied).toEqual({ caller: '100' });
  });

  it('applies a click at once, cleaned of empty values, and drops the edit waiting for its pause', async () => {
    const filters = useFilterStore();
    filters.setFilter({ caller: ' 1001 ' });
    filters.applyFilter({ status: ['BUSY'], search: '' });
    expect(filters.applied).toEqual({ caller: '1001', status: ['BUSY'] });
    const applied = filters.applied;
    await vi.runAllTimersAsync();
    expect(filters.applied).toBe(applied);
  });

  it('makes every apply a new applied filter, even an equal one', () => {
    const filters = useFilterStore();
    filters.applyFilter({ status: ['BUSY'] });
    const first = filters.applied;
    filters.applyFilter({ status: ['BUSY'] });
    expect(filters.applied).toEqual(first);
    expect(filters.applied).not.toBe(first);
  });

  it('commits an edit waiting for its pause only when it changes the filter', () => {
    const filters = useFilterStore();
    filters.applyFilter({ caller: '1001' });
    const applied = filters.applied;
    filters.setFilter({ caller: '1001 ' });
    filters.commit();
    expect(filters.applied).toBe(applied);
    filters.setFilter({ caller: '2002' });
    filters.commit();
    expect(filters.applied).toEqual({ caller: '2002' });
  });

  it('resets every field at once', () => {
    const filters = useFilterStore();
    filters.replace({ caller: '1001', status: ['BUSY'], has_recording: false });
    expect(filters.active).toBe(true);
    filters.reset();
    expect(filters.filter).toEqual({});
    expect(filters.applied).toEqual({});
    expect(filters.active).toBe(false);
  });

  it('saves the filter being edited as a preset and applies a preset by name', async () => {
    const filters = useFilterStore();
    filters.setFilter({ callee: '6400' });
    expect(await filters.savePreset('Ring group')).toBeNull();
    expect(fakeApi.app.saveSettings).toHaveBeenCalledWith(expect.objectContaining({ saved_filters: [{ name: 'Ring group', filter: { callee: '6400' } }] }));
    expect(filters.presets).toEqual([{ name: 'Ring group', filter: { callee: '6400' } }]);

    filters.reset();
    filters.applyPreset('Ring group');
    expect(filters.applied).toEqual({ callee: '6400' });
    await filters.deletePreset('Ring group');
    expect(filters.presets).toEqual([]);
  });

  it('saves a quick range as the range itself, which means the same relative period when used later', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    vi.setSystemTime(new Date(2025, 2, 10, 12, 0, 0));
    const filters = useFilterStore();
    filters.applyFilter({ callee: '6400', ...quickRange('last7', new Date()) });
    expect(await filters.savePreset('Recent week')).toBeNull();
    expect(fakeApi.app.saveSettings).toHaveBeenCalledWith(
      expect.objectContaining({ saved_filters: [expect.objectContaining({ name: 'Recent week', preset: 'last7' })] }),
    );

    vi.setSystemTime(new Date(2025, 3, 2, 9, 0, 0));
    filters.reset();
    filters.applyPreset('Recent week');
    expect(filters.applied).toEqual({ callee: '6400', from: '2025-03-27T00:00:00', to: '2025-04-02T23:59:59' });
  });

  it('keeps fixed dates fixed when they are not a quick range', async () => {
    const filters = useFilterStore();
    filters.applyFilter({ from: '2024-01-01T00:00:00', to: '2024-01-05T23:59:59' });
    expect(await filters.savePreset('Early January')).toBeNull();
    expect(filters.presets[0]).toEqual({ name: 'Early January', filter: { from: '2024-01-01T00:00:00', to: '2024-01-05T23:59:59' } });
  });

  it('offers the values the pickers show, and says when they could not be loaded', async () => {
    const filters = useFilterStore();
    fakeApi.calls.filterOptions.mockResolvedValueOnce({ pbx: ['Office'], src_trunk: [], dst_trunk: [], action_type: ['DIAL'], account_code: [] });
    await filters.loadOptions();
    expect(filters.options.action_type).toEqual(['DIAL']);
    fakeApi.calls.filterOptions.mockRejectedValueOnce({ code: 'INTERNAL', message: 'cache closed' });
    await filters.loadOptions();
    expect(filters.optionsError).toMatchObject({ code: 'INTERNAL' });
    expect(filters.options.action_type).toEqual(['DIAL']);
  });
});

describe('filter store: the address', () => {
  it('reads the filter and the screen parameters from the address when a screen binds it', () => {
    const { filters, group } = bindAt('#/calls?caller=1001&status=BUSY&group=week');
    expect(filters.filter).toEqual({ caller: '1001', status: ['BUSY'] });
    expect(filters.applied).toEqual({ caller: '1001', status: ['BUSY'] });
    expect(group.value).toBe('week');
    // Reading an address never writes it back.
    expect(window.location.hash).toBe('#/calls?caller=1001&status=BUSY&group=week');
  });

  it('round-trips: an applied filter is written before the screen parameters, and Back brings the last one back', async () => {
    const { filters, group } = bindAt('#/calls?callee=6400');
    const push = vi.spyOn(window.history, 'pushState');
    filters.applyFilter({ status: ['NO ANSWER'], callee: '6500' });
    group.value = 'week';
    await flushPromises();
    // One history entry for changes made together, with the filter's names first.
    expect(window.location.hash).toBe('#/calls?callee=6500&status=NO+ANSWER&group=week');
    expect(push).toHaveBeenCalledTimes(1);
    push.mockRestore();

    goBackTo('#/calls?callee=6400');
    await flushPromises();
    expect(filters.filter).toEqual({ callee: '6400' });
    expect(filters.applied).toEqual({ callee: '6400' });
    expect(group.value).toBe('day');
    expect(window.location.hash).toBe('#/calls?callee=6400');
  });

  it('writes a reset as an address without filter parameters, keeping the screen parameters', async () => {
    const { filters } = bindAt('#/calls?caller=1001&min_talk=30&group=week');
    filters.reset();
    await flushPromises();
    expect(window.location.hash).toBe('#/calls?group=week');
  });

  it('leaves an edit waiting for its pause alone when the address holds the filter already applied', async () => {
    const { filters } = bindAt('#/calls?caller=1001');
    const applied = filters.applied;
    filters.setFilter({ caller: '10015' });
    goBackTo('#/calls?caller=1001&group=week');
    await flushPromises();
    expect(filters.applied).toBe(applied);
    expect(filters.filter).toEqual({ caller: '10015' });
  });

  it('names what it had to ignore, the filter first, then the screen, and keeps those values out', () => {
    const { filters, group } = bindAt('#/calls?status=LOST&group=year&caller=1001');
    expect(filters.applied).toEqual({ caller: '1001' });
    expect(group.value).toBe('day');
    expect(filters.addressProblems).toEqual([
      '"status=LOST" is not a call status (ANSWERED, NO ANSWER, BUSY, FAILED, CONGESTION)',
      '"group=year" is not a grouping',
    ]);
    filters.dismissProblems();
    expect(filters.addressProblems).toEqual([]);
  });

  it('neither reads nor writes the address of a route whose screen is not bound', async () => {
    const { filters, unbind } = bindAt('#/calls?caller=1001');
    unbind();
    filters.applyFilter({ caller: '2002' });
    await flushPromises();
    expect(window.location.hash).toBe('#/calls?caller=1001');

    goBackTo('#/calls?caller=3003');
    await flushPromises();
    expect(filters.applied).toEqual({ caller: '2002' });
  });
});
