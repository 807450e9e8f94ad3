import { defineStore } from 'pinia';
import { ref, shallowRef } from 'vue';
import type {
  ApiErrorPayload,
  ApiGeneration,
  CertificateInfo,
  ImportSourceInput,
  PbxInput,
  PbxProfile,
  PbxRemoveRequest,
} from '../../../preload/api.js';
import { ApiError, api, toApiError } from '../api.js';
import { describeError, type ErrorView } from '../errors.js';
import { DIAL_PLAN_FIELDS } from '../pbx-form.js';
import { useCallsStore } from './calls.js';
import { useFilterStore } from './filter.js';
import { useRatesStore } from './rates.js';
import { useSessionStore } from './session.js';
import { useSyncStore } from './sync.js';

export type ConnectionTest =
  | { state: 'testing' }
  | { state: 'ok'; detected_api: ApiGeneration | null }
  | { state: 'untrusted' }
  | { state: 'failed'; error: ErrorView };

export interface CertificatePrompt {
  profile: PbxProfile;
  certificate: CertificateInfo;
  /** Set when the PBX changed certificate since it was trusted. */
  mismatch: ErrorView | null;
  demo: boolean;
  trusting: boolean;
  error: ErrorView | null;
}

/** A refusal of a save, with the form field the service named (`details.field`), if any. */
export interface SaveRefusal {
  error: ErrorView;
  field: string | null;
}

function refusal(e: unknown): SaveRefusal {
  const failure = toApiError(e);
  const field = failure.details?.['field'];
  return { error: describeError(failure), field: typeof field === 'string' ? field : null };
}

export interface PasswordPrompt {
  profile: PbxProfile;
  answer(password: string | null): void;
}

/**
 * PBX profiles, connection tests, the first-contact certificate dialog and the per-session password
 * prompt. Passwords typed here live in memory only, and only when the service could not store them.
 */
export const usePbxStore = defineStore('pbx', () => {
  const profiles = ref<PbxProfile[]>([]);
  const loading = ref(false);
  const loaded = ref(false);
  const error = ref<ErrorView | null>(null);
  const tests = ref<Record<number, ConnectionTest>>({});
  const certificatePrompt = ref<CertificatePrompt | null>(null);
  const passwordPrompt = shallowRef<PasswordPrompt | null>(null);
  const demoStarting = ref(false);
  const demoError = ref<ErrorView | null>(null);
  /** The profile the PBX screen brings into view and marks (the demo PBX after "Try the demo PBX"). */
  const focused = ref<number | null>(null);

  // Not reactive and never persisted: nothing may render or save these.
  const sessionPasswords = new Map<number, string>();

  function upsert(profile: PbxProfile): void {
    const i = profiles.value.findIndex((p) => p.id === profile.id);
    if (i >= 0) profiles.value.splice(i, 1, profile);
    else profiles.value.push(profile);
  }

  function byId(id: number): PbxProfile | undefined {
    return profiles.value.find((p) => p.id === id);
  }

  function byName(name: string): PbxProfile | undefined {
    return profiles.value.find((p) => p.name === name);
  }

  async function load(): Promise<void> {
    loading.value = true;
    try {
      profiles.value = await api.pbx.list();
      error.value = null;
    } catch (e) {
      error.value = describeError(toApiError(e));
    } finally {
      loading.value = false;
      loaded.value = true;
    }
  }

  async function save(input: PbxInput): Promise<{ profile: PbxProfile } | SaveRefusal> {
    try {
      const before = input.id === undefined ? undefined : byId(input.id);
      const profile = await api.pbx.save(input);
      upsert(profile);
      await afterRetime(before, profile);
      afterDialPlan(before, profile);
      // The service could not keep the password (no keychain): hold it for this session instead.
      if (input.password && !profile.has_password) sessionPasswords.set(profile.id, input.password);
      return { profile };
    } catch (e) {
      return refusal(e);
    }
  }

  async function saveImportSource(input: ImportSourceInput): Promise<{ profile: PbxProfile } | SaveRefusal> {
    try {
      const before = input.id === undefined ? undefined : byId(input.id);
      const profile = await api.pbx.saveImportSource(input);
      upsert(profile);
      await afterRetime(before, profile);
      afterDialPlan(before, profile);
      return { profile };
    } catch (e) {
      return refusal(e);
    }
  }

  /** A changed zone re-times calls: the list shows new times (and maybe another order). */
  async function afterRetime(before: PbxProfile | undefined, after: PbxProfile): Promise<void> {
    if (!before || before.tz === after.tz || before.calls === 0) return;
    const calls = useCallsStore();
    if (calls.loaded) await calls.refresh();
  }

  /** A changed dial plan turns the PBX's numbers into other E.164 numbers: its calls are rated again. */
  function afterDialPlan(before: PbxProfile | undefined, after: PbxProfile): void {
    if (before && DIAL_PLAN_FIELDS.every((f) => before[f] === after[f])) return;
    void useRatesStore().checkState();
  }

  /**
   * `calls`: what becomes of the profile's cached calls (required when it has any). Deleted calls
   * leave the call list, its filter options and an open details panel; kept ones stay under the
   * same name, now an import-only source.
   */
  async function remove(id: number, calls?: PbxRemoveRequest['calls']): Promise<ErrorView | null> {
    const profile = byId(id);
    try {
      await api.pbx.remove(calls === undefined ? { id } : { id, calls });
    } catch (e) {
      return describeError(toApiError(e));
    }
    sessionPasswords.delete(id);
    delete tests.value[id];
    if (calls === 'keep' && profile && profile.calls > 0) {
      await load();
      return null;
    }
    profiles.value = profiles.value.filter((p) => p.id !== id);
    if (profile && profile.calls > 0) {
      useSessionStore().pbxRemoved(profile.name);
      const callsStore = useCallsStore();
      await Promise.all([useFilterStore().loadOptions(), callsStore.loaded ? callsStore.refresh() : Promise.resolve()]);
    }
    return null;
  }

  function askPassword(profile: PbxProfile): Promise<string | null> {
    passwordPrompt.value?.answer(null);
    return new Promise((resolve) => {
      passwordPrompt.value = {
        profile,
        answer(password) {
          passwordPrompt.value = null;
          resolve(password);
        },
      };
    });
  }

  /**
   * Runs work that may need the PBX password: with the session password if one is held, and once
   * more after asking the user when the service answers PASSWORD_REQUIRED.
   */
  async function withPassword<T>(profile: PbxProfile, work: (password: string | undefined) => Promise<T>): Promise<T> {
    try {
      return await work(sessionPasswords.get(profile.id));
    } catch (e) {
      const err = toApiError(e);
      if (err.code !== 'PASSWORD_REQUIRED') throw err;
      sessionPasswords.delete(profile.id);
      const password = await askPassword(profile);
      if (password === null) throw new ApiError('CANCELLED', 'No password was given.');
      sessionPasswords.set(profile.id, password);
      return work(password);
    }
  }

  function failed(id: number, payload: ApiErrorPayload): void {
    tests.value[id] = { state: 'failed', error: describeError(payload) };
  }

  async function test(id: number): Promise<void> {
    const profile = byId(id);
    if (!profile) return;
    tests.value[id] = { state: 'testing' };
    try {
      const result = await withPassword(profile, async (password) => {
        const r = await api.pbx.test(password === undefined ? { id } : { id, password });
        // The service reports a missing password inside the result; surface it as the error it is.
        if (r.error?.code === 'PASSWORD_REQUIRED') throw toApiError(r.error);
        return r;
      });
      if (result.certificate) {
        tests.value[id] = { state: 'untrusted' };
        certificatePrompt.value = {
          profile,
          certificate: result.certificate,
          mismatch: result.error?.code === 'TLS_FINGERPRINT_MISMATCH' ? describeError(result.error) : null,
          demo: false,
          trusting: false,
          error: null,
        };
      } else if (result.ok) {
        tests.value[id] = { state: 'ok', detected_api: result.detected_api };
        if (result.detected_api && result.detected_api !== profile.detected_api) {
          upsert({ ...profile, detected_api: result.detected_api });
        }
      } else {
        failed(id, result.error ?? { code: 'INTERNAL', message: 'The connection test failed without a reason.' });
      }
    } catch (e) {
      failed(id, toApiError(e));
    }
  }

  async function trustCertificate(): Promise<void> {
    const prompt = certificatePrompt.value;
    if (!prompt || prompt.trusting) return;
    prompt.trusting = true;
    prompt.error = null;
    try {
      const profile = await api.pbx.trust({ id: prompt.profile.id, fingerprint: prompt.certificate.fingerprint });
      upsert(profile);
      certificatePrompt.value = null;
      await test(profile.id);
      // The demo is there to be seen: once trusted, its calls come at once.
      if (prompt.demo && tests.value[profile.id]?.state === 'ok') void useSyncStore().start(profile.id);
    } catch (e) {
      prompt.error = describeError(toApiError(e));
      prompt.trusting = false;
    }
  }

  function dismissCertificate(): void {
    const prompt = certificatePrompt.value;
    if (!prompt) return;
    certificatePrompt.value = null;
    tests.value[prompt.profile.id] = {
      state: 'failed',
      error: describeError({ code: 'TLS_UNTRUSTED', message: 'The certificate was not trusted.' }),
    };
  }

  async function startDemo(): Promise<void> {
    demoStarting.value = true;
    demoError.value = null;
    try {
      const { profile, certificate } = await api.pbx.startDemo();
      upsert(profile);
      focused.value = profile.id;
      if (profile.fingerprint === certificate.fingerprint) {
        await test(profile.id);
      } else {
        certificatePrompt.value = { profile, certificate, mismatch: null, demo: true, trusting: false, error: null };
      }
    } catch (e) {
      demoError.value = describeError(toApiError(e));
    } finally {
      demoStarting.value = false;
    }
  }

  return {
    profiles,
    loading,
    loaded,
    error,
    tests,
    certificatePrompt,
    passwordPrompt,
    demoStarting,
    demoError,
    focused,
    byId,
    byName,
    upsert,
    load,
    save,
    saveImportSource,
    remove,
    test,
    trustCertificate,
    dismissCertificate,
    startDemo,
    askPassword,
    withPassword,
  };
});
