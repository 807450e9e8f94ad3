import { fakeApi, makeProfile, resetFakeApi } from './fake-api.js';
import { flushPromises, mount } from '@vue/test-utils';
import { createPinia, setActivePinia, type Pinia } from 'pinia';
import { beforeEach, describe, expect, it } from 'vitest';
import type { PbxProfile } from '../../preload/api.js';
import PbxForm from '../../renderer/src/components/PbxForm.vue';

let pinia: Pinia;

beforeEach(() => {
  resetFakeApi();
  pinia = createPinia();
  setActivePinia(pinia);
});

function profile(overrides: Partial<PbxProfile> = {}): PbxProfile {
  return makeProfile({ id: 7, url: 'https://192.168.1.20:8089', ...overrides });
}

async function fillNew(url: string) {
  const wrapper = mount(PbxForm, { props: { profile: null }, global: { plugins: [pinia] }, attachTo: document.body });
  await wrapper.get('[data-testid="pbx-form-name"]').setValue('office');
  await wrapper.get('[data-testid="pbx-form-url"]').setValue(url);
  await wrapper.get('[data-testid="pbx-form-user"]').setValue('cdrapi');
  await wrapper.get('[data-testid="pbx-form-password"]').setValue('pw');
  return wrapper;
}

describe('the PBX form: address and test', () => {
  it('gives the port of the API generation chosen in the address hint', async () => {
    const wrapper = mount(PbxForm, { props: { profile: null }, global: { plugins: [pinia] } });
    const hint = () => wrapper.get('[data-testid="pbx-form-url-hint"]').text();
    await wrapper.get('[data-testid="pbx-form-api"]').setValue('legacy');
    expect(hint()).toContain('8443');
    expect(hint()).not.toContain('8089');
    await wrapper.get('[data-testid="pbx-form-api"]').setValue('ucm63xx');
    expect(hint()).toContain('8089');
    expect(hint()).not.toContain('8443');
    wrapper.unmount();
  });

  it('completes an address without a scheme to https', async () => {
    fakeApi.pbx.save.mockResolvedValue(profile());
    fakeApi.pbx.test.mockResolvedValue({ ok: true, detected_api: 'ucm63xx', certificate: null, error: null });
    const wrapper = await fillNew('192.168.1.20:8089');
    await wrapper.get('[data-testid="pbx-save"]').trigger('click');
    await flushPromises();
    expect(fakeApi.pbx.save).toHaveBeenCalledWith(expect.objectContaining({ url: 'https://192.168.1.20:8089' }));
    expect(wrapper.emitted('saved')).toHaveLength(1);
    wrapper.unmount();
  });

  it('does not keep a new PBX whose test failed, unless "Save anyway" is chosen', async () => {
    fakeApi.pbx.save.mockResolvedValue(profile());
    fakeApi.pbx.test.mockResolvedValue({ ok: false, detected_api: null, certificate: null, error: { code: 'AUTH_FAILED', message: 'HTTP 401' } });
    const wrapper = await fillNew('https://192.168.1.20:8089');
    await wrapper.get('[data-testid="pbx-save"]').trigger('click');
    await flushPromises();
    expect(wrapper.emitted('saved')).toBeUndefined();
    expect(wrapper.get('[data-testid="pbx-form-test-error"]').attributes('data-code')).toBe('AUTH_FAILED');
    expect(wrapper.find('[data-testid="pbx-save-anyway"]').exists()).toBe(true);
    await wrapper.get('[data-testid="pbx-form-cancel"]').trigger('click');
    await flushPromises();
    expect(fakeApi.pbx.remove).toHaveBeenCalledWith({ id: 7 });
    expect(wrapper.emitted('close')).toHaveLength(1);
    wrapper.unmount();

    fakeApi.pbx.remove.mockClear();
    const again = await fillNew('https://192.168.1.20:8089');
    await again.get('[data-testid="pbx-save"]').trigger('click');
    await flushPromises();
    await again.get('[data-testid="pbx-save-anyway"]').trigger('click');
    await flushPromises();
    expect(again.emitted('saved')).toHaveLength(1);
    expect(fakeApi.pbx.remove).not.toHaveBeenCalled();
    again.unmount();
  });
});
