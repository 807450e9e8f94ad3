import { fakeApi, makeCost, makeLeg, makeRow, resetFakeApi } from './fake-api.js';
import { flushPromises, mount } from '@vue/test-utils';
import { createPinia, setActivePinia, type Pinia } from 'pinia';
import { beforeEach, describe, expect, it } from 'vitest';
import type { ConflictView } from '../../preload/api.js';
import SessionPanel from '../../renderer/src/components/SessionPanel.vue';
import { useSessionStore } from '../../renderer/src/stores/session.js';

let pinia: Pinia;
beforeEach(() => {
  resetFakeApi();
  pinia = createPinia();
  setActivePinia(pinia);
});

async function panelWith(conflicts: ConflictView[]) {
  fakeApi.calls.session.mockResolvedValue({
    call: makeRow(0, { src: '07917330699' }),
    main: makeLeg({ acct_id: '' }),
    legs: [makeLeg({ acct_id: '1' })],
    conflicts,
    cost: makeCost(),
  });
  await useSessionStore().open(1);
  const wrapper = mount(SessionPanel, { global: { plugins: [pinia] } });
  await flushPromises();
  return wrapper;
}

describe('the session panel\'s "Other values seen"', () => {
  it('lists each value the cache did not take, with who said it and the leg it belongs to', async () => {
    const wrapper = await panelWith([
      { acct_id: '1', field: 'src', kept: '07917330699', offered: '7917330699', origin: 'import:damaged.csv' },
      { acct_id: '', field: 'start', kept: '2025-03-15 08:07:20', offered: '2025-03-15 08:07:00', origin: 'import:damaged.csv' },
      { acct_id: '2', field: 'disposition', kept: 'ANSWERED', offered: 'NO ANSWER', origin: 'sync' },
      { acct_id: '', field: 'accountcode', kept: '', offered: 'ACC-7', origin: 'import:old.csv' },
    ]);

    const section = wrapper.get('[data-testid="session-conflicts"]');
    expect(section.get('h3').text()).toBe('Other values seen');
    expect(section.attributes('aria-labelledby')).toBe(section.get('h3').attributes('id'));
    const items = section.findAll('[data-testid="session-conflict"]').map((li) => li.text().replace(/\s+/g, ' '));
    expect(items).toEqual([
      'src (AcctId 1): the cache keeps 07917330699; damaged.csv said 7917330699',
      'start: the cache keeps 2025-03-15 08:07:20; damaged.csv said 2025-03-15 08:07:00',
      'disposition (AcctId 2): the cache keeps ANSWERED; the PBX said NO ANSWER',
      'accountcode: the cache keeps (empty); old.csv said ACC-7',
    ]);
  });

  it('has no such section for a call every delivery agreed on', async () => {
    const wrapper = await panelWith([]);
    expect(wrapper.find('[data-testid="session-panel"]').exists()).toBe(true);
    expect(wrapper.find('[data-testid="session-conflicts"]').exists()).toBe(false);
  });
});
