import { defineStore } from 'pinia';
import { computed, ref, shallowRef } from 'vue';
import {
  ACTIVITY_BUCKETS,
  CONCURRENCY_BUCKETS,
  COST_BUCKETS,
  REPORT_KINDS,
  TOP_OF,
  type ActivityBucket,
  type CallFilter,
  type ConcurrencyBucket,
  type CostBucket,
  type MissedReport,
  type ReportKind,
  type ReportRequest,
  type ReportResult,
  type TopOf,
} from '../../../preload/api.js';
import { api, startDownload, toApiError, transportMode } from '../api.js';
import { quickRange } from '../dates.js';
import { describeError, type ErrorView } from '../errors.js';
import { filterKey } from '../filter-state.js';
import type { AddressPart } from './filter.js';
import { useFilterStore } from './filter.js';

export const DEFAULT_TOP_LIMIT = 10;
const MAX_TOP_LIMIT = 1000;

/** The report chosen and its options; kept per kind, so switching reports and back keeps each one's choices. */
export interface ReportOptions {
  kind: ReportKind;
  activityBy: ActivityBucket;
  compare: boolean;
  of: TopOf;
  limit: number;
  concurrencyBy: ConcurrencyBucket;
  /** Concurrency of one trunk; '' for every call. */
  trunk: string;
  costsBy: CostBucket;
}

function defaultOptions(): ReportOptions {
  return { kind: 'summary', activityBy: 'day', compare: false, of: 'callers', limit: DEFAULT_TOP_LIMIT, concurrencyBy: 'day', trunk: '', costsBy: 'extension' };
}

/** The buckets `by` takes for a report kind (activity's for the kinds without one, as before). */
function bucketsOf(kind: ReportKind): readonly string[] {
  if (kind === 'concurrency') return CONCURRENCY_BUCKETS;
  return kind === 'costs' ? COST_BUCKETS : ACTIVITY_BUCKETS;
}

/** The service request of a report over a filter: only the options that report takes. */
export function reportRequest(options: ReportOptions, filter: CallFilter): ReportRequest {
  const request: ReportRequest = { kind: options.kind, filter };
  if (options.kind === 'activity') {
    request.by = options.activityBy;
    if (options.compare) request.compare = 'previous';
  } else if (options.kind === 'top') {
    request.of = options.of;
    request.limit = options.limit;
  } else if (options.kind === 'concurrency') {
    request.by = options.concurrencyBy;
    if (options.trunk) request.trunk = options.trunk;
  } else if (options.kind === 'costs') {
    request.by = options.costsBy;
  }
  return request;
}

/** The report's parameters in the address, beside the filter's (`report=activity&by=week&compare=previous`). */
export function writeReportParams(options: ReportOptions, params: URLSearchParams): URLSearchParams {
  params.set('report', options.kind);
  const request = reportRequest(options, {});
  if (request.by) params.set('by', request.by);
  if (request.compare) params.set('compare', request.compare);
  if (request.of) params.set('of', request.of);
  if (request.limit !== undefined && request.limit !== DEFAULT_TOP_LIMIT) params.set('limit', String(request.limit));
  if (request.trunk) params.set('trunk', request.trunk);
  return params;
}

/** Reads what writeReportParams wrote; each value it cannot use is named in `problems` and left as it was. */
export function readReportParams(params: URLSearchParams, current: ReportOptions, problems: string[]): ReportOptions {
  const next: ReportOptions = { ...current };
  const kind = params.get('report');
  if (kind !== null) {
    if ((REPORT_KINDS as readonly string[]).includes(kind)) next.kind = kind as ReportKind;
    else problems.push(`"report=${kind}" is not a report (${REPORT_KINDS.join(', ')})`);
  }
  const by = params.get('by');
  if (by !== null) {
    const allowed = bucketsOf(next.kind);
    if (!allowed.includes(by)) problems.push(`"by=${by}" is not one of ${allowed.join(', ')}`);
    else if (next.kind === 'concurrency') next.concurrencyBy = by as ConcurrencyBucket;
    else if (next.kind === 'costs') next.costsBy = by as CostBucket;
    else next.activityBy = by as ActivityBucket;
  }
  const compare = params.get('compare');
  if (compare !== null && compare !== 'previous') problems.push(`"compare=${compare}" must be previous`);
  if (next.kind === 'activity') next.compare = compare === 'previous';
  const of = params.get('of');
  if (of !== null) {
    if ((TOP_OF as readonly string[]).includes(of)) next.of = of as TopOf;
    else problems.push(`"of=${of}" is not one of ${TOP_OF.join(', ')}`);
  }
  const limit = params.get('limit');
  if (limit === null) {
    if (next.kind === 'top') next.limit = DEFAULT_TOP_LIMIT;
  } else if (/^\d{1,4}$/.test(limit) && Number(limit) >= 1 && Number(limit) <= MAX_TOP_LIMIT) {
    next.limit = Number(limit);
  } else {
    problems.push(`"limit=${limit}" is not a number of rows from 1 to ${MAX_TOP_LIMIT}`);
  }
  const trunk = params.get('trunk');
  if (next.kind === 'concurrency') next.trunk = trunk?.slice(0, 200) ?? '';
  return next;
}

/** Today's date on the viewer's calendar: the PBX's wall clock in the usual case of one shared zone. */
export function today(now: Date = new Date()): string {
  return quickRange('today', now).from.slice(0, 10);
}

/**
 * The Reports screen's data: the report chosen and its options, the result for the applied filter,
 * saving it as a file, and the missed-calls count of today the Calls screen shows. The filter is the
 * filter store's, shared with the Calls screen. As in the calls store, a response to an older request
 * is dropped, so a slow old answer never overwrites a newer one.
 */
export const useReportsStore = defineStore('reports', () => {
  const filters = useFilterStore();

  const options = ref<ReportOptions>(defaultOptions());
  const request = computed(() => reportRequest(options.value, filters.applied));

  const result = shallowRef<ReportResult | null>(null);
  /** The request `result` answers: click-through narrows its filter, whatever was edited since. */
  const resultRequest = shallowRef<ReportRequest | null>(null);
  const loading = ref(false);
  const error = ref<ErrorView | null>(null);
  let generation = 0;
  let lastKey: string | null = null;

  function requestKey(r: ReportRequest): string {
    return JSON.stringify({ ...r, filter: filterKey(r.filter) });
  }

  async function run(): Promise<void> {
    const current = request.value;
    const gen = ++generation;
    lastKey = requestKey(current);
    loading.value = true;
    error.value = null;
    try {
      const answer = await api.reports.run(current);
      if (gen !== generation) return;
      result.value = answer;
      resultRequest.value = current;
    } catch (e) {
      if (gen !== generation) return;
      result.value = null;
      resultRequest.value = null;
      error.value = describeError(toApiError(e));
    } finally {
      if (gen === generation) loading.value = false;
    }
  }

  /** Runs the report unless the one shown (or on its way) already answers this request. */
  function refreshIfChanged(): Promise<void> {
    return lastKey === requestKey(request.value) ? Promise.resolve() : run();
  }

  function setOptions(patch: Partial<ReportOptions>): void {
    options.value = { ...options.value, ...patch };
  }

  /** The screen's part of the address: the report and its options beside the shared filter. */
  const addressPart: AddressPart = {
    read(params, problems) {
      options.value = readReportParams(params, options.value, problems);
    },
    write(params) {
      writeReportParams(options.value, params);
    },
  };

  /** The carrier's invoice total typed for the costs report's check; kept while going to the calls and back. */
  const invoiceTotal = ref('');

  // --- Saving ----------------------------------------------------------------------------------

  const saving = ref(false);
  const saveError = ref<ErrorView | null>(null);
  /** What the last save did, for a status line: `Saved activity-20250303.html`. */
  const saved = ref<string | null>(null);

  async function save(format: 'html' | 'pdf'): Promise<void> {
    if (saving.value) return;
    const current = resultRequest.value ?? request.value;
    const fileName = `report-${current.kind}-${today()}.${format}`;
    saving.value = true;
    saveError.value = null;
    saved.value = null;
    try {
      if (transportMode === 'desktop') {
        const target = await api.dialogs.pickSaveFile({ suggested_name: fileName, format });
        if (target === null) return;
        await api.reports.save({ request: current, format, target });
        saved.value = `Saved ${target.name}.`;
      } else {
        const answer = await api.reports.save({ request: current, format });
        if (answer.download_url) startDownload(answer.download_url, fileName);
        saved.value = `Downloading ${fileName}.`;
      }
    } catch (e) {
      saveError.value = describeError(toApiError(e));
    } finally {
      saving.value = false;
    }
  }

  // --- Missed today, for the Calls screen's badge -------------------------------------------------

  const missedToday = shallowRef<MissedReport | null>(null);
  let missedGeneration = 0;

  /** Counts today's missed callers not called back; a failure leaves the badge out rather than alarming. */
  async function loadMissedToday(): Promise<void> {
    const gen = ++missedGeneration;
    try {
      const answer = await api.reports.run({ kind: 'missed', filter: { from: today() } });
      if (gen === missedGeneration && answer.kind === 'missed') missedToday.value = answer;
    } catch {
      if (gen === missedGeneration) missedToday.value = null;
    }
  }

  /** Shows today's missed callers on the Reports screen: the filter becomes "from today", the badge's own. */
  function showMissedToday(): void {
    setOptions({ kind: 'missed' });
    filters.replace({ from: today() });
  }

  return {
    options,
    request,
    result,
    resultRequest,
    loading,
    error,
    saving,
    saveError,
    saved,
    missedToday,
    invoiceTotal,
    addressPart,
    run,
    refreshIfChanged,
    setOptions,
    save,
    loadMissedToday,
    showMissedToday,
  };
});
