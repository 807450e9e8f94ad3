import type { PbxProfile, UcmApi } from '../../preload/api.js';
import { AppError } from '../errors.js';
import { testConnection } from '../pbx/connect.js';
import { profileRecord, saveDetectedApi } from '../pbx/detected-api.js';
import { storeCaFile } from './ca-files.js';
import { notFound, passwordFor, profileView, requirePbx, type AppContext } from './context.js';
import type { DemoPbx } from './demo.js';

function originOf(url: string): string {
  return new URL(url).origin;
}

/** `pbx/*`: PBX profiles and import-only sources, connection tests, trusting a certificate, the demo PBX. */
export function createPbxArea(ctx: AppContext, demo: DemoPbx): UcmApi['pbx'] {
  const { store, dataDir, secrets, files } = ctx;
  const view = (profile: PbxProfile): PbxProfile => profileView(ctx, profile);

  return {
    async list() {
      return store.profiles.list().map(view);
    },
    async save(req) {
      const existing = req.id === undefined ? null : store.profiles.get(req.id);
      if (req.id !== undefined && !existing) throw notFound('PBX profile', req.id);
      if (existing && existing.kind !== 'pbx') {
        throw new AppError('BAD_INPUT', `"${existing.name}" holds imported files and cannot be edited as a PBX.`);
      }
      // The pinned certificate stays when the address changes: a PBX that moved keeps its certificate,
      // and a different one fails with TLS_FINGERPRINT_MISMATCH, whose dialog offers to trust it.
      const sameHost = existing !== null && originOf(existing.url) === originOf(req.url);
      const sameApi = existing !== null && sameHost && existing.api === req.api;
      let caFile = existing?.ca_file ?? null;
      if (req.ca_file === null) caFile = null;
      else if (req.ca_file !== undefined && req.ca_file !== existing?.ca_file) {
        caFile = storeCaFile(dataDir, files.resolve({ ref: req.ca_file, name: 'CA certificate' }, 'file'));
      }
      const saved = store.profiles.save({
        id: existing?.id,
        name: req.name,
        kind: 'pbx',
        url: req.url,
        api: req.api,
        detected_api: sameApi ? existing.detected_api : null,
        user: req.user,
        tz: req.tz,
        model: req.model ?? existing?.model ?? '',
        fingerprint: existing?.fingerprint ?? null,
        ca_file: caFile,
        // Whether a password is kept decides the default sync schedule (15 minutes with one, off without).
        has_password: req.password !== undefined || (existing !== null && secrets.get(existing.id) !== null),
        country_code: req.country_code,
        national_prefix: req.national_prefix,
        international_prefix: req.international_prefix,
        sync_every: req.sync_every,
        business_hours: req.business_hours,
      });
      if (req.password !== undefined) secrets.set(saved.id, req.password);
      return view(saved);
    },
    async saveImportSource(req) {
      const existing = req.id === undefined ? null : store.profiles.get(req.id);
      if (req.id !== undefined && !existing) throw notFound('Source', req.id);
      if (existing && existing.kind !== 'import') {
        throw new AppError('BAD_INPUT', `"${existing.name}" is a PBX with an address: edit it as a PBX.`, { id: req.id });
      }
      return view(
        store.profiles.save({
          id: existing?.id,
          name: req.name,
          kind: 'import',
          url: '',
          api: 'auto',
          user: '',
          tz: req.tz,
          model: req.model ?? existing?.model ?? '',
          country_code: req.country_code,
          national_prefix: req.national_prefix,
          international_prefix: req.international_prefix,
          business_hours: req.business_hours,
        }),
      );
    },
    async remove({ id, calls }) {
      const profile = store.profiles.get(id);
      if (!profile) throw notFound('PBX profile', id);
      if (profile.calls > 0 && calls === undefined) {
        const count = profile.calls.toLocaleString('en-US');
        throw new AppError(
          'BAD_INPUT',
          `"${profile.name}" has ${count} cached calls: choose whether to delete them with it or keep them as history.`,
          { id, calls: profile.calls },
        );
      }
      if (calls === 'keep' && profile.calls > 0) {
        if (profile.kind === 'import') {
          throw new AppError('BAD_INPUT', `"${profile.name}" already holds history only: there is nothing to remove but its calls.`, { id });
        }
        store.profiles.keepHistory(id);
      } else {
        store.profiles.remove(id);
      }
      secrets.delete(id);
    },
    async test({ id, password }) {
      const profile = requirePbx(ctx, id);
      const result = await testConnection(profile, passwordFor(ctx, profile, password));
      if (result.ok) saveDetectedApi(store, profile, result.detected_api);
      return result;
    },
    async trust({ id, fingerprint }) {
      const profile = requirePbx(ctx, id);
      return view(store.profiles.save({ ...profileRecord(profile), fingerprint }));
    },
    async startDemo() {
      const { profile, certificate } = await demo.start();
      return { profile: view(profile), certificate };
    },
  };
}
