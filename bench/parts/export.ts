import { Writable } from 'node:stream';
import { EXPORT_FIELDS, type ExportField } from '../../preload/api.js';
import { exportCalls } from '../../main/export/export.js';
import { needsRawFields } from '../../main/export/fields.js';
import { openStore } from '../../main/store/store.js';
import { peakRssMb, report } from '../measure.js';

export interface ExportArgs {
  db: string;
}

/** A sink that only counts bytes: the figure is the exporter's, not the disk's. */
function countingSink(): Writable & { bytes: number } {
  const sink = Object.assign(
    new Writable({
      write(chunk: Buffer, _encoding, callback) {
        sink.bytes += chunk.length;
        callback();
      },
    }),
    { bytes: 0 },
  );
  return sink;
}

/**
 * `ucmcdr export` of the whole cache as CSV: once with the fields the call rows carry, once with every
 * field (the raw ones cost a main-record lookup per call). The JS heap, sampled after every batch, shows
 * whether memory stays flat; RSS also counts the database pages SQLite maps in.
 */
export async function exportFigures(args: ExportArgs): Promise<void> {
  const store = openStore(args.db);
  const rowFields = EXPORT_FIELDS.filter((f) => !needsRawFields([f])) as ExportField[];
  const figures: Record<string, number> = {};
  for (const [name, fields] of [
    ['row_fields', rowFields],
    ['all_fields', [...EXPORT_FIELDS]],
  ] as const) {
    const sink = countingSink();
    let maxHeap = 0;
    const started = performance.now();
    const { rows } = await exportCalls(store, { filter: {}, format: 'csv', fields: [...fields] }, sink, {
      onProgress: () => {
        maxHeap = Math.max(maxHeap, process.memoryUsage().heapUsed);
      },
    });
    const seconds = (performance.now() - started) / 1000;
    figures[`${name}_max_heap_mb`] = maxHeap / 2 ** 20;
    figures[`${name}_rows`] = rows;
    figures[`${name}_seconds`] = seconds;
    figures[`${name}_rows_per_s`] = rows / seconds;
    figures[`${name}_mb`] = sink.bytes / 1e6;
  }
  store.close();
  report({ part: 'export', figures: { ...figures, peak_rss_mb: peakRssMb() } });
}
