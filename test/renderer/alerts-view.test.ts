import { deferred, fakeApi, makeCost, makeLeg, makeProfile, makeRow, resetFakeApi } from './fake-api.js';
import { flushPromises, mount } from '@vue/test-utils';
import { createPinia, setActivePinia, type Pinia } from 'pinia';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Alert, AlertScanResult, CallRow, PbxProfile } from '../../preload/api.js';
import { ApiError } from '../../renderer/src/api.js';
import { alertCallsFilter } from '../../renderer/src/alert-view.js';
import App from '../../renderer/src/App.vue';
import { parseCallsState } from '../../renderer/src/filter-state.js';
import { currentRoute, startRouter } from '../../renderer/src/router.js';
import { useAlertsStore } from '../../renderer/src/stores/alerts.js';
import { useFilterStore } from '../../renderer/src/stores/filter.js';
import { useImportsStore } from '../../renderer/src/stores/imports.js';
import { usePbxStore } from '../../renderer/src/stores/pbx.js';
import { useSyncStore } from '../../renderer/src/stores/sync.js';
import AlertsView from '../../renderer/src/views/AlertsView.vue';
import { WATCH_POLL_MS, startWatchPolling } from '../../renderer/src/watch-polling.js';

let pinia: Pinia;
let stopRouter: (() => void) | null = null;

function setHash(hash: string): void {
  window.history.replaceState(null, '', `/${hash}`);
}

function alert(id: number, overrides: Partial<Alert> = {}): Alert {
  return {
    id,
    rule: 'premium-destination',
    severity: 'critical',
    pbx: 'office',
    first_at: '2025-03-04T10:00:00',
    last_at: '2025-03-04T11:05:00',
    title: `Calls to premium numbers on office (alert ${id})`,
    sessions: [],
    calls: 2,
    acknowledged: false,
    raised_at: '2025-03-04T11:10:00Z',
    mailed_at: null,
    ...overrides,
  };
}

const PREMIUM = alert(3);
const BURST = alert(2, { rule: 'failed-burst', severity: 'warning', title: '12 failed or unanswered outbound calls from 1002 on office', calls: 12 });
const NIGHT = alert(1, { rule: 'after-hours', severity: 'warning', title: 'Outbound calls over a trunk outside business hours', calls: 4 });

function premiumCalls(): CallRow[] {
  return [
    makeRow(10, { id: 101, pbx: 'office', start: '2025-03-04T10:00:00', src: '1001', dst: '00881612345678', direction: 'outbound', dst_trunk_name: 'Carrier' }),
    makeRow(11, { id: 102, pbx: 'office', start: '2025-03-04T11:05:00', src: '1001', dst: '00882123456789', direction: 'outbound', dst_trunk_name: 'Carrier', callee_name: 'Sat Phone' }),
  ];
}

beforeEach(() => {
  resetFakeApi();
  pinia = createPinia();
  setActivePinia(pinia);
  setHash('#/alerts');
  stopRouter = startRouter();
  fakeApi.alerts.list.mockImplementation(async (req) => (req.all ? [PREMIUM, BURST, { ...NIGHT, acknowledged: true }] : [PREMIUM, BURST]));
  fakeApi.alerts.calls.mockResolvedValue(premiumCalls());
});

afterEach(() => {
  stopRouter?.();
  stopRouter = null;
  vi.useRealTimers();
  vi.unstubAllGlobals();
  setHash('');
});

async function mountView() {
  const wrapper = mount(AlertsView, { global: { plugins: [pinia] }, attachTo: document.body });
  await flushPromises();
  return wrapper;
}

describe('the Alerts screen', () => {
  it('lists the open alerts with severity, rule in words, PBX, first and last call, calls and title', async () => {
    const wrapper = await mountView();
    expect(fakeApi.alerts.list).toHaveBeenCalledWith({});
    const rows = wrapper.findAll('[data-testid="alert-row"]');
    expect(rows.map((r) => r.attributes('data-alert-id'))).toEqual(['3', '2']);
    expect(rows[0].findAll('td').map((td) => td.text()).slice(1, 7)).toEqual([
      'Critical',
      'Premium destination',
      'office',
      '2025-03-04 10:00',
      '2025-03-04 11:05',
      '2',
    ]);
    expect(rows[1].get('[data-testid="alert-rule"]').text()).toBe('Burst of failed calls');
    expect(rows[1].get('[data-testid="alert-open"]').text()).toBe(BURST.title);
    expect(wrapper.get('[data-testid="alerts-count"]').text()).toBe('2 open');
    wrapper.unmount();
  });

  it('shows acknowledged alerts too when asked, marked as such', async () => {
    const wrapper = await mountView();
    await wrapper.get('[data-testid="alerts-show-acknowledged"]').setValue(true);
    await flushPromises();
    expect(fakeApi.alerts.list).toHaveBeenCalledWith({ all: true });
    const rows = wrapper.findAll('[data-testid="alert-row"]');
    expect(rows.map((r) => r.attributes('data-acknowledged'))).toEqual(['false', 'false', 'true']);
    expect(rows[2].find('[data-testid="alert-ack"]').exists()).toBe(false);
    expect(rows[2].find('[data-testid="alert-check"]').exists()).toBe(false);
    expect(wrapper.get('[data-testid="alerts-count"]').text()).toBe('2 open, 1 acknowledged');
    await wrapper.get('[data-testid="alerts-show-acknowledged"]').setValue(false);
    expect(wrapper.findAll('[data-testid="alert-row"]')).toHaveLength(2);
    wrapper.unmount();
  });

  it('says so when no alert is open', async () => {
    fakeApi.alerts.list.mockResolvedValue([]);
    const wrapper = await mountView();
    expect(wrapper.get('[data-testid="alerts-empty"]').text()).toContain('No open alerts');
    expect(wrapper.get('[data-testid="alerts-ack-all"]').attributes('disabled')).toBeDefined();
    wrapper.unmount();
  });

  it('shows the calls behind the chosen alert, and a click opens the call in the details panel', async () => {
    const wrapper = await mountView();
    await wrapper.findAll('[data-testid="alert-open"]')[0].trigger('click');
    await flushPromises();
    expect(fakeApi.alerts.calls).toHaveBeenCalledWith({ id: 3 });
    expect(window.location.hash).toBe('#/alerts?alert=3');
    expect(wrapper.get('[data-testid="alert-calls-count"]').text()).toBe('2 calls');
    expect(wrapper.findAll('[data-testid="alert-call-dst"]').map((td) => td.text())).toEqual(['00881612345678', 'Sat Phone <00882123456789>']);

    const [first] = premiumCalls();
    fakeApi.calls.session.mockResolvedValue({ call: first, main: makeLeg({ acct_id: '1' }), legs: [], conflicts: [], cost: makeCost() });
    await wrapper.findAll('[data-testid="alert-call"]')[0].trigger('click');
    await flushPromises();
    expect(fakeApi.calls.session).toHaveBeenCalledWith({ call_id: 101 });
    expect(wrapper.find('[data-testid="session-panel"]').exists()).toBe(true);
    await wrapper.get('[data-testid="session-close"]').trigger('click');
    expect(wrapper.find('[data-testid="session-panel"]').exists()).toBe(false);
    wrapper.unmount();
  });

  it('opens the alert named in the address, as a notification does', async () => {
    setHash('#/alerts?alert=2');
    const wrapper = await mountView();
    expect(fakeApi.alerts.calls).toHaveBeenCalledWith({ id: 2 });
    expect(wrapper.get('[data-testid="alert-row"][data-alert-id="2"]').classes()).toContain('selected');
    wrapper.unmount();
  });

  it('opens the calls in the call list with a filter that selects them', async () => {
    const wrapper = await mountView();
    await wrapper.findAll('[data-testid="alert-open"]')[0].trigger('click');
    await flushPromises();
    await wrapper.get('[data-testid="alert-open-in-calls"]').trigger('click');
    await flushPromises();
    const expected = {
      pbx: ['office'],
      from: '2025-03-04T10:00:00',
      to: '2025-03-04T11:05:00',
      direction: ['outbound'],
      dst_trunk: ['Carrier'],
      caller: '1001',
      callee: '00881612345678,00882123456789',
    };
    expect(currentRoute.value.name).toBe('calls');
    expect(useFilterStore().applied).toEqual(expected);
    expect(parseCallsState(currentRoute.value.query).state.filter).toEqual(expected);
    wrapper.unmount();
  });

  it('acknowledges one alert, the ticked ones, or all of them after asking', async () => {
    const wrapper = await mountView();
    fakeApi.alerts.list.mockResolvedValue([BURST]);
    await wrapper.findAll('[data-testid="alert-ack"]')[0].trigger('click');
    await flushPromises();
    expect(fakeApi.alerts.acknowledge).toHaveBeenLastCalledWith({ ids: [3] });
    expect(wrapper.findAll('[data-testid="alert-row"]').map((r) => r.attributes('data-alert-id'))).toEqual(['2']);

    expect(wrapper.get('[data-testid="alerts-ack-selected"]').attributes('disabled')).toBeDefined();
    await wrapper.get('[data-testid="alert-check"]').setValue(true);
    expect(wrapper.get('[data-testid="alerts-ack-selected"]').text()).toBe('Acknowledge selected (1)');
    fakeApi.alerts.list.mockResolvedValue([]);
    await wrapper.get('[data-testid="alerts-ack-selected"]').trigger('click');
    await flushPromises();
    expect(fakeApi.alerts.acknowledge).toHaveBeenLastCalledWith({ ids: [2] });
    expect(wrapper.find('[data-testid="alerts-empty"]').exists()).toBe(true);
    wrapper.unmount();

    fakeApi.alerts.list.mockResolvedValue([PREMIUM, BURST]);
    const again = await mountView();
    await again.get('[data-testid="alerts-ack-all"]').trigger('click');
    const dialog = again.get('[data-testid="alerts-ack-all-dialog"]');
    expect(dialog.text()).toContain('Acknowledge 2 open alerts?');
    fakeApi.alerts.list.mockResolvedValue([]);
    await dialog.get('[data-testid="alerts-ack-all-confirm"]').trigger('click');
    await flushPromises();
    expect(fakeApi.alerts.acknowledge).toHaveBeenLastCalledWith({ all: true });
    expect(again.find('[data-testid="alerts-ack-all-dialog"]').exists()).toBe(false);
    expect(useAlertsStore().openCount).toBe(0);
    again.unmount();
  });

  it('scans history for a PBX and period and says what it found', async () => {
    usePbxStore().profiles = [{ ...profileStub, name: 'office' }, { ...profileStub, id: 2, name: 'branch' }];
    usePbxStore().loaded = true;
    const wrapper = await mountView();
    await wrapper.get('[data-testid="alerts-scan-open"]').trigger('click');
    const dialog = wrapper.get('[data-testid="alerts-scan-dialog"]');
    await dialog.get('[data-testid="alerts-scan-pbx"]').setValue(['office']);
    await dialog.get('[data-testid="alerts-scan-from"]').setValue('2025-01-01');
    await dialog.get('[data-testid="alerts-scan-to"]').setValue('2025-03-31');
    const run = deferred<AlertScanResult>();
    fakeApi.alerts.scan.mockReturnValue(run.promise);
    await dialog.get('[data-testid="alerts-scan-run"]').trigger('click');
    expect(dialog.get('[data-testid="alerts-scan-run"]').text()).toBe('Scanning…');
    fakeApi.alerts.list.mockClear();
    run.resolve({ calls: 12_345, raised: 2, joined: 7 });
    await flushPromises();
    expect(fakeApi.alerts.scan).toHaveBeenCalledWith({ pbx: ['office'], from: '2025-01-01', to: '2025-03-31' });
    expect(dialog.get('[data-testid="alerts-scan-result"]').text()).toBe('Scanned 12,345 calls: 2 new alerts, 7 calls joined alerts already raised.');
    expect(fakeApi.alerts.list).toHaveBeenCalled();

    fakeApi.alerts.scan.mockRejectedValue(new ApiError('BAD_INPUT', '"2025-13-01" is not a date: write YYYY-MM-DD or YYYY-MM-DDTHH:MM.'));
    await dialog.get('[data-testid="alerts-scan-run"]').trigger('click');
    await flushPromises();
    expect(dialog.get('[data-testid="error-banner"]').text()).toContain('is not a date');
    wrapper.unmount();
  });

  it('refuses a period whose first day comes after its last', async () => {
    const wrapper = await mountView();
    await wrapper.get('[data-testid="alerts-scan-open"]').trigger('click');
    await wrapper.get('[data-testid="alerts-scan-from"]').setValue('2025-03-31');
    await wrapper.get('[data-testid="alerts-scan-to"]').setValue('2025-01-01');
    await wrapper.get('[data-testid="alerts-scan-run"]').trigger('click');
    expect(wrapper.get('[data-testid="alerts-scan-dialog"]').text()).toContain('The first day comes after the last day.');
    expect(fakeApi.alerts.scan).not.toHaveBeenCalled();
    wrapper.unmount();
  });
});

const profileStub: PbxProfile = makeProfile({
  fingerprint: null,
  last_sync_state: 'never',
  calls: 10,
  country_code: '44',
  national_prefix: '0',
  international_prefix: '00',
});

describe('the filter that opens an alert in the call list', () => {
  it('keeps to the PBX and period when the alert holds more calls than were listed', () => {
    expect(alertCallsFilter({ ...PREMIUM, calls: 5000 }, premiumCalls())).toEqual({ pbx: ['office'], from: PREMIUM.first_at, to: PREMIUM.last_at });
  });

  it('leaves out what the calls do not share, and numbers that are not plain digits', () => {
    const [a, b] = premiumCalls();
    const mixed = [a, { ...b, direction: 'inbound' as const, dst_trunk_name: '', src: 'Reception', dst: '*97' }];
    expect(alertCallsFilter(PREMIUM, mixed)).toEqual({ pbx: ['office'], from: '2025-03-04T10:00:00', to: '2025-03-04T11:05:00' });
  });
});

describe('the Alerts badge', () => {
  it('counts the open alerts in the colour of the gravest one, and follows the polls', async () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
    const wrapper = mount(App, { global: { plugins: [pinia] }, attachTo: document.body });
    await flushPromises();
    const badge = wrapper.get('[data-testid="alerts-badge"]');
    expect(badge.attributes('data-count')).toBe('2');
    expect(badge.attributes('data-severity')).toBe('critical');
    expect(badge.classes()).toContain('severity-critical');
    expect(badge.attributes('aria-label')).toBe('2 open alerts');
    expect(wrapper.get('[data-testid="nav-alerts"]').text()).toContain('Alerts');

    fakeApi.alerts.list.mockResolvedValue([BURST]);
    vi.advanceTimersByTime(WATCH_POLL_MS);
    await flushPromises();
    expect(wrapper.get('[data-testid="alerts-badge"]').attributes('data-count')).toBe('1');
    expect(wrapper.get('[data-testid="alerts-badge"]').attributes('data-severity')).toBe('warning');

    fakeApi.alerts.list.mockResolvedValue([]);
    vi.advanceTimersByTime(WATCH_POLL_MS);
    await flushPromises();
    expect(wrapper.find('[data-testid="alerts-badge"]').exists()).toBe(false);
    wrapper.unmount();
  });

  it('looks again when a sync or an import of the window ends', async () => {
    const stop = startWatchPolling();
    await flushPromises();
    const sync = useSyncStore();
    const imports = useImportsStore();
    fakeApi.alerts.list.mockClear();

    sync.runs[1] = { pbxId: 1, taskId: 't', running: true, cancelling: false, progress: null, result: null, error: null };
    await flushPromises();
    expect(fakeApi.alerts.list).not.toHaveBeenCalled();
    sync.runs[1].running = false;
    await flushPromises();
    expect(fakeApi.alerts.list).toHaveBeenCalledTimes(1);

    imports.running = true;
    await flushPromises();
    imports.running = false;
    await flushPromises();
    expect(fakeApi.alerts.list).toHaveBeenCalledTimes(2);
    stop();
  });
});
