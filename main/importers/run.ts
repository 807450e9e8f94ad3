import type { ImportFileResult } from '../../preload/api.js';
import type { DateOrder } from '../cdr/time.js';
import { ProgressMeter, type ImportProgress } from './progress-meter.js';
import type { RejectReport } from './reject-report.js';
import { BatchWriter, type ImportTarget } from './batch-writer.js';
import type { ByteSource } from './sources.js';
import { MAX_LISTED_REJECTS } from './tuning.js';


/** A file's result as it is being built. */
export type FileOutcome = ImportFileResult & { rejected_total: number };

export function emptyOutcome(file: string): FileOutcome {
  return {
    file,
    format: 'unknown',
    imported: 0,
    already_present: 0,
    merged: 0,
    rejected: [],
    rejected_total: 0,
    error: null,
    kept: 0,
    elsewhere: [],
    import_id: null,
  };
}

/** The options and shared state of one importFiles call, handed to the per-format importers. */
export class ImportRun {
  private readonly writers: { writer: BatchWriter; outcome: FileOutcome }[] = [];

  constructor(
    readonly dateOrder: 'auto' | DateOrder,
    /** Normalized header -> field ('' = keep as is), from the UI's column-mapping step. */
    readonly userMapping: Map<string, string>,
    readonly signal: AbortSignal | undefined,
    private readonly report: RejectReport | null,
    private readonly onProgress: ((progress: ImportProgress) => void) | undefined,
  ) {}

  /** The writer of one file's calls; finish() closes the log of every file this run wrote to. */
  writer(target: ImportTarget, outcome: FileOutcome): BatchWriter {
    const writer = new BatchWriter(target, outcome);
    this.writers.push({ writer, outcome });
    return writer;
  }

  /** Marks each file's log entry done, or stopped when it failed or the run ended early. */
  finish(completed: boolean): void {
    for (const { writer, outcome } of this.writers) writer.finish(completed && outcome.error === null ? 'done' : 'stopped');
  }

  meter(source: ByteSource): ProgressMeter {
    return new ProgressMeter(source.label, source.size);
  }

  progress(progress: ImportProgress): void {
    this.onProgress?.(progress);
  }

  /** Records a skipped row: in the result (up to MAX_LISTED_REJECTS) and in the report file. */
  async reject(outcome: FileOutcome, line: number, reason: string, raw: string): Promise<void> {
    outcome.rejected_total++;
    if (outcome.rejected.length < MAX_LISTED_REJECTS) outcome.rejected.push({ file: outcome.file, line, reason });
    if (this.report) await this.report.add(outcome.file, line, reason, raw);
  }
}
