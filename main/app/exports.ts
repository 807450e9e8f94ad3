import { createWriteStream } from 'node:fs';
import { finished } from 'node:stream/promises';
import type { UcmApi } from '../../preload/api.js';
import { EXPORT_CONTENT_TYPES, exportCalls } from '../export/export.js';
import { openOutputFile } from '../export/output-file.js';
import { stamp, type AppContext } from './context.js';
import type { DownloadSlot } from './downloads.js';
import { progressReporter } from './tasks.js';

/** `exports/run`: the filtered calls as CSV, JSON or xlsx, to the chosen file or where the shell puts outputs. */
export function createExportsArea({ store, files, tasks, shell, emitProgress }: AppContext): UcmApi['exports'] {
  return {
    async run({ taskId, filter, sort, format, fields, bom, target }) {
      const chosen = target ? files.resolve(target, 'save') : null;
      return tasks.run(taskId, async (signal) => {
        const slot = chosen ? null : await shell.outputFor(`calls-${stamp()}.${format}`, EXPORT_CONTENT_TYPES[format]);
        // The save dialog asked before replacing a file. It is written beside it and renamed when
        // complete, so a failed or cancelled export leaves the file that was there as it was.
        const file = chosen === null ? null : await openOutputFile(chosen, { overwrite: true });
        const out = file ? file.stream : createWriteStream((slot as DownloadSlot).path);
        const total = store.calls.totals(filter).count;
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
  };
}
