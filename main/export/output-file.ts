import { randomBytes } from 'node:crypto';
import { createWriteStream, type WriteStream } from 'node:fs';
import { link, rename, rm, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { finished } from 'node:stream/promises';
import { AppError, toAppError } from '../errors.js';

/** An export being written beside its destination; the destination changes only on `commit()`. */
export interface OutputFile {
  stream: WriteStream;
  /** Ends the stream and puts the file in place. */
  commit(): Promise<void>;
  /** Ends the stream and removes what was written; the destination is left as it was. */
  discard(): Promise<void>;
}

export interface OutputFileOptions {
  /** Replace a file already at `path`. Without it, `commit()` refuses with `exists()`'s error. */
  overwrite: boolean;
  /** The error for a file already at `path` (the command line names its own option). */
  exists?: (path: string) => AppError;
}

function errorCode(error: unknown): string | undefined {
  return (error as NodeJS.ErrnoException | null)?.code;
}

function defaultExists(path: string): AppError {
  return new AppError('BAD_INPUT', `${path} already exists; choose another file name.`, { path });
}

/** A failure to write or place the file, in words that say what to do (a file open in Excel is locked on Windows). */
function writeFailure(path: string, error: unknown): AppError {
  if (error instanceof AppError) return error;
  const code = errorCode(error);
  if (code === 'EBUSY' || code === 'EPERM' || code === 'EACCES' || code === 'EROFS') {
    return new AppError('BAD_FILE', `${path} cannot be written (${code}): close it in any program that has it open, or check that its folder is writable.`, { path });
  }
  if (code === 'ENOENT') return new AppError('BAD_FILE', `The folder of ${path} does not exist (any more): choose another place.`, { path });
  if (code === 'ENOSPC') return new AppError('BAD_FILE', `The disk holding ${path} is full: free some space and export again.`, { path });
  return toAppError(error);
}

/**
 * Opens `path` for an export through a temporary file in the same folder, so an export that fails or
 * is cancelled halfway leaves an existing file as it was instead of truncated or removed, and a
 * finished one replaces it in one rename. Without `overwrite`, the file is put in place with a hard
 * link, which fails if the name was taken meanwhile; where the file system has no hard links (FAT,
 * some network shares) a check just before the rename stands in.
 */
export async function openOutputFile(path: string, options: OutputFileOptions): Promise<OutputFile> {
  const exists = options.exists ?? defaultExists;
  if (!options.overwrite && (await stat(path).catch(() => null)) !== null) throw exists(path);
  const temp = join(dirname(path), `.${basename(path)}.${randomBytes(6).toString('hex')}.part`);
  const stream = createWriteStream(temp, { flags: 'wx' });
  await new Promise<void>((resolve, reject) => {
    stream.once('open', () => resolve());
    stream.once('error', (error) => reject(writeFailure(path, error)));
  });
  // A later write error is read back by `finished()` in commit(); unheard, it would end the process.
  stream.on('error', () => undefined);

  const place = async (): Promise<void> => {
    if (options.overwrite) {
      await rename(temp, path);
      return;
    }
    try {
      await link(temp, path);
    } catch (error) {
      if (errorCode(error) === 'EEXIST') throw exists(path);
      if (!['EPERM', 'ENOTSUP', 'EOPNOTSUPP', 'ENOSYS', 'EXDEV'].includes(errorCode(error) ?? '')) throw error;
      if ((await stat(path).catch(() => null)) !== null) throw exists(path);
      await rename(temp, path);
      return;
    }
    await rm(temp, { force: true });
  };

  return {
    stream,
    async commit() {
      stream.end();
      try {
        await finished(stream);
        await place();
      } catch (error) {
        await rm(temp, { force: true });
        throw writeFailure(path, error);
      }
    },
    async discard() {
      stream.destroy();
      await finished(stream).catch(() => undefined);
      await rm(temp, { force: true });
    },
  };
}
