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
  /** One line saying why the panel closed by itself (its call was removed); cleared by the next open. */
  const notice = ref<string | null>(null);
  let generation = 0;

  function close(): void {
    generation++;
    callId.value = null;
    detail.value = null;
    loading.value = false;
    error.value = null;
  }

  function closeRemoved(pbx: string | undefined): void {
    close();
    notice.value = pbx ? `This call was removed with PBX ${pbx}.` : 'This call is no longer in the cache: it was removed with its PBX.';
  }

  /**
   * Asks for the call's details; the answer counts only if nothing newer asked meanwhile. `gone` is
   * the notice to close with when the call is no longer in the cache.
   */
  async function fetch(id: number, gone: () => void): Promise<void> {
    const gen = ++generation;
    error.value = null;
    try {
      const result = await api.calls.session({ call_id: id });
      if (gen === generation) detail.value = result;
    } catch (e) {
      if (gen !== generation) return;
      const failure = toApiError(e);
      if (failure.code === 'NOT_FOUND') gone();
      else error.value = describeError(failure);
    } finally {
      // This answer supersedes any fetch still in flight, whose own finally no longer applies.
      if (gen === generation) loading.value = false;
    }
  }

  /** `pbx`: the name shown in the row, for the notice when the call turns out to be gone. */
  async function open(id: number, pbx?: string): Promise<void> {
    if (callId.value === id && (detail.value !== null || loading.value)) return;
    callId.value = id;
    detail.value = null;
    loading.value = true;
    notice.value = null;
    await fetch(id, () => closeRemoved(pbx));
  }

  /** A PBX was removed with its calls: a panel showing one of them closes with the notice. */
  function pbxRemoved(pbx: string): void {
    if (callId.value === null) return;
    const shown = detail.value?.call.pbx;
    if (shown === pbx) closeRemoved(pbx);
    // Still loading: the answer may be for a call that no longer exists; ask again.
    else if (shown === undefined) {
      const id = callId.value;
      close();
      void open(id, pbx);
    }
  }

  /**
   * An import was undone: the shown call may be gone (one the import created) or have values taken
   * back. Asks again, keeping the shown details until the answer replaces them.
   */
  async function reload(): Promise<void> {
    const id = callId.value;
    if (id === null) return;
    await fetch(id, () => {
      close();
      notice.value = 'This call is no longer in the cache: the import it came from was undone.';
    });
  }

  function dismissNotice(): void {
    notice.value = null;
  }

  return { callId, detail, loading, error, notice, open, close, pbxRemoved, reload, dismissNotice };
});
