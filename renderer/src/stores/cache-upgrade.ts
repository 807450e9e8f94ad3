import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import type { CacheUpgradeStatus } from '../../../preload/api.js';
import { api } from '../api.js';
import type { ErrorView } from '../errors.js';

/**
 * While the events of the upgrade could be missed (the web mode's event stream connects after the
 * first look, and reconnects after a drop), the window also asks where it stands this often: a missed
 * "done" would otherwise leave the banner up. A batch takes about a second, so this only fills gaps.
 */
export const UPGRADE_POLL_MS = 3000;

/**
 * Converting an older cache to the new format, which the app does by itself in the background after
 * opening it (main/app/upgrade.ts): its state from `app/upgradeStatus` and the ProgressEvents of kind
 * `upgrade`, for the banner at the top of the window.
 */
export const useCacheUpgradeStore = defineStore('cacheUpgrade', () => {
  const status = ref<CacheUpgradeStatus | null>(null);
  /** The failure banner was closed. */
  const dismissed = ref(false);
  let unsubscribe: (() => void) | null = null;
  let timer: ReturnType<typeof setTimeout> | null = null;
  /** Bumped by every event: a look that was asked before it is older than the event. */
  let heard = 0;

  const running = computed(() => status.value?.phase === 'records' || status.value?.phase === 'space');
  const finished = computed(() => status.value?.phase === 'done' || status.value?.phase === 'failed');

  const failure = computed<ErrorView | null>(() => {
    const s = status.value;
    if (s?.phase !== 'failed' || dismissed.value) return null;
    return {
      code: 'DB_ERROR',
      text: 'Upgrading the cache to the new format stopped. Every call stays readable; the upgrade goes on the next time the app starts.',
      detail: s.message ?? null,
    };
  });

  /** Once it is done or has failed nothing more comes: stop listening and asking. */
  function settle(): void {
    if (finished.value) stop();
  }

  async function look(): Promise<void> {
    const asked = heard;
    try {
      const now = await api.app.upgradeStatus();
      if (asked === heard) status.value = now;
    } catch {
      // The banner only informs: without an answer the window works as it is.
    }
    settle();
    if (unsubscribe !== null) timer = setTimeout(() => void look(), UPGRADE_POLL_MS);
  }

  /** Follows the upgrade until it is done or has failed (at once when there is none). */
  async function follow(): Promise<void> {
    if (unsubscribe !== null) return;
    unsubscribe = api.events.onProgress((event) => {
      if (event.kind !== 'upgrade' || event.upgrade === undefined) return;
      heard++;
      status.value = event.upgrade;
      settle();
    });
    await look();
  }

  function stop(): void {
    unsubscribe?.();
    unsubscribe = null;
    if (timer !== null) clearTimeout(timer);
    timer = null;
  }

  return { status, dismissed, running, failure, follow, stop };
});
