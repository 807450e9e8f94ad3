import { fakeApi, makeCost, makeLeg, makeProfile, makeRow, resetFakeApi } from './fake-api.js';
import { flushPromises, mount } from '@vue/test-utils';
import { createPinia, setActivePinia, type Pinia } from 'pinia';
import { beforeEach, describe, expect, it } from 'vitest';
import type { PbxProfile } from '../../preload/api.js';
import PbxForm from '../../renderer/src/components/PbxForm.vue';
import { useCallsStore } from '../../renderer/src/stores/calls.js';
import { usePbxStore } from '../../renderer/src/stores/pbx.js';
import { useSessionStore } from '../../renderer/src/stores/session.js';
import ImportView from '../../renderer/src/views/ImportView.vue';
import PbxView from '../../renderer/src/views/PbxView.vue';

let pinia: Pinia;
beforeEach(() => {
  resetFakeApi();
  pinia = createPinia();
  setActivePinia(pinia);
});

function profile(overrides: Partial<PbxProfile> = {}): PbxProfile {
  return makeProfile({ tz: 'Europe/Berlin', calls: 2000, sync_every: 0, ...overrides });
}

async function mountPbxView(profiles: PbxProfile[]) {
  fakeApi.pbx.list.mockResolvedValue(profiles);
  const wrapper = mount(PbxView, { global: { plugins: [pinia] }, attachTo: document.body });
  await flushPromises();
  return wrapper;
}

describe('removing a PBX in the window', () => {
  it('names the number of calls and offers to delete them or keep them as history', async () => {
    const wrapper = await mountPbxView([profile()]);
    await wrapper.get('[data-testid="pbx-remove-1"]').trigger('click');
    const dialog = wrapper.get('[data-testid="pbx-remove-dialog"]');
    expect(dialog.get('[data-testid="pbx-remove-text"]').text()).toContain('It has 2,000 calls in the cache.');
    expect(dialog.get('[data-testid="pbx-remove-delete"]').text()).toBe('Delete 2,000 calls');
    expect(dialog.get('[data-testid="pbx-remove-keep"]').text()).toBe('Keep 2,000 calls as history');
    expect(dialog.find('[data-testid="pbx-remove-confirm"]').exists()).toBe(false);
    wrapper.unmount();
  });

  it('deletes: the call list, its filter options and a details panel showing one of the calls follow', async () => {
    const calls = useCallsStore();
    const session = useSessionStore();
    fakeApi.calls.page.mockResolvedValue({ rows: [makeRow(0)], next_cursor: null });
    await calls.refresh();
    fakeApi.calls.session.mockResolvedValue({ call: makeRow(0, { pbx: 'office' }), main: makeLeg({ acct_id: '1' }), legs: [], conflicts: [], cost: makeCost() });
    await session.open(1);
    expect(session.detail?.call.pbx).toBe('office');
    fakeApi.calls.page.mockClear();
    fakeApi.calls.filterOptions.mockClear();

    const wrapper = await mountPbxView([profile()]);
    await wrapper.get('[data-testid="pbx-remove-1"]').trigger('click');
    await wrapper.get('[data-testid="pbx-remove-delete"]').trigger('click');
    await flushPromises();

    expect(fakeApi.pbx.remove).toHaveBeenCalledWith({ id: 1, calls: 'delete' });
    expect(wrapper.find('[data-testid="pbx-remove-dialog"]').exists()).toBe(false);
    expect(wrapper.findAll('[data-testid="pbx-card"]')).toHaveLength(0);
    expect(fakeApi.calls.page).toHaveBeenCalled();
    expect(fakeApi.calls.filterOptions).toHaveBeenCalled();
    expect(session.callId).toBeNull();
    expect(session.notice).toBe('This call was removed with PBX office.');
    wrapper.unmount();
  });

  it('keeps the calls: the profile comes back as history, and open details stay', async () => {
    const session = useSessionStore();
    fakeApi.calls.session.mockResolvedValue({ call: makeRow(0, { pbx: 'office' }), main: makeLeg({ acct_id: '1' }), legs: [], conflicts: [], cost: makeCost() });
    await session.open(1);
    const wrapper = await mountPbxView([profile()]);
    fakeApi.pbx.list.mockResolvedValue([profile({ kind: 'import', url: '', user: '', fingerprint: null, has_password: false })]);
    await wrapper.get('[data-testid="pbx-remove-1"]').trigger('click');
    await wrapper.get('[data-testid="pbx-remove-keep"]').trigger('click');
    await flushPromises();

    expect(fakeApi.pbx.remove).toHaveBeenCalledWith({ id: 1, calls: 'keep' });
    const card = wrapper.get('[data-testid="pbx-card"]');
    expect(card.get('[data-testid="pbx-import-badge"]').text()).toBe('History only, no address');
    expect(card.get('[data-testid="pbx-calls-1"]').text()).toBe('2,000');
    expect(card.find('[data-testid="pbx-sync-1"]').exists()).toBe(false);
    expect(session.callId).toBe(1);
    expect(session.notice).toBeNull();
    wrapper.unmount();
  });

  it('removes a profile without calls with one button, and an import-only source only with its calls', async () => {
    const wrapper = await mountPbxView([profile({ calls: 0 }), profile({ id: 2, name: 'archive', kind: 'import', url: '', calls: 1 })]);
    await wrapper.get('[data-testid="pbx-remove-2"]').trigger('click');
    expect(wrapper.find('[data-testid="pbx-remove-keep"]').exists()).toBe(false);
    expect(wrapper.get('[data-testid="pbx-remove-delete"]').text()).toBe('Delete 1 call');
    await wrapper.get('[data-testid="pbx-remove-cancel"]').trigger('click');

    await wrapper.get('[data-testid="pbx-remove-1"]').trigger('click');
    expect(wrapper.find('[data-testid="pbx-remove-text"]').exists()).toBe(false);
    await wrapper.get('[data-testid="pbx-remove-confirm"]').trigger('click');
    await flushPromises();
    expect(fakeApi.pbx.remove).toHaveBeenCalledWith({ id: 1 });
    wrapper.unmount();
  });

  it('shows the service refusal in the dialog and keeps it open', async () => {
    const wrapper = await mountPbxView([profile()]);
    fakeApi.pbx.remove.mockRejectedValue({ code: 'BAD_INPUT', message: '"office" has 2,000 cached calls: choose whether to delete them.' });
    await wrapper.get('[data-testid="pbx-remove-1"]').trigger('click');
    await wrapper.get('[data-testid="pbx-remove-delete"]').trigger('click');
    await flushPromises();
    expect(wrapper.get('[data-testid="pbx-remove-dialog"]').text()).toContain('has 2,000 cached calls');
    expect(wrapper.findAll('[data-testid="pbx-card"]')).toHaveLength(1);
    wrapper.unmount();
  });
});

describe('editing a PBX in the window', () => {
  it('says the calls will be re-timed when the zone changes, and refreshes the call list after saving', async () => {
    const pbx = usePbxStore();
    pbx.profiles = [profile()];
    const calls = useCallsStore();
    await calls.refresh();
    fakeApi.calls.page.mockClear();
    fakeApi.pbx.save.mockResolvedValue(profile({ tz: 'America/New_York' }));
    const wrapper = mount(PbxForm, { props: { profile: profile() }, global: { plugins: [pinia] } });
    expect(wrapper.find('[data-testid="pbx-form-retime"]').exists()).toBe(false);
    await wrapper.get('[data-testid="pbx-form-tz"]').setValue('America/New_York');
    expect(wrapper.get('[data-testid="pbx-form-retime"]').text()).toBe(
      'Saving re-times the 2,000 cached calls of office from Europe/Berlin to America/New_York: their PBX times stay, their instants follow the new zone.',
    );
    await wrapper.get('[data-testid="pbx-form-tz"]').setValue('Mars/Olympus');
    expect(wrapper.find('[data-testid="pbx-form-retime"]').exists()).toBe(false);
    await wrapper.get('[data-testid="pbx-form-tz"]').setValue('America/New_York');
    await wrapper.get('[data-testid="pbx-save"]').trigger('click');
    await flushPromises();
    expect(fakeApi.pbx.save).toHaveBeenCalledWith({
      id: 1,
      name: 'office',
      url: 'https://192.0.2.10:8443',
      api: 'auto',
      user: 'cdrapi',
      tz: 'America/New_York',
      country_code: '',
      national_prefix: '',
      international_prefix: '',
      sync_every: 0,
      business_hours: 'Mon-Fri 07:00-19:00',
    });
    expect(fakeApi.calls.page).toHaveBeenCalled();
    expect(wrapper.emitted('saved')?.[0]).toEqual([profile({ tz: 'America/New_York' })]);
  });

  it('edits an import-only source by name, zone and model only', async () => {
    const source = profile({ id: 3, name: 'archive', kind: 'import', url: '', user: '', fingerprint: null, calls: 5 });
    usePbxStore().profiles = [source];
    fakeApi.pbx.saveImportSource.mockResolvedValue({ ...source, name: 'archive 2019', tz: 'UTC' });
    const wrapper = mount(PbxForm, { props: { profile: source }, global: { plugins: [pinia] } });
    expect(wrapper.find('[data-testid="pbx-form-url"]').exists()).toBe(false);
    expect(wrapper.find('[data-testid="pbx-form-user"]').exists()).toBe(false);
    expect(wrapper.find('[data-testid="pbx-form-api"]').exists()).toBe(false);
    await wrapper.get('[data-testid="pbx-form-name"]').setValue('archive 2019');
    await wrapper.get('[data-testid="pbx-form-tz"]').setValue('UTC');
    expect(wrapper.get('[data-testid="pbx-form-retime"]').text()).toContain('re-times the 5 cached calls of archive');
    expect(wrapper.get('[data-testid="pbx-save"]').text()).toBe('Save');
    await wrapper.get('[data-testid="pbx-save"]').trigger('click');
    await flushPromises();
    expect(fakeApi.pbx.saveImportSource).toHaveBeenCalledWith({
      id: 3,
      name: 'archive 2019',
      tz: 'UTC',
      model: '',
      country_code: '',
      national_prefix: '',
      international_prefix: '',
      business_hours: 'Mon-Fri 07:00-19:00',
    });
    expect(fakeApi.pbx.save).not.toHaveBeenCalled();
  });
});

describe('importing into a new source', () => {
  it('offers the existing sources and "a new source", which is created when the files are in and imported into', async () => {
    fakeApi.pbx.list.mockResolvedValue([
      profile(),
      profile({ id: 2, name: 'Imported', kind: 'import', url: '', default_source: true }),
      profile({ id: 3, name: 'archive', kind: 'import', url: '' }),
    ]);
    const wrapper = mount(ImportView, { global: { plugins: [pinia] } });
    await flushPromises();
    const select = wrapper.get<HTMLSelectElement>('[data-testid="import-pbx"]');
    expect(select.findAll('option').map((o) => o.text())).toEqual(['Imported (no PBX)', 'office', 'archive', 'A new source…']);

    const newOption = select.findAll('option').at(-1)!;
    await select.setValue(newOption.element.value);
    expect(wrapper.find('[data-testid="import-new-name"]').exists()).toBe(true);
    await wrapper.get('[data-testid="import-new-name"]').setValue('office');
    await wrapper.get('[data-testid="import-new-tz"]').setValue('Europe/Vienna');
    await wrapper.get('[data-testid="import-pick"]').trigger('click');
    await flushPromises();
    expect(wrapper.text()).toContain('A PBX named "office" already exists.');
    expect(fakeApi.dialogs.pickImportFiles).not.toHaveBeenCalled();

    await wrapper.get('[data-testid="import-new-name"]').setValue('old branch');
    fakeApi.dialogs.pickImportFiles.mockResolvedValue([{ ref: 'r1', name: 'old.csv' }]);
    fakeApi.pbx.saveImportSource.mockResolvedValue(profile({ id: 4, name: 'old branch', kind: 'import', url: '', calls: 0, tz: 'Europe/Vienna' }));
    fakeApi.imports.run.mockResolvedValue({ files: [] });
    await wrapper.get('[data-testid="import-pick"]').trigger('click');
    await flushPromises();
    expect(fakeApi.pbx.saveImportSource).toHaveBeenCalledWith({ name: 'old branch', tz: 'Europe/Vienna' });
    expect(fakeApi.imports.run.mock.calls[0]?.[0]).toMatchObject({ files: [{ ref: 'r1', name: 'old.csv' }], pbx: 'old branch' });
    expect(wrapper.find('[data-testid="import-new-name"]').exists()).toBe(false);
    expect(select.element.value).toBe('old branch');
  });

  it('creates no source when the file choice is cancelled', async () => {
    const wrapper = mount(ImportView, { global: { plugins: [pinia] } });
    await flushPromises();
    const select = wrapper.get<HTMLSelectElement>('[data-testid="import-pbx"]');
    await select.setValue(select.findAll('option').at(-1)!.element.value);
    await wrapper.get('[data-testid="import-new-name"]').setValue('archive');
    await wrapper.get('[data-testid="import-pick"]').trigger('click');
    await flushPromises();
    expect(fakeApi.dialogs.pickImportFiles).toHaveBeenCalled();
    expect(fakeApi.pbx.saveImportSource).not.toHaveBeenCalled();
    expect(fakeApi.imports.run).not.toHaveBeenCalled();
  });
});

describe('details of a call that is gone', () => {
  it('closes with a notice naming the PBX instead of a raw "not found"', async () => {
    const session = useSessionStore();
    fakeApi.calls.session.mockRejectedValue({ code: 'NOT_FOUND', message: 'Call 7 does not exist (any more); reload the list.' });
    await session.open(7, 'office');
    expect(session.callId).toBeNull();
    expect(session.error).toBeNull();
    expect(session.notice).toBe('This call was removed with PBX office.');
    await session.open(8);
    expect(session.notice).toBe('This call is no longer in the cache: it was removed with its PBX.');
    fakeApi.calls.session.mockResolvedValue({ call: makeRow(8), main: makeLeg({ acct_id: '1' }), legs: [], conflicts: [], cost: makeCost() });
    await session.open(8);
    expect(session.notice).toBeNull();
  });
});
