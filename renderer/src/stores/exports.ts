import { defineStore } from 'pinia';
import { ref } from 'vue';
import {
  EXPORT_FIELDS,
  type CallFilter,
  type ExportField,
  type ExportFormat,
  type ExportResult,
  type ProgressEvent,
  type RecordingsExportRequest,
  type RecordingsExportResult,
} from '../../../preload/api.js';
import { ApiError, api, startDownload, toApiError, transportMode } from '../api.js';
import { describeError, type ErrorView } from '../errors.js';
import { newTaskId } from '../task-id.js';
import { useCallsStore } from './calls.js';
import { useFilterStore } from './filter.js';
import { usePbxStore } from './pbx.js';

interface TaskState<R> {
  running: boolean;
  cancelling: boolean;
  taskId: string | null;
  progress: ProgressEvent | null;
  result: R | null;
  error: ErrorView | null;
}

function idle<R>(): TaskState<R> {
  return { running: false, cancelling: false, taskId: null, progress: null, result: null, error: null };
}

function stamp(): string {
  const d = new Date();
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}${p(d.getMonth() + 1)}${p(d.getDate())}-${p(d.getHours())}${p(d.getMinutes())}`;
}

/**
 * Exports of the filtered set ("Export File Data" as CSV, JSON or an Excel workbook) and of
 * recordings, one call's or the whole filtered set's. Desktop asks for a destination first; the web
 * mode downloads the file the server prepared.
 */
export const useExportsStore = defineStore('exports', () => {
  const format = ref<ExportFormat>('csv');
  /** CSV: start with a UTF-8 byte-order mark, which Excel on Windows needs to show names like Müller. */
  const bom = ref(false);
  const fields = ref<ExportField[]>([...EXPORT_FIELDS]);
  const data = ref<TaskState<ExportResult>>(idle());
  const recordings = ref<TaskState<RecordingsExportResult>>(idle());

  async function track<R>(state: TaskState<R>, kind: 'export' | 'recordings', work: (taskId: string) => Promise<R | null>) {
    const taskId = newTaskId(kind);
    Object.assign(state, { ...idle<R>(), running: true, taskId });
    const stop = api.events.onProgress((event) => {
      if (event.taskId === taskId) state.progress = event;
    });
    try {
      state.result = await work(taskId);
    } catch (e) {
      state.error = describeError(toApiError(e));
    } finally {
      stop();
      state.running = false;
      state.cancelling = false;
    }
  }

  function setFields(next: ExportField[]): void {
    fields.value = EXPORT_FIELDS.filter((f) => next.includes(f));
  }

  /** Exports the calls the table shows (the applied filter and sort). */
  function exportCalls(): Promise<void> {
    if (data.value.running) return Promise.resolve();
    const calls = useCallsStore();
    const chosenFormat = format.value;
    const chosenFields = [...fields.value];
    if (chosenFields.length === 0) {
      data.value.error = describeError({ code: 'BAD_INPUT', message: 'Choose at least one field to export.' });
      return Promise.resolve();
    }
    const withBom = chosenFormat === 'csv' && bom.value ? { bom: true } : {};
    const fileName = `calls-${stamp()}.${chosenFormat}`;
    return track(data.value, 'export', async (taskId) => {
      const request = { taskId, filter: useFilterStore().applied, sort: { ...calls.sort }, format: chosenFormat, fields: chosenFields, ...withBom };
      if (transportMode === 'desktop') {
        const target = await api.dialogs.pickSaveFile({ suggested_name: fileName, format: chosenFormat });
        if (target === null) return null;
        return api.exports.run({ ...request, target });
      }
      const result = await api.exports.run(request);
      if (result.download_url) startDownload(result.download_url, fileName);
      return result;
    });
  }

  /** Copies recordings: one call's (call_id) or those of the filtered set (filter). */
  function exportRecordings(scope: { call_id: number; pbx: string } | { filter: CallFilter }): Promise<void> {
    if (recordings.value.running) return Promise.resolve();
    const pbx = usePbxStore();
    const profile = 'pbx' in scope ? pbx.byName(scope.pbx) : undefined;
    return track(recordings.value, 'recordings', async (taskId) => {
      // A set without recordings is said so, rather than answered with an empty archive or folder.
      if ('filter' in scope && (scope.filter.has_recording === false || (await api.calls.totals({ filter: { ...scope.filter, has_recording: true } })).count === 0)) {
        throw new ApiError('BAD_INPUT', 'There are no recordings in these calls: nothing to export.', { no_recordings: true });
      }
      const base: RecordingsExportRequest = 'call_id' in scope ? { taskId, call_id: scope.call_id } : { taskId, filter: scope.filter };
      if (transportMode === 'desktop') {
        const target = await api.dialogs.pickFolder();
        if (target === null) return null;
        base.target = target;
      }
      const run = (password: string | undefined) =>
        api.recordings.export(password === undefined ? base : { ...base, password });
      const result = profile ? await pbx.withPassword(profile, run) : await run(undefined);
      if (result.download_url) startDownload(result.download_url, `recordings-${stamp()}.tar`);
      return result;
    });
  }

  async function cancel(which: 'data' | 'recordings'): Promise<void> {
    const state = which === 'data' ? data.value : recordings.value;
    if (!state.running || !state.taskId || state.cancelling) return;
    state.cancelling = true;
    try {
      await api.tasks.cancel({ taskId: state.taskId });
    } catch (e) {
      state.cancelling = false;
      state.error = describeError(toApiError(e));
    }
  }

  return { format, bom, fields, data, recordings, setFields, exportCalls, exportRecordings, cancel };
});
