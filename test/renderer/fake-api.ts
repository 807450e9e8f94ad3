/**
 * A fake of the contract for component and store tests (test-only). Importing this module installs
 * it as the desktop bridge (`window.ucm`), so it must be imported before anything from renderer/src:
 * the renderer's api.ts picks its transport when it is first evaluated.
 */
import { vi } from 'vitest';
import type { CallRow, LegView, ProgressEvent, Settings, UcmApi } from '../../preload/api.js';

const progressListeners = new Set<(event: ProgressEvent) => void>();

function defaults() {
  const settings: Settings = { theme: 'system', columns: [], saved_filters: [] };
  return {
    app: {
      info: vi.fn<UcmApi['app']['info']>(async () => ({ version: '0.0.0-test', mode: 'desktop', db_path: '/tmp/test.db', keychain: true })),
      getSettings: vi.fn<UcmApi['app']['getSettings']>(async () => settings),
      saveSettings: vi.fn<UcmApi['app']['saveSettings']>(async (req) => req),
      openExternal: vi.fn<UcmApi['app']['openExternal']>(async () => undefined),
    },
    pbx: {
      list: vi.fn<UcmApi['pbx']['list']>(async () => []),
      save: vi.fn<UcmApi['pbx']['save']>(),
      saveImportSource: vi.fn<UcmApi['pbx']['saveImportSource']>(),
      remove: vi.fn<UcmApi['pbx']['remove']>(async () => undefined),
      test: vi.fn<UcmApi['pbx']['test']>(),
      trust: vi.fn<UcmApi['pbx']['trust']>(),
      startDemo: vi.fn<UcmApi['pbx']['startDemo']>(),
    },
    sync: { run: vi.fn<UcmApi['sync']['run']>() },
    calls: {
      page: vi.fn<UcmApi['calls']['page']>(async () => ({ rows: [], next_cursor: null })),
      totals: vi.fn<UcmApi['calls']['totals']>(async () => ({ count: 0, talk_seconds: 0 })),
      session: vi.fn<UcmApi['calls']['session']>(),
      filterOptions: vi.fn<UcmApi['calls']['filterOptions']>(async () => ({
        pbx: [],
        src_trunk: [],
        dst_trunk: [],
        action_type: [],
        account_code: [],
      })),
    },
    recordings: {
      play: vi.fn<UcmApi['recordings']['play']>(),
      export: vi.fn<UcmApi['recordings']['export']>(),
    },
    imports: {
      run: vi.fn<UcmApi['imports']['run']>(),
      list: vi.fn<UcmApi['imports']['list']>().mockResolvedValue([]),
      undo: vi.fn<UcmApi['imports']['undo']>(),
    },
    exports: { run: vi.fn<UcmApi['exports']['run']>() },
    dialogs: {
      pickImportFiles: vi.fn<UcmApi['dialogs']['pickImportFiles']>(async () => []),
      pickSaveFile: vi.fn<UcmApi['dialogs']['pickSaveFile']>(async () => null),
      pickFolder: vi.fn<UcmApi['dialogs']['pickFolder']>(async () => null),
    },
    tasks: { cancel: vi.fn<UcmApi['tasks']['cancel']>(async () => undefined) },
  };
}

type FakeAreas = ReturnType<typeof defaults>;

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
