/**
 * A fake of the contract for component and store tests (test-only). Importing this module installs
 * it as the desktop bridge (`window.ucm`), so it must be imported before anything from renderer/src:
 * the renderer's api.ts picks its transport when it is first evaluated.
 */
import { vi, type Mock } from 'vitest';
import type { ApiArea, ApiMethod, ApiMethodName, CallCost, CallRow, LegView, PbxProfile, ProgressEvent, Settings, UcmApi } from '../../preload/api.js';
import { mapApiMethods } from '../../preload/client.js';
import { DEFAULT_RULE_SETTINGS } from '../../preload/alerts.js';

const progressListeners = new Set<(event: ProgressEvent) => void>();

/** One vi.fn per contract method, typed as that method, so tests write `fakeApi.calls.session.mockResolvedValue(...)`. */
type FakeAreas = {
  [A in ApiArea]: { [K in keyof UcmApi[A]]: UcmApi[A][K] extends (...args: infer P) => infer R ? Mock<(...args: P) => R> : never };
};

/** What the fake answers before a test says otherwise; a method not named here resolves to undefined. */
type DefaultAnswers = { [M in ApiMethodName]?: ApiMethod<M> };

function defaults(): FakeAreas {
  const settings: Settings = { theme: 'system', columns: [], saved_filters: [] };
  const answers: DefaultAnswers = {
    'app/info': async () => ({ version: '0.0.0-test', mode: 'desktop', db_path: '/tmp/test.db', keychain: true }),
    'app/upgradeStatus': async () => ({ phase: 'done', done: 0, total: 0 }),
    'app/getSettings': async () => settings,
    'app/saveSettings': async (req) => req,
    'app/openExternal': async () => undefined,
    'pbx/list': async () => [],
    'pbx/remove': async () => undefined,
    'calls/page': async () => ({ rows: [], next_cursor: null }),
    'calls/totals': async () => ({ count: 0, talk_seconds: 0 }),
    'calls/filterOptions': async () => ({ pbx: [], src_trunk: [], dst_trunk: [], action_type: [], account_code: [] }),
    'imports/list': async () => [],
    'dialogs/pickImportFiles': async () => [],
    'dialogs/pickSaveFile': async () => null,
    'dialogs/pickFolder': async () => null,
    'tasks/cancel': async () => undefined,
    'rates/list': async () => [],
    'rates/state': async () => ({ stale: false, unrated: 0, plans: 0 }),
    'contacts/list': async () => ({ contacts: [], total: 0 }),
    'alerts/list': async () => [],
    'alerts/calls': async () => [],
    'alerts/acknowledge': async (req) => ({ acknowledged: req.ids?.length ?? 0 }),
    'alerts/rules': async () => structuredClone(DEFAULT_RULE_SETTINGS),
    'alerts/saveRules': async (req) => req,
    'alerts/scan': async () => ({ calls: 0, raised: 0, joined: 0 }),
    'watch/status': async () => [],
    'watch/runNow': async () => [],
    'watch/mail': async () => ({ smtp: '', from: '', to: [], daily_report: '', has_password: false }),
    'watch/saveMail': async ({ password, ...settings }) => ({ ...settings, has_password: password !== undefined && password !== '' }),
    'watch/testMail': async () => undefined,
  };
  // Built from API_METHODS like the real clients, so a new contract method is in the fake too.
  return mapApiMethods((method) => vi.fn(answers[method])) as unknown as FakeAreas;
}

/** The fake's areas keep their identity across tests; resetFakeApi swaps the methods inside them. */
export const fakeApi: FakeAreas & Pick<UcmApi, 'events'> = {
  ...defaults(),
  events: {
    onProgress(listener) {
      progressListeners.add(listener);
      return () => progressListeners.delete(listener);
    },
  },
};

export function resetFakeApi(): void {
  const fresh = defaults();
  for (const area of Object.keys(fresh) as (keyof FakeAreas)[]) Object.assign(fakeApi[area], fresh[area]);
  progressListeners.clear();
}

export function emitProgress(event: ProgressEvent): void {
  for (const listener of progressListeners) listener(event);
}

window.ucm = fakeApi satisfies UcmApi;

export function makeRow(i: number, overrides: Partial<CallRow> = {}): CallRow {
  const second = String(i % 60).padStart(2, '0');
  return {
    id: i + 1,
    session: `1661159747${String(i).padStart(6, '0')}-1001`,
    pbx: 'Office',
    start: `2024-03-01T08:00:${second}`,
    start_utc: `2024-03-01T07:00:${second}Z`,
    answer: null,
    end: null,
    src: String(1000 + (i % 100)),
    dst: String(2000 + (i % 50)),
    caller_name: `Caller ${i}`,
    clid: `"Caller ${i}" <${1000 + (i % 100)}>`,
    answered_by: '',
    disposition: 'ANSWERED',
    direction: 'internal',
    action_type: 'DIAL',
    action_kind: 'DIAL',
    action_target: '',
    duration: 30,
    billsec: 20,
    src_trunk_name: '',
    dst_trunk_name: '',
    account_code: '',
    recordings: [],
    legs: 0,
    nat: false,
    origin: 'sync',
    imported_at: null,
    outcome: 'answered',
    route: [{ kind: 'DIAL', target: '' }],
    cost: 0,
    cost_status: 'not_billable',
    cost_currency: '',
    rate_destination: '',
    dst_line: '',
    callee_name: '',
    answered_by_name: '',
    ...overrides,
  };
}

/** A PBX profile as pbx/list returns it; tests override what they are about. */
export function makeProfile(overrides: Partial<PbxProfile> = {}): PbxProfile {
  return {
    id: 1,
    name: 'office',
    kind: 'pbx',
    url: 'https://192.0.2.10:8443',
    api: 'auto',
    detected_api: null,
    user: 'cdrapi',
    tz: 'Europe/London',
    model: '',
    fingerprint: 'AA:BB',
    ca_file: null,
    has_password: true,
    last_sync_at: null,
    last_sync_state: 'ok',
    last_sync_error: null,
    calls: 0,
    country_code: '',
    national_prefix: '',
    international_prefix: '',
    sync_every: 15,
    business_hours: 'Mon-Fri 07:00-19:00',
    ...overrides,
  };
}

/** A session's cost: not billable unless the test says otherwise. */
export function makeCost(overrides: Partial<CallCost> = {}): CallCost {
  return {
    status: 'not_billable',
    cost: 0,
    currency: '',
    plan: '',
    e164: '',
    row: null,
    billed_seconds: 0,
    reason: 'The call did not leave by a trunk.',
    ...overrides,
  };
}

export function makeLeg(overrides: Partial<LegView> & Pick<LegView, 'acct_id'>): LegView {
  return {
    fields: {},
    start: null,
    start_utc: null,
    answer: null,
    end: null,
    disposition: 'ANSWERED',
    action_kind: 'DIAL',
    action_target: '',
    channel: { raw: '', kind: 'unknown' },
    dstchannel: { raw: '', kind: 'unknown' },
    recordings: [],
    ...overrides,
  };
}

/** A promise the test settles when it chooses: lets a test order responses deliberately. */
export function deferred<T>(): { promise: Promise<T>; resolve(value: T): void; reject(reason: unknown): void } {
  let resolve!: (value: T) => void;
  let reject!: (reason: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}
