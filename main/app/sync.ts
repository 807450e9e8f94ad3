import type { UcmApi } from '../../preload/api.js';
import { syncPbx } from '../sync/sync.js';
import { passwordFor, requirePbx, type AppContext } from './context.js';
import { progressReporter } from './tasks.js';
import { checkNewCalls } from './watch.js';

/** `sync/run`: brings the cache up to date with one PBX, as a cancellable task with progress. */
export function createSyncArea(ctx: AppContext): UcmApi['sync'] {
  const { store, tasks, emitProgress } = ctx;
  return {
    async run({ taskId, pbx_id, full, password }) {
      const profile = requirePbx(ctx, pbx_id);
      const secret = passwordFor(ctx, profile, password);
      return tasks.run(taskId, async (signal) => {
        const progress = progressReporter(taskId, 'sync', emitProgress);
        try {
          const result = await syncPbx(store, profile.id, secret, {
            full: full ?? false,
            signal,
            onProgress: (p) =>
              progress.report({
                stage: p.stage,
                done: p.done,
                total: p.total,
                bytes: p.bytes,
                rate: p.rate,
                eta_seconds: p.eta_seconds,
              }),
          });
          checkNewCalls(ctx);
          return result;
        } finally {
          progress.flush();
        }
      });
    },
  };
}
