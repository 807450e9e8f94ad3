import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { UcmApi } from '../../preload/api.js';
import { AppError } from '../errors.js';
import { exportRecordings, fetchRecording } from '../recordings/recordings.js';
import { notFound, passwordFor, stamp, type AppContext } from './context.js';
import { packFolder } from './downloads.js';
import { cachedRecordingFile } from './recording-files.js';
import { progressReporter } from './tasks.js';

/** `recordings/*`: playing a call's recording (fetched once, then cached) and exporting recordings. */
export function createRecordingsArea(ctx: AppContext): UcmApi['recordings'] {
  const { store, dataDir, secrets, files, tasks, shell, emitProgress } = ctx;

  /** Size of the downloaded file of a recording, or null when it must be fetched (again). */
  const cachedSize = (callId: number, index: number): number | null => {
    try {
      return cachedRecordingFile(store, dataDir, callId, index).size;
    } catch {
      return null;
    }
  };

  /**
   * The recordings service takes one password for a whole export: the stored one of the only PBX in
   * scope. With several PBXs and none given, only recordings already downloaded are exported.
   */
  const storedPasswordFor = (names: string[] | undefined): string | null => {
    const inScope = store.profiles
      .list()
      .filter((p) => p.kind === 'pbx' && (names === undefined || names.length === 0 || names.includes(p.name)));
    return inScope.length === 1 ? secrets.get(inScope[0].id) : null;
  };

  return {
    async play({ call_id, recording, password }) {
      const call = store.calls.get(call_id);
      if (!call) throw notFound('Call', call_id);
      const index = call.recordings.indexOf(recording);
      if (index < 0) {
        throw new AppError('NOT_FOUND', `Call ${call_id} has no recording "${recording}".`, { call_id });
      }
      const cached = cachedSize(call_id, index);
      if (cached !== null) return { url: shell.recordingUrl(call_id, index), bytes: cached };
      const profile = store.profiles.getByName(call.pbx);
      if (!profile || profile.kind !== 'pbx') {
        throw new AppError('RECORDING_GONE', `This call was imported from a file; its recording can only come from the PBX that made it.`, {
          call_id,
        });
      }
      const fetched = await fetchRecording(store, dataDir, call_id, recording, passwordFor(ctx, profile, password));
      return { url: shell.recordingUrl(call_id, index), bytes: fetched.bytes };
    },
    async export({ taskId, call_id, filter, target, password }) {
      const callIds = call_id === undefined ? undefined : [call_id];
      const call = call_id === undefined ? null : store.calls.get(call_id);
      if (call_id !== undefined && !call) throw notFound('Call', call_id);
      const secret = password ?? storedPasswordFor(call ? [call.pbx] : filter?.pbx);
      const outDir = target ? files.resolve(target, 'folder') : null;
      return tasks.run(taskId, async (signal) => {
        const slot = outDir ? null : await shell.outputFor(`recordings-${stamp()}.tar`, 'application/x-tar');
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
  };
}
