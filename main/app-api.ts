import { createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { finished } from 'node:stream/promises';
import type { PbxProfile, ProgressEvent, Settings, UcmApi } from '../preload/api.js';
import { APP_ORIGIN } from './app/app-protocol.js';
import { appVersion } from './app/version.js';
import { type DownloadSlot, packFolder } from './app/downloads.js';
import { FileRefRegistry } from './app/file-refs.js';
import { cachedRecordingFile } from './app/recording-files.js';
import { storeCaFile } from './app/ca-files.js';
import { DemoPbx } from './app/demo.js';
import { readSettings, writeSettings } from './app/settings.js';
import { TaskRegistry, progressReporter } from './app/tasks.js';
import { AppError } from './errors.js';
import { EXPORT_CONTENT_TYPES, exportCalls } from './export/export.js';
import { openOutputFile } from './export/output-file.js';
import { importFiles } from './importers/index.js';
import { testConnection } from './pbx/connect.js';
import { exportRecordings, fetchRecording } from './recordings/recordings.js';
import type { SecretStore } from './secrets.js';
import type { PbxRecordInput, Store } from './store/types.js';
import { syncPbx } from './sync/sync.js';

/** How the shell in use hands files and recordings to the renderer. */
export interface Transport {
  /** The URL the audio player loads a cached recording from. */
  recordingUrl(callId: number, index: number): string;
  /** Web mode: a temporary file served once as a download, for exports without a target. */
  reserveDownload?(fileName: string, contentType: string): Promise<DownloadSlot>;
}

export interface AppApiDeps {
  store: Store;
  dataDir: string;
  secrets: SecretStore;
  mode: 'desktop' | 'web';
  emitProgress(event: ProgressEvent): void;
  /** Shared with the dialogs (desktop) or the uploads (web). */
  files?: FileRefRegistry;
  transport?: Transport;
  /** Desktop: the single external-link gate. Absent in web mode, where the browser opens links. */
  openExternal?(url: string): Promise<void>;
  version?: string;
}

/** The contract's services (dialogs and events belong to the shell), plus the shutdown hook. */
export type AppApi = Omit<UcmApi, 'events' | 'dialogs'> & { close(): Promise<void> };

/** The desktop app's recordings come from its own privileged scheme (main/app/app-protocol.ts). */
export const desktopTransport: Transport = {
  recordingUrl: (callId, index) => `${APP_ORIGIN}/recordings/${callId}/${index}`,
};

function notFound(what: string, id: number): AppError {
  return new AppError('NOT_FOUND', `${what} ${id} does not exist (any more); reload the list.`, { id });
}

function originOf(url: string): string {
  return new URL(url).origin;
}

function recordInput(profile: PbxProfile): PbxRecordInput {
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
  };
}

function stamp(): string {
  return new Date().toISOString().slice(0, 19).replace(/[-:]/g, '').replace('T', '-');
}

export function createAppApi(deps: AppApiDeps): AppApi {
  const { store, dataDir, secrets, mode, emitProgress } = deps;
  const files = deps.files ?? new FileRefRegistry();
  const transport = deps.transport ?? desktopTransport;
  const tasks = new TaskRegistry();
  const demo = new DemoPbx(store, dataDir, secrets);

  const view = (profile: PbxProfile): PbxProfile => ({
    ...profile,
    has_password: profile.kind === 'pbx' && secrets.get(profile.id) !== null,
  });

  const requirePbx = (id: number): PbxProfile => {
    const profile = store.getPbx(id);
    if (!profile) throw notFound('PBX profile', id);
    if (profile.kind !== 'pbx') {
      throw new AppError('BAD_INPUT', `"${profile.name}" holds imported files; it is not a PBX to connect to.`, { id });
    }
    return profile;
  };

  const passwordFor = (profile: PbxProfile, given: string | undefined): string => {
    const password = given ?? secrets.get(profile.id);
    if (password !== null) return password;
    const why = secrets.available
      ? 'No password is stored for it'
      : "The system keychain is not available, so passwords are only kept for this session, and none was given yet";
    throw new AppError('PASSWORD_REQUIRED', `Enter the password of "${profile.name}". ${why}.`, { pbx_id: profile.id });
  };

  /**
   * The recordings service takes one password for a whole export: the stored one of the only PBX in
   * scope. With several PBXs and none given, only recordings already downloaded are exported.
   */
  const storedPasswordFor = (names: string[] | undefined): string | null => {
    const inScope = store
      .listPbx()
      .filter((p) => p.kind === 'pbx' && (names === undefined || names.length === 0 || names.includes(p.name)));
    return inScope.length === 1 ? secrets.get(inScope[0].id) : null;
  };

  /** Size of the downloaded file of a recording, or null when it must be fetched (again). */
  const cachedSize = (callId: number, index: number): number | null => {
    try {
      return cachedRecordingFile(store, dataDir, callId, index).size;
    } catch {
      return null;
    }
  };

  /** Web mode writes files without a target to a one-shot download; the desktop needs a chosen target. */
  const downloadSlot = async (fileName: string, contentType: string): Promise<DownloadSlot> => {
    if (mode !== 'web' || !transport.reserveDownload) {
      throw new AppError('BAD_INPUT', 'Choose where to save first (target is missing).', { field: 'target' });
    }
    return transport.reserveDownload(fileName, contentType);
  };

  const api: AppApi = {
    app: {
      async info() {
        return { version: deps.version ?? appVersion(), mode, db_path: store.path, keychain: secrets.available };
      },
      async getSettings() {
        return readSettings(store);
      },
      async saveSettings(req: Settings) {
        return writeSettings(store, req);
      },
      async openExternal({ url }) {
        if (deps.openExternal) return deps.openExternal(url);
        // Web mode: the browser opens the link itself; the server only vouches for the scheme.
        const protocol = URL.canParse(url) ? new URL(url).protocol : '';
        if (protocol !== 'https:' && protocol !== 'http:') {
          throw new AppError('BAD_INPUT', `Only http(s) links can be opened, not "${url.slice(0, 80)}".`);
        }
      },
    },

    pbx: {
      async list() {
        return store.listPbx().map(view);
      },
      async save(req) {
        const existing = req.id === undefined ? null : store.getPbx(req.id);
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
        const saved = store.savePbx({
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
        });
        if (req.password !== undefined) secrets.set(saved.id, req.password);
        return view(saved);
      },
      async saveImportSource(req) {
        const existing = req.id === undefined ? null : store.getPbx(req.id);
        if (req.id !== undefined && !existing) throw notFound('Source', req.id);
        if (existing && existing.kind !== 'import') {
          throw new AppError('BAD_INPUT', `"${existing.name}" is a PBX with an address: edit it as a PBX.`, { id: req.id });
        }
        return view(
          store.savePbx({
            id: existing?.id,
            name: req.name,
            kind: 'import',
            url: '',
            api: 'auto',
            user: '',
            tz: req.tz,
            model: req.model ?? existing?.model ?? '',
          }),
        );
      },
      async remove({ id, calls }) {
        const profile = store.getPbx(id);
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
          store.keepPbxHistory(id);
        } else {
          store.removePbx(id);
        }
        secrets.delete(id);
      },
      async test({ id, password }) {
        const profile = requirePbx(id);
        const result = await testConnection(profile, passwordFor(profile, password));
        if (result.ok && result.detected_api && result.detected_api !== profile.detected_api) {
          store.savePbx({ ...recordInput(profile), detected_api: result.detected_api });
        }
        return result;
      },
      async trust({ id, fingerprint }) {
        const profile = requirePbx(id);
        return view(store.savePbx({ ...recordInput(profile), fingerprint }));
      },
      async startDemo() {
        const { profile, certificate } = await demo.start();
        return { profile: view(profile), certificate };
      },
    },

    sync: {
      async run({ taskId, pbx_id, full, password }) {
        const profile = requirePbx(pbx_id);
        const secret = passwordFor(profile, password);
        return tasks.run(taskId, async (signal) => {
          const progress = progressReporter(taskId, 'sync', emitProgress);
          try {
            return await syncPbx(store, profile.id, secret, {
              full: full ?? false,
              signal,
              onProgress: (p) =>
                progress.report({
                  stage: p.stage,
                  done: p.done,
                  total: p.total,
                  bytes: p.bytes,
                  rate: p.rate,
                  eta_seconds: p.eta_seconds,
                }),
            });
          } finally {
            progress.flush();
          }
        });
      },
    },

    calls: {
      async page(req) {
        return store.page(req);
      },
      async totals({ filter }) {
        return store.totals(filter);
      },
      async session({ call_id }) {
        const detail = store.session(call_id);
        if (!detail) throw notFound('Call', call_id);
        return detail;
      },
      async filterOptions() {
        return store.filterOptions();
      },
    },

    recordings: {
      async play({ call_id, recording, password }) {
        const call = store.getCall(call_id);
        if (!call) throw notFound('Call', call_id);
        const index = call.recordings.indexOf(recording);
        if (index < 0) {
          throw new AppError('NOT_FOUND', `Call ${call_id} has no recording "${recording}".`, { call_id });
        }
        const cached = cachedSize(call_id, index);
        if (cached !== null) return { url: transport.recordingUrl(call_id, index), bytes: cached };
        const profile = store.getPbxByName(call.pbx);
        if (!profile || profile.kind !== 'pbx') {
          throw new AppError('RECORDING_GONE', `This call was imported from a file; its recording can only come from the PBX that made it.`, {
            call_id,
          });
        }
        const fetched = await fetchRecording(store, dataDir, call_id, recording, passwordFor(profile, password));
        return { url: transport.recordingUrl(call_id, index), bytes: fetched.bytes };
      },
      async export({ taskId, call_id, filter, target, password }) {
        const callIds = call_id === undefined ? undefined : [call_id];
        const call = call_id === undefined ? null : store.getCall(call_id);
        if (call_id !== undefined && !call) throw notFound('Call', call_id);
        const secret = password ?? storedPasswordFor(call ? [call.pbx] : filter?.pbx);
        const outDir = target ? files.resolve(target, 'folder') : null;
        return tasks.run(taskId, async (signal) => {
          const slot = outDir ? null : await downloadSlot(`recordings-${stamp()}.tar`, 'application/x-tar');
          const progress = progressReporter(taskId, 'recordings', emitProgress);
          const workDir = outDir ?? (await mkdtemp(join(tmpdir(), 'ucm-recordings-')));
          try {
            const result = await exportRecordings(store, dataDir, { callIds, filter }, workDir, secret, {
              signal,
              onProgress: (p) => progress.report({ stage: p.stage, done: p.done, total: p.total }),
            });
            if (!slot) return result;
            await packFolder(workDir, slot.path, signal);
            slot.commit();
            return { ...result, download_url: slot.url };
          } catch (error) {
            await slot?.discard();
            throw error;
          } finally {
            progress.flush();
            if (!outDir) await rm(workDir, { recursive: true, force: true });
          }
        });
      },
    },

    imports: {
      async list() {
        return store.listImports();
      },
      async undo({ id }) {
        return store.undoImport(id);
      },
      async run({ taskId, files: refs, pbx, date_order, mapping }) {
        const paths = refs.map((ref) => files.resolve(ref, 'file'));
        if (pbx !== undefined && !store.getPbxByName(pbx)) {
          throw new AppError('NOT_FOUND', `There is no PBX profile named "${pbx}".`, { pbx });
        }
        return tasks.run(taskId, async (signal) => {
          const progress = progressReporter(taskId, 'import', emitProgress);
          try {
            return await importFiles(store, paths, {
              pbx,
              dateOrder: date_order ?? 'auto',
              mapping,
              signal,
              // The bar follows bytes read (the row count of a file is unknown until its end).
              onProgress: (p) => {
                const rows = `${basename(p.file)}: ${p.rows.toLocaleString('en-US')} rows`;
                progress.report({
                  stage: p.phase === 'indexing' ? `${rows} stored, rebuilding the search indexes` : rows,
                  done: p.bytes,
                  total: p.total_bytes,
                  bytes: p.bytes,
                  rate: p.rate === null ? null : Math.round(p.rate),
                  eta_seconds: p.eta_seconds === null ? null : Math.round(p.eta_seconds),
                });
                // A change of phase is not throttled away: the rebuild that follows sends nothing for seconds.
                if (p.phase === 'indexing') progress.flush();
              },
            });
          } finally {
            progress.flush();
          }
        });
      },
    },

    exports: {
      async run({ taskId, filter, sort, format, fields, bom, target }) {
        const chosen = target ? files.resolve(target, 'save') : null;
        return tasks.run(taskId, async (signal) => {
          const slot = chosen ? null : await downloadSlot(`calls-${stamp()}.${format}`, EXPORT_CONTENT_TYPES[format]);
          // The save dialog asked before replacing a file. It is written beside it and renamed when
          // complete, so a failed or cancelled export leaves the file that was there as it was.
          const file = chosen === null ? null : await openOutputFile(chosen, { overwrite: true });
          const out = file ? file.stream : createWriteStream((slot as DownloadSlot).path);
          const total = store.totals(filter).count;
          const progress = progressReporter(taskId, 'export', emitProgress);
          try {
            const { rows } = await exportCalls(store, { filter, sort, fields, format, bom }, out, {
              signal,
              onProgress: (done) => progress.report({ stage: `${done} of ${total} calls written`, done, total }),
            });
            if (file) {
              await file.commit();
              return { rows };
            }
            out.end();
            await finished(out);
            (slot as DownloadSlot).commit();
            return { rows, download_url: (slot as DownloadSlot).url };
          } catch (error) {
            if (file) await file.discard();
            else {
              out.destroy();
              await (slot as DownloadSlot).discard();
            }
            throw error;
          } finally {
            progress.flush();
          }
        });
      },
    },

    tasks: {
      async cancel({ taskId }) {
        tasks.cancel(taskId);
      },
    },

    async close() {
      tasks.cancelAll();
      await demo.stop();
    },
  };
  return api;
}
