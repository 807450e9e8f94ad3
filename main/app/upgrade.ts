import { CACHE_UPGRADE_TASK_ID, type CacheUpgradeStatus } from '../../preload/api.js';
import { toAppError } from '../errors.js';
import type { BackgroundUpgradeOptions } from '../store/record-upgrade.js';
import type { AppContext } from './context.js';
import { progressReporter } from './tasks.js';

/**
 * The conversion of an older cache's records (schema 8, main/store/record-upgrade.ts) while the app
 * runs: the desktop app and `ucmcdr serve` open the cache with `deferUpgrade`, and this converts it
 * batch by batch in the background, the requests answered between batches. Its state is
 * `app/upgradeStatus`, and every change goes out as a ProgressEvent of kind `upgrade`, so the window
 * shows the progress, the VACUUM that follows, and a failure (after which the cache works as it is and
 * the next start goes on). Not a task of the registry: nobody cancels it; closing the app stops it
 * after the batch in flight.
 */

export interface CacheUpgradeOptions extends Pick<BackgroundUpgradeOptions, 'batchCalls' | 'pause'> {
  /** One line when it starts, gives the space back, ends or stops (the desktop's console, `serve`'s stderr). */
  log?(line: string): void;
}

export interface CacheUpgrade {
  status(): CacheUpgradeStatus;
  /** Begins converting, on the next turn of the event loop, when the cache has something to convert. */
  start(): void;
  /** Stops after the batch in flight and waits for it, before the store closes. */
  stop(): Promise<void>;
}

const count = (n: number): string => n.toLocaleString('en-US');

/** What a ProgressEvent's `stage` says of a state. */
function stageOf(status: CacheUpgradeStatus): string {
  switch (status.phase) {
    case 'records':
      return `Upgrading the cache: ${count(status.done)} of ${count(status.total)} calls converted`;
    case 'space':
      return 'Upgrading the cache: giving disk space back';
    case 'done':
      return 'The cache is upgraded';
    case 'failed':
      return status.message ?? 'Upgrading the cache stopped';
  }
}

export function createCacheUpgrade(ctx: AppContext, options: CacheUpgradeOptions = {}): CacheUpgrade {
  const log = options.log ?? (() => undefined);
  let status: CacheUpgradeStatus = ctx.store.upgrade.pending() ? { phase: 'records', done: 0, total: 0 } : { phase: 'done', done: 0, total: 0 };
  let running: Promise<void> | null = null;
  let stopping = false;
  // Not throttled: one event per batch (about a second each at the default size) and per phase.
  const progress = progressReporter(CACHE_UPGRADE_TASK_ID, 'upgrade', (event) => ctx.emitProgress({ ...event, upgrade: { ...status } }), {
    intervalMs: 0,
  });

  function set(next: CacheUpgradeStatus): void {
    status = next;
    progress.report({ stage: stageOf(next), done: next.done, total: next.total });
  }

  async function convert(): Promise<void> {
    const began = Date.now();
    // The shell goes on opening its window or server first.
    await new Promise((resolve) => setImmediate(resolve));
    if (stopping) return;
    try {
      const outcome = await ctx.store.upgrade.run({
        ...(options.batchCalls === undefined ? {} : { batchCalls: options.batchCalls }),
        ...(options.pause === undefined ? {} : { pause: options.pause }),
        stopped: () => stopping,
        onProgress: ({ phase, done, total }) => {
          if (phase === 'records' && done === 0) log(`Upgrading the cache to the compact record form in the background: ${count(total)} calls to convert.`);
          if (phase === 'space') log('Upgrading the cache: giving the space it freed back to the disk.');
          set({ phase, done, total });
        },
      });
      // Stopped by the app closing: the next start goes on from the last batch.
      if (outcome === 'stopped') return;
      set({ phase: 'done', done: status.done, total: status.total });
      log(`The cache is upgraded (${Math.round((Date.now() - began) / 1000)} s).`);
    } catch (error) {
      const failure = toAppError(error);
      set({ phase: 'failed', done: status.done, total: status.total, message: failure.message });
      log(`Upgrading the cache stopped: ${failure.message}`);
    }
  }

  return {
    status: () => ({ ...status }),
    start() {
      if (running !== null || stopping || status.phase !== 'records') return;
      running = convert().finally(() => {
        running = null;
      });
    },
    async stop() {
      stopping = true;
      await running;
    },
  };
}
