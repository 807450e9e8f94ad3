import type { UcmApi } from '../../preload/api.js';
import type { AppContext } from './context.js';

/** `reports/*`: the reports of the filtered calls, computed by the store's reports area. */
export function createReportsArea({ store }: AppContext): UcmApi['reports'] {
  return {
    async run(request) {
      return store.reports.run(request);
    },
  };
}
