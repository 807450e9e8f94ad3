import { deferred, fakeApi, makeProfile, resetFakeApi } from './fake-api.js';
import { flushPromises, mount } from '@vue/test-utils';
import { createPinia, setActivePinia, type Pinia } from 'pinia';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Alert, AlertRuleSettings, MailSettings, WatchStatus } from '../../preload/api.js';
import { DEFAULT_RULE_SETTINGS } from '../../preload/alerts.js';
import { ApiError } from '../../renderer/src/api.js';
import App from '../../renderer/src/App.vue';
import AlertRulesForm from '../../renderer/src/components/AlertRulesForm.vue';
import MailSettingsForm from '../../renderer/src/components/MailSettingsForm.vue';
import PbxCard from '../../renderer/src/components/PbxCard.vue';
import PbxForm from '../../renderer/src/components/PbxForm.vue';
import { mailForm, validateMailForm } from '../../renderer/src/mail-form.js';
import { startRouter } from '../../renderer/src/router.js';
import { useAlertsStore } from '../../renderer/src/stores/alerts.js';
import { usePbxStore } from '../../renderer/src/stores/pbx.js';
import AlertsView from '../../renderer/src/views/AlertsView.vue';
import PbxView from '../../renderer/src/views/PbxView.vue';

let pinia: Pinia;
let stopRouter: (() => void) | null = null;

function setHash(hash: string): void {
  window.history.replaceState(null, '', `/${hash}`);
}

beforeEach(() => {
  resetFakeApi();
  pinia = createPinia();
  setActivePinia(pinia);
  setHash('#/alerts');
  stopRouter = startRouter();
});

afterEach(() => {
  stopRouter?.();
  stopRouter = null;
  vi.unstubAllGlobals();
  setHash('');
});

function alert(id: number, overrides: Partial<Alert> = {}): Alert {
  return {
    id,
    rule: 'failed-burst',
    severity: 'warning',
    pbx: 'office',
    first_at: '2025-03-04T10:00:00',
    last_at: '2025-03-04T10:09:00',
    title: `Alert ${id}`,
    sessions: [],
    calls: 10,
    acknowledged: false,
    raised_at: '2025-03-04T10:10:00Z',
    mailed_at: null,
    ...overrides,
  };
}


/** The browser's Notification, recording what the page raises. */
class RecordingNotification {
  static permission: NotificationPermission = 'granted';
  static shown: RecordingNotification[] = [];
  static requestPermission = vi.fn(async (): Promise<NotificationPermission> => {
    RecordingNotification.permission = 'granted';
    return 'granted';
  });
  onclick: (() => void) | null = null;
  close = vi.fn();
  constructor(
    readonly title: string,
    readonly options: NotificationOptions,
  ) {
    RecordingNotification.shown.push(this);
  }
}

function stubNotifications(permission: NotificationPermission): void {
  RecordingNotification.permission = permission;
  RecordingNotification.shown = [];
  RecordingNotification.requestPermission.mockClear();
  vi.stubGlobal('Notification', RecordingNotification);
}

function mode(value: 'web' | 'desktop'): void {
  fakeApi.app.info.mockResolvedValue({ version: '1', mode: value, db_path: '/tmp/x', keychain: value === 'desktop' });
}

/** The page's polls: a first look, then a second one that finds `next`. */
async function pollTwice(first: Alert[], next: Alert[]): Promise<void> {
  const alerts = useAlertsStore();
  fakeApi.alerts.list.mockResolvedValue(first);
  await alerts.refreshOpen();
  fakeApi.alerts.list.mockResolvedValue(next);
  await alerts.refreshOpen();
}

describe('browser notifications for new alerts (web mode)', () => {
  it('raises one for each new warning or critical alert, never for the alerts there before nor for info ones', async () => {
    stubNotifications('granted');
    mode('web');
    const before = alert(4);
    const critical = alert(5, { rule: 'premium-destination', severity: 'critical', title: 'Calls to premium numbers on office (2025-03-04)' });
    const info = alert(6, { severity: 'info' });
    await pollTwice([before], [info, critical, before]);
    expect(RecordingNotification.shown.map((n) => [n.title, n.options.body, n.options.tag])).toEqual([
      ['Critical: Premium destination on office', 'Calls to premium numbers on office (2025-03-04)', 'ucm-alert-5'],
    ]);
    // Seen once, announced once.
    await useAlertsStore().refreshOpen();
    expect(RecordingNotification.shown).toHaveLength(1);
  });

  it('brings the window to the alert when the notification is clicked', async () => {
    stubNotifications('granted');
    mode('web');
    const focus = vi.spyOn(window, 'focus').mockImplementation(() => undefined);
    setHash('#/calls');
    await pollTwice([], [alert(7)]);
    const [shown] = RecordingNotification.shown;
    shown?.onclick?.();
    expect(focus).toHaveBeenCalled();
    expect(window.location.hash).toBe('#/alerts?alert=7');
    expect(shown?.close).toHaveBeenCalled();
  });

  it('sums up many new alerts in one notification', async () => {
    stubNotifications('granted');
    mode('web');
    await pollTwice([], []);
    fakeApi.alerts.list.mockResolvedValue([alert(1), alert(2), alert(3), alert(4)]);
    await useAlertsStore().refreshOpen();
    expect(RecordingNotification.shown.map((n) => n.title)).toEqual(['4 new alerts']);
  });

  it('raises none without the permission, and none in the desktop app, whose shell notifies', async () => {
    stubNotifications('default');
    mode('web');
    await pollTwice([], [alert(1)]);
    expect(RecordingNotification.shown).toHaveLength(0);

    setActivePinia(createPinia());
    stubNotifications('granted');
    mode('desktop');
    await pollTwice([], [alert(1)]);
    expect(RecordingNotification.shown).toHaveLength(0);
  });

  it('offers to enable notifications in the web mode only, and asks the browser when clicked', async () => {
    stubNotifications('default');
    mode('web');
    const wrapper = mount(AlertsView, { global: { plugins: [pinia] } });
    await flushPromises();
    await wrapper.get('[data-testid="alerts-notify-enable"]').trigger('click');
    await flushPromises();
    expect(RecordingNotification.requestPermission).toHaveBeenCalled();
    expect(wrapper.get('[data-testid="alerts-notify-state"]').text()).toBe('Notifications on');
    wrapper.unmount();

    setActivePinia((pinia = createPinia()));
    stubNotifications('default');
    mode('desktop');
    const desktop = mount(AlertsView, { global: { plugins: [pinia] } });
    await flushPromises();
    expect(desktop.find('[data-testid="alerts-notify-enable"]').exists()).toBe(false);
    desktop.unmount();
  });
});

describe('the alert rules screen', () => {
  async function mountRules(settings: AlertRuleSettings = structuredClone(DEFAULT_RULE_SETTINGS)) {
    fakeApi.alerts.rules.mockResolvedValue(settings);
    const wrapper = mount(AlertRulesForm, { global: { plugins: [pinia] } });
    await flushPromises();
    return wrapper;
  }

  it("shows each rule on or off with its thresholds, and the premium prefixes one per line", async () => {
    const settings = structuredClone(DEFAULT_RULE_SETTINGS);
    settings['after-hours'].enabled = false;
    const wrapper = await mountRules(settings);
    expect((wrapper.get('[data-testid="rule-after-hours-enabled"]').element as HTMLInputElement).checked).toBe(false);
    expect((wrapper.get('[data-testid="rule-failed-burst-enabled"]').element as HTMLInputElement).checked).toBe(true);
    expect((wrapper.get('[data-testid="rule-failed-burst-calls"]').element as HTMLInputElement).value).toBe('10');
    expect((wrapper.get('[data-testid="rule-concurrency-spike-factor"]').element as HTMLInputElement).value).toBe('2');
    expect((wrapper.get('[data-testid="rule-premium-destination-prefixes"]').element as HTMLTextAreaElement).value.split('\n')).toEqual(
      DEFAULT_RULE_SETTINGS['premium-destination'].prefixes,
    );
    expect(wrapper.get('label[for="rule-failed-burst-calls"]').text()).toBe('Failed calls');
  });

  it('refuses thresholds that are not numbers above 0, whole where they count, and prefixes that are not digits', async () => {
    const wrapper = await mountRules();
    await wrapper.get('[data-testid="rule-failed-burst-calls"]').setValue('2.5');
    await wrapper.get('[data-testid="rule-failed-burst-minutes"]').setValue('0');
    await wrapper.get('[data-testid="rule-volume-drift-factor"]').setValue('abc');
    await wrapper.get('[data-testid="rule-premium-destination-prefixes"]').setValue('881\n00 44\nabc');
    await wrapper.get('[data-testid="alerts-rules-save"]').trigger('click');
    await flushPromises();
    expect(fakeApi.alerts.saveRules).not.toHaveBeenCalled();
    expect(wrapper.get('#rule-failed-burst-calls-error').text()).toBe('Failed calls: enter a whole number.');
    expect(wrapper.get('#rule-failed-burst-minutes-error').text()).toBe('Within (minutes): enter a number above 0 and at most 100,000.');
    expect(wrapper.get('#rule-volume-drift-factor-error').text()).toBe('Times the mean: enter a number.');
    expect(wrapper.get('[data-testid="rule-failed-burst-calls"]').attributes('aria-invalid')).toBe('true');
    expect(wrapper.get('[data-testid="rule-premium-destination-prefixes-error"]').text()).toContain('Not a prefix: "abc".');
  });

  it('saves every rule with its thresholds, the prefixes cleaned up, and says so', async () => {
    const wrapper = await mountRules();
    await wrapper.get('[data-testid="rule-failed-burst-calls"]').setValue('5');
    await wrapper.get('[data-testid="rule-volume-drift-enabled"]').setValue(false);
    await wrapper.get('[data-testid="rule-concurrency-spike-factor"]').setValue('1.5');
    await wrapper.get('[data-testid="rule-premium-destination-prefixes"]').setValue('+881, 882\n882\n1900');
    await wrapper.get('[data-testid="alerts-rules-save"]').trigger('click');
    await flushPromises();
    const expected = structuredClone(DEFAULT_RULE_SETTINGS);
    expected['failed-burst'].calls = 5;
    expected['volume-drift'].enabled = false;
    expected['concurrency-spike'].factor = 1.5;
    expected['premium-destination'].prefixes = ['881', '882', '1900'];
    expect(fakeApi.alerts.saveRules).toHaveBeenCalledWith(expected);
    expect(wrapper.get('[data-testid="alerts-rules-status"]').text()).toContain('Saved.');
    expect((wrapper.get('[data-testid="rule-premium-destination-prefixes"]').element as HTMLTextAreaElement).value).toBe('881\n882\n1900');
    await wrapper.get('[data-testid="rule-failed-burst-calls"]').setValue('6');
    expect(wrapper.get('[data-testid="alerts-rules-status"]').text()).toBe('');
  });

  it("shows the service's refusal", async () => {
    const wrapper = await mountRules();
    fakeApi.alerts.saveRules.mockRejectedValue(new ApiError('BAD_INPUT', 'Refused alerts/saveRules: failed-burst.calls Too big.'));
    await wrapper.get('[data-testid="alerts-rules-save"]').trigger('click');
    await flushPromises();
    expect(wrapper.get('[data-testid="error-banner"]').text()).toContain('failed-burst.calls Too big');
  });

  it('puts the defaults back in the form, saved only when asked', async () => {
    const settings = structuredClone(DEFAULT_RULE_SETTINGS);
    settings['failed-burst'] = { enabled: false, calls: 3, minutes: 2 };
    settings['premium-destination'].prefixes = ['881'];
    const wrapper = await mountRules(settings);
    await wrapper.get('[data-testid="alerts-rules-reset"]').trigger('click');
    expect((wrapper.get('[data-testid="rule-failed-burst-calls"]').element as HTMLInputElement).value).toBe('10');
    expect((wrapper.get('[data-testid="rule-failed-burst-enabled"]').element as HTMLInputElement).checked).toBe(true);
    expect(wrapper.get('[data-testid="alerts-rules-status"]').text()).toBe('Defaults restored in the form: save to apply them.');
    expect(fakeApi.alerts.saveRules).not.toHaveBeenCalled();
    await wrapper.get('[data-testid="alerts-rules-save"]').trigger('click');
    await flushPromises();
    expect(fakeApi.alerts.saveRules).toHaveBeenCalledWith(DEFAULT_RULE_SETTINGS);
  });
});

describe('the mail settings', () => {
  const SAVED: MailSettings = { smtp: 'smtp://alerts@mail.example.com:587', from: 'ucm@example.com', to: ['it@example.com', 'boss@example.com'], daily_report: '07:30', has_password: true };

  async function mountMail(settings: MailSettings = SAVED) {
    fakeApi.watch.mail.mockResolvedValue(settings);
    const wrapper = mount(MailSettingsForm, { global: { plugins: [pinia] } });
    await flushPromises();
    return wrapper;
  }

  const value = (wrapper: Awaited<ReturnType<typeof mountMail>>, id: string) => (wrapper.get(`[data-testid="${id}"]`).element as HTMLInputElement).value;

  it('shows the saved settings, the password only as stored', async () => {
    const wrapper = await mountMail();
    expect(value(wrapper, 'mail-smtp')).toBe(SAVED.smtp);
    expect(value(wrapper, 'mail-from')).toBe('ucm@example.com');
    expect(value(wrapper, 'mail-to')).toBe('it@example.com\nboss@example.com');
    expect((wrapper.get('[data-testid="mail-daily"]').element as HTMLInputElement).checked).toBe(true);
    expect(value(wrapper, 'mail-daily-time')).toBe('07:30');
    expect(wrapper.get('[data-testid="mail-password-state"]').text()).toBe('Stored.');
    expect(wrapper.find('[data-testid="mail-password"]').exists()).toBe(false);
  });

  it('saves without touching the stored password, replaces it, or forgets it', async () => {
    const wrapper = await mountMail();
    fakeApi.watch.saveMail.mockResolvedValue({ ...SAVED, to: ['it@example.com', 'ops@example.com'], daily_report: '' });
    await wrapper.get('[data-testid="mail-to"]').setValue('it@example.com, ops@example.com');
    await wrapper.get('[data-testid="mail-daily"]').setValue(false);
    await wrapper.get('[data-testid="mail-save"]').trigger('click');
    await flushPromises();
    expect(fakeApi.watch.saveMail).toHaveBeenLastCalledWith({ smtp: SAVED.smtp, from: SAVED.from, to: ['it@example.com', 'ops@example.com'], daily_report: '' });
    expect(wrapper.get('[data-testid="mail-status"]').text()).toBe('Saved.');
    expect(wrapper.get('[data-testid="mail-password-state"]').text()).toBe('Stored.');

    await wrapper.get('[data-testid="mail-password-replace"]').trigger('click');
    await wrapper.get('[data-testid="mail-password"]').setValue('s3cret');
    await wrapper.get('[data-testid="mail-save"]').trigger('click');
    await flushPromises();
    expect(fakeApi.watch.saveMail).toHaveBeenLastCalledWith(expect.objectContaining({ password: 's3cret' }));
    expect(wrapper.find('[data-testid="mail-password"]').exists()).toBe(false);

    await wrapper.get('[data-testid="mail-password-forget"]').trigger('click');
    expect(wrapper.get('[data-testid="mail-password-state"]').text()).toBe('Forgotten when you save.');
    await wrapper.get('[data-testid="mail-save"]').trigger('click');
    await flushPromises();
    expect(fakeApi.watch.saveMail).toHaveBeenLastCalledWith(expect.objectContaining({ password: '' }));
  });

  it('checks the form before sending it, and puts what the service refuses on its field', async () => {
    const wrapper = await mountMail({ smtp: '', from: '', to: [], daily_report: '', has_password: false });
    await wrapper.get('[data-testid="mail-smtp"]').setValue('mail.example.com');
    await wrapper.get('[data-testid="mail-save"]').trigger('click');
    expect(fakeApi.watch.saveMail).not.toHaveBeenCalled();
    expect(wrapper.get('[data-testid="mail-smtp-error"]').text()).toContain('smtp://user@host:587');
    expect(wrapper.get('[data-testid="mail-from-error"]').text()).toContain('Give the sender address');
    expect(wrapper.get('[data-testid="mail-to-error"]').text()).toContain('Add at least one recipient');

    await wrapper.get('[data-testid="mail-smtp"]').setValue('smtp://mail.example.com');
    await wrapper.get('[data-testid="mail-from"]').setValue('ucm@example.com');
    await wrapper.get('[data-testid="mail-to"]').setValue('it@example.com\nnot-an-address');
    fakeApi.watch.saveMail.mockRejectedValue(
      new ApiError('BAD_INPUT', 'The recipient address "not-an-address" is not an e-mail address: write it like alerts@example.com.', { address: 'not-an-address' }),
    );
    await wrapper.get('[data-testid="mail-save"]').trigger('click');
    await flushPromises();
    expect(wrapper.get('[data-testid="mail-to-error"]').text()).toContain('"not-an-address" is not an e-mail address');
    expect(wrapper.find('[data-testid="error-banner"]').exists()).toBe(false);
  });

  it('takes the daily report time as HH:MM', () => {
    const values = { ...mailForm(SAVED), dailyTime: '7:5' };
    expect(validateMailForm(values).dailyTime).toBe('Give the time as HH:MM, e.g. 07:30.');
    expect(validateMailForm({ ...values, dailyReport: false })).toEqual({});
  });

  it('sends a test message with the saved settings and says how it went, MAIL_FAILED in its own words', async () => {
    const wrapper = await mountMail();
    const send = deferred<void>();
    fakeApi.watch.testMail.mockReturnValue(send.promise);
    await wrapper.get('[data-testid="mail-test"]').trigger('click');
    expect(wrapper.get('[data-testid="mail-test"]').text()).toBe('Sending…');
    send.resolve();
    await flushPromises();
    expect(wrapper.get('[data-testid="mail-status"]').text()).toBe('Test message sent to it@example.com, boss@example.com.');

    const refused = 'The SMTP server mail.example.com:587 refused the login of alerts (535 5.7.8 Authentication failed): check the user and password.';
    fakeApi.watch.testMail.mockRejectedValue(new ApiError('MAIL_FAILED', refused));
    await wrapper.get('[data-testid="mail-test"]').trigger('click');
    await flushPromises();
    const banner = wrapper.get('[data-testid="mail-test-error"]');
    expect(banner.attributes('data-code')).toBe('MAIL_FAILED');
    expect(banner.text()).toContain(refused);

    // Unsaved edits are not what the test would send.
    await wrapper.get('[data-testid="mail-from"]').setValue('other@example.com');
    expect(wrapper.get('[data-testid="mail-test"]').attributes('disabled')).toBeDefined();
  });
});

describe('the PBX form: sync schedule and business hours', () => {
  it('creates a PBX synced every 15 minutes on the default business hours unless told otherwise', async () => {
    fakeApi.pbx.save.mockResolvedValue(makeProfile());
    const wrapper = mount(PbxForm, { props: { profile: null }, global: { plugins: [pinia] } });
    expect((wrapper.get('[data-testid="pbx-form-sync_every"]').element as HTMLSelectElement).value).toBe('15');
    expect(wrapper.findAll('[data-testid="pbx-form-sync_every"] option').map((o) => o.text())).toEqual(['Off', 'Every 5 minutes', 'Every 15 minutes', 'Every hour']);
    await wrapper.get('[data-testid="pbx-form-name"]').setValue('office');
    await wrapper.get('[data-testid="pbx-form-url"]').setValue('https://192.0.2.10:8443');
    await wrapper.get('[data-testid="pbx-form-user"]').setValue('cdrapi');
    await wrapper.get('[data-testid="pbx-form-password"]').setValue('pw');
    await wrapper.get('[data-testid="pbx-save"]').trigger('click');
    await flushPromises();
    const sent = fakeApi.pbx.save.mock.calls[0]?.[0];
    expect(sent).toMatchObject({ name: 'office', sync_every: 15 });
    expect(sent).not.toHaveProperty('business_hours');
  });

  it('saves the schedule and business hours chosen', async () => {
    fakeApi.pbx.save.mockResolvedValue(makeProfile());
    usePbxStore().profiles = [makeProfile()];
    const wrapper = mount(PbxForm, { props: { profile: makeProfile() }, global: { plugins: [pinia] } });
    expect((wrapper.get('[data-testid="pbx-form-business_hours"]').element as HTMLInputElement).value).toBe('Mon-Fri 07:00-19:00');
    await wrapper.get('[data-testid="pbx-form-sync_every"]').setValue('60');
    await wrapper.get('[data-testid="pbx-form-business_hours"]').setValue(' Mon-Fri 08:00-12:00, Mon-Fri 13:00-17:30, Sat 09:00-12:00 ');
    await wrapper.get('[data-testid="pbx-save"]').trigger('click');
    await flushPromises();
    expect(fakeApi.pbx.save).toHaveBeenCalledWith(
      expect.objectContaining({ id: 1, sync_every: 60, business_hours: 'Mon-Fri 08:00-12:00, Mon-Fri 13:00-17:30, Sat 09:00-12:00' }),
    );
  });

  it('refuses business hours the service would refuse, on the field and in its words', async () => {
    usePbxStore().profiles = [makeProfile()];
    const wrapper = mount(PbxForm, { props: { profile: makeProfile() }, global: { plugins: [pinia] } });
    for (const [hours, why] of [
      ['Mon-Fri 19:00-07:00', 'closes before it opens'],
      ['Mon-Fry 07:00-19:00', '"Fry" is not a weekday'],
      ['weekdays', '"weekdays" is not "Days HH:MM-HH:MM"'],
      ['', 'no hours given'],
    ]) {
      await wrapper.get('[data-testid="pbx-form-business_hours"]').setValue(hours);
      await wrapper.get('[data-testid="pbx-save"]').trigger('click');
      await flushPromises();
      expect(wrapper.get('[data-testid="pbx-form-business_hours-error"]').text(), hours).toContain(why);
    }
    expect(wrapper.get('[data-testid="pbx-form-business_hours"]').attributes('aria-invalid')).toBe('true');
    expect(fakeApi.pbx.save).not.toHaveBeenCalled();

    await wrapper.get('[data-testid="pbx-form-business_hours"]').setValue('24/7');
    fakeApi.pbx.save.mockRejectedValue(new ApiError('BAD_INPUT', 'Refused pbx/save: business_hours Too big.', { method: 'pbx/save', field: 'business_hours' }));
    await wrapper.get('[data-testid="pbx-save"]').trigger('click');
    await flushPromises();
    expect(wrapper.get('[data-testid="pbx-form-business_hours-error"]').text()).toBe('Refused pbx/save: business_hours Too big.');
    expect(wrapper.find('[data-testid="error-banner"]').exists()).toBe(false);
  });

  it('offers business hours but no sync schedule for a source of imported history', async () => {
    const source = makeProfile({ id: 3, name: 'archive', kind: 'import', url: '', user: '', fingerprint: null, sync_every: 0 });
    usePbxStore().profiles = [source];
    fakeApi.pbx.saveImportSource.mockResolvedValue(source);
    const wrapper = mount(PbxForm, { props: { profile: source }, global: { plugins: [pinia] } });
    expect(wrapper.find('[data-testid="pbx-form-sync_every"]').exists()).toBe(false);
    await wrapper.get('[data-testid="pbx-form-business_hours"]').setValue('24/7');
    await wrapper.get('[data-testid="pbx-save"]').trigger('click');
    await flushPromises();
    expect(fakeApi.pbx.saveImportSource).toHaveBeenCalledWith(expect.objectContaining({ id: 3, business_hours: '24/7' }));
    expect(fakeApi.pbx.saveImportSource.mock.calls[0]?.[0]).not.toHaveProperty('sync_every');
  });
});

describe('the automatic sync on the PBX cards and in the sidebar', () => {
  const FAILING: WatchStatus = {
    pbx: 'office',
    schedule: 15,
    last_success: '2025-03-04T08:15:00Z',
    next_run: '2025-03-04T09:45:00Z',
    last_error: 'The PBX refused the user name or password.',
    failures: 3,
    running: false,
  };

  it("shows each PBX's schedule, last success, next run and last error", async () => {
    fakeApi.watch.status.mockResolvedValue([FAILING]);
    const wrapper = mount(PbxView, { global: { plugins: [pinia] } });
    fakeApi.pbx.list.mockResolvedValue([makeProfile()]);
    await usePbxStore().load();
    await flushPromises();
    const card = wrapper.get('[data-testid="pbx-card"]');
    const watch = card.get('[data-testid="pbx-watch-1"]');
    expect(watch.attributes('data-schedule')).toBe('15');
    expect(watch.text()).toMatch(/^Every 15 minutes · last success 2025-03-04 \d\d:15 · next 2025-03-04 \d\d:45$/);
    expect(card.get('[data-testid="pbx-watch-error-1"]').text()).toBe('The PBX refused the user name or password. · 3 failures in a row');
    expect(card.get('[data-testid="pbx-business-hours-1"]').text()).toBe('Mon-Fri 07:00-19:00');
    wrapper.unmount();
  });

  it('says when the automatic sync is off, or running', async () => {
    const card = (status: WatchStatus | null) => {
      const store = usePbxStore();
      store.profiles = [makeProfile()];
      return mount(PbxCard, { props: { profile: makeProfile({ sync_every: status?.schedule ?? 0 }) }, global: { plugins: [pinia] } });
    };
    expect(card(null).get('[data-testid="pbx-watch-1"]').text()).toBe('Off');
    fakeApi.watch.status.mockResolvedValue([{ ...FAILING, last_error: null, failures: 0, running: true }]);
    const wrapper = mount(PbxView, { global: { plugins: [pinia] } });
    fakeApi.pbx.list.mockResolvedValue([makeProfile()]);
    await usePbxStore().load();
    await flushPromises();
    expect(wrapper.get('[data-testid="pbx-watch-1"]').text()).toBe('Every 15 minutes · syncing now');
    wrapper.unmount();
  });

  it('syncs all now, then shows what came: PBX counts, statuses and alerts', async () => {
    fakeApi.pbx.list.mockResolvedValue([makeProfile()]);
    const wrapper = mount(PbxView, { global: { plugins: [pinia] } });
    await flushPromises();
    const run = deferred<WatchStatus[]>();
    fakeApi.watch.runNow.mockReturnValue(run.promise);
    fakeApi.pbx.list.mockClear();
    fakeApi.alerts.list.mockClear();
    await wrapper.get('[data-testid="watch-run-now"]').trigger('click');
    expect(wrapper.get('[data-testid="watch-run-now"]').text()).toBe('Syncing all…');
    expect(wrapper.get('[data-testid="watch-run-now"]').attributes('disabled')).toBeDefined();
    run.resolve([{ ...FAILING, last_error: null, failures: 0 }]);
    await flushPromises();
    expect(fakeApi.pbx.list).toHaveBeenCalled();
    expect(fakeApi.alerts.list).toHaveBeenCalled();
    expect(wrapper.get('[data-testid="watch-run-now"]').text()).toBe('Sync all now');
    expect(wrapper.get('[data-testid="pbx-watch-1"]').text()).toContain('last success');
    wrapper.unmount();
  });

  it('sums the automatic sync up in the sidebar', async () => {
    fakeApi.watch.status.mockResolvedValue([FAILING, { ...FAILING, pbx: 'branch', last_error: null, failures: 0 }]);
    const wrapper = mount(App, { global: { plugins: [pinia] } });
    await flushPromises();
    const line = wrapper.get('[data-testid="watch-status"]');
    expect(line.attributes('data-state')).toBe('failed');
    expect(line.text()).toBe('Automatic sync of office failing');
    expect(line.attributes('title')).toBe(FAILING.last_error);
    wrapper.unmount();

    setActivePinia((pinia = createPinia()));
    fakeApi.watch.status.mockResolvedValue([{ ...FAILING, schedule: 0, next_run: null, last_error: null, failures: 0 }]);
    const off = mount(App, { global: { plugins: [pinia] } });
    await flushPromises();
    expect(off.get('[data-testid="watch-status"]').text()).toBe('Automatic sync off');
    off.unmount();
  });
});
