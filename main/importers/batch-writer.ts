import type { CdrCall } from '../cdr/types.js';
import type { PreparedCall } from '../store/prepare.js';
import type { IngestCounts, Store } from '../store/types.js';

/**
 * Rows per batch: one transaction each, so a batch is all or nothing. Twice as many made a million-row
 * import about a fifth faster but took its peak memory over 300 MB (docs/benchmarks.md).
 */
export const BATCH_ROWS = 1_000;

export interface ImportTarget {
  store: Store;
  /**
   * The profile id the calls belong to. Resolved on the first write only: creating the "Imported"
   * source is itself a write, which a refused file must not cause.
   */
  pbxId: () => number;
  /** The time zone and model calls are derived with, known without creating anything. */
  clock: () => { tz: string; model: string };
}

/** Commits batches of calls of one file and adds up what the store did with them. */
export class BatchWriter {
  imported = 0;
  alreadyPresent = 0;
  merged = 0;

  /** When this file's import began: every call it adds carries it. */
  private readonly importedAt = Date.now();

  constructor(
    private readonly target: ImportTarget,
    private readonly origin: string,
  ) {}

  commit(calls: CdrCall[]): void {
    if (calls.length === 0) return;
    const { store } = this.target;
    const pbxId = this.target.pbxId();
    this.add(store.transaction(() => store.ingest(pbxId, calls, { origin: this.origin, imported_at: this.importedAt })));
  }

  /** The same for calls prepared with the target's clock. */
  commitPrepared(calls: PreparedCall[]): void {
    if (calls.length === 0) return;
    const { store } = this.target;
    const pbxId = this.target.pbxId();
    this.add(store.transaction(() => store.ingestPrepared(pbxId, calls, { origin: this.origin, imported_at: this.importedAt })));
  }

  private add(counts: IngestCounts): void {
    this.imported += counts.inserted;
    this.alreadyPresent += counts.unchanged;
    this.merged += counts.merged;
  }
}
