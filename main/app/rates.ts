import type { UcmApi } from '../../preload/api.js';
import { AppError } from '../errors.js';
import { assignPlan, importRateSheet, lookupRate, rerateCalls } from '../rates/plans.js';
import type { AppContext } from './context.js';
import { progressReporter } from './tasks.js';

/**
 * `rates/*`: rate plans and the re-rating task. A change returns at once; the window then runs
 * `rates/rerate` as a cancellable task with progress (rates/state says whether one is due).
 */
export function createRatesArea({ store, files, tasks, emitProgress }: AppContext): UcmApi['rates'] {
  return {
    async list() {
      return store.rates.list();
    },
    async show({ plan }) {
      const detail = store.rates.get(plan);
      if (detail === null) throw new AppError('NOT_FOUND', `There is no rate plan named "${plan}".`, { plan });
      return detail;
    },
    async import({ file, plan, currency, pbx, trunks }) {
      const path = files.resolve(file, 'file');
      return importRateSheet(store, path, { plan, currency, scope: { pbx: pbx ?? [], trunks: trunks ?? [] }, fileName: file.name });
    },
    async assign({ plan, pbx, trunks }) {
      return assignPlan(store, plan, { pbx, trunks });
    },
    async remove({ plan }) {
      store.rates.remove(plan);
    },
    async lookup(request) {
      return lookupRate(store, request);
    },
    async state() {
      return store.rates.state();
    },
    async rerate({ taskId }) {
      return tasks.run(taskId, async (signal) => {
        const progress = progressReporter(taskId, 'rating', emitProgress);
        try {
          return await rerateCalls(store, {
            signal,
            onProgress: (done, total) => progress.report({ stage: 'Calculating call costs', done, total }),
          });
        } finally {
          progress.flush();
        }
      });
    },
  };
}
