import { sourceKindOfFormat, type SourceKind } from '../cdr/authority.js';
import type { CdrCall } from '../cdr/types.js';
import type { PreparedCall } from '../store/prepare.js';
import type { IngestCounts, IngestOptions, Store } from '../store/types.js';
import type { FileOutcome } from './run.js';

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

/**
 * Commits batches of calls of one file, adds up what the store did with them into the file's outcome,
 * and keeps the import log in step: the log row is created in the first batch's transaction and its
 * counts are written in every batch's, so the log matches the cache whatever stops the import.
 * Every call is first looked for in every source, so a call cached elsewhere is merged there.
 */
export class BatchWriter {
  /** When this file's import began: every call it adds carries it. */
  private readonly importedAt = Date.now();
  private importId: number | null = null;
  private readonly elsewhere = new Map<number, number>();
  private damaged = false;

  constructor(
    private readonly target: ImportTarget,
    private readonly outcome: FileOutcome,
  ) {}

  /**
   * From now on the file counts as damaged by a spreadsheet: its calls never change a cached one.
   * `why` is said in the file's result.
   */
  markDamaged(why: string): void {
    if (this.damaged) return;
    this.damaged = true;
    this.outcome.spreadsheet_damage = why;
  }

  commit(calls: CdrCall[]): void {
    this.write(calls.length, (store, pbxId, options) => store.calls.ingest(pbxId, calls, options));
  }

  /** The same for calls prepared with the target's clock. */
  commitPrepared(calls: PreparedCall[]): void {
    this.write(calls.length, (store, pbxId, options) => store.calls.ingestPrepared(pbxId, calls, options));
  }

  /** Writes the log's final state: done, or stopped when the file failed or was cancelled part-way. */
  finish(state: 'done' | 'stopped'): void {
    if (this.importId === null) return;
    const id = this.importId;
    this.resolveElsewhere();
    this.target.store.imports.update(id, this.counts(), state);
  }

  private source(): SourceKind {
    return this.damaged ? 'damaged' : sourceKindOfFormat(this.outcome.format);
  }

  private write(size: number, ingest: (store: Store, pbxId: number, options: IngestOptions) => IngestCounts): void {
    if (size === 0) return;
    const { store } = this.target;
    const pbxId = this.target.pbxId();
    // The file's counts and log id change only once the batch is committed: a batch that fails is
    // rolled back whole, its log row too when it was the first.
    const { id, counts } = store.transaction(() => {
      const id = this.importId ?? store.imports.begin({ pbx_id: pbxId, file: this.outcome.file, format: this.outcome.format });
      const counts = ingest(store, pbxId, {
        origin: `import:${this.outcome.file}`,
        imported_at: this.importedAt,
        source: this.source(),
        import_id: id,
        anywhere: true,
      });
      store.imports.update(id, this.counts(counts));
      return { id, counts };
    });
    this.importId = id;
    this.add(counts);
    this.outcome.import_id = id;
    this.resolveElsewhere();
  }

  private add(counts: IngestCounts): void {
    this.outcome.imported += counts.inserted;
    this.outcome.already_present += counts.unchanged;
    this.outcome.merged += counts.merged;
    this.outcome.kept += counts.kept;
    for (const [id, calls] of Object.entries(counts.elsewhere)) {
      this.elsewhere.set(Number(id), (this.elsewhere.get(Number(id)) ?? 0) + calls);
    }
  }

  /** The log's counts: the file's so far, plus those of a batch being written. */
  private counts(pending?: IngestCounts) {
    let elsewhere = 0;
    for (const calls of this.elsewhere.values()) elsewhere += calls;
    for (const calls of Object.values(pending?.elsewhere ?? {})) elsewhere += calls;
    const { imported, already_present, merged, rejected_total: rejected, kept } = this.outcome;
    return {
      imported: imported + (pending?.inserted ?? 0),
      already_present: already_present + (pending?.unchanged ?? 0),
      merged: merged + (pending?.merged ?? 0),
      rejected,
      kept: kept + (pending?.kept ?? 0),
      elsewhere,
    };
  }

  private resolveElsewhere(): void {
    this.outcome.elsewhere = [...this.elsewhere].map(([id, calls]) => ({
      source: this.target.store.profiles.get(id)?.name ?? `#${id}`,
      calls,
    }));
  }
}
