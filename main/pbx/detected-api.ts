import type { ApiGeneration, PbxProfile } from '../../preload/api.js';
import type { PbxRecordInput, Store } from '../store/types.js';

/**
 * The stored fields of a profile as read from the store, to save it back with some of them changed
 * (counts and sync state are the store's own).
 */
export function profileRecord(profile: PbxProfile): PbxRecordInput {
  return {
    id: profile.id,
    name: profile.name,
    kind: profile.kind,
    url: profile.url,
    api: profile.api,
    detected_api: profile.detected_api,
    user: profile.user,
    tz: profile.tz,
    model: profile.model,
    fingerprint: profile.fingerprint,
    ca_file: profile.ca_file,
    has_password: profile.has_password,
  };
}

/**
 * Remembers which API generation a PBX answered with, so the next connection of a profile on 'auto'
 * asks that one first. Shared by `pbx/test` (UI and CLI) and the sync; writes only when it changed.
 */
export function saveDetectedApi(store: Pick<Store, 'profiles'>, profile: PbxProfile, detected: ApiGeneration | null): void {
  if (detected === null || detected === profile.detected_api) return;
  store.profiles.save({ ...profileRecord(profile), detected_api: detected });
}
