import { defineStore } from 'pinia';
import { ref, shallowRef } from 'vue';
import type { SessionDetail } from '../../../preload/api.js';
import { api, toApiError } from '../api.js';
import { describeError, type ErrorView } from '../errors.js';

/** The drill-down panel: one call's session (main record, legs, recordings). */
export const useSessionStore = defineStore('session', () => {
  const callId = ref<number | null>(null);
  const detail = shallowRef<SessionDetail | null>(null);
  const loading = ref(false);
  const error = ref<ErrorView | null>(null);
  let generation = 0;

  async function open(id: number): Promise<void> {
    if (callId.value === id && (detail.value !== null || loading.value)) return;
    const gen = ++generation;
    callId.value = id;
    detail.value = null;
    loading.value = true;
    error.value = null;
    try {
      const result = await api.calls.session({ call_id: id });
      if (gen === generation) detail.value = result;
    } catch (e) {
      if (gen === generation) error.value = describeError(toApiError(e));
    } finally {
      if (gen === generation) loading.value = false;
    }
  }

  function close(): void {
    generation++;
    callId.value = null;
    detail.value = null;
    loading.value = false;
    error.value = null;
  }

  return { callId, detail, loading, error, open, close };
});
