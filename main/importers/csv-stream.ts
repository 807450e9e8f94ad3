import { AppError } from '../errors.js';
import { CsvTokenizer, type CsvRecord } from './csv-tokenizer.js';
import { createDecoder, type TextDecoderLike, type TextEncodingName } from './encoding.js';
import type { ByteSource } from './sources.js';

export interface CsvChunk {
  records: CsvRecord[];
  /** Bytes of the source read so far. */
  bytes: number;
}

export function cancelled(): AppError {
  return new AppError('CANCELLED', 'Import cancelled; the batches committed before stay in the cache.');
}

/** Bytes of a CSV source in, records out: decoding, line-break style and tokenizing of one source. */
export class CsvRecordReader {
  private readonly decoder: TextDecoderLike;
  private readonly tokenizer: CsvTokenizer;
  // Old Mac spreadsheets end lines with CR alone; seen in the first text, every CR becomes a line break.
  private crOnly: boolean | null = null;

  constructor(encoding: TextEncodingName, delimiter: string) {
    this.decoder = createDecoder(encoding);
    this.tokenizer = new CsvTokenizer(delimiter);
  }

  /** The records the bytes complete. */
  push(bytes: Buffer): CsvRecord[] {
    return this.tokenizer.push(this.lines(this.decoder.write(bytes)));
  }

  /** The records left at the end of the source. */
  end(): CsvRecord[] {
    const tail = this.lines(this.decoder.end());
    return tail === '' ? this.tokenizer.end() : [...this.tokenizer.push(tail), ...this.tokenizer.end()];
  }

  private lines(text: string): string {
    if (this.crOnly === null && text !== '') this.crOnly = text.includes('\r') && !text.includes('\n');
    return this.crOnly ? text.replace(/\r/g, '\n') : text;
  }
}

/**
 * Streams a CSV source as arrays of records, one array per chunk read (constant memory whatever the
 * file size). Stopping the iteration closes the source.
 */
export async function* csvChunks(
  source: ByteSource,
  encoding: TextEncodingName,
  delimiter: string,
  signal?: AbortSignal,
): AsyncGenerator<CsvChunk> {
  const stream = await source.open();
  const reader = new CsvRecordReader(encoding, delimiter);
  let bytes = 0;
  try {
    for await (const chunk of stream) {
      if (signal?.aborted) throw cancelled();
      const buffer = chunk as Buffer;
      bytes += buffer.length;
      const records = reader.push(buffer);
      if (records.length > 0) yield { records, bytes };
    }
    const records = reader.end();
    if (records.length > 0) yield { records, bytes };
  } finally {
    stream.destroy();
  }
}
