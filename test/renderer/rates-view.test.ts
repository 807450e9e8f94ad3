import { deferred, emitProgress, fakeApi, makeProfile, makeRow, resetFakeApi } from './fake-api.js';
import { flushPromises, mount } from '@vue/test-utils';
import { createPinia, setActivePinia, type Pinia } from 'pinia';
import { beforeEach, describe, expect, it } from 'vitest';
import type { PbxProfile, RatePlan, RatePlanDetail, RateRowView, RerateResult } from '../../preload/api.js';
import { ApiError } from '../../renderer/src/api.js';
import RatingProgress from '../../renderer/src/components/RatingProgress.vue';
import { useCallsStore } from '../../renderer/src/stores/calls.js';
import { useRatesStore } from '../../renderer/src/stores/rates.js';
import RatesView from '../../renderer/src/views/RatesView.vue';

let pinia: Pinia;

const BT: RatePlan = {
  name: 'BT',
  currency: 'GBP',
  pbx: ['office'],
  trunks: ['BT SIP'],
  file: 'bt-2025.csv',
  imported_at: '2025-03-01T09:30:00Z',
  row_count: 3,
};

function rateRow(line: number, overrides: Partial<RateRowView> = {}): RateRowView {
  return { line, prefix: String(440 + line), destination: `Zone ${line}`, rate: '0.0120', connect: '0', minimum: 0, increment: 1, effective: null, ...overrides };
}

function detail(plan: RatePlan, rows: RateRowView[]): RatePlanDetail {
  return { ...plan, row_count: rows.length, rows };
}

function profile(name: string, id: number): PbxProfile {
  return makeProfile({
    id,
    name,
    fingerprint: null,
    last_sync_state: 'never',
    calls: 10,
    country_code: '44',
    national_prefix: '0',
    international_prefix: '00',
    sync_every: 0,
  });
}

const FRESH = { stale: false, unrated: 0, plans: 1 };
const STALE = { stale: true, unrated: 0, plans: 1 };

function rerated(overrides: Partial<RerateResult> = {}): RerateResult {
  return { calls: 120, changed: 40, state: { ...FRESH, unrated: 3 }, ...overrides };
}

beforeEach(() => {
  resetFakeApi();
  pinia = createPinia();
  setActivePinia(pinia);
  fakeApi.rates.list.mockResolvedValue([BT]);
  fakeApi.pbx.list.mockResolvedValue([profile('office', 1), profile('branch', 2)]);
  fakeApi.calls.filterOptions.mockResolvedValue({ pbx: ['office', 'branch'], src_trunk: [], dst_trunk: ['BT SIP', 'GSM'], action_type: [], account_code: [] });
});

async function mountView() {
  const wrapper = mount({ components: { RatesView, RatingProgress }, template: '<RatingProgress /><RatesView />' }, { global: { plugins: [pinia] }, attachTo: document.body });
  await flushPromises();
  return wrapper;
}

describe('the Rates screen', () => {
  it('lists each plan with its currency, rows, PBXs, trunks and file', async () => {
    fakeApi.rates.list.mockResolvedValue([BT, { ...BT, name: 'Mobile', currency: 'EUR', pbx: [], trunks: [], file: 'gsm.csv', row_count: 12_500 }]);
    const wrapper = await mountView();
    const rows = wrapper.findAll('[data-testid="rates-plan"]');
    expect(rows.map((r) => r.attributes('data-plan'))).toEqual(['BT', 'Mobile']);
    expect(rows.map((r) => r.findAll('td').map((td) => td.text()).slice(0, 5))).toEqual([
      ['GBP', '3', 'office', 'BT SIP', 'bt-2025.csv'],
      ['EUR', '12,500', 'Every PBX', 'Every trunk', 'gsm.csv'],
    ]);
    expect(wrapper.get('[data-testid="rates-plans"] caption').text()).toBe('Rate plans');
    wrapper.unmount();
  });

  it('says what to do when there is no plan yet', async () => {
    fakeApi.rates.list.mockResolvedValue([]);
    const wrapper = await mountView();
    expect(wrapper.get('[data-testid="rates-empty"]').text()).toContain('Import your carrier');
    expect(wrapper.find('[data-testid="rates-plans"]').exists()).toBe(false);
    wrapper.unmount();
  });

  it('imports a sheet: file, plan named after it, currency, PBXs and trunks, then rates the calls again with progress', async () => {
    const wrapper = await mountView();
    await wrapper.get('[data-testid="rates-import-open"]').trigger('click');
    fakeApi.dialogs.pickImportFiles.mockResolvedValue([{ ref: 'r1', name: 'Carrier March.csv' }]);
    await wrapper.get('[data-testid="rates-import-pick"]').trigger('click');
    await flushPromises();
    expect(wrapper.get('[data-testid="rates-import-file"]').text()).toBe('Carrier March.csv');
    expect((wrapper.get('[data-testid="rates-import-plan"]').element as HTMLInputElement).value).toBe('Carrier March');
    await wrapper.get('[data-testid="rates-import-currency"]').setValue('gbp');
    await wrapper.get('[data-testid="rates-import-pbx"]').setValue(['office']);
    await wrapper.get('[data-testid="rates-import-trunks"]').setValue(['BT SIP', 'GSM']);

    const imported: RatePlan = { ...BT, name: 'Carrier March', file: 'Carrier March.csv', trunks: ['BT SIP', 'GSM'] };
    fakeApi.rates.import.mockResolvedValue({ plan: imported, replaced: false });
    fakeApi.rates.list.mockResolvedValue([BT, imported]);
    fakeApi.rates.show.mockResolvedValue(detail(imported, [rateRow(2)]));
    fakeApi.rates.state.mockResolvedValue(STALE);
    const run = deferred<RerateResult>();
    fakeApi.rates.rerate.mockReturnValue(run.promise);
    await wrapper.get('[data-testid="rates-import-run"]').trigger('click');
    await flushPromises();

    expect(fakeApi.rates.import).toHaveBeenCalledWith({ file: { ref: 'r1', name: 'Carrier March.csv' }, plan: 'Carrier March', currency: 'GBP', pbx: ['office'], trunks: ['BT SIP', 'GSM'] });
    expect(wrapper.find('[data-testid="rates-import-dialog"]').exists()).toBe(false);
    expect(wrapper.findAll('[data-testid="rates-plan"]')).toHaveLength(2);
    expect(wrapper.get('[data-testid="rates-rows-panel"] h2').text()).toBe('Rows of Carrier March');

    // The change left the costs stale: they are calculated again as a task with progress and a Cancel.
    const taskId = fakeApi.rates.rerate.mock.calls[0]?.[0].taskId ?? '';
    expect(taskId).toMatch(/^rating-/);
    emitProgress({ taskId, kind: 'rating', stage: 'Calculating call costs', done: 50, total: 200, rate: null, eta_seconds: null });
    await flushPromises();
    expect(wrapper.get('[data-testid="rating-progress"] [role="progressbar"]').attributes('aria-valuenow')).toBe('25');
    expect(wrapper.get('[data-testid="rates-state"]').text()).toContain('Calculating call costs');
    await wrapper.get('[data-testid="rating-cancel"]').trigger('click');
    expect(fakeApi.tasks.cancel).toHaveBeenCalledWith({ taskId });

    run.resolve(rerated());
    await flushPromises();
    expect(wrapper.find('[data-testid="rating-progress"]').exists()).toBe(false);
    expect(wrapper.get('[data-testid="rates-state"]').text()).toBe('Costs are up to date.');
    expect(wrapper.get('[data-testid="unrated-notice"]').text()).toContain('3 billable calls have no rate (unrated)');
    wrapper.unmount();
  });

  it('fills currency, PBXs and trunks from the plan an import replaces, and says it replaces it', async () => {
    const wrapper = await mountView();
    await wrapper.get('[data-testid="rates-import-open"]').trigger('click');
    fakeApi.dialogs.pickImportFiles.mockResolvedValue([{ ref: 'r2', name: 'BT.csv' }]);
    await wrapper.get('[data-testid="rates-import-pick"]').trigger('click');
    await flushPromises();
    expect((wrapper.get('[data-testid="rates-import-currency"]').element as HTMLInputElement).value).toBe('GBP');
    expect(wrapper.get('[data-testid="rates-import-replaces"]').text()).toBe('Replaces plan BT (3 rows from bt-2025.csv) with the rows of this sheet.');
    fakeApi.rates.import.mockResolvedValue({ plan: BT, replaced: true });
    await wrapper.get('[data-testid="rates-import-run"]').trigger('click');
    await flushPromises();
    expect(fakeApi.rates.import).toHaveBeenCalledWith({ file: { ref: 'r2', name: 'BT.csv' }, plan: 'BT', currency: 'GBP', pbx: ['office'], trunks: ['BT SIP'] });
    wrapper.unmount();
  });

  it('checks the form before asking the service: a file, a name, a three-letter currency', async () => {
    const wrapper = await mountView();
    await wrapper.get('[data-testid="rates-import-open"]').trigger('click');
    await wrapper.get('[data-testid="rates-import-currency"]').setValue('£');
    await wrapper.get('[data-testid="rates-import-run"]').trigger('click');
    const text = wrapper.get('[data-testid="rates-import-dialog"]').text();
    expect(text).toContain('Choose the rate sheet file (CSV) first.');
    expect(text).toContain('Give the plan a name');
    expect(text).toContain('"£" is not a currency code');
    expect(fakeApi.rates.import).not.toHaveBeenCalled();
    wrapper.unmount();
  });

  it('shows a refused sheet with the message and every bad line listed, and changes nothing', async () => {
    const wrapper = await mountView();
    await wrapper.get('[data-testid="rates-import-open"]').trigger('click');
    fakeApi.dialogs.pickImportFiles.mockResolvedValue([{ ref: 'r3', name: 'broken.csv' }]);
    await wrapper.get('[data-testid="rates-import-pick"]').trigger('click');
    await flushPromises();
    const problems = [
      { line: 3, message: 'The rate "0,01" has a decimal comma in a comma-separated sheet.' },
      { line: 7, message: 'The prefix "44x" is not digits.' },
    ];
    const message = 'Rate sheet "broken.csv" was refused whole (nothing changed): 2 bad line(s).\n  line 3: ...\n  line 7: ...';
    fakeApi.rates.import.mockRejectedValue(new ApiError('BAD_FILE', message, { problems }));
    fakeApi.rates.list.mockClear();
    await wrapper.get('[data-testid="rates-import-run"]').trigger('click');
    await flushPromises();

    const dialog = wrapper.get('[data-testid="rates-import-dialog"]');
    expect(dialog.get('[data-testid="error-banner"]').attributes('data-code')).toBe('BAD_FILE');
    // The summary once, then each line as an item (not the message's own copy of them).
    expect(dialog.get('[data-testid="error-banner"] .text').text()).toBe('Rate sheet "broken.csv" was refused whole (nothing changed): 2 bad line(s).');
    const lines = dialog.findAll('[data-testid="rates-import-problem"]');
    expect(lines.map((l) => l.attributes('data-line'))).toEqual(['3', '7']);
    expect(lines[1].text()).toBe('Line 7 The prefix "44x" is not digits.');
    expect(fakeApi.rates.list).not.toHaveBeenCalled();
    expect(fakeApi.rates.rerate).not.toHaveBeenCalled();
    wrapper.unmount();
  });

  it("keeps a plan's thousands of rows scrolling inside their panel, drawing only those in view, and finds a prefix", async () => {
    const rows = Array.from({ length: 5000 }, (_, i) => rateRow(i + 2, { prefix: String(1000 + i), destination: i === 4321 ? 'Faroe Islands' : `Zone ${i}` }));
    fakeApi.rates.show.mockResolvedValue(detail(BT, rows));
    const wrapper = await mountView();
    await wrapper.get('[data-testid="rates-plan-open"]').trigger('click');
    await flushPromises();
    expect(fakeApi.rates.show).toHaveBeenCalledWith({ plan: 'BT' });
    const table = wrapper.get('[data-testid="rates-rows"]');
    expect(table.attributes('data-rows')).toBe('5000');
    expect(table.attributes('aria-rowcount')).toBe('5001');
    const drawn = wrapper.findAll('[data-testid="rates-row"]');
    expect(drawn.length).toBeGreaterThan(0);
    expect(drawn.length).toBeLessThan(100);
    expect(drawn[0].find('td').text()).toBe('1000');

    const scroller = wrapper.get('[data-testid="rates-rows-scroller"]').element as HTMLElement;
    scroller.scrollTop = 26 * 3000;
    await wrapper.get('[data-testid="rates-rows-scroller"]').trigger('scroll');
    const later = wrapper.findAll('[data-testid="rates-row"]').map((r) => r.find('td').text());
    expect(later).toContain('4000');
    expect(later).not.toContain('1000');

    await wrapper.get('[data-testid="rates-rows-find"]').setValue('faroe');
    const found = wrapper.findAll('[data-testid="rates-row"]');
    expect(found.map((r) => r.find('td').text())).toEqual(['5321']);
    expect(wrapper.get('[data-testid="rates-rows-count"]').text()).toBe('1 of 5,000 rows');
    wrapper.unmount();
  });

  it('changes where a plan applies, and shows the refusal of an overlap', async () => {
    const wrapper = await mountView();
    await wrapper.get('[data-testid="rates-plan-assign"]').trigger('click');
    await wrapper.get('[data-testid="rates-assign-pbx"]').setValue(['office', 'branch']);
    await wrapper.get('[data-testid="rates-assign-trunks"]').setValue(['GSM']);
    fakeApi.rates.assign.mockRejectedValueOnce(new ApiError('BAD_INPUT', 'Plan Mobile already prices branch by GSM.'));
    await wrapper.get('[data-testid="rates-assign-save"]').trigger('click');
    await flushPromises();
    expect(fakeApi.rates.assign).toHaveBeenCalledWith({ plan: 'BT', pbx: ['office', 'branch'], trunks: ['GSM'] });
    expect(wrapper.get('[data-testid="rates-assign-dialog"]').text()).toContain('Plan Mobile already prices branch by GSM.');

    fakeApi.rates.assign.mockResolvedValue({ ...BT, pbx: ['office'], trunks: ['GSM'] });
    fakeApi.rates.list.mockResolvedValue([{ ...BT, trunks: ['GSM'] }]);
    await wrapper.get('[data-testid="rates-assign-pbx"]').setValue(['office']);
    await wrapper.get('[data-testid="rates-assign-save"]').trigger('click');
    await flushPromises();
    expect(wrapper.find('[data-testid="rates-assign-dialog"]').exists()).toBe(false);
    expect(wrapper.get('[data-testid="rates-plan-trunks"]').text()).toBe('GSM');
    expect(fakeApi.rates.state).toHaveBeenCalled();
    wrapper.unmount();
  });

  it('removes a plan only once confirmed', async () => {
    const wrapper = await mountView();
    await wrapper.get('[data-testid="rates-plan-remove"]').trigger('click');
    expect(wrapper.get('[data-testid="rates-remove-text"]').text()).toContain('The calls it priced become not billable');
    await wrapper.get('[data-testid="rates-remove-cancel"]').trigger('click');
    expect(fakeApi.rates.remove).not.toHaveBeenCalled();

    await wrapper.get('[data-testid="rates-plan-remove"]').trigger('click');
    fakeApi.rates.list.mockResolvedValue([]);
    await wrapper.get('[data-testid="rates-remove-confirm"]').trigger('click');
    await flushPromises();
    expect(fakeApi.rates.remove).toHaveBeenCalledWith({ plan: 'BT' });
    expect(wrapper.find('[data-testid="rates-remove-dialog"]').exists()).toBe(false);
    expect(wrapper.find('[data-testid="rates-empty"]').exists()).toBe(true);
    wrapper.unmount();
  });

  it('looks a number up on a PBX and trunk: E.164, plan, prefix and price, or the reason there is none', async () => {
    const wrapper = await mountView();
    fakeApi.rates.lookup.mockResolvedValue({
      number: '07700900123',
      e164: '447700900123',
      plan: 'BT',
      currency: 'GBP',
      row: rateRow(4, { prefix: '447', destination: 'UK mobile', rate: '0.0512', connect: '0.0150', minimum: 30, increment: 6 }),
      reason: '',
    });
    await wrapper.get('[data-testid="rates-lookup-number"]').setValue('07700900123');
    await wrapper.get('[data-testid="rates-lookup-pbx"]').setValue('branch');
    await wrapper.get('[data-testid="rates-lookup-trunk"]').setValue('BT SIP');
    await wrapper.get('[data-testid="rates-lookup"] form').trigger('submit');
    await flushPromises();
    expect(fakeApi.rates.lookup).toHaveBeenCalledWith({ number: '07700900123', pbx: 'branch', trunk: 'BT SIP' });
    const result = wrapper.get('[data-testid="rates-lookup-result"]');
    expect(result.get('[data-testid="rates-lookup-e164"]').text()).toBe('+447700900123');
    expect(result.get('[data-testid="rates-lookup-plan"]').text()).toBe('BT (GBP)');
    expect(result.get('[data-testid="rates-lookup-prefix"]').text()).toBe('447');
    expect(result.get('[data-testid="rates-lookup-destination"]').text()).toBe('UK mobile');
    expect(result.get('[data-testid="rates-lookup-rate"]').text()).toBe('0.0512 /min');
    expect(result.text()).toContain('Connect0.0150');
    expect(result.text()).toContain('Minimum30 s');
    expect(result.text()).toContain('Increment6 s');

    fakeApi.rates.lookup.mockResolvedValue({ number: '*97', e164: '', plan: null, currency: null, row: null, reason: 'A feature code is not a number a carrier bills.' });
    await wrapper.get('[data-testid="rates-lookup-number"]').setValue('*97');
    await wrapper.get('[data-testid="rates-lookup-trunk"]').setValue('');
    await wrapper.get('[data-testid="rates-lookup"] form').trigger('submit');
    await flushPromises();
    expect(fakeApi.rates.lookup).toHaveBeenLastCalledWith({ number: '*97', pbx: 'branch' });
    expect(wrapper.get('[data-testid="rates-lookup-e164"]').text()).toBe('(no digits)');
    expect(wrapper.get('[data-testid="rates-lookup-reason"]').text()).toBe('A feature code is not a number a carrier bills.');
    expect(wrapper.find('[data-testid="rates-lookup-prefix"]').exists()).toBe(false);
    wrapper.unmount();
  });

  it('asks for a number before looking up', async () => {
    const wrapper = await mountView();
    await wrapper.get('[data-testid="rates-lookup"] form').trigger('submit');
    expect(wrapper.get('[data-testid="rates-lookup-problem"]').text()).toContain('Enter the number as dialled');
    expect(fakeApi.rates.lookup).not.toHaveBeenCalled();
    wrapper.unmount();
  });
});

describe('the rates store', () => {
  it('rates the calls again at start when a change was left unrated, and leaves fresh costs alone', async () => {
    const rates = useRatesStore();
    fakeApi.rates.state.mockResolvedValue(FRESH);
    await rates.checkState();
    expect(fakeApi.rates.rerate).not.toHaveBeenCalled();

    fakeApi.rates.state.mockResolvedValue(STALE);
    fakeApi.rates.rerate.mockResolvedValue(rerated());
    await rates.checkState();
    expect(fakeApi.rates.rerate).toHaveBeenCalledTimes(1);
    expect(rates.state).toEqual({ ...FRESH, unrated: 3 });
  });

  it('shows the calls again when their costs changed', async () => {
    const calls = useCallsStore();
    fakeApi.calls.page.mockResolvedValue({ rows: [makeRow(0)], next_cursor: null });
    await calls.refresh();
    fakeApi.calls.page.mockClear();
    fakeApi.rates.state.mockResolvedValue(STALE);
    fakeApi.rates.rerate.mockResolvedValue(rerated({ changed: 0 }));
    await useRatesStore().checkState();
    expect(fakeApi.calls.page).not.toHaveBeenCalled();
    fakeApi.rates.rerate.mockResolvedValue(rerated({ changed: 7 }));
    await useRatesStore().checkState();
    expect(fakeApi.calls.page).toHaveBeenCalledTimes(1);
  });

  it('says a cancelled run left costs out of date, and offers to finish it', async () => {
    fakeApi.rates.state.mockResolvedValue(STALE);
    fakeApi.rates.rerate.mockRejectedValue(new ApiError('CANCELLED', 'Cancelled.'));
    const wrapper = await mountView();
    const rates = useRatesStore();
    await rates.checkState();
    await flushPromises();
    expect(rates.rerateCancelled).toBe(true);
    expect(rates.rerateError).toBeNull();
    expect(wrapper.get('[data-testid="rates-state"]').text()).toContain('Cost calculation cancelled: some costs are out of date.');
    fakeApi.rates.rerate.mockResolvedValue(rerated());
    await wrapper.get('[data-testid="rates-rerate"]').trigger('click');
    await flushPromises();
    expect(fakeApi.rates.rerate).toHaveBeenCalledTimes(2);
    expect(wrapper.get('[data-testid="rates-state"]').text()).toBe('Costs are up to date.');
    wrapper.unmount();
  });

  it('runs once more when a change comes while the costs are being calculated', async () => {
    const rates = useRatesStore();
    fakeApi.rates.state.mockResolvedValue(STALE);
    const first = deferred<RerateResult>();
    fakeApi.rates.rerate.mockReturnValueOnce(first.promise).mockResolvedValue(rerated());
    const running = rates.checkState();
    await flushPromises();
    await rates.checkState();
    expect(fakeApi.rates.rerate).toHaveBeenCalledTimes(1);
    first.resolve(rerated({ state: STALE }));
    await running;
    await flushPromises();
    expect(fakeApi.rates.rerate).toHaveBeenCalledTimes(2);
  });

  it('shows a failed run on every screen until dismissed', async () => {
    fakeApi.rates.state.mockResolvedValue(STALE);
    fakeApi.rates.rerate.mockRejectedValue(new ApiError('DB_ERROR', 'database is locked'));
    const wrapper = mount(RatingProgress, { global: { plugins: [pinia] } });
    await useRatesStore().checkState();
    await flushPromises();
    expect(wrapper.get('[data-testid="error-banner"]').attributes('data-code')).toBe('DB_ERROR');
    await wrapper.get('[aria-label="Dismiss"]').trigger('click');
    expect(wrapper.find('[data-testid="error-banner"]').exists()).toBe(false);
  });
});
