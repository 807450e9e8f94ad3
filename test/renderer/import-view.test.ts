import { deferred, emitProgress, fakeApi, resetFakeApi } from './fake-api.js';
import { flushPromises, mount } from '@vue/test-utils';
import { createPinia, setActivePinia, type Pinia } from 'pinia';
import { beforeEach, describe, expect, it } from 'vitest';
import type { ImportResult } from '../../preload/api.js';
import ImportView from '../../renderer/src/views/ImportView.vue';

let pinia: Pinia;
beforeEach(() => {
  resetFakeApi();
  pinia = createPinia();
  setActivePinia(pinia);
});

const refs = [
  { ref: 'r1', name: 'Master.csv' },
  { ref: 'r2', name: 'gdms.csv' },
];

describe('import screen', () => {
  it('imports the picked files, shows progress, then the summary and the rejected rows', async () => {
    fakeApi.dialogs.pickImportFiles.mockResolvedValue(refs);
    const answer = deferred<ImportResult>();
    fakeApi.imports.run.mockReturnValue(answer.promise);
    const wrapper = mount(ImportView, { global: { plugins: [pinia] } });

    await wrapper.get('[data-testid="import-pick"]').trigger('click');
    await flushPromises();
    const request = fakeApi.imports.run.mock.calls[0][0];
    expect(request).toMatchObject({ files: refs, date_order: 'auto' });
    expect(request.pbx).toBeUndefined();

    emitProgress({ taskId: request.taskId, kind: 'import', stage: 'Master.csv', done: 500, total: 1000, rate: 250, eta_seconds: 2 });
    await flushPromises();
    expect(wrapper.get('[data-testid="import-progress"]').text()).toContain('500 of 1,000 rows');

    answer.resolve({
      files: [
        {
          file: 'Master.csv',
          format: 'ucm-page-csv',
          imported: 120,
          already_present: 3,
          merged: 2,
          rejected: [{ file: 'Master.csv', line: 17, reason: 'unparseable start time "31/31/2021"' }],
          error: null,
          kept: 0,
          elsewhere: [],
          import_id: 1,
        },
        { file: 'gdms.csv', format: 'gdms-csv', imported: 0, already_present: 10, merged: 0, rejected: [], error: null, kept: 0, elsewhere: [], import_id: 2 },
      ],
    });
    await flushPromises();
    expect(wrapper.find('[data-testid="import-progress"]').exists()).toBe(false);
    expect(wrapper.get('[data-testid="import-totals"]').text()).toBe('120 imported · 13 already present · 2 merged · 1 rejected');
    expect(wrapper.findAll('[data-testid="import-file"]')).toHaveLength(2);
    expect(wrapper.get('[data-testid="import-rejected-row"]').text()).toContain('unparseable start time');
  });

  it('asks what unknown columns hold and imports that file again with the mapping', async () => {
    fakeApi.dialogs.pickImportFiles.mockResolvedValue([refs[1]]);
    fakeApi.imports.run.mockResolvedValueOnce({
      files: [
        {
          file: 'gdms.csv',
          format: 'csv',
          imported: 0,
          already_present: 0,
          merged: 0,
          rejected: [],
          error: { code: 'BAD_FILE', message: 'gdms.csv: 2 columns could not be mapped.' },
          unknown_columns: ['Anrufer', 'Dauer'],
          kept: 0,
          elsewhere: [],
          import_id: null,
        },
      ],
    });
    const wrapper = mount(ImportView, { global: { plugins: [pinia] } });
    await wrapper.get('[data-testid="import-pick"]').trigger('click');
    await flushPromises();

    const selects = wrapper.findAll('[data-testid="import-mapping-select"]');
    expect(selects.map((s) => s.attributes('data-column'))).toEqual(['Anrufer', 'Dauer']);
    await wrapper.get('[data-testid="import-mapping-apply"]').trigger('click');
    expect(wrapper.get('[data-testid="import-mapping"]').text()).toContain('Choose a field');
    expect(fakeApi.imports.run).toHaveBeenCalledTimes(1);

    await selects[0].setValue('src');
    await selects[1].setValue('duration');
    fakeApi.imports.run.mockResolvedValueOnce({
      files: [{ file: 'gdms.csv', format: 'csv', imported: 40, already_present: 0, merged: 0, rejected: [], error: null, kept: 0, elsewhere: [], import_id: 2 }],
    });
    await wrapper.get('[data-testid="import-mapping-apply"]').trigger('click');
    await flushPromises();

    expect(fakeApi.imports.run).toHaveBeenLastCalledWith(
      expect.objectContaining({ files: [refs[1]], mapping: { Anrufer: 'src', Dauer: 'duration' } }),
    );
    expect(wrapper.find('[data-testid="import-mapping"]').exists()).toBe(false);
    expect(wrapper.get('[data-testid="import-file-imported"]').text()).toBe('40');
  });

  it('shows a refused upload as an error and imports nothing', async () => {
    fakeApi.dialogs.pickImportFiles.mockRejectedValue({ code: 'PERMISSION_DENIED', message: 'token', details: { http_status: 401 } });
    const wrapper = mount(ImportView, { global: { plugins: [pinia] } });
    await wrapper.get('[data-testid="import-pick"]').trigger('click');
    await flushPromises();
    expect(wrapper.get('[data-testid="error-banner"]').text()).toContain('token');
    expect(fakeApi.imports.run).not.toHaveBeenCalled();
  });
});
