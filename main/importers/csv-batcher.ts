import type { DateOrder } from '../cdr/time.js';
import { prepareCall, RecordEncoder, type PreparedCall } from '../store/prepare.js';
import { CallAssembler } from './call-assembler.js';
import { CsvRecordReader } from './csv-stream.js';
import type { CsvRecord } from './csv-tokenizer.js';
import type { TextEncodingName } from './encoding.js';
import { RowNormalizer } from './normalize.js';
import { BATCH_ROWS } from './tuning.js';

/** Everything a CSV source's rows need to become calls; plain data, so it can go to a worker thread. */
export interface CsvBatcherOptions {
  encoding: TextEncodingName;
  delimiter: string;
  /** cdrapi field per column (header-map.ts), null for a column kept under its header text. */
  keys: (string | null)[];
  headers: string[];
  order: DateOrder;
  /** The clock of the PBX the calls go to (prepareCall). */
  tz: string;
  model: string;
}

export interface RejectedRow {
  line: number;
  reason: string;
  raw: string;
}

/** Calls ready for CallsArea.ingestPrepared, with the rows skipped since the previous batch. */
export interface PreparedBatch {
  calls: PreparedCall[];
  rejects: RejectedRow[];
  /** Data rows read so far, header excluded. */
  rows: number;
  /** Bytes of the source read so far. */
  bytes: number;
  /** How the file shows spreadsheet damage, once any row read so far did (normalize.ts); else null. */
  damage: string | null;
}

/**
 * Bytes of a CSV source in, batches of prepared calls out: decoding, tokenizing, normalizing rows,
 * assembling calls and preparing them. Synchronous and free of I/O, so the same code runs in-line and
 * in the import's worker thread (prepare-worker.ts).
 */
export class CsvBatcher {
  private readonly reader: CsvRecordReader;
  private readonly normalizer: RowNormalizer;
  private readonly assembler = new CallAssembler();
  private readonly encoder = new RecordEncoder();
  private header = true;
  private rows = 0;
  private bytes = 0;
  // Rows added since the last batch; a session group carried over from it does not count twice.
  private pending = 0;
  private rejects: RejectedRow[] = [];
  private damage: string | null = null;

  constructor(private readonly options: CsvBatcherOptions) {
    this.reader = new CsvRecordReader(options.encoding, options.delimiter);
    this.normalizer = new RowNormalizer({ keys: options.keys, headers: options.headers, order: options.order });
  }

  /** The batches these bytes complete. */
  push(bytes: Buffer): PreparedBatch[] {
    this.bytes += bytes.length;
    return this.add(this.reader.push(bytes));
  }

  /** The rest of the source: the final batch (possibly empty) after any others. */
  end(): PreparedBatch[] {
    const batches = this.add(this.reader.end());
    batches.push(this.batch(true));
    return batches;
  }

  private add(records: CsvRecord[]): PreparedBatch[] {
    const batches: PreparedBatch[] = [];
    for (const record of records) {
      if (this.header) {
        this.header = false;
        continue;
      }
      this.rows++;
      if (record.fields === null) {
        this.rejects.push({ line: record.line, reason: record.error ?? 'the row cannot be read', raw: record.raw });
        continue;
      }
      const row = this.normalizer.normalize(record.fields);
      if (typeof row === 'string') {
        this.rejects.push({ line: record.line, reason: row, raw: record.raw });
        continue;
      }
      if (row.damage !== null) this.damage ??= `line ${record.line}: ${row.damage}`;
      this.assembler.add(row.record, row.marker);
      if (++this.pending >= BATCH_ROWS) batches.push(this.batch(false));
    }
    return batches;
  }

  private batch(final: boolean): PreparedBatch {
    const { tz, model } = this.options;
    const calls = this.assembler.take(final).map((call) => prepareCall(call, tz, model, this.encoder));
    const batch = { calls, rejects: this.rejects, rows: this.rows, bytes: this.bytes, damage: this.damage };
    this.pending = 0;
    this.rejects = [];
    return batch;
  }
}
