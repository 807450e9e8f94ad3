import { defineStore } from 'pinia';
import { ref, shallowRef } from 'vue';
import type {
  FileRef,
  ProgressEvent,
  RateImportResult,
  RateLookup,
  RateLookupRequest,
  RatePlan,
  RatePlanDetail,
  RatingState,
  RerateResult,
} from '../../../preload/api.js';
import { api, toApiError } from '../api.js';
import { describeError, type ErrorView } from '../errors.js';
import { newTaskId } from '../task-id.js';
import { useCallsStore } from './calls.js';
import { useReportsStore } from './reports.js';
import { useSessionStore } from './session.js';

/** A line of a refused rate sheet, as the service lists it in `details.problems`. */
export interface SheetProblem {
  line: number;
  message: string;
}

/** A refusal with every bad line of the sheet, when the service named them. */
export interface RatesFailure {
  error: ErrorView;
  problems: SheetProblem[];
}

function failure(e: unknown): RatesFailure {
  const error = toApiError(e);
  const listed = error.details?.['problems'];
  const problems = Array.isArray(listed)
    ? listed.filter((p): p is SheetProblem => typeof p?.line === 'number' && typeof p?.message === 'string')
    : [];
  if (problems.length === 0) return { error: describeError(error), problems };
  // The message's first line sums the refusal up; the lines after it repeat (some of) the problems listed.
  const [summary = error.message] = error.message.split('\n');
  return { error: describeError({ code: error.code, message: summary, details: error.details }), problems };
}

export interface RateImportForm {
  file: FileRef;
  plan: string;
  currency: string;
  pbx: string[];
  trunks: string[];
}

/**
 * Rate plans and the costs they give the calls: the plans, one plan's rows, import, assignment,
 * removal, lookups, and re-rating. A change to the plans (or to a PBX's dial plan) returns at once and
 * leaves the cached costs stale; `checkState` then runs `rates/rerate` as a task with progress that can
 * be cancelled, and the screens showing costs are refreshed when it ends.
 */
export const useRatesStore = defineStore('rates', () => {
  const plans = ref<RatePlan[]>([]);
  const loaded = ref(false);
  const loading = ref(false);
  const error = ref<ErrorView | null>(null);

  /** The plan whose rows are shown. */
  const selected = ref<string | null>(null);
  const detail = shallowRef<RatePlanDetail | null>(null);
  const detailLoading = ref(false);
  const detailError = ref<ErrorView | null>(null);
  let detailGeneration = 0;

  const state = ref<RatingState | null>(null);

  const rerating = ref(false);
  const cancelling = ref(false);
  const taskId = ref<string | null>(null);
  const progress = ref<ProgressEvent | null>(null);
  const rerateResult = ref<RerateResult | null>(null);
  const rerateError = ref<ErrorView | null>(null);
  /** The last run was cancelled: costs stay partly out of date until the next run. */
  const rerateCancelled = ref(false);
  /** A change came while a run was going: look again when it ends. */
  let checkAgain = false;

  const lookupResult = shallowRef<RateLookup | null>(null);
  const lookupError = ref<ErrorView | null>(null);
  const lookingUp = ref(false);

  async function load(): Promise<void> {
    loading.value = true;
    try {
      plans.value = await api.rates.list();
      error.value = null;
      if (selected.value !== null && !plans.value.some((p) => p.name === selected.value)) select(null);
    } catch (e) {
      error.value = describeError(toApiError(e));
    } finally {
      loading.value = false;
      loaded.value = true;
    }
  }

  async function showPlan(name: string): Promise<void> {
    const gen = ++detailGeneration;
    detailLoading.value = true;
    detailError.value = null;
    try {
      const answer = await api.rates.show({ plan: name });
      if (gen === detailGeneration) detail.value = answer;
    } catch (e) {
      if (gen === detailGeneration) {
        detail.value = null;
        detailError.value = describeError(toApiError(e));
      }
    } finally {
      if (gen === detailGeneration) detailLoading.value = false;
    }
  }

  /** Shows the rows of plan `name` (null: none). */
  function select(name: string | null): Promise<void> {
    selected.value = name;
    if (name === null) {
      detailGeneration++;
      detail.value = null;
      detailError.value = null;
      detailLoading.value = false;
      return Promise.resolve();
    }
    return showPlan(name);
  }

  /** Asks whether costs follow the plans as they are now; a failure keeps the last answer. */
  async function loadState(): Promise<RatingState | null> {
    try {
      state.value = await api.rates.state();
    } catch {
      // The state only adds a notice; the screens work without it.
    }
    return state.value;
  }

  /** Rates the calls again when a change left their costs stale (at start, after every change). */
  async function checkState(): Promise<void> {
    if (rerating.value) {
      checkAgain = true;
      return;
    }
    const current = await loadState();
    if (current?.stale) await rerate();
  }

  /** The calls, the open call and a report shown may show costs that just changed. */
  async function costsChanged(): Promise<void> {
    const calls = useCallsStore();
    const reports = useReportsStore();
    await Promise.all([
      calls.loaded ? calls.refresh() : Promise.resolve(),
      useSessionStore().reload(),
      reports.result !== null ? reports.run() : Promise.resolve(),
    ]);
  }

  async function rerate(): Promise<void> {
    if (rerating.value) return;
    const id = newTaskId('rating');
    taskId.value = id;
    rerating.value = true;
    progress.value = null;
    rerateError.value = null;
    rerateCancelled.value = false;
    checkAgain = false;
    const stop = api.events.onProgress((event) => {
      if (event.taskId === id) progress.value = event;
    });
    let unchanged = false;
    try {
      const result = await api.rates.rerate({ taskId: id });
      rerateResult.value = result;
      state.value = result.state;
      unchanged = result.changed === 0;
    } catch (e) {
      const err = toApiError(e);
      if (err.code === 'CANCELLED') rerateCancelled.value = true;
      else rerateError.value = describeError(err);
      await loadState();
    } finally {
      stop();
      rerating.value = false;
      cancelling.value = false;
      taskId.value = null;
    }
    // Calls priced before a failure or a cancel keep their new cost: show them either way.
    if (!unchanged) await costsChanged();
    if (checkAgain && !rerateCancelled.value) await checkState();
  }

  async function cancel(): Promise<void> {
    if (!rerating.value || !taskId.value || cancelling.value) return;
    cancelling.value = true;
    try {
      await api.tasks.cancel({ taskId: taskId.value });
    } catch (e) {
      cancelling.value = false;
      rerateError.value = describeError(toApiError(e));
    }
  }

  /** After a change to the plans: the list and the rows shown now; the costs follow as a task. */
  async function changed(): Promise<void> {
    await load();
    if (selected.value !== null) await showPlan(selected.value);
    void checkState();
  }

  async function importSheet(form: RateImportForm): Promise<{ result: RateImportResult } | RatesFailure> {
    let result: RateImportResult;
    try {
      const currency = form.currency.trim().toUpperCase();
      result = await api.rates.import({
        file: form.file,
        plan: form.plan.trim(),
        ...(currency === '' ? {} : { currency }),
        pbx: form.pbx,
        trunks: form.trunks,
      });
    } catch (e) {
      return failure(e);
    }
    selected.value = result.plan.name;
    await changed();
    return { result };
  }

  async function assign(plan: string, pbx: string[], trunks: string[]): Promise<{ plan: RatePlan } | RatesFailure> {
    let saved: RatePlan;
    try {
      saved = await api.rates.assign({ plan, pbx, trunks });
    } catch (e) {
      return failure(e);
    }
    await changed();
    return { plan: saved };
  }

  async function remove(plan: string): Promise<ErrorView | null> {
    try {
      await api.rates.remove({ plan });
    } catch (e) {
      return describeError(toApiError(e));
    }
    if (selected.value === plan) await select(null);
    await changed();
    return null;
  }

  async function lookup(request: RateLookupRequest): Promise<void> {
    lookingUp.value = true;
    lookupError.value = null;
    try {
      lookupResult.value = await api.rates.lookup(request);
    } catch (e) {
      lookupResult.value = null;
      lookupError.value = describeError(toApiError(e));
    } finally {
      lookingUp.value = false;
    }
  }

  return {
    plans,
    loaded,
    loading,
    error,
    selected,
    detail,
    detailLoading,
    detailError,
    state,
    rerating,
    cancelling,
    progress,
    rerateResult,
    rerateError,
    rerateCancelled,
    lookupResult,
    lookupError,
    lookingUp,
    load,
    select,
    loadState,
    checkState,
    rerate,
    cancel,
    importSheet,
    assign,
    remove,
    lookup,
  };
});
