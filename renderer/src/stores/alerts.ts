import { defineStore } from 'pinia';
import { computed, ref, shallowRef } from 'vue';
import type { Alert, AlertRuleSettings, AlertScanRequest, AlertScanResult, CallRow } from '../../../preload/api.js';
import { interrupts, notificationText, worstSeverity } from '../alert-view.js';
import { api, toApiError } from '../api.js';
import { describeError, type ErrorView } from '../errors.js';
import { navigate } from '../router.js';

/** What the page may do with the browser's notifications: the browser's answer, or none to ask. */
export type NotificationState = NotificationPermission | 'unsupported';

/** More new alerts than this at once become one notification that counts them, not a stack of them. */
const MAX_SEPARATE_NOTIFICATIONS = 3;

function browserNotifications(): typeof Notification | null {
  return typeof Notification === 'undefined' ? null : Notification;
}

/**
 * The alerts: the open ones (the sidebar badge, refreshed by polling), the list the Alerts screen
 * shows, the calls behind the chosen alert, acknowledging, scanning history and the rules. In the web
 * mode the page raises the browser's notification for new warning and critical alerts, since the
 * server has no desktop to show one on; the desktop app's shell does that itself.
 */
export const useAlertsStore = defineStore('alerts', () => {
  /** Open alerts, newest first. */
  const open = ref<Alert[]>([]);
  const openLoaded = ref(false);
  const error = ref<ErrorView | null>(null);

  /** The screen lists acknowledged alerts too; `all` holds them while it does. */
  const showAcknowledged = ref(false);
  const all = ref<Alert[] | null>(null);
  const listed = computed(() => (showAcknowledged.value ? (all.value ?? open.value) : open.value));
  const openCount = computed(() => open.value.length);
  const severity = computed(() => worstSeverity(open.value));

  /** Alerts ticked for "Acknowledge selected". */
  const checked = ref<number[]>([]);
  const acknowledging = ref(false);
  const ackError = ref<ErrorView | null>(null);

  /** The alert whose calls are shown. */
  const currentId = ref<number | null>(null);
  const current = computed(() => listed.value.find((a) => a.id === currentId.value) ?? null);
  const calls = shallowRef<CallRow[]>([]);
  const callsLoading = ref(false);
  const callsError = ref<ErrorView | null>(null);

  const scanning = ref(false);
  const scanResult = ref<AlertScanResult | null>(null);
  const scanError = ref<ErrorView | null>(null);

  const rules = ref<AlertRuleSettings | null>(null);
  const rulesError = ref<ErrorView | null>(null);

  const notifications = ref<NotificationState>(browserNotifications()?.permission ?? 'unsupported');
  /** Whether the page must raise notifications itself (the web mode); null until the app said. */
  const pageNotifies = ref<boolean | null>(null);
  let modeAsked: Promise<boolean> | null = null;

  // The newest alert id the page has seen: alerts above it are new. Null until the first list, whose
  // alerts were raised before the page looked and are not announced again.
  let newestSeen: number | null = null;
  let openGeneration = 0;
  let allGeneration = 0;
  let callsGeneration = 0;

  function pageMustNotify(): Promise<boolean> {
    modeAsked ??= api.app.info().then(
      (info) => (pageNotifies.value = info.mode === 'web'),
      () => {
        modeAsked = null;
        return false;
      },
    );
    return modeAsked;
  }

  async function announce(list: Alert[]): Promise<void> {
    const newest = list.reduce((max, a) => Math.max(max, a.id), 0);
    if (newestSeen === null) {
      newestSeen = newest;
      return;
    }
    const fresh = list.filter((a) => a.id > (newestSeen as number) && interrupts(a));
    newestSeen = Math.max(newestSeen, newest);
    if (fresh.length === 0) return;
    const Browser = browserNotifications();
    if (Browser === null || Browser.permission !== 'granted' || !(await pageMustNotify())) return;
    if (fresh.length > MAX_SEPARATE_NOTIFICATIONS) {
      show(Browser, `${fresh.length} new alerts`, fresh.map((a) => a.title).join('\n'), null);
    } else {
      for (const alert of fresh) {
        const text = notificationText(alert);
        show(Browser, text.title, text.body, alert.id);
      }
    }
  }

  /** A click brings the window forward on the alert (or the list). */
  function show(Browser: typeof Notification, title: string, body: string, alertId: number | null): void {
    const notification = new Browser(title, { body, tag: alertId === null ? 'ucm-alerts' : `ucm-alert-${alertId}` });
    notification.onclick = () => {
      window.focus();
      navigate('alerts', alertId === null ? undefined : new URLSearchParams({ alert: String(alertId) }));
      notification.close();
    };
  }

  /** Reads the open alerts again (the badge and the list); raises notifications for new ones. */
  async function refreshOpen(): Promise<void> {
    const generation = ++openGeneration;
    // The user may have changed the permission in the browser's site settings meanwhile.
    notifications.value = browserNotifications()?.permission ?? 'unsupported';
    try {
      const list = await api.alerts.list({});
      if (generation !== openGeneration) return;
      open.value = list;
      openLoaded.value = true;
      error.value = null;
      const ids = new Set(list.map((a) => a.id));
      checked.value = checked.value.filter((id) => ids.has(id));
      await announce(list);
    } catch (e) {
      if (generation === openGeneration) error.value = describeError(toApiError(e));
    }
  }

  async function loadAll(): Promise<void> {
    const generation = ++allGeneration;
    try {
      const list = await api.alerts.list({ all: true });
      if (generation === allGeneration) all.value = list;
    } catch (e) {
      if (generation === allGeneration) error.value = describeError(toApiError(e));
    }
  }

  /** Everything the screen shows: the open alerts, and every alert when acknowledged ones are shown. */
  async function refresh(): Promise<void> {
    await Promise.all([refreshOpen(), showAcknowledged.value ? loadAll() : Promise.resolve()]);
    if (currentId.value !== null && current.value === null) select(null);
  }

  async function setShowAcknowledged(show: boolean): Promise<void> {
    showAcknowledged.value = show;
    if (show) await loadAll();
    else {
      all.value = null;
      if (currentId.value !== null && current.value === null) select(null);
    }
  }

  function toggleChecked(id: number, on: boolean): void {
    checked.value = on ? [...new Set([...checked.value, id])] : checked.value.filter((c) => c !== id);
  }

  /** Shows the calls behind an alert (null: none). */
  function select(id: number | null): void {
    if (id === currentId.value) return;
    currentId.value = id;
    void loadCalls();
  }

  async function loadCalls(): Promise<void> {
    const generation = ++callsGeneration;
    const id = currentId.value;
    calls.value = [];
    callsError.value = null;
    if (id === null) {
      callsLoading.value = false;
      return;
    }
    callsLoading.value = true;
    try {
      const rows = await api.alerts.calls({ id });
      if (generation === callsGeneration) calls.value = rows;
    } catch (e) {
      if (generation === callsGeneration) callsError.value = describeError(toApiError(e));
    } finally {
      if (generation === callsGeneration) callsLoading.value = false;
    }
  }

  /** These alerts, or every open one; the list and badge follow. */
  async function acknowledge(which: number[] | 'all'): Promise<number> {
    if (acknowledging.value || (which !== 'all' && which.length === 0)) return 0;
    acknowledging.value = true;
    ackError.value = null;
    try {
      const { acknowledged } = await api.alerts.acknowledge(which === 'all' ? { all: true } : { ids: which });
      checked.value = which === 'all' ? [] : checked.value.filter((id) => !which.includes(id));
      await refresh();
      return acknowledged;
    } catch (e) {
      ackError.value = describeError(toApiError(e));
      return 0;
    } finally {
      acknowledging.value = false;
    }
  }

  async function scan(request: AlertScanRequest): Promise<void> {
    if (scanning.value) return;
    scanning.value = true;
    scanResult.value = null;
    scanError.value = null;
    try {
      scanResult.value = await api.alerts.scan(request);
      await refresh();
    } catch (e) {
      scanError.value = describeError(toApiError(e));
    } finally {
      scanning.value = false;
    }
  }

  function clearScan(): void {
    scanResult.value = null;
    scanError.value = null;
  }

  async function loadRules(): Promise<void> {
    try {
      rules.value = await api.alerts.rules();
      rulesError.value = null;
    } catch (e) {
      rulesError.value = describeError(toApiError(e));
    }
  }

  /** Saves the rules; resolves to the refusal to show, or null when saved. */
  async function saveRules(settings: AlertRuleSettings): Promise<ErrorView | null> {
    try {
      rules.value = await api.alerts.saveRules(settings);
      return null;
    } catch (e) {
      return describeError(toApiError(e));
    }
  }

  /** Asks the browser for permission to notify (a click of the user's: browsers ignore it otherwise). */
  async function enableNotifications(): Promise<void> {
    const Browser = browserNotifications();
    if (Browser === null) return;
    notifications.value = await Browser.requestPermission();
  }

  return {
    open,
    openLoaded,
    error,
    showAcknowledged,
    all,
    listed,
    openCount,
    severity,
    checked,
    acknowledging,
    ackError,
    currentId,
    current,
    calls,
    callsLoading,
    callsError,
    scanning,
    scanResult,
    scanError,
    rules,
    rulesError,
    notifications,
    pageNotifies,
    pageMustNotify,
    refreshOpen,
    refresh,
    setShowAcknowledged,
    toggleChecked,
    select,
    acknowledge,
    scan,
    clearScan,
    loadRules,
    saveRules,
    enableNotifications,
  };
});
