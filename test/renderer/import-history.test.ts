import { deferred, fakeApi, makeCost, makeLeg, makeRow, resetFakeApi } from './fake-api.js';
import { flushPromises, mount } from '@vue/test-utils';
import { createPinia, setActivePinia, type Pinia } from 'pinia';
import { beforeEach, describe, expect, it } from 'vitest';
import type { ImportEntry, ImportFileResult, ImportUndoResult } from '../../preload/api.js';
import { formatInstant } from '../../renderer/src/format.js';
import { useCallsStore } from '../../renderer/src/stores/calls.js';
import { useSessionStore } from '../../renderer/src/stores/session.js';
import ImportView from '../../renderer/src/views/ImportView.vue';

let pinia: Pinia;
beforeEach(() => {
  resetFakeApi();
  pinia = createPinia();
  setActivePinia(pinia);
});

function fileResult(overrides: Partial<ImportFileResult> = {}): ImportFileResult {
  return {
    file: 'damaged.csv',
    format: 'ucm-page-csv',
    imported: 0,
    already_present: 1,
    merged: 0,
    rejected: [],
    error: null,
    kept: 0,
    elsewhere: [],
    import_id: 4,
    ...overrides,
  };
}

function entry(overrides: Partial<ImportEntry> = {}): ImportEntry {
  return {
    id: 4,
    file: 'extra.csv',
    format: 'ucm-page-csv',
    source: 'office',
    when: '2025-03-15T09:30:00.000Z',
    imported: 2,
    already_present: 0,
    merged: 1,
    rejected: 3,
    kept: 5,
    elsewhere: 0,
    state: 'done',
    ...overrides,
  };
}

async function mountView() {
  const wrapper = mount(ImportView, { global: { plugins: [pinia] }, attachTo: document.body });
  await flushPromises();
  return wrapper;
}

async function importOne(wrapper: Awaited<ReturnType<typeof mountView>>, result: ImportFileResult): Promise<void> {
  fakeApi.dialogs.pickImportFiles.mockResolvedValue([{ ref: 'r1', name: result.file }]);
  fakeApi.imports.run.mockResolvedValue({ files: [result] });
  await wrapper.get('[data-testid="import-pick"]').trigger('click');
  await flushPromises();
}

describe("an imported file's result line", () => {
  it('says where calls already cached were merged, how many values were kept, and that a spreadsheet re-saved the file', async () => {
    const wrapper = await mountView();
    await importOne(
      wrapper,
      fileResult({
        kept: 3,
        elsewhere: [
          { source: 'office', calls: 1200 },
          { source: 'branch', calls: 1 },
        ],
        spreadsheet_damage: 'times without seconds',
      }),
    );

    const notes = wrapper.get('[data-testid="import-file-notes"][data-file="damaged.csv"]');
    expect(notes.findAll('[data-testid="import-file-elsewhere"]').map((n) => n.text())).toEqual([
      '1,200 already present in office: merged there, not doubled',
      '1 already present in branch: merged there, not doubled',
    ]);
    expect(notes.get('[data-testid="import-file-kept"]').text()).toContain('3 values kept as they were (the file said otherwise)');
    expect(notes.get('[data-testid="import-file-damage"]').text()).toBe(
      "This file was re-saved by a spreadsheet (times without seconds): its rows changed no cached call. For the original, use the PBX's CDR page, Download Search Result(s).",
    );
    wrapper.unmount();
  });

  it('says nothing more for a file that only added calls', async () => {
    const wrapper = await mountView();
    await importOne(wrapper, fileResult({ file: 'plain.csv', imported: 10, already_present: 0 }));
    expect(wrapper.find('[data-testid="import-file"][data-file="plain.csv"]').exists()).toBe(true);
    expect(wrapper.find('[data-testid="import-file-notes"]').exists()).toBe(false);
    wrapper.unmount();
  });

  it('counts a single kept value in the singular', async () => {
    const wrapper = await mountView();
    await importOne(wrapper, fileResult({ kept: 1 }));
    expect(wrapper.get('[data-testid="import-file-kept"]').text()).toContain('1 value kept as it was (the file said otherwise)');
    wrapper.unmount();
  });
});

describe('past imports', () => {
  it('lists the import log when the screen opens, with local times and an undo for what is not undone', async () => {
    fakeApi.imports.list.mockResolvedValue([entry(), entry({ id: 3, file: 'old.csv', state: 'undone' }), entry({ id: 2, file: 'cut.csv', state: 'stopped' })]);
    const wrapper = await mountView();

    expect(fakeApi.imports.list).toHaveBeenCalledTimes(1);
    const table = wrapper.get('[data-testid="import-history-table"]');
    expect(table.get('caption').text()).toContain('Every imported file, newest first');
    const rows = wrapper.findAll('[data-testid="import-history-row"]');
    expect(rows.map((r) => r.attributes('data-state'))).toEqual(['done', 'undone', 'stopped']);
    const cells = rows[0].findAll('th, td').map((c) => c.text());
    expect(cells.slice(0, 8)).toEqual(['extra.csv', 'office', formatInstant('2025-03-15T09:30:00.000Z'), '2', '1', '3', '5', 'Done']);
    expect(rows[0].get('time').attributes('datetime')).toBe('2025-03-15T09:30:00.000Z');
    expect(rows[0].get('[data-testid="import-undo"]').attributes('aria-label')).toContain('Undo import of extra.csv');
    expect(rows[1].find('[data-testid="import-undo"]').exists()).toBe(false);
    expect(rows[1].get('[data-testid="import-history-state"]').text()).toBe('Undone');
    expect(rows[2].get('[data-testid="import-history-state"]').text()).toBe('Stopped part-way');
    wrapper.unmount();
  });

  it('says so when nothing was imported yet', async () => {
    const wrapper = await mountView();
    expect(wrapper.get('[data-testid="import-history-empty"]').text()).toBe('No file has been imported yet.');
    wrapper.unmount();
  });

  it('loads the list again when an import finishes', async () => {
    const wrapper = await mountView();
    fakeApi.imports.list.mockResolvedValue([entry({ file: 'damaged.csv' })]);
    await importOne(wrapper, fileResult());
    expect(fakeApi.imports.list).toHaveBeenCalledTimes(2);
    expect(wrapper.get('[data-testid="import-history-row"]').attributes('data-file')).toBe('damaged.csv');
    wrapper.unmount();
  });

  it('asks before undoing, then shows what was taken back, reloads the list and makes the call list reload', async () => {
    fakeApi.imports.list.mockResolvedValue([entry()]);
    const wrapper = await mountView();
    const calls = useCallsStore();
    await calls.refresh();
    const pagesBefore = fakeApi.calls.page.mock.calls.length;
    const optionsBefore = fakeApi.calls.filterOptions.mock.calls.length;

    await wrapper.get('[data-testid="import-undo"]').trigger('click');
    const dialog = wrapper.get('[data-testid="import-undo-dialog"]');
    expect(dialog.get('h2').text()).toBe('Undo import of extra.csv?');
    expect(dialog.get('[data-testid="import-undo-text"]').text()).toBe(
      'The 2 calls it created are removed; values it filled into cached calls are taken back.',
    );
    expect(document.activeElement?.getAttribute('data-testid')).toBe('import-undo-cancel');
    expect(fakeApi.imports.undo).not.toHaveBeenCalled();

    const answer = deferred<ImportUndoResult>();
    fakeApi.imports.undo.mockReturnValue(answer.promise);
    fakeApi.imports.list.mockResolvedValue([entry({ state: 'undone' })]);
    await dialog.get('[data-testid="import-undo-confirm"]').trigger('click');
    expect(fakeApi.imports.undo).toHaveBeenCalledWith({ id: 4 });
    expect(wrapper.get('[data-testid="import-undo-confirm"]').attributes('disabled')).toBeDefined();
    answer.resolve({ entry: entry({ state: 'undone' }), removed: 2, restored: 1 });
    await flushPromises();

    expect(wrapper.find('[data-testid="import-undo-dialog"]').exists()).toBe(false);
    expect(wrapper.get('[data-testid="import-undo-result"]').text()).toBe('Undid the import of extra.csv: 2 calls removed, 1 restored.');
    const row = wrapper.get('[data-testid="import-history-row"]');
    expect(row.attributes('data-state')).toBe('undone');
    expect(row.find('[data-testid="import-undo"]').exists()).toBe(false);
    expect(fakeApi.calls.page.mock.calls.length).toBeGreaterThan(pagesBefore);
    expect(fakeApi.calls.filterOptions.mock.calls.length).toBeGreaterThan(optionsBefore);
    expect(fakeApi.pbx.list).toHaveBeenCalled();
    wrapper.unmount();
  });

  it('changes nothing when the question is cancelled', async () => {
    fakeApi.imports.list.mockResolvedValue([entry()]);
    const wrapper = await mountView();
    await wrapper.get('[data-testid="import-undo"]').trigger('click');
    await wrapper.get('[data-testid="import-undo-cancel"]').trigger('click');
    expect(wrapper.find('[data-testid="import-undo-dialog"]').exists()).toBe(false);
    expect(fakeApi.imports.undo).not.toHaveBeenCalled();
    wrapper.unmount();
  });

  it('shows a refused undo in the dialog and refreshes the list it was out of date with', async () => {
    fakeApi.imports.list.mockResolvedValue([entry()]);
    const wrapper = await mountView();
    await wrapper.get('[data-testid="import-undo"]').trigger('click');
    fakeApi.imports.undo.mockRejectedValue({ code: 'BAD_INPUT', message: 'Import 4 (extra.csv) was undone already; nothing was changed.' });
    fakeApi.imports.list.mockResolvedValue([entry({ state: 'undone' })]);
    await wrapper.get('[data-testid="import-undo-confirm"]').trigger('click');
    await flushPromises();

    const dialog = wrapper.get('[data-testid="import-undo-dialog"]');
    expect(dialog.get('[data-testid="error-banner"]').text()).toContain('was undone already');
    expect(wrapper.find('[data-testid="import-undo-result"]').exists()).toBe(false);
    expect(wrapper.get('[data-testid="import-history-row"]').attributes('data-state')).toBe('undone');
    wrapper.unmount();
  });

  it('shows a list that cannot be read as an error', async () => {
    fakeApi.imports.list.mockRejectedValue({ code: 'INTERNAL', message: 'The cache could not be read.' });
    const wrapper = await mountView();
    expect(wrapper.get('[data-testid="import-history"] [data-testid="error-banner"]').text()).toContain('The cache could not be read.');
    expect(wrapper.find('[data-testid="import-history-empty"]').exists()).toBe(false);
    wrapper.unmount();
  });

  it('refreshes an open call after the undo, and closes it with a notice when the undo removed it', async () => {
    fakeApi.imports.list.mockResolvedValue([entry(), entry({ id: 3, file: 'other.csv' })]);
    const wrapper = await mountView();
    const session = useSessionStore();
    const conflict = { acct_id: '1', field: 'src', kept: '07917330699', offered: '7917330699', origin: 'import:extra.csv' };
    fakeApi.calls.session.mockResolvedValue({ call: makeRow(0), main: makeLeg({ acct_id: '1' }), legs: [], conflicts: [conflict], cost: makeCost() });
    await session.open(1);
    expect(session.detail?.conflicts).toHaveLength(1);

    fakeApi.imports.undo.mockResolvedValue({ entry: entry({ state: 'undone' }), removed: 0, restored: 1 });
    fakeApi.calls.session.mockResolvedValue({ call: makeRow(0), main: makeLeg({ acct_id: '1' }), legs: [], conflicts: [], cost: makeCost() });
    await wrapper.findAll('[data-testid="import-undo"]')[0].trigger('click');
    await wrapper.get('[data-testid="import-undo-confirm"]').trigger('click');
    await flushPromises();
    expect(session.callId).toBe(1);
    expect(session.detail?.conflicts).toEqual([]);

    fakeApi.imports.undo.mockResolvedValue({ entry: entry({ id: 3, file: 'other.csv', state: 'undone' }), removed: 1, restored: 0 });
    fakeApi.calls.session.mockRejectedValue({ code: 'NOT_FOUND', message: 'Call 1 does not exist (any more); reload the list.' });
    await wrapper.findAll('[data-testid="import-undo"]')[1].trigger('click');
    await wrapper.get('[data-testid="import-undo-confirm"]').trigger('click');
    await flushPromises();
    expect(session.callId).toBeNull();
    expect(session.notice).toBe('This call is no longer in the cache: the import it came from was undone.');
    wrapper.unmount();
  });
});
