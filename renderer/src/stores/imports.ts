import { defineStore } from 'pinia';
import { ref, shallowRef } from 'vue';
import type { FileRef, ImportFileResult, ImportRequest, ProgressEvent } from '../../../preload/api.js';
import { api, filesFromDrop, toApiError } from '../api.js';
import { describeError, type ErrorView } from '../errors.js';
import { newTaskId } from '../task-id.js';
import { useCallsStore } from './calls.js';
import { usePbxStore } from './pbx.js';

export type DateOrder = NonNullable<ImportRequest['date_order']>;

/** The Import screen: files in, progress, per-file outcome, and the column-mapping re-run. */
export const useImportsStore = defineStore('imports', () => {
  /** Profile the imported calls belong to; '' = the "Imported" source. */
  const targetPbx = ref('');
  const dateOrder = ref<DateOrder>('auto');
  const preparing = ref(false);
  const running = ref(false);
  const cancelling = ref(false);
  const taskId = ref<string | null>(null);
  const progress = ref<ProgressEvent | null>(null);
  const results = ref<ImportFileResult[]>([]);
  const error = ref<ErrorView | null>(null);
  // Handles of the last run's files, by name, for re-running one with a column mapping.
  const refs = shallowRef(new Map<string, FileRef>());

  async function run(files: FileRef[], mapping?: Record<string, string>): Promise<void> {
    if (running.value || files.length === 0) return;
    const id = newTaskId('import');
    taskId.value = id;
    running.value = true;
    progress.value = null;
    error.value = null;
    const stop = api.events.onProgress((event) => {
      if (event.taskId === id) progress.value = event;
    });
    try {
      const request: ImportRequest = { taskId: id, files, date_order: dateOrder.value };
      if (targetPbx.value) request.pbx = targetPbx.value;
      if (mapping) request.mapping = mapping;
      const result = await api.imports.run(request);
      if (mapping) {
        const redone = new Map(result.files.map((f) => [f.file, f]));
        results.value = results.value.map((f) => redone.get(f.file) ?? f);
      } else {
        results.value = result.files;
      }
    } catch (e) {
      error.value = describeError(toApiError(e));
    } finally {
      stop();
      running.value = false;
      cancelling.value = false;
    }
    const calls = useCallsStore();
    await Promise.all([usePbxStore().load(), calls.loadOptions(), calls.loaded ? calls.refresh() : Promise.resolve()]);
  }

  async function start(obtain: () => Promise<FileRef[]>): Promise<void> {
    if (running.value || preparing.value) return;
    preparing.value = true;
    error.value = null;
    let files: FileRef[];
    try {
      files = await obtain();
    } catch (e) {
      error.value = describeError(toApiError(e));
      return;
    } finally {
      preparing.value = false;
    }
    if (files.length === 0) return;
    refs.value = new Map(files.map((f) => [f.name, f]));
    results.value = [];
    await run(files);
  }

  /** Must be called straight from the click: the browser opens its file chooser only then. */
  function pick(): Promise<void> {
    return start(() => api.dialogs.pickImportFiles());
  }

  function drop(files: File[]): Promise<void> {
    return start(() => filesFromDrop(files));
  }

  /** Re-runs one refused file with the user's column mapping (header text -> canonical field). */
  function applyMapping(fileName: string, mapping: Record<string, string>): Promise<void> {
    const ref = refs.value.get(fileName);
    if (!ref) {
      error.value = describeError({ code: 'NOT_FOUND', message: `${fileName} is no longer available; add it again.` });
      return Promise.resolve();
    }
    return run([ref], mapping);
  }

  async function cancel(): Promise<void> {
    if (!running.value || !taskId.value || cancelling.value) return;
    cancelling.value = true;
    try {
      await api.tasks.cancel({ taskId: taskId.value });
    } catch (e) {
      cancelling.value = false;
      error.value = describeError(toApiError(e));
    }
  }

  return { targetPbx, dateOrder, preparing, running, cancelling, progress, results, error, pick, drop, applyMapping, cancel };
});
