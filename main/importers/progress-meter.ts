/** What an import reports while it runs (the CLI prints it, the app turns it into ProgressEvents). */
export interface ImportProgress {
  file: string;
  /**
   * 'reading': rows are being read and stored. 'indexing': every row is stored and the search indexes
   * a big import set aside are being rebuilt, which takes seconds with no rows to count (store/bulk.ts).
   */
  phase: 'reading' | 'indexing';
  rows: number;
  bytes: number;
  total_bytes: number;
  /** Rows per second over the recent window; null until there is a window to measure. */
  rate: number | null;
  eta_seconds: number | null;
}

/** Below this the rate is noise. */
const MIN_WINDOW_MS = 250;
/** The window the rate is measured over: recent enough to follow changes in speed. */
const WINDOW_MS = 5_000;

/** Rows/s and time left for one file, from a sliding window of (time, rows, bytes) samples. */
export class ProgressMeter {
  private readonly samples: { at: number; rows: number; bytes: number }[] = [];

  constructor(
    private readonly file: string,
    private readonly totalBytes: number,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.samples.push({ at: this.now(), rows: 0, bytes: 0 });
  }

  sample(rows: number, bytes: number): ImportProgress {
    const at = this.now();
    this.samples.push({ at, rows, bytes });
    while (this.samples.length > 2 && at - (this.samples[1] as { at: number }).at >= WINDOW_MS) this.samples.shift();
    const first = this.samples[0] as { at: number; rows: number; bytes: number };
    const elapsed = at - first.at;
    let rate: number | null = null;
    let eta: number | null = null;
    if (elapsed >= MIN_WINDOW_MS) {
      rate = ((rows - first.rows) * 1000) / elapsed;
      const byteRate = ((bytes - first.bytes) * 1000) / elapsed;
      if (byteRate > 0) eta = Math.max(0, (this.totalBytes - bytes) / byteRate);
    }
    return { file: this.file, phase: 'reading', rows, bytes, total_bytes: this.totalBytes, rate, eta_seconds: eta };
  }

  /** Every row is stored; the indexes are being rebuilt. */
  indexing(rows: number, bytes: number): ImportProgress {
    return { file: this.file, phase: 'indexing', rows, bytes, total_bytes: this.totalBytes, rate: null, eta_seconds: null };
  }
}
