import type { UcmApi } from '../../preload/api.js';
import { importContactsFile, listContacts, removeContacts } from '../contacts/contacts.js';
import type { AppContext } from './context.js';

/** `contacts/*`: the phonebook that names the numbers of calls (README "Names for numbers"). */
export function createContactsArea({ store, files }: AppContext): UcmApi['contacts'] {
  return {
    async list(request) {
      return listContacts(store, request);
    },
    async import({ file, pbx, replace }) {
      const path = files.resolve(file, 'file');
      return importContactsFile(store, path, { pbx, replace, fileName: file.name });
    },
    async remove(request) {
      return removeContacts(store, request);
    },
  };
}
