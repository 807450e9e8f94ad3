import { makeCost, makeLeg, makeRow, resetFakeApi } from './fake-api.js';
import { mount } from '@vue/test-utils';
import { createPinia, setActivePinia, type Pinia } from 'pinia';
import { beforeEach, describe, expect, it } from 'vitest';
import type { CallRow } from '../../preload/api.js';
import CallRowCells from '../../renderer/src/components/CallRowCells.vue';
import SessionPanel from '../../renderer/src/components/SessionPanel.vue';
import { resolveColumns } from '../../renderer/src/columns.js';
import { rowView } from '../../renderer/src/row-view.js';
import { useSessionStore } from '../../renderer/src/stores/session.js';

let pinia: Pinia;
beforeEach(() => {
  resetFakeApi();
  pinia = createPinia();
  setActivePinia(pinia);
});

/** An analog call as the store delivers it: dst the PBX's `s`, dst_line its decoded line. */
const ANALOG: Partial<CallRow> = { src: '01711401584', dst: 's', dst_line: 'analog line (FXO port 2)' };

function cells(row: CallRow, columns = ['from', 'to', 'answered_by']) {
  return mount(CallRowCells, { props: { view: rowView(0, row), columns: resolveColumns(columns) } });
}

describe('the callee in the call table', () => {
  it('names the analog line an analog call came in on instead of "s"', () => {
    const wrapper = cells(makeRow(0, ANALOG));
    expect(wrapper.get('[data-testid="row-callee"]').text()).toBe('analog line (FXO port 2)');
    wrapper.unmount();
  });

  it('shows a dialled number as it is', () => {
    const wrapper = cells(makeRow(0, { dst: '6300' }));
    expect(wrapper.get('[data-testid="row-callee"]').text()).toBe('6300');
    expect(wrapper.find('[data-testid="row-callee-name"]').exists()).toBe(false);
    wrapper.unmount();
  });

  it('shows the phonebook names of the callee and of the answering party beside their numbers', () => {
    const wrapper = cells(makeRow(0, { dst: '6400', callee_name: 'Sales', answered_by: '1003', answered_by_name: 'Jürgen Müller' }));
    expect(wrapper.get('.col-to').findAll('span').map((s) => s.text())).toEqual(['6400', 'Sales']);
    // A column too narrow for the name still tells it on hover.
    expect(wrapper.get('.col-to').attributes('title')).toBe('6400 · Sales');
    expect(wrapper.get('.col-answered_by').attributes('title')).toBe('1003 · Jürgen Müller');
    expect(wrapper.get('.col-answered_by').findAll('span').map((s) => s.text())).toEqual(['1003', 'Jürgen Müller']);
    wrapper.unmount();
  });
});

describe('the details of a call', () => {
  function panel(call: CallRow, main = makeLeg({ acct_id: '1' })) {
    useSessionStore().detail = { call, main, legs: [], conflicts: [], cost: makeCost() };
    return mount(SessionPanel, { global: { plugins: [pinia] } });
  }

  it('title an analog call "→ analog line (FXO port N)" and keep the raw "s" and channel in the fields table', () => {
    const main = makeLeg({ acct_id: '1', fields: { dst: 's', channel: 'DAHDI/2-1' }, channel: { raw: 'DAHDI/2-1', kind: 'fxo', tech: 'DAHDI', port: 2 } });
    const wrapper = panel(makeRow(0, ANALOG), main);
    expect(wrapper.get('[data-testid="session-title"]').text()).toBe('01711401584 → analog line (FXO port 2)');
    const fields = wrapper.findAll('[data-testid="session-fields"] tbody tr').map((tr) => [tr.get('th').text(), tr.get('td').text()]);
    expect(fields).toEqual([
      ['dst', 's'],
      ['channel', 'DAHDI/2-1'],
    ]);
    wrapper.unmount();
  });

  it('names the callee in the title and the answering party beside its number', () => {
    const wrapper = panel(makeRow(0, { src: '1001', dst: '6400', callee_name: 'Sales', answered_by: '1003', answered_by_name: 'Jürgen Müller' }));
    expect(wrapper.get('[data-testid="session-title"]').text()).toBe('1001 → 6400 Sales');
    expect(wrapper.get('[data-testid="session-callee-name"]').text()).toBe('Sales');
    expect(wrapper.get('[data-testid="session-answered-by"]').text()).toBe('1003 · Jürgen Müller');
    wrapper.unmount();
  });
});
