import { measureUi } from '../../test/e2e/ui-figures.js';
import { peakRssMb, report } from '../measure.js';

export interface UiArgs {
  db: string;
  rows: number;
}

/** The UI figures in Chromium against the web mode, measured by the end-to-end suite's probe. */
export async function uiFigures(args: UiArgs): Promise<void> {
  const result = await measureUi({ db: args.db, rows: args.rows });
  report({ part: 'ui', figures: { ...result.figures, bench_process_peak_rss_mb: peakRssMb() }, notes: result.notes });
}
