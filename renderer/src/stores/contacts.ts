import { defineStore } from 'pinia';
import { ref, shallowRef } from 'vue';
import type { ContactImportResult, ContactList, FileRef } from '../../../preload/api.js';
import { api, toApiError } from '../api.js';
import { describeError, type ErrorView } from '../errors.js';
import { useCallsStore } from './calls.js';
import { useSessionStore } from './session.js';

/** A line of a refused contacts file, as the service lists it in `details.problems`. */
export interface ContactProblem {
  line: number;
  message: string;
}

/** The window shows at most this many contacts; the search narrows them down. */
export const CONTACTS_SHOWN = 1000;

/**
 * The phonebook screen: the contacts of every PBX or of one, a search, importing a contacts file and
 * removing the imported ones. A change renames numbers in the call list and the open call, so both
 * are refreshed.
 */
export const useContactsStore = defineStore('contacts', () => {
  /** The PBX whose names are shown; '' = every entry of every PBX. */
  const pbx = ref('');
  const search = ref('');
  const list = shallowRef<ContactList | null>(null);
  const loading = ref(false);
  const error = ref<ErrorView | null>(null);
  let generation = 0;

  const importing = ref(false);
  const importResult = shallowRef<ContactImportResult | null>(null);
  const importError = ref<ErrorView | null>(null);
  const problems = ref<ContactProblem[]>([]);

  async function load(): Promise<void> {
    const gen = ++generation;
    loading.value = true;
    try {
      const answer = await api.contacts.list({
        ...(pbx.value === '' ? {} : { pbx: pbx.value }),
        ...(search.value.trim() === '' ? {} : { search: search.value.trim() }),
        limit: CONTACTS_SHOWN,
      });
      if (gen !== generation) return;
      list.value = answer;
      error.value = null;
    } catch (e) {
      if (gen === generation) error.value = describeError(toApiError(e));
    } finally {
      if (gen === generation) loading.value = false;
    }
  }

  /** Names changed: the call list and the open call show them. */
  async function namesChanged(): Promise<void> {
    const calls = useCallsStore();
    await Promise.all([load(), calls.loaded ? calls.refresh() : Promise.resolve(), useSessionStore().reload()]);
  }

  /** Imports `file` for `target` ('' = every PBX); resolves to whether it was taken. */
  async function importFile(file: FileRef, target: string, replace: boolean): Promise<boolean> {
    importing.value = true;
    importError.value = null;
    importResult.value = null;
    problems.value = [];
    try {
      importResult.value = await api.contacts.import({ file, ...(target === '' ? {} : { pbx: target }), replace });
      await namesChanged();
      return true;
    } catch (e) {
      const failure = toApiError(e);
      const listed = failure.details?.['problems'];
      problems.value = Array.isArray(listed)
        ? listed.filter((p): p is ContactProblem => typeof p?.line === 'number' && typeof p?.message === 'string')
        : [];
      // The message's first line sums the refusal up; the lines after it repeat the problems listed.
      const [summary = failure.message] = failure.message.split('\n');
      importError.value = describeError({ code: failure.code, message: summary, details: failure.details });
      return false;
    } finally {
      importing.value = false;
    }
  }

  /** Removes every contact imported for `target` ('' = those imported for every PBX); null or the error. */
  async function removeImported(target: string): Promise<ErrorView | null> {
    try {
      await api.contacts.remove({ ...(target === '' ? {} : { pbx: target }), all: true });
      await namesChanged();
      return null;
    } catch (e) {
      return describeError(toApiError(e));
    }
  }

  return { pbx, search, list, loading, error, importing, importResult, importError, problems, load, importFile, removeImported };
});
