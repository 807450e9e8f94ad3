import { createReadStream, createWriteStream } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { pack } from 'tar-stream';

/** A file being written for a one-shot download (web mode). */
export interface DownloadSlot {
  /** Where the producer writes the file. */
  path: string;
  /** Where the browser fetches it once `commit()` was called. */
  url: string;
  commit(): void;
  /** The producer failed: forget the slot and remove the file. */
  discard(): Promise<void>;
}

async function* filesUnder(root: string, dir: string = root): AsyncGenerator<{ path: string; name: string }> {
  const entries = await readdir(dir, { withFileTypes: true });
  entries.sort((a, b) => a.name.localeCompare(b.name));
  for (const entry of entries) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* filesUnder(root, path);
    else if (entry.isFile()) yield { path, name: relative(root, path).split(sep).join('/') };
  }
}

/** Writes every file under `dir` into a tar at `outFile`, streaming one file at a time. */
export async function packFolder(dir: string, outFile: string, signal?: AbortSignal): Promise<void> {
  const tar = pack();
  const written = pipeline(tar, createWriteStream(outFile), { signal });
  try {
    for await (const file of filesUnder(dir)) {
      signal?.throwIfAborted();
      const info = await stat(file.path);
      const entry = tar.entry({ name: file.name, size: info.size, mtime: info.mtime, mode: 0o644 });
      await pipeline(createReadStream(file.path), entry, { signal });
    }
    tar.finalize();
  } catch (error) {
    tar.destroy(error instanceof Error ? error : new Error(String(error)));
  }
  await written;
}
