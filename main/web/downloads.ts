import { randomBytes } from 'node:crypto';
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { DownloadSlot } from '../app/downloads.js';

export interface ReadyDownload {
  path: string;
  fileName: string;
  contentType: string;
}

interface Entry extends ReadyDownload {
  ready: boolean;
}

/** Files produced for the browser (exports, recording tars), each served once, then removed. */
export class DownloadRegistry {
  private readonly entries = new Map<string, Entry>();

  constructor(private readonly dir: string) {}

  async reserve(fileName: string, contentType: string): Promise<DownloadSlot> {
    await mkdir(this.dir, { recursive: true });
    const id = randomBytes(18).toString('base64url');
    const entry: Entry = { path: join(this.dir, id), fileName, contentType, ready: false };
    this.entries.set(id, entry);
    return {
      path: entry.path,
      url: `/download/${id}`,
      commit: () => {
        entry.ready = true;
      },
      discard: async () => {
        this.entries.delete(id);
        await rm(entry.path, { force: true });
      },
    };
  }

  /** Hands out a finished download and forgets it: a second request for the same id finds nothing. */
  take(id: string): ReadyDownload | null {
    const entry = this.entries.get(id);
    if (!entry || !entry.ready) return null;
    this.entries.delete(id);
    return { path: entry.path, fileName: entry.fileName, contentType: entry.contentType };
  }
}
