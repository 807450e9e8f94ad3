import type { UcmApi } from '../../preload/api.js';
import { notFound, type AppContext } from './context.js';

/** `calls/*`: the cached calls as the window pages, counts and opens them. */
export function createCallsArea({ store }: AppContext): UcmApi['calls'] {
  return {
    async page(req) {
      return store.calls.page(req);
    },
    async totals({ filter }) {
      return store.calls.totals(filter);
    },
    async session({ call_id }) {
      const detail = store.calls.session(call_id);
      if (!detail) throw notFound('Call', call_id);
      return detail;
    },
    async filterOptions() {
      return store.calls.filterOptions();
    },
  };
}
