import { AppError } from '../errors.js';
import { CsvTokenizer, type CsvRecord } from './csv-tokenizer.js';
import { createDecoder, type TextEncodingName } from './encoding.js';
import type { ByteSource } from './sources.js';

export interface CsvChunk {
  records: CsvRecord[];
  /** Bytes of the source read so far. */
  bytes: number;
}

export function cancelled(): AppError {
  return new AppError('CANCELLED', 'Import cancelled; the batches committed before stay in the cache.');
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
  const decoder = createDecoder(encoding);
  const tokenizer = new CsvTokenizer(delimiter);
  let bytes = 0;
  // Old Mac spreadsheets end lines with CR alone; seen in the first text, every CR becomes a line break.
  let crOnly: boolean | null = null;
  const lines = (text: string): string => {
    if (crOnly === null && text !== '') crOnly = text.includes('\r') && !text.includes('\n');
    return crOnly ? text.replace(/\r/g, '\n') : text;
  };
  try {
    for await (const chunk of stream) {
      if (signal?.aborted) throw cancelled();
      const buffer = chunk as Buffer;
      bytes += buffer.length;
      const records = tokenizer.push(lines(decoder.write(buffer)));
      if (records.length > 0) yield { records, bytes };
    }
    const tail = lines(decoder.end());
    const records = tail === '' ? tokenizer.end() : [...tokenizer.push(tail), ...tokenizer.end()];
    if (records.length > 0) yield { records, bytes };
  } finally {
    stream.destroy();
  }
}
