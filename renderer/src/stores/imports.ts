import { defineStore } from 'pinia';
import { ref, shallowRef } from 'vue';
import type { FileRef, ImportEntry, ImportFileResult, ImportRequest, ImportUndoResult, ProgressEvent } from '../../../preload/api.js';
import { api, filesFromDrop, toApiError } from '../api.js';
import { describeError, type ErrorView } from '../errors.js';
import { emptyForm, validatePbxForm, type PbxFormErrors } from '../pbx-form.js';
import { newTaskId } from '../task-id.js';
import { useCallsStore } from './calls.js';
import { useFilterStore } from './filter.js';
import { usePbxStore } from './pbx.js';
import { useRatesStore } from './rates.js';
import { useSessionStore } from './session.js';

export type DateOrder = NonNullable<ImportRequest['date_order']>;

/** The Import screen: files in, progress, per-file outcome, and the column-mapping re-run. */
export const useImportsStore = defineStore('imports', () => {
  /** Profile the imported calls belong to; '' = the "Imported" source. */
  const targetPbx = ref('');
  /**
   * Set while "a new source" is chosen instead of targetPbx: an import-only source made when the
   * files are in (not before: a cancelled file choice leaves no empty source), then imported into.
   */
  const newSource = ref<{ name: string; tz: string } | null>(null);
  const newSourceErrors = ref<PbxFormErrors>({});
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
  /**
   * The column mapping last sent for each file, by name: when the file is refused again, the mapping
   * form stays with these columns and choices, and says what is still missing.
   */
  const mappings = ref(new Map<string, Record<string, string>>());
  /** The import log ("Past imports"), newest first. */
  const history = ref<ImportEntry[]>([]);
  const historyLoaded = ref(false);
  const historyError = ref<ErrorView | null>(null);
  /** The import being taken back, while its undo runs. */
  const undoing = ref<number | null>(null);
  const undone = ref<ImportUndoResult | null>(null);
  let historyGeneration = 0;

  /** `again` re-runs files of the last run (with a column mapping or a date order) in their places. */
  async function run(files: FileRef[], again?: { mapping?: Record<string, string>; dateOrder?: 'mdy' | 'dmy' }): Promise<void> {
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
      const request: ImportRequest = { taskId: id, files, date_order: again?.dateOrder ?? dateOrder.value };
      if (targetPbx.value) request.pbx = targetPbx.value;
      if (again?.mapping) request.mapping = again.mapping;
      const result = await api.imports.run(request);
      if (again) {
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
    await Promise.all([cacheChanged(), loadHistory()]);
  }

  /** Calls were added or removed: source counts, the call list, its filter options and the unrated count follow. */
  function cacheChanged(): Promise<unknown> {
    const calls = useCallsStore();
    return Promise.all([
      usePbxStore().load(),
      useFilterStore().loadOptions(),
      calls.loaded ? calls.refresh() : Promise.resolve(),
      useRatesStore().loadState(),
    ]);
  }

  async function loadHistory(): Promise<void> {
    // An import and an undo both reload the list; only the latest answer may land.
    const gen = ++historyGeneration;
    try {
      const entries = await api.imports.list();
      if (gen !== historyGeneration) return;
      history.value = entries;
      historyError.value = null;
    } catch (e) {
      if (gen === historyGeneration) historyError.value = describeError(toApiError(e));
    } finally {
      if (gen === historyGeneration) historyLoaded.value = true;
    }
  }

  /**
   * Takes an import back; the error, if any, is returned for the confirmation dialog to show. The list
   * is reloaded either way: a refusal ("undone already") means this window's list was out of date.
   */
  async function undo(id: number): Promise<ErrorView | null> {
    if (undoing.value !== null || running.value) return null;
    undoing.value = id;
    undone.value = null;
    let failure: ErrorView | null = null;
    try {
      undone.value = await api.imports.undo({ id });
    } catch (e) {
      failure = describeError(toApiError(e));
    } finally {
      undoing.value = null;
    }
    await Promise.all([loadHistory(), ...(failure ? [] : [cacheChanged(), useSessionStore().reload()])]);
    return failure;
  }

  /** Checked before the file chooser opens, so a bad name costs no file choice. */
  function newSourceReady(): boolean {
    const source = newSource.value;
    newSourceErrors.value = source
      ? validatePbxForm({ ...emptyForm(), name: source.name, tz: source.tz }, { others: usePbxStore().profiles, importOnly: true })
      : {};
    return Object.keys(newSourceErrors.value).length === 0;
  }

  async function createNewSource(): Promise<boolean> {
    const source = newSource.value;
    if (!source) return true;
    const outcome = await usePbxStore().saveImportSource({ name: source.name.trim(), tz: source.tz.trim() });
    if ('error' in outcome) {
      error.value = outcome.error;
      return false;
    }
    targetPbx.value = outcome.profile.name;
    newSource.value = null;
    return true;
  }

  async function start(obtain: () => Promise<FileRef[]>): Promise<void> {
    if (running.value || preparing.value || !newSourceReady()) return;
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
    if (files.length === 0 || !(await createNewSource())) return;
    refs.value = new Map(files.map((f) => [f.name, f]));
    results.value = [];
    mappings.value = new Map();
    await run(files);
  }

  /** Must be called straight from the click: the browser opens its file chooser only then. */
  function pick(): Promise<void> {
    return start(() => api.dialogs.pickImportFiles());
  }

  function drop(files: File[]): Promise<void> {
    return start(() => filesFromDrop(files));
  }

  function rerun(fileName: string, again: { mapping?: Record<string, string>; dateOrder?: 'mdy' | 'dmy' }): Promise<void> {
    const ref = refs.value.get(fileName);
    if (!ref) {
      error.value = describeError({ code: 'NOT_FOUND', message: `${fileName} is no longer available; add it again.` });
      return Promise.resolve();
    }
    return run([ref], again);
  }

  /** Re-runs one refused file with the user's column mapping (header text -> canonical field). */
  function applyMapping(fileName: string, mapping: Record<string, string>): Promise<void> {
    mappings.value = new Map(mappings.value).set(fileName, { ...mapping });
    return rerun(fileName, { mapping });
  }

  /** Re-runs one file refused because its dates read either way, with the order the user chose. */
  function applyDateOrder(fileName: string, order: 'mdy' | 'dmy'): Promise<void> {
    return rerun(fileName, { dateOrder: order });
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

  return {
    targetPbx,
    newSource,
    newSourceErrors,
    dateOrder,
    preparing,
    running,
    cancelling,
    progress,
    results,
    mappings,
    error,
    history,
    historyLoaded,
    historyError,
    undoing,
    undone,
    loadHistory,
    undo,
    pick,
    drop,
    applyMapping,
    applyDateOrder,
    cancel,
  };
});
