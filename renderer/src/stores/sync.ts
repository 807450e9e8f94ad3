import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import type { ProgressEvent, SyncResult } from '../../../preload/api.js';
import { api, toApiError } from '../api.js';
import { describeError, type ErrorView } from '../errors.js';
import { newTaskId } from '../task-id.js';
import { useCallsStore } from './calls.js';
import { useFilterStore } from './filter.js';
import { usePbxStore } from './pbx.js';
import { useRatesStore } from './rates.js';

export interface SyncRun {
  pbxId: number;
  taskId: string;
  running: boolean;
  cancelling: boolean;
  progress: ProgressEvent | null;
  result: SyncResult | null;
  error: ErrorView | null;
}

/** Sync runs per PBX profile: start, progress, cancel, outcome. */
export const useSyncStore = defineStore('sync', () => {
  const runs = ref<Record<number, SyncRun>>({});

  const active = computed(() => Object.values(runs.value).filter((r) => r.running));

  async function start(pbxId: number, full = false): Promise<void> {
    if (runs.value[pbxId]?.running) return;
    const pbx = usePbxStore();
    const profile = pbx.byId(pbxId);
    if (!profile) return;
    const taskId = newTaskId('sync');
    runs.value[pbxId] = { pbxId, taskId, running: true, cancelling: false, progress: null, result: null, error: null };
    const run = runs.value[pbxId];
    const stop = api.events.onProgress((event) => {
      if (event.taskId === run.taskId) run.progress = event;
    });
    try {
      run.result = await pbx.withPassword(profile, (password) =>
        api.sync.run(password === undefined ? { taskId, pbx_id: pbxId, full } : { taskId, pbx_id: pbxId, full, password }),
      );
    } catch (e) {
      run.error = describeError(toApiError(e));
    } finally {
      stop();
      run.running = false;
      run.cancelling = false;
    }
    // Whatever the outcome, pages committed before a failure or cancel are in the cache (rated as they came).
    const calls = useCallsStore();
    await Promise.all([pbx.load(), useFilterStore().loadOptions(), calls.loaded ? calls.refresh() : Promise.resolve(), useRatesStore().loadState()]);
  }

  async function cancel(pbxId: number): Promise<void> {
    const run = runs.value[pbxId];
    if (!run?.running || run.cancelling) return;
    run.cancelling = true;
    try {
      await api.tasks.cancel({ taskId: run.taskId });
    } catch (e) {
      run.cancelling = false;
      run.error = describeError(toApiError(e));
    }
  }

  return { runs, active, start, cancel };
});
