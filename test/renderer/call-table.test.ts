import { deferred, fakeApi, makeRow, resetFakeApi } from './fake-api.js';
import { flushPromises, mount } from '@vue/test-utils';
import { computed, nextTick, reactive, ref, shallowRef, triggerRef } from 'vue';
import { createPinia, setActivePinia, type Pinia } from 'pinia';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { CallPage, CallRow } from '../../preload/api.js';
import CallTable from '../../renderer/src/components/CallTable.vue';
import VirtualCallTable from '../../renderer/src/components/VirtualCallTable.vue';
import { resolveColumns } from '../../renderer/src/columns.js';
import type { RowSource } from '../../renderer/src/row-source.js';
import { FILL_BUDGET } from '../../renderer/src/row-slots.js';
import { useCallsStore } from '../../renderer/src/stores/calls.js';

const VIEWPORT = 600;
const ROW_HEIGHT = 30;
const HEADER_HEIGHT = 32;
const MANY = 100_000;

// happy-dom does no layout: give the table's scroll box the sizes a window would.
const originals = {
  clientHeight: Object.getOwnPropertyDescriptor(HTMLElement.prototype, 'clientHeight'),
  scrollHeight: Object.getOwnPropertyDescriptor(HTMLElement.prototype, 'scrollHeight'),
};
beforeAll(() => {
  Object.defineProperty(HTMLElement.prototype, 'clientHeight', {
    configurable: true,
    get(this: HTMLElement) {
      return this.dataset.testid === 'calls-table' ? VIEWPORT : 0;
    },
  });
  Object.defineProperty(HTMLElement.prototype, 'scrollHeight', {
    configurable: true,
    get(this: HTMLElement) {
      const body = this.dataset.testid === 'calls-table' ? this.querySelector<HTMLElement>('.body') : null;
      return body ? HEADER_HEIGHT + parseFloat(body.style.height || '0') : 0;
    },
  });
});
afterAll(() => {
  for (const [name, descriptor] of Object.entries(originals)) {
    if (descriptor) Object.defineProperty(HTMLElement.prototype, name, descriptor);
  }
});

let pinia: Pinia;
beforeEach(() => {
  resetFakeApi();
  pinia = createPinia();
  setActivePinia(pinia);
});

/** Mounts the table over a first page; `null` leaves the page answers to the test's own mocks. */
async function mountTable(rows: CallRow[] | null) {
  const calls = useCallsStore();
  if (rows) fakeApi.calls.page.mockResolvedValueOnce({ rows, next_cursor: null });
  await calls.refresh();
  const wrapper = mount(CallTable, {
    props: { columns: resolveColumns(['status', 'from', 'to', 'start', 'talk_time', 'recording']) },
    global: { plugins: [pinia] },
    attachTo: document.body,
  });
  await flushPromises();
  return { wrapper, calls };
}

function renderedIndexes(wrapper: ReturnType<typeof mount>): number[] {
  return wrapper.findAll('[data-testid="call-row"]').map((r) => Number(r.attributes('data-index')));
}

/** A jump fills a limited number of rows per frame (see CallTable's FILL_BUDGET); wait for the rest. */
async function settleFrames(wrapper: ReturnType<typeof mount>): Promise<void> {
  for (let frame = 0; frame < 10 && wrapper.find('[data-testid="call-row-pending"]').exists(); frame++) {
    await new Promise((resolve) => requestAnimationFrame(resolve));
  }
  expect(wrapper.find('[data-testid="call-row-pending"]').exists()).toBe(false);
}

function manyRows(n: number): CallRow[] {
  return Array.from({ length: n }, (_, i) => makeRow(i));
}

describe('call table', () => {
  it('keeps only the visible rows of 100,000 in the DOM', async () => {
    const { wrapper } = await mountTable(manyRows(MANY));
    const indexes = renderedIndexes(wrapper);
    const onScreen = Math.ceil((VIEWPORT - HEADER_HEIGHT) / ROW_HEIGHT);
    expect(indexes[0]).toBe(0);
    expect(indexes.length).toBeGreaterThanOrEqual(onScreen);
    expect(indexes.length).toBeLessThan(onScreen + 20);
    // The scroll height still stands for every row.
    const body = wrapper.get('.body').element as HTMLElement;
    expect(body.style.height).toBe(`${MANY * ROW_HEIGHT}px`);
    wrapper.unmount();
  });

  it('draws the rows around the scroll position after a jump far down', async () => {
    const { wrapper } = await mountTable(manyRows(MANY));
    const scroller = wrapper.get('[data-testid="calls-table"]').element as HTMLElement;
    scroller.scrollTop = HEADER_HEIGHT + 50_000 * ROW_HEIGHT;
    scroller.dispatchEvent(new Event('scroll'));
    await flushPromises();
    await settleFrames(wrapper);
    const indexes = renderedIndexes(wrapper);
    expect(indexes.length).toBeLessThan(40);
    expect(Math.min(...indexes)).toBeGreaterThan(49_980);
    expect(Math.max(...indexes)).toBeLessThan(50_040);
    expect(indexes).toContain(50_000);
    wrapper.unmount();
  });

  it('fills a fast jump a limited number of rows per frame, the rows on screen first', async () => {
    const { wrapper } = await mountTable(manyRows(MANY));
    const scroller = wrapper.get('[data-testid="calls-table"]').element as HTMLElement;
    scroller.scrollTop = 70_000 * ROW_HEIGHT;
    scroller.dispatchEvent(new Event('scroll'));
    await nextTick();

    const drawn = renderedIndexes(wrapper);
    const pending = wrapper.findAll('[data-testid="call-row-pending"]');
    expect(drawn).toHaveLength(FILL_BUDGET);
    expect(Math.min(...drawn)).toBe(70_000);
    expect(pending.length).toBeGreaterThan(0);
    // Not yet drawn: hidden from assistive technology and from row lookups by index.
    for (const row of pending) {
      expect(row.attributes('aria-hidden')).toBe('true');
      expect(row.attributes('data-index')).toBeUndefined();
    }

    await settleFrames(wrapper);
    const all = renderedIndexes(wrapper).sort((a, b) => a - b);
    expect(all[0]).toBeLessThan(70_000);
    expect(all).toContain(70_000 + Math.floor((VIEWPORT - HEADER_HEIGHT) / ROW_HEIGHT));
    wrapper.unmount();
  });

  it('draws a new answer in one go, from the top', async () => {
    const { wrapper, calls } = await mountTable(manyRows(MANY));
    const scroller = wrapper.get('[data-testid="calls-table"]').element as HTMLElement;
    scroller.scrollTop = 40_000 * ROW_HEIGHT;
    scroller.dispatchEvent(new Event('scroll'));
    await settleFrames(wrapper);

    const next = manyRows(200).map((r) => ({ ...r, session: `new-${r.id}` }));
    fakeApi.calls.page.mockResolvedValueOnce({ rows: next, next_cursor: null });
    await calls.refresh();
    await nextTick();
    expect(scroller.scrollTop).toBe(0);
    expect(wrapper.find('[data-testid="call-row-pending"]').exists()).toBe(false);
    expect(wrapper.get('[data-testid="call-row"][data-index="0"]').attributes('data-session')).toBe('new-1');
    expect(renderedIndexes(wrapper).length).toBeGreaterThan(FILL_BUDGET);
    wrapper.unmount();
  });

  it('fetches the next page by its cursor when the end comes into view', async () => {
    const next = deferred<CallPage>();
    fakeApi.calls.page.mockResolvedValueOnce({ rows: manyRows(10), next_cursor: 'cursor-10' }).mockReturnValueOnce(next.promise);
    const { wrapper, calls } = await mountTable(null);
    expect(fakeApi.calls.page).toHaveBeenLastCalledWith(expect.objectContaining({ cursor: 'cursor-10' }));
    expect(wrapper.find('[data-testid="calls-loading-more"]').exists()).toBe(true);

    next.resolve({ rows: Array.from({ length: 40 }, (_, i) => makeRow(10 + i)), next_cursor: null });
    await flushPromises();
    expect(calls.rows).toHaveLength(50);
    expect(wrapper.find('[data-testid="calls-loading-more"]').exists()).toBe(false);
    wrapper.unmount();
  });

  it('sorts by a column on header click and reverses on the second click', async () => {
    const { wrapper } = await mountTable(manyRows(10));
    await wrapper.get('[data-testid="sort-src"]').trigger('click');
    await flushPromises();
    expect(fakeApi.calls.page).toHaveBeenLastCalledWith(expect.objectContaining({ sort: { field: 'src', dir: 'asc' }, cursor: null }));
    expect(wrapper.get('[data-testid="sort-src"]').element.closest('[role="columnheader"]')?.getAttribute('aria-sort')).toBe('ascending');

    await wrapper.get('[data-testid="sort-src"]').trigger('click');
    await flushPromises();
    expect(fakeApi.calls.page).toHaveBeenLastCalledWith(expect.objectContaining({ sort: { field: 'src', dir: 'desc' } }));
    expect(wrapper.get('[data-testid="sort-src"]').element.closest('[role="columnheader"]')?.getAttribute('aria-sort')).toBe('descending');
    wrapper.unmount();
  });

  it('moves the selection with the arrow keys and Home/End', async () => {
    const { wrapper, calls } = await mountTable(manyRows(50));
    const table = wrapper.get('[data-testid="calls-table"]');
    expect(calls.selectedIndex).toBe(0);
    await table.trigger('keydown', { key: 'ArrowDown' });
    await table.trigger('keydown', { key: 'ArrowDown' });
    await table.trigger('keydown', { key: 'ArrowUp' });
    await flushPromises();
    expect(calls.selectedIndex).toBe(1);
    expect(wrapper.get('[data-index="1"]').attributes('aria-selected')).toBe('true');
    expect(wrapper.get('[data-index="0"]').attributes('aria-selected')).toBe('false');

    await table.trigger('keydown', { key: 'End' });
    await flushPromises();
    // happy-dom scrolls without announcing it; a browser fires this event.
    table.element.dispatchEvent(new Event('scroll'));
    await flushPromises();
    expect(calls.selectedIndex).toBe(49);
    expect(wrapper.find('[data-index="49"]').attributes('aria-selected')).toBe('true');
    await table.trigger('keydown', { key: 'ArrowDown' });
    expect(calls.selectedIndex).toBe(49);
    await table.trigger('keydown', { key: 'Home' });
    expect(calls.selectedIndex).toBe(0);
    wrapper.unmount();
  });

  it('opens the selected call on Enter and plays it on Space', async () => {
    const rows = manyRows(5);
    rows[2] = makeRow(2, { recordings: ['2024-03/auto-1.wav'] });
    const { wrapper } = await mountTable(rows);
    const table = wrapper.get('[data-testid="calls-table"]');
    await table.trigger('keydown', { key: 'ArrowDown' });
    await table.trigger('keydown', { key: 'ArrowDown' });
    await table.trigger('keydown', { key: 'Enter' });
    await table.trigger('keydown', { key: ' ' });
    expect(wrapper.emitted('open')).toEqual([[rows[2]]]);
    expect(wrapper.emitted('play')).toEqual([[rows[2]]]);
    wrapper.unmount();
  });

  it('marks each row with its session and shows trunk and NAT badges', async () => {
    const row = makeRow(0, { session: '1700000000-1001', src_trunk_name: 'trunk_1', nat: true, dst: '1008' });
    const { wrapper } = await mountTable([row]);
    const rendered = wrapper.get('[data-testid="call-row"]');
    expect(rendered.attributes('data-session')).toBe('1700000000-1001');
    expect(rendered.find('.col-from .badge').text()).toBe('Trunk');
    expect(rendered.find('.col-to .badge.nat').text()).toBe('NAT');
    expect(rendered.find('.col-talk_time').text()).toBe('0:00:20');
    wrapper.unmount();
  });
});

/**
 * A drill-down list's loader: calls held in memory, handed out `pageSize` at a time. No store and
 * no service behind it, so the table is shown to work with any source of rows.
 */
function memorySource(all: CallRow[], pageSize: number) {
  const rows = shallowRef<CallRow[]>(all.slice(0, pageSize));
  const loadingMore = ref(false);
  const loads = ref(0);
  const source = reactive({
    rows,
    hasMore: computed(() => rows.value.length < all.length),
    loading: false,
    loadingMore,
    error: null,
    loads,
    async loadMore(): Promise<void> {
      if (loadingMore.value || rows.value.length >= all.length) return;
      loadingMore.value = true;
      loads.value++;
      await Promise.resolve();
      rows.value.push(...all.slice(rows.value.length, rows.value.length + pageSize));
      triggerRef(rows);
      loadingMore.value = false;
    },
  });
  return source satisfies RowSource;
}

function mountVirtual(source: RowSource, props: { selected?: number; sort?: { field: 'start'; dir: 'desc' } } = {}) {
  // No Pinia: the table needs nothing but its props.
  return mount(VirtualCallTable, {
    props: { columns: resolveColumns(['status', 'from', 'to', 'start']), source, selected: props.selected ?? -1, sort: props.sort ?? null },
    attachTo: document.body,
  });
}

describe('virtual call table over any row source', () => {
  it('draws only the visible rows of a large in-memory list', async () => {
    const wrapper = mountVirtual(memorySource(manyRows(10_000), 10_000));
    await flushPromises();
    const indexes = renderedIndexes(wrapper);
    expect(indexes[0]).toBe(0);
    expect(indexes.length).toBeLessThan(Math.ceil((VIEWPORT - HEADER_HEIGHT) / ROW_HEIGHT) + 20);
    expect((wrapper.get('.body').element as HTMLElement).style.height).toBe(`${10_000 * ROW_HEIGHT}px`);
    wrapper.unmount();
  });

  it('asks its loader for the next pages while the end of the loaded rows is near', async () => {
    const source = memorySource(manyRows(50), 10);
    const wrapper = mountVirtual(source);
    await flushPromises();
    expect(source.rows).toHaveLength(50);
    expect(source.loads).toBe(4);
    expect(wrapper.find('[data-testid="calls-loading-more"]').exists()).toBe(false);
    expect(wrapper.get('[data-testid="calls-table"]').attributes('data-rows')).toBe('50');
    wrapper.unmount();
  });

  it('reports selections by click and by key, and moves on from its own last move before the parent answers', async () => {
    const rows = manyRows(30);
    const wrapper = mountVirtual(memorySource(rows, 30), { selected: 0 });
    await flushPromises();
    await wrapper.get('[data-testid="call-row"][data-index="3"]').trigger('click');
    const table = wrapper.get('[data-testid="calls-table"]');
    // Two presses in one go, before the parent passes a new `selected`.
    void table.trigger('keydown', { key: 'ArrowDown' });
    void table.trigger('keydown', { key: 'ArrowDown' });
    await flushPromises();
    expect(wrapper.emitted('select')).toEqual([[3], [4], [5]]);

    await wrapper.setProps({ selected: 5 });
    expect(wrapper.get('[data-index="5"]').attributes('aria-selected')).toBe('true');
    await table.trigger('keydown', { key: 'Enter' });
    expect(wrapper.emitted('open')).toEqual([[rows[5]]]);
    wrapper.unmount();
  });

  it('sorts only when given a sort, and then reports the header clicked', async () => {
    const unsorted = mountVirtual(memorySource(manyRows(5), 5));
    await flushPromises();
    expect(unsorted.find('[data-testid="sort-src"]').exists()).toBe(false);
    unsorted.unmount();

    const sorted = mountVirtual(memorySource(manyRows(5), 5), { sort: { field: 'start', dir: 'desc' } });
    await flushPromises();
    expect(sorted.get('[data-testid="sort-start"]').element.closest('[role="columnheader"]')?.getAttribute('aria-sort')).toBe('descending');
    await sorted.get('[data-testid="sort-src"]').trigger('click');
    expect(sorted.emitted('sort')).toEqual([['src']]);
    sorted.unmount();
  });
});
