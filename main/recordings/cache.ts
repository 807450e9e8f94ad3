import { randomBytes } from 'node:crypto';
import { mkdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join, resolve, sep } from 'node:path';
import type { CallRow } from '../../preload/api.js';
import { AppError, toAppError } from '../errors.js';
import { createPbxClient, type PbxClient, type PbxClientOptions } from '../pbx/client.js';
import { recordingGone } from '../pbx/failures.js';
import { isWav, type RecordingFile, type RecordingPayload } from '../pbx/recapi.js';
import { recordingsDir } from '../paths.js';
import type { Store } from '../store/types.js';
import { cacheFileName, sameRecording } from './names.js';

export interface CachedRecording {
  local_path: string;
  bytes: number;
}

export interface RecordingCacheOptions {
  signal?: AbortSignal;
  client?: PbxClientOptions;
  now?: () => Date;
}

/**
 * Recordings kept under the app's data folder (`recordings/<pbx id>/<safe name>`), fetched from the
 * PBX when missing. A recording the PBX no longer has is remembered as gone and not asked for again.
 * One client per PBX is reused for every fetch of this cache's lifetime.
 */
export class RecordingCache {
  private readonly clients = new Map<number, PbxClient>();

  constructor(
    private readonly store: Store,
    private readonly dataDir: string,
    private readonly password: string | null,
    private readonly options: RecordingCacheOptions = {},
  ) {}

  /** The cached copy when it is still on disk, else null. Throws RECORDING_GONE when remembered gone. */
  async cached(call: CallRow, path: string): Promise<CachedRecording | null> {
    const status = this.store.recordings.get(call.id, path);
    if (status?.state === 'gone') throw recordingGone([path]);
    if (status?.state !== 'cached' || !status.local_path) return null;
    try {
      const info = await stat(status.local_path);
      if (info.isFile() && info.size > 0) return { local_path: status.local_path, bytes: info.size };
    } catch {
      // Deleted behind our back: fetch it again.
    }
    return null;
  }

  /**
   * Fetches recordings of one call in one request (the PBX answers a WAV for one, a tar for several)
   * and caches them. Per path: the cached copy, or the error for that path (gone, not a WAV).
   */
  async fetch(call: CallRow, paths: string[]): Promise<Map<string, CachedRecording | AppError>> {
    const results = new Map<string, CachedRecording | AppError>();
    if (paths.length === 0) return results;
    if (this.password === null) {
      throw new AppError('PASSWORD_REQUIRED', `The password of PBX "${call.pbx}" is needed to download recordings.`, { pbx: call.pbx });
    }
    const profile = this.store.profiles.getByName(call.pbx);
    if (!profile || profile.kind !== 'pbx') {
      throw new AppError('NOT_FOUND', `Call ${call.session} came from "${call.pbx}", which is not a PBX profile: its recordings cannot be downloaded.`, {
        pbx: call.pbx,
      });
    }
    let client = this.clients.get(profile.id);
    if (!client) {
      client = createPbxClient(profile, this.password, this.options.client);
      this.clients.set(profile.id, client);
    }
    const files = await this.download(client, paths);
    for (const path of paths) {
      const file = files.find((candidate) => sameRecording(candidate.name, path));
      if (!file) {
        this.remember(call.id, path, 'gone');
        results.set(path, recordingGone([path]));
      } else if (!isWav(file.data)) {
        results.set(
          path,
          new AppError('PROTOCOL_ERROR', `The PBX sent ${path} but it is not a WAV file (no RIFF/WAVE header).`, { path }),
        );
      } else {
        results.set(path, await this.keep(profile.id, call.id, path, file.data));
      }
    }
    return results;
  }

  /** The files the PBX has of `paths`; an answer of one unnamed WAV for several names is asked again one by one. */
  private async download(client: PbxClient, paths: string[]): Promise<RecordingFile[]> {
    let payload: RecordingPayload;
    try {
      payload = await client.fetchRecording(paths, this.options.signal);
    } catch (error) {
      const failure = toAppError(error);
      if (failure.code === 'RECORDING_GONE') return [];
      throw failure;
    }
    if (payload.container === 'tar') return payload.files;
    if (paths.length === 1) return [{ name: paths[0]!, data: payload.files[0]!.data }];
    const files: RecordingFile[] = [];
    for (const path of paths) files.push(...(await this.download(client, [path])));
    return files;
  }

  close(): void {
    for (const client of this.clients.values()) client.close();
    this.clients.clear();
  }

  private async keep(pbxId: number, callId: number, path: string, data: Buffer): Promise<CachedRecording> {
    const dir = resolve(recordingsDir(this.dataDir), String(pbxId));
    const target = resolve(dir, cacheFileName(path));
    // cacheFileName never yields separators; this guards the invariant where it matters.
    if (!target.startsWith(dir + sep)) throw new AppError('INTERNAL', `Refusing to write a recording outside ${dir}.`);
    await mkdir(dir, { recursive: true });
    const temporary = join(dir, `.${randomBytes(6).toString('hex')}.part`);
    try {
      await writeFile(temporary, data);
      await rename(temporary, target);
    } catch (error) {
      await rm(temporary, { force: true });
      throw error;
    }
    this.store.recordings.set({ call_id: callId, path, state: 'cached', local_path: target, bytes: data.length, checked_at: this.at() });
    return { local_path: target, bytes: data.length };
  }

  private remember(callId: number, path: string, state: 'gone'): void {
    this.store.recordings.set({ call_id: callId, path, state, local_path: null, bytes: null, checked_at: this.at() });
  }

  private at(): string {
    return (this.options.now ?? (() => new Date()))().toISOString();
  }
}
