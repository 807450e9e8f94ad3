import { fakeApi, makeRow, resetFakeApi } from './fake-api.js';
import { flushPromises, mount } from '@vue/test-utils';
import { createPinia, setActivePinia, type Pinia } from 'pinia';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { defineComponent, h } from 'vue';
import type { ActivityReport, MissedReport, ReportRequest, ReportResult, TopReport, TrunksReport } from '../../preload/api.js';
import { rowView } from '../../renderer/src/row-view.js';
import { parseCallsState, serializeCallsState } from '../../renderer/src/filter-state.js';
import { bucketRange, drillFilter } from '../../renderer/src/report-drill.js';
import { currentRoute, startRouter } from '../../renderer/src/router.js';
import { useFilterStore } from '../../renderer/src/stores/filter.js';
import { readReportParams, today, useReportsStore, writeReportParams } from '../../renderer/src/stores/reports.js';
import { useSettingsStore } from '../../renderer/src/stores/settings.js';
import CallsView from '../../renderer/src/views/CallsView.vue';
import ReportsView from '../../renderer/src/views/ReportsView.vue';

// happy-dom has no canvas for ECharts to draw on: the chart component stands in, showing the option
// it was given and sending the click ECharts would send for a bar.
vi.mock('vue-echarts', () => ({
  default: defineComponent({
    props: { option: { type: Object, required: true } },
    emits: ['click'],
    setup(props, { emit }) {
      return () =>
        h('div', {
          'data-testid': 'vchart',
          'data-option': JSON.stringify(props.option),
          onClick: (event: MouseEvent) => emit('click', { dataIndex: Number((event.target as HTMLElement).dataset['index'] ?? 0), seriesName: 'Answered' }),
        });
    },
  }),
}));

const ACTIVITY: ActivityReport = {
  kind: 'activity',
  by: 'day',
  rows: [
    { bucket: '2024-03-04', calls: 10, answered: 7, missed: 3, talk_seconds: 600 },
    { bucket: '2024-03-05', calls: 4, answered: 4, missed: 0, talk_seconds: 200 },
  ],
};

const MISSED: MissedReport = {
  kind: 'missed',
  rows: [
    { number: '07700900123', name: 'Oak Ltd', pbx: 'office', attempts: 2, first_missed: '2024-03-05T09:00:00', last_missed: '2024-03-05T11:30:00', last_session: 's-1' },
    { number: '07700900456', name: '', pbx: 'office', attempts: 1, first_missed: '2024-03-05T10:00:00', last_missed: '2024-03-05T10:00:00', last_session: 's-2' },
    { number: '07700900789', name: '', pbx: 'branch', attempts: 1, first_missed: '2024-03-05T12:00:00', last_missed: '2024-03-05T12:00:00', last_session: 's-3' },
  ],
};

let pinia: Pinia;
let stopRouter: () => void;

function setHash(hash: string): void {
  window.history.replaceState(null, '', `/${hash}`);
}

/** Answers reports/run by kind, as the service would. */
function answer(reports: Partial<Record<ReportResult['kind'], ReportResult>>): void {
  fakeApi.reports.run.mockImplementation(async (req: ReportRequest) => {
    const report = reports[req.kind];
    if (!report) throw new Error(`no ${req.kind} report in this test`);
    return report;
  });
}

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
  resetFakeApi();
  pinia = createPinia();
  setActivePinia(pinia);
  answer({ activity: ACTIVITY, missed: MISSED });
});

afterEach(() => {
  stopRouter?.();
  vi.clearAllTimers();
  vi.useRealTimers();
  setHash('');
  document.documentElement.removeAttribute('data-theme');
});

async function mountAt(hash: string, component: typeof ReportsView | typeof CallsView = ReportsView) {
  setHash(hash);
  stopRouter = startRouter();
  const wrapper = mount(component, { global: { plugins: [pinia] }, attachTo: document.body });
  await flushPromises();
  return wrapper;
}

function chartOption(wrapper: Awaited<ReturnType<typeof mountAt>>): Record<string, unknown> {
  return JSON.parse(wrapper.get('[data-testid="vchart"]').attributes('data-option') ?? '{}') as Record<string, unknown>;
}

describe('the Reports screen', () => {
  it('runs the report of the address with the shared filter and shows its chart and table', async () => {
    const wrapper = await mountAt('#/reports?from=2024-03-04&to=2024-03-10&report=activity&by=day');
    expect(fakeApi.reports.run).toHaveBeenCalledTimes(1);
    expect(fakeApi.reports.run).toHaveBeenCalledWith({ kind: 'activity', by: 'day', filter: { from: '2024-03-04', to: '2024-03-10' } });
    const option = chartOption(wrapper);
    expect((option['xAxis'] as { data: string[] }).data).toEqual(['2024-03-04', '2024-03-05']);
    expect(option['aria']).toMatchObject({ enabled: true });

    const table = wrapper.get('[data-testid="report-table"]');
    expect(table.get('caption').text()).toBe('Activity');
    expect(table.findAll('th[scope="col"]').map((th) => th.text())).toEqual(['Day', 'Calls', 'Answered', 'Missed', 'Talk (s)']);
    const rows = wrapper.findAll('[data-testid="report-row"]');
    expect(rows.map((r) => r.find('td').text())).toEqual(['2024-03-04', '2024-03-05']);
    expect(rows[0].attributes('tabindex')).toBe('0');
    expect(rows[0].attributes('aria-label')).toBe('Day 2024-03-04, Calls 10, Answered 7, Missed 3, Talk (s) 600. Open these calls.');
    expect(wrapper.get('[data-testid="report-totals"]').text()).toContain('14');
    wrapper.unmount();
  });

  it('draws the chart in the dark colours when the dark theme is chosen', async () => {
    const settings = useSettingsStore();
    settings.settings.theme = 'dark';
    const wrapper = await mountAt('#/reports?report=activity');
    expect(JSON.stringify(chartOption(wrapper))).toContain('#4ade80');
    settings.settings.theme = 'light';
    await flushPromises();
    expect(JSON.stringify(chartOption(wrapper))).toContain('#2f7d4f');
    wrapper.unmount();
  });

  it('writes the report and its options into the address beside the filter', async () => {
    const wrapper = await mountAt('#/reports?caller=1001&report=activity');
    await wrapper.get('[data-testid="report-by"]').setValue('week');
    await wrapper.get('[data-testid="report-compare"]').setValue(true);
    await flushPromises();
    expect(window.location.hash).toBe('#/reports?caller=1001&report=activity&by=week&compare=previous');
    expect(fakeApi.reports.run).toHaveBeenLastCalledWith({ kind: 'activity', by: 'week', compare: 'previous', filter: { caller: '1001' } });
    wrapper.unmount();
  });

  it('opens the calls of a day from its table row, with that day as the period', async () => {
    const wrapper = await mountAt('#/reports?from=2024-03-04T12:00&to=2024-03-10&report=activity');
    await wrapper.findAll('[data-testid="report-row"]')[0].trigger('keydown', { key: 'Enter' });
    await flushPromises();
    // The day is cut at the filter's own start: the bar counted only the calls after noon.
    const expected = { from: '2024-03-04T12:00', to: '2024-03-04' };
    expect(useFilterStore().applied).toEqual(expected);
    expect(currentRoute.value.name).toBe('calls');
    expect(parseCallsState(currentRoute.value.query).state.filter).toEqual(expected);
    wrapper.unmount();
  });

  it('opens the calls of a bar clicked in the chart', async () => {
    const wrapper = await mountAt('#/reports?report=activity');
    const chart = wrapper.get('[data-testid="vchart"]');
    (chart.element as HTMLElement).dataset['index'] = '1';
    await chart.trigger('click');
    await flushPromises();
    expect(useFilterStore().applied).toEqual({ from: '2024-03-05', to: '2024-03-05' });
    expect(currentRoute.value.name).toBe('calls');
    wrapper.unmount();
  });

  it('opens a missed caller as their unreturned inbound calls', async () => {
    const wrapper = await mountAt('#/reports?report=missed&direction=inbound');
    expect(wrapper.find('[data-testid="vchart"]').exists()).toBe(false);
    await wrapper.findAll('[data-testid="report-row"]')[0].trigger('click');
    await flushPromises();
    expect(useFilterStore().applied).toEqual({
      pbx: ['office'],
      caller: '07700900123',
      direction: ['inbound'],
      outcome: ['voicemail', 'unanswered', 'failed'],
      from: '2024-03-05T09:00:00',
      to: '2024-03-05T11:30:00',
    });
    wrapper.unmount();
  });

  it('saves the report shown as HTML through the save dialog (desktop), and offers PDF there', async () => {
    fakeApi.dialogs.pickSaveFile.mockResolvedValue({ ref: 'r1', name: '/home/me/missed.html' });
    fakeApi.reports.save.mockResolvedValue({});
    const wrapper = await mountAt('#/reports?report=missed&from=2024-03-05');
    expect(wrapper.find('[data-testid="report-save-pdf"]').exists()).toBe(true);
    await wrapper.get('[data-testid="report-save-html"]').trigger('click');
    await flushPromises();
    expect(fakeApi.dialogs.pickSaveFile).toHaveBeenCalledWith({ suggested_name: expect.stringMatching(/^report-missed-\d{4}-\d{2}-\d{2}\.html$/), format: 'html' });
    expect(fakeApi.reports.save).toHaveBeenCalledWith({
      request: { kind: 'missed', filter: { from: '2024-03-05' } },
      format: 'html',
      target: { ref: 'r1', name: '/home/me/missed.html' },
    });
    expect(wrapper.get('[data-testid="report-saved"]').text()).toBe('Saved /home/me/missed.html.');
    wrapper.unmount();
  });

  it('says no heatmap cell opens calls', async () => {
    answer({ heatmap: { kind: 'heatmap', cells: [{ weekday: 1, hour: 9, calls: 3, answered: 2, missed: 1 }] } });
    const wrapper = await mountAt('#/reports?report=heatmap');
    const row = wrapper.get('[data-testid="report-row"]');
    expect(row.attributes('tabindex')).toBeUndefined();
    await row.trigger('click');
    expect(currentRoute.value.name).toBe('reports');
    expect(wrapper.text()).toContain('do not open calls');
    wrapper.unmount();
  });
});

describe('the missed-calls badge on the Calls screen', () => {
  it("counts today's missed callers and opens their report", async () => {
    fakeApi.calls.page.mockResolvedValue({ rows: [makeRow(0)], next_cursor: null });
    const wrapper = await mountAt('#/calls?caller=1001', CallsView);
    expect(fakeApi.reports.run).toHaveBeenCalledWith({ kind: 'missed', filter: { from: today() } });
    const badge = wrapper.get('[data-testid="missed-badge"]');
    expect(badge.attributes('data-count')).toBe('3');
    expect(badge.text()).toContain('3');
    await badge.trigger('click');
    await flushPromises();
    expect(currentRoute.value.name).toBe('reports');
    expect(useReportsStore().options.kind).toBe('missed');
    expect(useFilterStore().applied).toEqual({ from: today() });
    expect(window.location.hash).toBe(`#/reports?from=${today()}&report=missed`);
    wrapper.unmount();
  });
});

describe('what the click-through and the address understand', () => {
  it('turns every bucket label into its inclusive period', () => {
    expect(bucketRange('2024-03-04T08')).toEqual({ from: '2024-03-04T08:00:00', to: '2024-03-04T08:59:59' });
    expect(bucketRange('2024-03-04')).toEqual({ from: '2024-03-04', to: '2024-03-04' });
    expect(bucketRange('2025-W10')).toEqual({ from: '2025-03-03', to: '2025-03-09' });
    expect(bucketRange('2021-W01')).toEqual({ from: '2021-01-04', to: '2021-01-10' });
    expect(bucketRange('2024-02')).toEqual({ from: '2024-02-01', to: '2024-02-29' });
    expect(bucketRange('nonsense')).toBeNull();
  });

  it('opens top numbers, trunks and groups as the fields that select them', () => {
    const top: TopReport = { kind: 'top', of: 'destinations', rows: [{ number: '6400', name: '', calls: 5, answered: 4, talk_seconds: 60 }] };
    expect(drillFilter({ kind: 'top', filter: { pbx: ['office'] } }, top, 0)).toEqual({ pbx: ['office'], callee: '6400' });
    const trunks: TrunksReport = { kind: 'trunks', rows: [{ trunk: 'sip-out', inbound: 1, outbound: 9, answered: 5, talk_seconds: 60, peak_concurrent: 2, peak_at: null }] };
    expect(drillFilter({ kind: 'trunks', filter: {} }, trunks, 0)).toEqual({ dst_trunk: ['sip-out'] });
    expect(drillFilter({ kind: 'trunks', filter: {} }, trunks, 0, 'inbound')).toEqual({ src_trunk: ['sip-out'] });
    expect(
      drillFilter({ kind: 'groups', filter: {} }, { kind: 'groups', rows: [{ kind: 'QUEUE', group: '6500', offered: 3, answered: 2, missed: 1, answer_rate: 0.67, avg_wait: 9, answered_by: [] }] }, 0),
    ).toEqual({ action_type: ['QUEUE'], callee: '6500' });
    expect(drillFilter({ kind: 'accounts', filter: {} }, { kind: 'accounts', rows: [{ account_code: '4711', calls: 1, answered: 1, talk_seconds: 5 }] }, 0)).toEqual({
      account_code: ['4711'],
    });
  });

  it('reads back the report parameters it writes, and names those it cannot use', () => {
    const problems: string[] = [];
    const base = useReportsStore().options;
    const options = readReportParams(new URLSearchParams('report=top&of=destinations&limit=25'), base, problems);
    expect(writeReportParams(options, new URLSearchParams()).toString()).toBe('report=top&of=destinations&limit=25');
    readReportParams(new URLSearchParams('report=pie&by=year&limit=0'), base, problems);
    expect(problems).toEqual([
      '"report=pie" is not a report (summary, activity, heatmap, top, extensions, trunks, groups, concurrency, missed, accounts, costs)',
      '"by=year" is not one of hour, day, week, month',
      '"limit=0" is not a number of rows from 1 to 1000',
    ]);
  });

  it('keeps the outcome filter in the address', () => {
    const params = serializeCallsState({ filter: { outcome: ['voicemail', 'unanswered'] }, sort: { field: 'start', dir: 'desc' }, call: null });
    expect(params.toString()).toBe('outcome=voicemail&outcome=unanswered');
    const read = parseCallsState(new URLSearchParams('outcome=voicemail&outcome=lost'));
    expect(read.state.filter).toEqual({ outcome: ['voicemail'] });
    expect(read.problems).toEqual(['"outcome=lost" is not a call outcome (answered, voicemail, unanswered, failed)']);
  });
});

describe("a call's route in the Action column", () => {
  it('reads as its steps in words', () => {
    const row = makeRow(0, {
      route: [
        { kind: 'IVR', target: '7000' },
        { kind: 'RINGGROUP', target: '6400' },
        { kind: 'TRANSFER', target: '1005' },
        { kind: 'CALLFORWARD', target: '0044' },
        { kind: 'VM', target: '230' },
      ],
    });
    expect(rowView(0, row).route).toBe('IVR 7000 → Ring group 6400 → Transfer 1005 → Callforward 0044 → Voicemail 230');
    expect(rowView(0, makeRow(1, { route: [], action_type: 'DIAL' })).route).toBe('DIAL');
  });
});
