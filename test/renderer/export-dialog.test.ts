import { fakeApi, resetFakeApi } from './fake-api.js';
import { flushPromises, mount } from '@vue/test-utils';
import { createPinia, setActivePinia, type Pinia } from 'pinia';
import { beforeEach, describe, expect, it } from 'vitest';
import ExportDialog from '../../renderer/src/components/ExportDialog.vue';

let pinia: Pinia;
beforeEach(() => {
  resetFakeApi();
  pinia = createPinia();
  setActivePinia(pinia);
});

const target = { ref: 'save-1', name: 'calls.xlsx' };

describe('export dialog', () => {
  it('offers an Excel workbook: asks where to save an .xlsx and exports it without a byte-order mark', async () => {
    fakeApi.dialogs.pickSaveFile.mockResolvedValue(target);
    fakeApi.exports.run.mockResolvedValue({ rows: 3 });
    const wrapper = mount(ExportDialog, { global: { plugins: [pinia] } });
    expect(wrapper.find('[data-testid="export-bom"]').exists()).toBe(true);

    await wrapper.get('[data-testid="export-format"]').setValue('xlsx');
    expect(wrapper.find('[data-testid="export-bom"]').exists()).toBe(false);
    expect(wrapper.get('[data-testid="export-xlsx-note"]').text()).toContain('leading zeros');
    expect(wrapper.get('[data-testid="export-run"]').text()).toBe('Export XLSX');

    await wrapper.get('[data-testid="export-run"]').trigger('click');
    await flushPromises();
    const [pick] = fakeApi.dialogs.pickSaveFile.mock.calls[0];
    expect(pick.format).toBe('xlsx');
    expect(pick.suggested_name).toMatch(/^calls-\d{8}-\d{4}\.xlsx$/);
    const [request] = fakeApi.exports.run.mock.calls[0];
    expect(request).toMatchObject({ format: 'xlsx', target });
    expect(request).not.toHaveProperty('bom');
    expect(wrapper.get('[data-testid="export-result"]').text()).toBe('Exported 3 calls.');
  });

  it('sends bom for a CSV only when "UTF-8 BOM for Excel" is ticked', async () => {
    fakeApi.dialogs.pickSaveFile.mockResolvedValue({ ref: 'save-2', name: 'calls.csv' });
    fakeApi.exports.run.mockResolvedValue({ rows: 1 });
    const wrapper = mount(ExportDialog, { global: { plugins: [pinia] } });
    const bom = wrapper.get('[data-testid="export-bom"]');
    expect(bom.element.closest('label')?.textContent).toContain('UTF-8 BOM for Excel');
    expect((bom.element as HTMLInputElement).checked).toBe(false);

    await wrapper.get('[data-testid="export-run"]').trigger('click');
    await flushPromises();
    expect(fakeApi.exports.run.mock.calls[0][0]).not.toHaveProperty('bom');

    await bom.setValue(true);
    await wrapper.get('[data-testid="export-run"]').trigger('click');
    await flushPromises();
    expect(fakeApi.exports.run.mock.calls[1][0]).toMatchObject({ format: 'csv', bom: true });

    // A ticked box left behind on CSV does not follow the choice of another format.
    await wrapper.get('[data-testid="export-format"]').setValue('json');
    await wrapper.get('[data-testid="export-run"]').trigger('click');
    await flushPromises();
    expect(fakeApi.exports.run.mock.calls[2][0]).toMatchObject({ format: 'json' });
    expect(fakeApi.exports.run.mock.calls[2][0]).not.toHaveProperty('bom');
  });
});
