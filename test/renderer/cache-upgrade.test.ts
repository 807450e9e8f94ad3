import { deferred, emitProgress, fakeApi, resetFakeApi } from './fake-api.js';
import { flushPromises, mount } from '@vue/test-utils';
import { createPinia, setActivePinia } from 'pinia';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { CACHE_UPGRADE_TASK_ID, type CacheUpgradeStatus, type ProgressEvent } from '../../preload/api.js';
import CacheUpgradeBanner from '../../renderer/src/components/CacheUpgradeBanner.vue';
import { parseProgressEvent } from '../../renderer/src/transport/progress.js';
import { UPGRADE_POLL_MS, useCacheUpgradeStore } from '../../renderer/src/stores/cache-upgrade.js';

/** The banner of an older cache being converted in the background (main/app/upgrade.ts). */

function upgradeEvent(upgrade: CacheUpgradeStatus): ProgressEvent {
  return { taskId: CACHE_UPGRADE_TASK_ID, kind: 'upgrade', stage: 'stage', done: upgrade.done, total: upgrade.total, rate: null, eta_seconds: null, upgrade };
}

function mountBanner() {
  const store = useCacheUpgradeStore();
  const wrapper = mount(CacheUpgradeBanner);
  return { store, wrapper };
}

beforeEach(() => {
  resetFakeApi();
  setActivePinia(createPinia());
});

afterEach(() => {
  useCacheUpgradeStore().stop();
  vi.useRealTimers();
});

describe('the cache upgrade banner', () => {
  it('shows how far the conversion is, says the app can be used meanwhile, then the space phase, and goes away when done', async () => {
    fakeApi.app.upgradeStatus.mockResolvedValue({ phase: 'records', done: 120_000, total: 1_000_000 });
    const { store, wrapper } = mountBanner();
    await store.follow();
    await flushPromises();

    const banner = wrapper.get('[data-testid="cache-upgrade"]');
    expect(banner.attributes('role')).toBe('status');
    expect(banner.attributes('aria-live')).toBe('polite');
    expect(banner.attributes('data-phase')).toBe('records');
    expect(banner.text()).toContain('Upgrading the cache to the new format: 120,000 of 1,000,000 calls (12 %)…');
    expect(banner.text()).toContain('You can keep working; searches may be slower until it is done.');
    expect(banner.get('[role="progressbar"]').attributes('aria-valuenow')).toBe('12');

    emitProgress(upgradeEvent({ phase: 'records', done: 999_999, total: 1_000_000 }));
    await flushPromises();
    // Never 100 % before every call is converted.
    expect(wrapper.get('[data-testid="cache-upgrade"]').text()).toContain('999,999 of 1,000,000 calls (99 %)…');

    emitProgress(upgradeEvent({ phase: 'space', done: 1_000_000, total: 1_000_000 }));
    await flushPromises();
    expect(wrapper.get('[data-testid="cache-upgrade"]').attributes('data-phase')).toBe('space');
    expect(wrapper.get('[data-testid="cache-upgrade"]').text()).toContain('Giving disk space back…');

    emitProgress(upgradeEvent({ phase: 'done', done: 1_000_000, total: 1_000_000 }));
    await flushPromises();
    expect(wrapper.find('[data-testid="cache-upgrade"]').exists()).toBe(false);
    expect(wrapper.find('[data-testid="cache-upgrade-error"]').exists()).toBe(false);
  });

  it('shows nothing on a cache that needs no upgrade, and stops listening', async () => {
    const { store, wrapper } = mountBanner();
    await store.follow();
    await flushPromises();
    expect(wrapper.html()).not.toContain('cache-upgrade');
    // Done: a late event of another kind or a stray one changes nothing.
    emitProgress({ taskId: 'sync-1', kind: 'sync', stage: 'Page 1', done: 1, total: 2, rate: null, eta_seconds: null });
    emitProgress(upgradeEvent({ phase: 'records', done: 1, total: 2 }));
    await flushPromises();
    expect(wrapper.find('[data-testid="cache-upgrade"]').exists()).toBe(false);
  });

  it('shows a failure with the message from main, which can be dismissed', async () => {
    fakeApi.app.upgradeStatus.mockResolvedValue({ phase: 'records', done: 0, total: 500 });
    const { store, wrapper } = mountBanner();
    await store.follow();
    await flushPromises();
    const message = 'Converting the records of the cache "/data/cache.sqlite" to schema 8 stopped (disk I/O error). Nothing is lost: every record is readable, and the next start goes on where this one stopped; if it stops again, free some disk space on the drive that holds the cache.';
    emitProgress(upgradeEvent({ phase: 'failed', done: 200, total: 500, message }));
    await flushPromises();

    expect(wrapper.find('[data-testid="cache-upgrade"]').exists()).toBe(false);
    const error = wrapper.get('[data-testid="cache-upgrade-error"]');
    expect(error.attributes('role')).toBe('alert');
    expect(error.attributes('data-code')).toBe('DB_ERROR');
    expect(error.text()).toContain('Upgrading the cache to the new format stopped.');
    expect(error.text()).toContain('free some disk space');
    await error.get('button[aria-label="Dismiss"]').trigger('click');
    expect(wrapper.find('[data-testid="cache-upgrade-error"]').exists()).toBe(false);
  });

  it('keeps an event that arrives before the answer to its first look, which is older', async () => {
    const look = deferred<CacheUpgradeStatus>();
    fakeApi.app.upgradeStatus.mockReturnValueOnce(look.promise);
    const { store, wrapper } = mountBanner();
    const following = store.follow();
    emitProgress(upgradeEvent({ phase: 'records', done: 40_000, total: 100_000 }));
    look.resolve({ phase: 'records', done: 20_000, total: 100_000 });
    await following;
    await flushPromises();
    expect(wrapper.get('[data-testid="cache-upgrade"]').attributes('data-done')).toBe('40000');
  });

  it('finds the end by asking again when its event was missed (the web mode connects its event stream late)', async () => {
    vi.useFakeTimers();
    fakeApi.app.upgradeStatus.mockResolvedValueOnce({ phase: 'space', done: 10, total: 10 }).mockResolvedValue({ phase: 'done', done: 10, total: 10 });
    const { store, wrapper } = mountBanner();
    await store.follow();
    await flushPromises();
    expect(wrapper.find('[data-testid="cache-upgrade"]').exists()).toBe(true);
    await vi.advanceTimersByTimeAsync(UPGRADE_POLL_MS);
    await flushPromises();
    expect(wrapper.find('[data-testid="cache-upgrade"]').exists()).toBe(false);
    expect(fakeApi.app.upgradeStatus).toHaveBeenCalledTimes(2);
    await vi.advanceTimersByTimeAsync(UPGRADE_POLL_MS * 3);
    expect(fakeApi.app.upgradeStatus).toHaveBeenCalledTimes(2);
  });
});

describe('upgrade events over the wire', () => {
  it('are taken with their state, as are rating events; a malformed state drops the event', () => {
    const event = upgradeEvent({ phase: 'failed', done: 1, total: 2, message: 'stopped' });
    expect(parseProgressEvent(JSON.parse(JSON.stringify(event)))).toEqual(event);
    const rating: ProgressEvent = { taskId: 'rating-1', kind: 'rating', stage: 'Calculating call costs', done: 1, total: 2, rate: null, eta_seconds: null };
    expect(parseProgressEvent(rating)).toEqual(rating);
    expect(parseProgressEvent({ ...event, upgrade: { phase: 'later', done: 1, total: 2 } })).toBeNull();
    expect(parseProgressEvent({ ...event, upgrade: { phase: 'records', done: '1', total: 2 } })).toBeNull();
  });
});
