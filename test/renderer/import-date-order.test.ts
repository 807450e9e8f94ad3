import { fakeApi, resetFakeApi } from './fake-api.js';
import { flushPromises, mount } from '@vue/test-utils';
import { createPinia, setActivePinia, type Pinia } from 'pinia';
import { beforeEach, describe, expect, it } from 'vitest';
import type { ImportFileResult } from '../../preload/api.js';
import ImportView from '../../renderer/src/views/ImportView.vue';

let pinia: Pinia;
beforeEach(() => {
  resetFakeApi();
  pinia = createPinia();
  setActivePinia(pinia);
});

const refs = [
  { ref: 'r1', name: 'either.csv' },
  { ref: 'r2', name: 'fine.csv' },
];

function outcome(file: string, fields: Partial<ImportFileResult> = {}): ImportFileResult {
  return { file, format: 'ucm-csv', imported: 0, already_present: 0, merged: 0, rejected: [], error: null, kept: 0, elsewhere: [], import_id: null, ...fields };
}

const ambiguous = outcome('either.csv', {
  error: {
    code: 'BAD_FILE',
    message: 'either.csv: dates such as "03/04/2021 08:00:00" can be read month-first or day-first, and nothing in the file decides.',
    details: { file: 'either.csv', example: '03/04/2021 08:00:00', date_order_ambiguous: true, readings: { mdy: '2021-03-04', dmy: '2021-04-03' } },
  },
});

async function importRefused(): Promise<ReturnType<typeof mount>> {
  fakeApi.dialogs.pickImportFiles.mockResolvedValue(refs);
  fakeApi.imports.run.mockResolvedValueOnce({ files: [ambiguous, outcome('fine.csv', { imported: 5 })] });
  const wrapper = mount(ImportView, { global: { plugins: [pinia] } });
  await wrapper.get('[data-testid="import-pick"]').trigger('click');
  await flushPromises();
  return wrapper;
}

describe('import screen: a file whose dates read either way', () => {
  it('offers month-first and day-first, showing what each makes of the example', async () => {
    const wrapper = await importRefused();
    const choices = wrapper.findAll('[data-testid="import-date-order-choice"]');
    expect(choices).toHaveLength(1);
    expect(choices[0]?.text()).toContain('03/04/2021 08:00:00');
    expect(wrapper.get('[data-testid="import-date-order-mdy"]').text()).toBe('Month first (2021-03-04)');
    expect(wrapper.get('[data-testid="import-date-order-dmy"]').text()).toBe('Day first (2021-04-03)');
  });

  it.each(['mdy', 'dmy'] as const)('imports that file again, alone, reading its dates %s', async (order) => {
    const wrapper = await importRefused();
    fakeApi.imports.run.mockResolvedValueOnce({ files: [outcome('either.csv', { imported: 2 })] });
    await wrapper.get(`[data-testid="import-date-order-${order}"]`).trigger('click');
    await flushPromises();

    expect(fakeApi.imports.run).toHaveBeenCalledTimes(2);
    expect(fakeApi.imports.run).toHaveBeenLastCalledWith(expect.objectContaining({ files: [refs[0]], date_order: order }));
    expect(wrapper.find('[data-testid="import-date-order-choice"]').exists()).toBe(false);
    const imported = wrapper.findAll('[data-testid="import-file-imported"]').map((cell) => cell.text());
    expect(imported).toEqual(['2', '5']);
  });
});
