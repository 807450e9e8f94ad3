import { describe, expect, it } from 'vitest';
import { calleeLabel } from '../../renderer/src/callee.js';

describe('the callee of an analog call', () => {
  it('names the analog line an inbound FXO call came in on instead of "s"', () => {
    expect(calleeLabel('s', [{ raw: 'DAHDI/2-1', kind: 'fxo', tech: 'DAHDI', port: 2 }])).toBe('analog line (FXO port 2)');
  });

  it('keeps a dialled number as it is', () => {
    expect(calleeLabel('6300', [{ raw: 'DAHDI/2-1', kind: 'fxo', port: 2 }])).toBe('6300');
    expect(calleeLabel('s', [{ raw: 'PJSIP/1001-0001', kind: 'extension', extension: '1001' }])).toBe('s');
  });

  it('names an FXS port or a DAHDI port of unknown role too', () => {
    expect(calleeLabel('s', [{ raw: 'DAHDI/5-1', kind: 'fxs', port: 5 }])).toBe('analog phone (FXS port 5)');
    expect(calleeLabel('s', [{ raw: 'DAHDI/3-1', kind: 'dahdi', port: 3 }])).toBe('analog port 3');
  });
});

describe('the details of an analog call', () => {
  it('title it "→ analog line (FXO port N)" and keep the raw "s" in the fields table', async () => {
    const { mount } = await import('@vue/test-utils');
    const { createPinia, setActivePinia } = await import('pinia');
    const { makeCost, makeLeg, makeRow, resetFakeApi } = await import('./fake-api.js');
    const { useSessionStore } = await import('../../renderer/src/stores/session.js');
    const SessionPanel = (await import('../../renderer/src/components/SessionPanel.vue')).default;
    resetFakeApi();
    const pinia = createPinia();
    setActivePinia(pinia);
    const main = makeLeg({ acct_id: '1', fields: { dst: 's', channel: 'DAHDI/2-1' }, channel: { raw: 'DAHDI/2-1', kind: 'fxo', tech: 'DAHDI', port: 2 } });
    useSessionStore().detail = { call: makeRow(0, { src: '01711401584', dst: 's' }), main, legs: [], conflicts: [], cost: makeCost() };
    const wrapper = mount(SessionPanel, { global: { plugins: [pinia] } });
    expect(wrapper.get('[data-testid="session-title"]').text()).toBe('01711401584 → analog line (FXO port 2)');
    expect(wrapper.text()).toContain('DAHDI/2-1');
    wrapper.unmount();
  });
});
