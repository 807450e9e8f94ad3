import { basename } from 'node:path';
import type { UcmApi } from '../../preload/api.js';
import { AppError } from '../errors.js';
import { importFiles } from '../importers/index.js';
import type { AppContext } from './context.js';
import { progressReporter } from './tasks.js';
import { checkNewCalls } from './watch.js';

/** `imports/*`: importing history files as a cancellable task, the import log and undo. */
export function createImportsArea(ctx: AppContext): UcmApi['imports'] {
  const { store, files, tasks, emitProgress } = ctx;
  return {
    async list() {
      return store.imports.list();
    },
    async undo({ id }) {
      return store.imports.undo(id);
    },
    async run({ taskId, files: refs, pbx, date_order, mapping }) {
      const paths = refs.map((ref) => files.resolve(ref, 'file'));
      if (pbx !== undefined && !store.profiles.getByName(pbx)) {
        throw new AppError('NOT_FOUND', `There is no PBX profile named "${pbx}".`, { pbx });
      }
      return tasks.run(taskId, async (signal) => {
        const progress = progressReporter(taskId, 'import', emitProgress);
        try {
          const result = await importFiles(store, paths, {
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
          checkNewCalls(ctx);
          return result;
        } finally {
          progress.flush();
        }
      });
    },
  };
}
