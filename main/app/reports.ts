import { writeFile } from 'node:fs/promises';
import type { UcmApi } from '../../preload/api.js';
import { openOutputFile } from '../export/output-file.js';
import { reportHtml } from '../reports/html.js';
import { stamp, type AppContext } from './context.js';

const CONTENT_TYPES = { html: 'text/html; charset=utf-8', pdf: 'application/pdf' } as const;

/** `reports/*`: the reports of the filtered calls, computed by the store's reports area, and saved as files. */
export function createReportsArea({ store, files, shell }: AppContext): UcmApi['reports'] {
  return {
    async run(request) {
      return store.reports.run(request);
    },

    async save({ request, format, target }) {
      // Resolved before any work, so a stale or foreign handle fails at once.
      const chosen = target ? files.resolve(target, 'save') : null;
      const report = store.reports.run(request);
      const pbxs = request.filter.pbx?.length ? request.filter.pbx : store.profiles.list().map((p) => p.name);
      const html = await reportHtml(report, { request, pbxs, generatedAt: new Date().toISOString() });
      const content = format === 'pdf' ? await shell.printToPdf(html) : html;
      if (chosen !== null) {
        // The save dialog asked before replacing a file; it is written beside it and renamed when complete.
        const file = await openOutputFile(chosen, { overwrite: true });
        try {
          file.stream.write(content);
          await file.commit();
        } catch (error) {
          await file.discard();
          throw error;
        }
        return {};
      }
      const slot = await shell.outputFor(`report-${request.kind}-${stamp()}.${format}`, CONTENT_TYPES[format]);
      try {
        await writeFile(slot.path, content);
      } catch (error) {
        await slot.discard();
        throw error;
      }
      slot.commit();
      return { download_url: slot.url };
    },
  };
}
