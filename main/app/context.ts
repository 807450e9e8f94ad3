import type { PbxProfile, ProgressEvent } from '../../preload/api.js';
import { AppError } from '../errors.js';
import type { SecretStore } from '../secrets.js';
import type { Store } from '../store/types.js';
import type { FileRefRegistry } from './file-refs.js';
import type { Shell } from './shell.js';
import type { TaskRegistry } from './tasks.js';

/** What every contract area is built from: the services' state, shared by all areas of one app. */
export interface AppContext {
  store: Store;
  dataDir: string;
  secrets: SecretStore;
  shell: Shell;
  /** Shared with the dialogs (desktop) or the uploads (web). */
  files: FileRefRegistry;
  tasks: TaskRegistry;
  emitProgress(event: ProgressEvent): void;
}

export function notFound(what: string, id: number): AppError {
  return new AppError('NOT_FOUND', `${what} ${id} does not exist (any more); reload the list.`, { id });
}

/** A profile as the renderer sees it: whether a password is kept comes from the secret store, not the cache. */
export function profileView(ctx: AppContext, profile: PbxProfile): PbxProfile {
  return { ...profile, has_password: profile.kind === 'pbx' && ctx.secrets.get(profile.id) !== null };
}

/** The profile of a PBX to connect to; an import-only source is refused by name. */
export function requirePbx(ctx: AppContext, id: number): PbxProfile {
  const profile = ctx.store.profiles.get(id);
  if (!profile) throw notFound('PBX profile', id);
  if (profile.kind !== 'pbx') {
    throw new AppError('BAD_INPUT', `"${profile.name}" holds imported files; it is not a PBX to connect to.`, { id });
  }
  return profile;
}

/** The password given with the request, else the stored one, else PASSWORD_REQUIRED saying why none is stored. */
export function passwordFor(ctx: AppContext, profile: PbxProfile, given: string | undefined): string {
  const password = given ?? ctx.secrets.get(profile.id);
  if (password !== null) return password;
  const why = ctx.secrets.available
    ? 'No password is stored for it'
    : "The system keychain is not available, so passwords are only kept for this session, and none was given yet";
  throw new AppError('PASSWORD_REQUIRED', `Enter the password of "${profile.name}". ${why}.`, { pbx_id: profile.id });
}

/** A UTC timestamp for the names of downloads, e.g. 20240301-081500. */
export function stamp(): string {
  return new Date().toISOString().slice(0, 19).replace(/[-:]/g, '').replace('T', '-');
}
