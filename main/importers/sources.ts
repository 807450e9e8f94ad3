import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { basename } from 'node:path';
import type { Readable } from 'node:stream';
import yauzl from 'yauzl';
import { AppError } from '../errors.js';
import { READ_CHUNK_BYTES } from './tuning.js';

/**
 * Something the importer reads bytes from: a file on disk or one file inside a .zip. It can be opened
 * more than once (the importer reads the head to decide the format, then streams the whole).
 */
export interface ByteSource {
  /** Shown in results and reports, and used as the calls' origin: `calls.csv`, `gdms.zip:2021-03.csv`. */
  label: string;
  /** Size in bytes of what open() delivers. */
  size: number;
  open(): Promise<Readable>;
}

/** Bytes that start every zip archive (a local file header, or the end record of an empty archive). */
export function isZipHead(head: Uint8Array): boolean {
  return head.length >= 4 && head[0] === 0x50 && head[1] === 0x4b && ((head[2] === 3 && head[3] === 4) || (head[2] === 5 && head[3] === 6));
}

function notReadable(path: string, error: unknown): AppError {
  const why = error instanceof Error ? error.message : String(error);
  return new AppError('BAD_INPUT', `Cannot read "${path}": ${why}. Check that the file exists and can be read.`, { file: path });
}

export async function fileSource(path: string): Promise<ByteSource> {
  let size: number;
  try {
    const info = await stat(path);
    if (!info.isFile()) throw new Error('it is not a file');
    size = info.size;
  } catch (error) {
    throw notReadable(path, error);
  }
  return { label: basename(path), size, open: async () => createReadStream(path, { highWaterMark: READ_CHUNK_BYTES }) };
}

/** The first `bytes` bytes of a source (fewer when it is shorter). */
export async function readHead(source: ByteSource, bytes: number): Promise<Buffer> {
  const stream = await source.open();
  const chunks: Buffer[] = [];
  let total = 0;
  try {
    for await (const chunk of stream) {
      const buffer = chunk as Buffer;
      chunks.push(buffer);
      total += buffer.length;
      if (total >= bytes) break;
    }
  } finally {
    stream.destroy();
  }
  const head = Buffer.concat(chunks);
  return head.length > bytes ? head.subarray(0, bytes) : head;
}

/** Reads a whole source into memory, refusing anything larger than `limit` bytes. */
export async function readWhole(source: ByteSource, limit: number): Promise<Buffer> {
  if (source.size > limit) {
    throw new AppError(
      'BAD_FILE',
      `${source.label} is ${Math.round(source.size / 1048576)} MB; saved cdrapi JSON/XML responses are read whole and are limited to ${Math.round(limit / 1048576)} MB. Save the response in smaller time ranges, or as CSV.`,
      { file: source.label, bytes: source.size },
    );
  }
  const stream = await source.open();
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** Entries worth looking at: files, not folders nor the resource forks macOS adds to archives. */
function isCandidateEntry(name: string): boolean {
  if (name.endsWith('/')) return false;
  return !name.startsWith('__MACOSX/') && !basename(name).startsWith('._');
}

/**
 * The files of a zip archive, one at a time, streamed (never the whole archive in memory). The archive
 * stays open while the caller handles an entry and is closed when the iteration ends.
 */
export async function* zipEntries(path: string): AsyncGenerator<ByteSource> {
  let zip: yauzl.ZipFile;
  try {
    zip = await yauzl.openPromise(path, { lazyEntries: true, autoClose: false, strictFileNames: false, validateEntrySizes: true });
  } catch (error) {
    const why = error instanceof Error ? error.message : String(error);
    throw new AppError('BAD_FILE', `${basename(path)} looks like a zip archive but cannot be opened: ${why}.`, { file: basename(path) });
  }
  const archive = basename(path);
  try {
    for (;;) {
      const entry = await new Promise<yauzl.Entry | null>((resolve, reject) => {
        const onEntry = (e: yauzl.Entry) => {
          zip.off('end', onEnd);
          zip.off('error', onError);
          resolve(e);
        };
        const onEnd = () => {
          zip.off('entry', onEntry);
          zip.off('error', onError);
          resolve(null);
        };
        const onError = (error: Error) => {
          zip.off('entry', onEntry);
          zip.off('end', onEnd);
          reject(new AppError('BAD_FILE', `${archive} is a damaged zip archive: ${error.message}.`, { file: archive }));
        };
        zip.once('entry', onEntry);
        zip.once('end', onEnd);
        zip.once('error', onError);
        zip.readEntry();
      });
      if (entry === null) return;
      if (!isCandidateEntry(entry.fileName)) continue;
      const current = entry;
      yield {
        label: `${archive}:${current.fileName}`,
        size: current.uncompressedSize,
        open: () => zip.openReadStreamPromise(current),
      };
    }
  } finally {
    zip.close();
  }
}
