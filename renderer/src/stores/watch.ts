import { defineStore } from 'pinia';
import { ref } from 'vue';
import type { MailSettings, MailSettingsInput, WatchStatus } from '../../../preload/api.js';
import { api, toApiError } from '../api.js';
import { describeError, type ErrorView } from '../errors.js';
import { useAlertsStore } from './alerts.js';
import { useCallsStore } from './calls.js';
import { useFilterStore } from './filter.js';
import { usePbxStore } from './pbx.js';
import { useRatesStore } from './rates.js';

/** A refusal of the service, with the form field it names (`details.field` and the like) when it names one. */
export interface FieldError {
  error: ErrorView;
  details: Record<string, unknown> | undefined;
}

/**
 * Keeping watch: each PBX's automatic sync (schedule, last success, next run, last error), "Sync all
 * now", and the mail settings the alerts and daily report go out with.
 */
export const useWatchStore = defineStore('watch', () => {
  const statuses = ref<WatchStatus[]>([]);
  const loaded = ref(false);
  const error = ref<ErrorView | null>(null);
  const runningNow = ref(false);
  const runError = ref<ErrorView | null>(null);

  const mail = ref<MailSettings | null>(null);
  const mailError = ref<ErrorView | null>(null);

  let generation = 0;

  function byPbx(name: string): WatchStatus | undefined {
    return statuses.value.find((s) => s.pbx === name);
  }

  /** Calls arrived: the PBX cards' counts, the filter's choices, the costs' state and the alerts follow. */
  async function callsArrived(options: { refreshCalls: boolean }): Promise<void> {
    const calls = useCallsStore();
    await Promise.all([
      usePbxStore().load(),
      useFilterStore().loadOptions(),
      useRatesStore().loadState(),
      useAlertsStore().refresh(),
      options.refreshCalls && calls.loaded ? calls.refresh() : Promise.resolve(),
    ]);
  }

  function apply(next: WatchStatus[]): void {
    const before = new Map(statuses.value.map((s) => [s.pbx, s.last_success]));
    statuses.value = next;
    loaded.value = true;
    error.value = null;
    // An automatic sync finished since the last look: what it brought shows without a click. The call
    // list is left as it is, so rows do not move under the user's pointer.
    if (next.some((s) => before.has(s.pbx) && s.last_success !== before.get(s.pbx))) void callsArrived({ refreshCalls: false });
  }

  async function loadStatus(): Promise<void> {
    const gen = ++generation;
    try {
      const next = await api.watch.status();
      if (gen === generation) apply(next);
    } catch (e) {
      if (gen === generation) error.value = describeError(toApiError(e));
    }
  }

  /** Syncs every PBX that has a stored password now, then shows what came. */
  async function runNow(): Promise<void> {
    if (runningNow.value) return;
    runningNow.value = true;
    runError.value = null;
    const gen = ++generation;
    try {
      const next = await api.watch.runNow();
      if (gen === generation) {
        statuses.value = next;
        loaded.value = true;
      }
      await callsArrived({ refreshCalls: true });
    } catch (e) {
      runError.value = describeError(toApiError(e));
    } finally {
      runningNow.value = false;
    }
  }

  async function loadMail(): Promise<void> {
    try {
      mail.value = await api.watch.mail();
      mailError.value = null;
    } catch (e) {
      mailError.value = describeError(toApiError(e));
    }
  }

  async function saveMail(input: MailSettingsInput): Promise<FieldError | null> {
    try {
      mail.value = await api.watch.saveMail(input);
      return null;
    } catch (e) {
      const failure = toApiError(e);
      return { error: describeError(failure), details: failure.details };
    }
  }

  /** Sends a test message with the saved settings; resolves to the failure to show, or null when it went. */
  async function testMail(): Promise<ErrorView | null> {
    try {
      await api.watch.testMail();
      return null;
    } catch (e) {
      return describeError(toApiError(e));
    }
  }

  return { statuses, loaded, error, runningNow, runError, mail, mailError, byPbx, loadStatus, runNow, loadMail, saveMail, testMail };
});
