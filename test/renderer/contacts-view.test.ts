import { fakeApi, makeProfile, makeRow, resetFakeApi } from './fake-api.js';
import { flushPromises, mount } from '@vue/test-utils';
import { createPinia, setActivePinia, type Pinia } from 'pinia';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Contact, ContactImportResult } from '../../preload/api.js';
import { ApiError } from '../../renderer/src/api.js';
import { useCallsStore } from '../../renderer/src/stores/calls.js';
import ContactsView from '../../renderer/src/views/ContactsView.vue';

let pinia: Pinia;
beforeEach(() => {
  resetFakeApi();
  pinia = createPinia();
  setActivePinia(pinia);
  fakeApi.pbx.list.mockResolvedValue([makeProfile({ id: 1, name: 'office' }), makeProfile({ id: 2, name: 'branch' })]);
});
afterEach(() => {
  vi.useRealTimers();
});

const ENTRIES: Contact[] = [
  { pbx: '', number: '2002', name: 'Dora Everyone', source: 'imported', in_use: true },
  { pbx: 'office', number: '1001', name: 'Anna Müller', source: 'learned', in_use: true },
  { pbx: 'office', number: '1002', name: 'Bernd (PBX)', source: 'api', in_use: false },
];

const IMPORTED: ContactImportResult = { pbx: 'office', added: 2, updated: 1, unchanged: 0, removed: 0, skipped: 1, columns: { name: ['Name'], numbers: ['Phone'] } };

async function mountView() {
  fakeApi.contacts.list.mockResolvedValue({ contacts: ENTRIES, total: ENTRIES.length });
  const wrapper = mount(ContactsView, { global: { plugins: [pinia] }, attachTo: document.body });
  await flushPromises();
  return wrapper;
}

describe('the Contacts screen', () => {
  it('lists the phonebook with where each name comes from and whether calls show it', async () => {
    const wrapper = await mountView();
    expect(fakeApi.contacts.list).toHaveBeenCalledWith({ limit: 1000 });
    const rows = wrapper.findAll('[data-testid="contact-row"]').map((r) => r.findAll('td').map((td) => td.text()));
    expect(rows).toEqual([
      ['Every PBX', '2002', 'Dora Everyone', 'Imported'],
      ['office', '1001', 'Anna Müller', 'Learned from calls'],
      ['office', '1002', 'Bernd (PBX)', 'From the PBX (not shown)'],
    ]);
    expect(wrapper.get('[data-testid="contacts-count"]').text()).toBe('3 contacts');
    wrapper.unmount();
  });

  it('asks for one PBX\'s names and for a search, once the typing pauses', async () => {
    vi.useFakeTimers();
    const wrapper = await mountView();
    await wrapper.get('[data-testid="contacts-pbx"]').setValue('office');
    await flushPromises();
    expect(fakeApi.contacts.list).toHaveBeenLastCalledWith({ pbx: 'office', limit: 1000 });
    await wrapper.get('[data-testid="contacts-search"]').setValue('mül');
    await wrapper.get('[data-testid="contacts-search"]').setValue('müller');
    expect(fakeApi.contacts.list).toHaveBeenCalledTimes(2);
    await vi.advanceTimersByTimeAsync(300);
    expect(fakeApi.contacts.list).toHaveBeenCalledTimes(3);
    expect(fakeApi.contacts.list).toHaveBeenLastCalledWith({ pbx: 'office', search: 'müller', limit: 1000 });
    wrapper.unmount();
  });

  it('imports a chosen file for the chosen PBX, says what it did, and reloads the list and the calls', async () => {
    const wrapper = await mountView();
    const calls = useCallsStore();
    await calls.refresh();
    const pages = fakeApi.calls.page.mock.calls.length;
    fakeApi.dialogs.pickImportFiles.mockResolvedValue([{ ref: 'f1', name: 'staff.csv' }]);
    fakeApi.contacts.import.mockResolvedValue(IMPORTED);
    fakeApi.calls.page.mockResolvedValue({ rows: [makeRow(0, { callee_name: 'Bärbel' })], next_cursor: null });
    await wrapper.get('[data-testid="contacts-import-pbx"]').setValue('office');
    await wrapper.get('[data-testid="contacts-import-replace"]').setValue(true);
    await wrapper.get('[data-testid="contacts-import-pick"]').trigger('click');
    await flushPromises();
    expect(fakeApi.contacts.import).toHaveBeenCalledWith({ file: { ref: 'f1', name: 'staff.csv' }, pbx: 'office', replace: true });
    expect(wrapper.get('[data-testid="contacts-import-result"]').text()).toBe(
      '2 added, 1 renamed, 0 unchanged for office; 1 line(s) without a number skipped.',
    );
    expect(fakeApi.contacts.list).toHaveBeenCalledTimes(2);
    expect(fakeApi.calls.page.mock.calls.length).toBeGreaterThan(pages);
    expect(calls.rows[0]?.callee_name).toBe('Bärbel');
    wrapper.unmount();
  });

  it('shows every bad line of a refused file', async () => {
    const wrapper = await mountView();
    fakeApi.dialogs.pickImportFiles.mockResolvedValue([{ ref: 'f2', name: 'bad.csv' }]);
    const problems = [
      { line: 3, message: 'no name for 3002' },
      { line: 4, message: 'Phone "x" is not a phone number' },
    ];
    fakeApi.contacts.import.mockRejectedValue(new ApiError('BAD_FILE', 'Contacts file "bad.csv" was refused whole (nothing changed): 2 bad line(s).\n  line 3: ...', { problems }));
    await wrapper.get('[data-testid="contacts-import-pick"]').trigger('click');
    await flushPromises();
    expect(fakeApi.contacts.import).toHaveBeenCalledWith({ file: { ref: 'f2', name: 'bad.csv' }, replace: false });
    expect(wrapper.get('[data-testid="error-banner"]').text()).toContain('was refused whole (nothing changed): 2 bad line(s).');
    expect(wrapper.findAll('[data-testid="contacts-import-problems"] li').map((li) => li.text())).toEqual([
      'Line 3: no name for 3002',
      'Line 4: Phone "x" is not a phone number',
    ]);
    expect(wrapper.find('[data-testid="contacts-import-result"]').exists()).toBe(false);
    wrapper.unmount();
  });

  it('removes the contacts imported for every PBX after asking', async () => {
    const wrapper = await mountView();
    fakeApi.contacts.remove.mockResolvedValue({ removed: 1 });
    await wrapper.get('[data-testid="contacts-clear-open"]').trigger('click');
    expect(document.body.querySelector('[data-testid="contacts-clear-dialog"]')?.textContent).toContain('Every contact imported for every PBX is removed.');
    (document.body.querySelector('[data-testid="contacts-clear-confirm"]') as HTMLButtonElement).click();
    await flushPromises();
    expect(fakeApi.contacts.remove).toHaveBeenCalledWith({ all: true });
    expect(document.body.querySelector('[data-testid="contacts-clear-dialog"]')).toBeNull();
    wrapper.unmount();
  });
});
