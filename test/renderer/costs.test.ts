import { fakeApi, makeCost, makeLeg, makeProfile, makeRow, resetFakeApi } from './fake-api.js';
import { flushPromises, mount } from '@vue/test-utils';
import { createPinia, setActivePinia, type Pinia } from 'pinia';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { defineComponent, h } from 'vue';
import type { CallCost, CostsReport, PbxProfile, ReportRequest } from '../../preload/api.js';
import CallRowCells from '../../renderer/src/components/CallRowCells.vue';
import FilterPanel from '../../renderer/src/components/FilterPanel.vue';
import PbxForm from '../../renderer/src/components/PbxForm.vue';
import SessionPanel from '../../renderer/src/components/SessionPanel.vue';
import { DEFAULT_COLUMNS, resolveColumns } from '../../renderer/src/columns.js';
import { parseCallsState, serializeCallsState } from '../../renderer/src/filter-state.js';
import { checkInvoice, parseInvoiceTotal } from '../../renderer/src/invoice-check.js';
import { emptyForm, validatePbxForm } from '../../renderer/src/pbx-form.js';
import { currentRoute, startRouter } from '../../renderer/src/router.js';
import { rowView } from '../../renderer/src/row-view.js';
import { FILTER_DEBOUNCE_MS, useFilterStore } from '../../renderer/src/stores/filter.js';
import { usePbxStore } from '../../renderer/src/stores/pbx.js';
import { useSessionStore } from '../../renderer/src/stores/session.js';
import { useSettingsStore } from '../../renderer/src/stores/settings.js';
import CallsView from '../../renderer/src/views/CallsView.vue';
import ReportsView from '../../renderer/src/views/ReportsView.vue';

// happy-dom has no canvas for ECharts: a stand-in shows the option it was given.
vi.mock('vue-echarts', () => ({
  default: defineComponent({
    props: { option: { type: Object, required: true } },
    setup(props) {
      return () => h('div', { 'data-testid': 'vchart', 'data-option': JSON.stringify(props.option) });
    },
  }),
}));

let pinia: Pinia;
let stopRouter: (() => void) | null = null;

function setHash(hash: string): void {
  window.history.replaceState(null, '', `/${hash}`);
}

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
  resetFakeApi();
  pinia = createPinia();
  setActivePinia(pinia);
});

afterEach(() => {
  stopRouter?.();
  stopRouter = null;
  vi.clearAllTimers();
  vi.useRealTimers();
  setHash('');
});

const RATED_ROW = { cost: 0.2345, cost_status: 'rated', cost_currency: 'GBP', rate_destination: 'UK mobile' } as const;

describe('the Cost column', () => {
  it('is among the default columns', () => {
    expect(DEFAULT_COLUMNS).toContain('cost');
    expect(resolveColumns([]).map((c) => c.id)).toContain('cost');
  });

  it('shows a rated call with 4 decimals and its currency, a not billable one as —, an unrated one as "unrated", never as 0', () => {
    expect(rowView(0, makeRow(0, RATED_ROW))).toMatchObject({ cost: '0.2345 GBP', costClass: 'cost-rated', costTitle: 'UK mobile' });
    expect(rowView(0, makeRow(0, { cost: 1234.5, cost_status: 'rated', cost_currency: 'EUR' })).cost).toBe('1,234.5000 EUR');
    expect(rowView(0, makeRow(0, { cost: 0, cost_status: 'not_billable' })).cost).toBe('—');
    const unrated = rowView(0, makeRow(0, { cost: null, cost_status: 'unrated', cost_currency: 'GBP' }));
    expect(unrated).toMatchObject({ cost: 'unrated', costClass: 'cost-unrated' });
    expect(unrated.costTitle).toContain('unknown, not zero');
  });

  it('draws the cell with the warning style for an unrated call', () => {
    const columns = resolveColumns(['from', 'cost']);
    const wrapper = mount(CallRowCells, { props: { view: rowView(0, makeRow(0, { cost: null, cost_status: 'unrated' })), columns } });
    const cell = wrapper.get('[data-testid="row-cost"]');
    expect(cell.text()).toBe('unrated');
    expect(cell.classes()).toContain('cost-unrated');
    expect(cell.attributes('data-status')).toBe('unrated');
  });
});

describe('the Cost section of the call details', () => {
  async function panelWith(cost: CallCost) {
    fakeApi.calls.session.mockResolvedValue({ call: makeRow(0, { dst: '07700900123' }), main: makeLeg({ acct_id: '1' }), legs: [], conflicts: [], cost });
    await useSessionStore().open(1);
    return mount(SessionPanel, { global: { plugins: [pinia] } });
  }

  it('shows how a rated call was priced: amount, plan, E.164 number, prefix, destination, rate, connect, minimum, increment, billed time', async () => {
    const wrapper = await panelWith(
      makeCost({
        status: 'rated',
        cost: 0.0458,
        currency: 'GBP',
        plan: 'BT',
        e164: '447700900123',
        row: { line: 4, prefix: '447', destination: 'UK mobile', rate: '0.0512', connect: '0.0150', minimum: 30, increment: 6, effective: '2025-01-01T00:00:00' },
        billed_seconds: 36,
        reason: '',
      }),
    );
    const section = wrapper.get('[data-testid="session-cost"]');
    expect(section.attributes('data-status')).toBe('rated');
    expect(section.get('[data-testid="session-cost-status"]').text()).toBe('Rated');
    expect(section.get('[data-testid="session-cost-amount"]').text()).toBe('0.0458 GBP');
    expect(section.get('[data-testid="session-cost-plan"]').text()).toBe('BT');
    expect(section.get('[data-testid="session-cost-e164"]').text()).toBe('+447700900123');
    expect(section.get('[data-testid="session-cost-prefix"]').text()).toBe('447');
    expect(section.get('[data-testid="session-cost-destination"]').text()).toBe('UK mobile');
    expect(section.get('[data-testid="session-cost-rate"]').text()).toBe('0.0512 /min');
    expect(section.get('[data-testid="session-cost-billed"]').text()).toBe('36 s');
    const text = section.text();
    for (const fact of ['Connect0.0150', 'Minimum30 s', 'Increment6 s', 'Rate from2025-01-01 00:00:00']) expect(text).toContain(fact);
    expect(section.find('[data-testid="session-cost-reason"]').exists()).toBe(false);
  });

  it('says why a call has no cost: unrated (unknown, not zero) or not billable', async () => {
    const unrated = await panelWith(
      makeCost({ status: 'unrated', cost: null, currency: 'GBP', plan: 'BT', e164: '4915112345678', reason: 'No prefix of plan BT matches 4915112345678.' }),
    );
    expect(unrated.get('[data-testid="session-cost-status"]').text()).toBe('Unrated: no rate found');
    expect(unrated.get('[data-testid="session-cost-amount"]').text()).toBe('Unknown (not zero)');
    expect(unrated.get('[data-testid="session-cost-reason"]').text()).toBe('No prefix of plan BT matches 4915112345678.');
    expect(unrated.find('[data-testid="session-cost-prefix"]').exists()).toBe(false);
    unrated.unmount();

    useSessionStore().close();
    const free = await panelWith(makeCost({ reason: 'Not answered.' }));
    expect(free.get('[data-testid="session-cost-status"]').text()).toBe('Not billable');
    expect(free.get('[data-testid="session-cost-amount"]').text()).toBe('0.0000');
    expect(free.get('[data-testid="session-cost-reason"]').text()).toBe('Not answered.');
    expect(free.find('[data-testid="session-cost-plan"]').exists()).toBe(false);
  });
});

describe('the cost filter', () => {
  it('applies cost statuses at once and typed bounds after the pause, refusing text that is not an amount', async () => {
    const filters = useFilterStore();
    const wrapper = mount(FilterPanel, { global: { plugins: [pinia] } });
    await wrapper.get('[data-testid="filter-cost_status-unrated"]').setValue(true);
    await wrapper.get('[data-testid="filter-cost_status-rated"]').setValue(true);
    expect(filters.applied).toEqual({ cost_status: ['unrated', 'rated'] });

    await wrapper.get('[data-testid="filter-min_cost"]').setValue('0.25');
    await wrapper.get('[data-testid="filter-max_cost"]').setValue('.5');
    expect(filters.applied).toEqual({ cost_status: ['unrated', 'rated'] });
    vi.advanceTimersByTime(FILTER_DEBOUNCE_MS);
    expect(filters.applied).toEqual({ cost_status: ['unrated', 'rated'], min_cost: 0.25, max_cost: 0.5 });

    await wrapper.get('[data-testid="filter-max_cost"]').setValue('£1,50');
    expect(wrapper.get('[data-testid="filter-cost"]').text()).toContain('"£1,50" is not an amount');
    expect(wrapper.get('[data-testid="filter-max_cost"]').attributes('aria-invalid')).toBe('true');
    expect(filters.filter.max_cost).toBe(0.5);

    await wrapper.get('[data-testid="filter-cost_status-unrated"]').setValue(false);
    expect(filters.applied.cost_status).toEqual(['rated']);
    await wrapper.get('[data-testid="filter-reset"]').trigger('click');
    expect(filters.applied).toEqual({});
    expect((wrapper.get('[data-testid="filter-min_cost"]').element as HTMLInputElement).value).toBe('');
    wrapper.unmount();
  });

  it('round-trips cost status and bounds through the address, and names values it cannot use', () => {
    const state = { filter: { cost_status: ['rated' as const, 'unrated' as const], min_cost: 0.05, max_cost: 12.5 }, sort: { field: 'start' as const, dir: 'desc' as const }, call: null };
    const params = serializeCallsState(state);
    expect(params.toString()).toBe('cost_status=rated&cost_status=unrated&min_cost=0.05&max_cost=12.5');
    expect(parseCallsState(new URLSearchParams(params.toString()))).toEqual({ state, problems: [] });

    const { state: read, problems } = parseCallsState(new URLSearchParams('cost_status=free&cost_status=not_billable&min_cost=-1&max_cost=0.12345'));
    expect(read.filter).toEqual({ cost_status: ['not_billable'] });
    expect(problems).toEqual([
      '"cost_status=free" is not a cost status (rated, not_billable, unrated)',
      '"min_cost=-1" is not an amount like 0.25',
      '"max_cost=0.12345" is not an amount like 0.25',
    ]);
  });

  it('keeps the cost fields in a saved filter', async () => {
    const filters = useFilterStore();
    filters.applyFilter({ cost_status: ['unrated'], min_cost: 1 });
    expect(await filters.savePreset('Unrated and dear')).toBeNull();
    expect(fakeApi.app.saveSettings).toHaveBeenCalledWith(
      expect.objectContaining({ saved_filters: [{ name: 'Unrated and dear', filter: { cost_status: ['unrated'], min_cost: 1 } }] }),
    );
    filters.reset();
    filters.applyPreset('Unrated and dear');
    expect(filters.applied).toEqual({ cost_status: ['unrated'], min_cost: 1 });
    expect(useSettingsStore().settings.saved_filters[0]?.filter).toEqual({ cost_status: ['unrated'], min_cost: 1 });
  });
});

describe('unrated calls are never silently free', () => {
  async function callsAt(hash: string) {
    setHash(hash);
    stopRouter = startRouter();
    fakeApi.calls.page.mockResolvedValue({ rows: [makeRow(0)], next_cursor: null });
    fakeApi.calls.totals.mockResolvedValue({ count: 1, talk_seconds: 20 });
    const wrapper = mount(CallsView, { global: { plugins: [pinia] }, attachTo: document.body });
    await flushPromises();
    return wrapper;
  }

  it('says on the Calls screen how many billable calls have no rate, and one click lists them', async () => {
    fakeApi.rates.state.mockResolvedValue({ stale: false, unrated: 50, plans: 1 });
    const wrapper = await callsAt('#/calls?caller=1001');
    const notice = wrapper.get('[data-testid="unrated-notice"]');
    expect(notice.attributes('data-count')).toBe('50');
    expect(notice.text()).toContain('50 billable calls have no rate (unrated)');
    fakeApi.calls.page.mockClear();
    await wrapper.get('[data-testid="unrated-show"]').trigger('click');
    await flushPromises();
    expect(useFilterStore().applied).toEqual({ cost_status: ['unrated'] });
    expect(window.location.hash).toBe('#/calls?cost_status=unrated');
    expect(fakeApi.calls.page).toHaveBeenLastCalledWith(expect.objectContaining({ filter: { cost_status: ['unrated'] } }));
    wrapper.unmount();
  });

  it('says nothing when every billable call has a rate', async () => {
    const wrapper = await callsAt('#/calls');
    expect(fakeApi.rates.state).toHaveBeenCalled();
    expect(wrapper.find('[data-testid="unrated-notice"]').exists()).toBe(false);
    wrapper.unmount();
  });
});

describe('the invoice check', () => {
  it('reads totals with or without thousands separators, to 4 decimals, and nothing else', () => {
    expect(parseInvoiceTotal('1,234.56')).toBe(12_345_600);
    expect(parseInvoiceTotal(' 1234.5678 ')).toBe(12_345_678);
    expect(parseInvoiceTotal('0')).toBe(0);
    for (const bad of ['1.234,56', '12,34', '£12', '1.23456', '-4', '1e3', '']) expect(parseInvoiceTotal(bad), bad).toBeNull();
  });

  it('shows the carrier total, ours, the difference and the difference in % of ours', () => {
    expect(checkInvoice('1,234.56', 1230.12, 'GBP')).toEqual({
      difference: 4.44,
      percent: 0.36,
      text: 'Carrier 1,234.5600 GBP · ours 1,230.1200 · difference +4.4400 (+0.36 %)',
    });
    expect(checkInvoice('1000', 1250, 'EUR')).toMatchObject({ difference: -250, percent: -20, text: 'Carrier 1,000.0000 EUR · ours 1,250.0000 · difference -250.0000 (-20.00 %)' });
    expect(checkInvoice('11.2028', 11.2028, 'GBP')).toMatchObject({ difference: 0, percent: 0, text: 'Carrier 11.2028 GBP · ours 11.2028 · difference 0.0000 (0.00 %)' });
  });

  it('subtracts exactly, where floating point would not', () => {
    // 0.3 - 0.1 - 0.2 in floating point is not 0; in ten-thousandths it is.
    expect(checkInvoice('0.3', 0.1 + 0.2, '')).toMatchObject({ difference: 0, text: 'Carrier 0.3000 · ours 0.3000 · difference 0.0000 (0.00 %)' });
  });

  it('has no percentage when ours is 0, nothing to say for an empty total, and names text that is not one', () => {
    expect(checkInvoice('5', 0, 'GBP')).toMatchObject({ percent: null, text: 'Carrier 5.0000 GBP · ours 0.0000 · difference +5.0000 (no percentage: ours is 0)' });
    expect(checkInvoice('  ', 12, 'GBP')).toBeNull();
    expect(checkInvoice('12 GBP', 12, 'GBP')).toEqual({ problem: '"12 GBP" is not an amount: write the invoice total like 1234.56 or 1,234.56, without the currency.' });
  });
});

const COSTS: CostsReport = {
  kind: 'costs',
  by: 'trunk',
  currency: 'GBP',
  rows: [
    { key: 'BT SIP', calls: 150, billed_seconds: 20_000, cost: 1000.1 },
    { key: 'GSM', calls: 43, billed_seconds: 9795, cost: 230.02 },
  ],
  total: { calls: 193, billed_seconds: 29_795, cost: 1230.12 },
  unrated: { calls: 50 },
  stale: false,
};

describe('the costs report', () => {
  async function reportsAt(hash: string, report: CostsReport = COSTS) {
    fakeApi.reports.run.mockImplementation(async (req: ReportRequest) => ({ ...report, by: (req.by as CostsReport['by']) ?? 'extension' }));
    setHash(hash);
    stopRouter = startRouter();
    const wrapper = mount(ReportsView, { global: { plugins: [pinia] }, attachTo: document.body });
    await flushPromises();
    return wrapper;
  }

  it('is in the picker, groups by the "by" chosen, and keeps it in the address', async () => {
    const wrapper = await reportsAt('#/reports?from=2025-03-01&report=costs');
    const kinds = wrapper.findAll('[data-testid="report-kind"] option').map((o) => o.attributes('value'));
    expect(kinds).toContain('costs');
    expect(wrapper.findAll('[data-testid="report-cost-by"] option').map((o) => o.text())).toEqual(['Extension', 'Trunk', 'Account code', 'Destination', 'Day', 'Month']);
    expect(fakeApi.reports.run).toHaveBeenLastCalledWith({ kind: 'costs', by: 'extension', filter: { from: '2025-03-01' } });
    await wrapper.get('[data-testid="report-cost-by"]').setValue('trunk');
    await flushPromises();
    expect(fakeApi.reports.run).toHaveBeenLastCalledWith({ kind: 'costs', by: 'trunk', filter: { from: '2025-03-01' } });
    expect(window.location.hash).toBe('#/reports?from=2025-03-01&report=costs&by=trunk');
    wrapper.unmount();
  });

  it('shows the total, the unrated calls it leaves out, a chart and a table with the total row', async () => {
    const wrapper = await reportsAt('#/reports?report=costs&by=trunk');
    expect(wrapper.get('[data-testid="costs-total"]').text()).toBe('1,230.1200 GBP');
    expect(wrapper.get('[data-testid="costs-unrated"]').text()).toBe('50');
    expect(wrapper.find('[data-testid="vchart"]').exists()).toBe(true);
    expect(wrapper.findAll('[data-testid="report-table"] th[scope="col"]').map((th) => th.text())).toEqual(['Trunk', 'Calls', 'Billed (s)', 'Cost (GBP)']);
    expect(wrapper.findAll('[data-testid="report-row"]').map((r) => r.findAll('td').map((td) => td.text()))).toEqual([
      ['BT SIP', '150', '20,000', '1000.1000'],
      ['GSM', '43', '9,795', '230.0200'],
    ]);
    expect(wrapper.get('[data-testid="report-totals"]').text()).toContain('Total, 50 unrated not included');
    wrapper.unmount();
  });

  it('checks the carrier invoice against the total, reminding that unrated calls are not in ours', async () => {
    const wrapper = await reportsAt('#/reports?report=costs&by=trunk');
    await wrapper.get('[data-testid="invoice-total"]').setValue('1,234.56');
    expect(wrapper.get('[data-testid="invoice-result"]').text()).toBe('Carrier 1,234.5600 GBP · ours 1,230.1200 · difference +4.4400 (+0.36 %)');
    expect(wrapper.get('[data-testid="invoice-unrated"]').text()).toContain('50 unrated calls are not in our total');
    await wrapper.get('[data-testid="invoice-total"]').setValue('abc');
    expect(wrapper.find('[data-testid="invoice-result"]').exists()).toBe(false);
    expect(wrapper.get('[data-testid="invoice-check"]').text()).toContain('"abc" is not an amount');
    wrapper.unmount();
  });

  it('opens the rated calls of a row, and the unrated calls of the filter', async () => {
    const wrapper = await reportsAt('#/reports?from=2025-03-01&report=costs&by=trunk');
    await wrapper.findAll('[data-testid="report-row"]')[1].trigger('click');
    await flushPromises();
    expect(currentRoute.value.name).toBe('calls');
    expect(useFilterStore().applied).toEqual({ from: '2025-03-01', cost_status: ['rated'], dst_trunk: ['GSM'] });
    expect(parseCallsState(currentRoute.value.query).state.filter).toEqual({ from: '2025-03-01', cost_status: ['rated'], dst_trunk: ['GSM'] });
    wrapper.unmount();

    const again = await reportsAt('#/reports?from=2025-03-01&report=costs&by=trunk');
    await again.get('[data-testid="costs-unrated-open"]').trigger('click');
    await flushPromises();
    expect(currentRoute.value.name).toBe('calls');
    expect(useFilterStore().applied).toEqual({ from: '2025-03-01', cost_status: ['unrated'] });
    again.unmount();
  });

  it('says when the figures may still move because costs are being calculated again', async () => {
    const wrapper = await reportsAt('#/reports?report=costs', { ...COSTS, stale: true });
    expect(wrapper.get('[data-testid="costs-stale"]').text()).toContain('may still move');
    wrapper.unmount();
  });
});

describe('the dial plan of a PBX', () => {
  function office(overrides: Partial<PbxProfile> = {}): PbxProfile {
    return makeProfile({ calls: 2000, sync_every: 0, ...overrides });
  }


  it('takes digits only, a country code of at most 3 digits not starting with 0', () => {
    const errors = validatePbxForm({ ...emptyForm(), name: 'x', url: 'https://192.0.2.1', user: 'u', password: 'p', country_code: '+44', national_prefix: '0 ', international_prefix: '00a' }, { others: [] });
    expect(errors.country_code).toBe('The country code is digits only, without + or spaces.');
    expect(errors.national_prefix).toBeUndefined();
    expect(errors.international_prefix).toBe('The international prefix is digits only, without + or spaces.');
    expect(validatePbxForm({ ...emptyForm(), name: 'x', tz: 'UTC', country_code: '0044' }, { others: [], importOnly: true }).country_code).toBe(
      'The country code has at most 3 digits.',
    );
    expect(validatePbxForm({ ...emptyForm(), name: 'x', tz: 'UTC', country_code: '049' }, { others: [], importOnly: true }).country_code).toContain('never starts with 0');
  });

  it('is edited in the PBX form with a hint, saved, and the calls are rated again', async () => {
    const before = office();
    const after = office({ country_code: '44', national_prefix: '0', international_prefix: '00' });
    fakeApi.pbx.save.mockResolvedValue(after);
    fakeApi.rates.state.mockResolvedValue({ stale: true, unrated: 0, plans: 1 });
    fakeApi.rates.rerate.mockResolvedValue({ calls: 10, changed: 4, state: { stale: false, unrated: 0, plans: 1 } });
    const wrapper = mount(PbxForm, { props: { profile: before }, global: { plugins: [pinia] } });
    expect(wrapper.get('[data-testid="pbx-form-dial-plan"]').text()).toContain('UK 44 / 0 / 00, US and Canada 1 / 1 / 011');
    expect(wrapper.get('[data-testid="pbx-form-country_code"]').attributes('aria-describedby')).toBe('pbx-dial-plan-hint');
    await wrapper.get('[data-testid="pbx-form-country_code"]').setValue('44');
    await wrapper.get('[data-testid="pbx-form-national_prefix"]').setValue('0');
    await wrapper.get('[data-testid="pbx-form-international_prefix"]').setValue('00');
    expect(wrapper.get('[data-testid="pbx-form-rerate"]').text()).toBe('Saving calculates the costs of the 2,000 cached calls of office again with this dial plan.');
    await wrapper.get('[data-testid="pbx-save"]').trigger('click');
    await flushPromises();
    expect(fakeApi.pbx.save).toHaveBeenCalledWith(expect.objectContaining({ id: 1, country_code: '44', national_prefix: '0', international_prefix: '00' }));
    expect(fakeApi.rates.rerate).toHaveBeenCalledTimes(1);
  });

  it('shows a bad value in the form and sends nothing', async () => {
    const wrapper = mount(PbxForm, { props: { profile: office() }, global: { plugins: [pinia] } });
    await wrapper.get('[data-testid="pbx-form-country_code"]').setValue('+44');
    await wrapper.get('[data-testid="pbx-save"]').trigger('click');
    await flushPromises();
    expect(wrapper.get('[data-testid="pbx-form-dial-plan"]').text()).toContain('The country code is digits only');
    expect(fakeApi.pbx.save).not.toHaveBeenCalled();
  });

  it('is offered for a source of imported history too, and leaves the costs alone when unchanged', async () => {
    const source = office({ id: 3, kind: 'import', url: '', user: '', fingerprint: null, calls: 5 });
    const pbx = usePbxStore();
    pbx.profiles = [source];
    fakeApi.pbx.saveImportSource.mockResolvedValue({ ...source, country_code: '1', national_prefix: '1', international_prefix: '011' });
    const wrapper = mount(PbxForm, { props: { profile: source }, global: { plugins: [pinia] } });
    await wrapper.get('[data-testid="pbx-form-country_code"]').setValue('1');
    await wrapper.get('[data-testid="pbx-form-national_prefix"]').setValue('1');
    await wrapper.get('[data-testid="pbx-form-international_prefix"]').setValue('011');
    await wrapper.get('[data-testid="pbx-save"]').trigger('click');
    await flushPromises();
    expect(fakeApi.pbx.saveImportSource).toHaveBeenCalledWith(expect.objectContaining({ id: 3, country_code: '1', national_prefix: '1', international_prefix: '011' }));
    expect(fakeApi.rates.state).toHaveBeenCalledTimes(1);

    fakeApi.rates.state.mockClear();
    pbx.profiles = [source];
    fakeApi.pbx.saveImportSource.mockResolvedValue(source);
    const unchanged = mount(PbxForm, { props: { profile: source }, global: { plugins: [pinia] } });
    await unchanged.get('[data-testid="pbx-save"]').trigger('click');
    await flushPromises();
    expect(fakeApi.rates.state).not.toHaveBeenCalled();
  });
});
