import { randomBytes } from 'node:crypto';
import { basename } from 'node:path';
import type { FileRef } from '../../preload/api.js';
import { AppError } from '../errors.js';

/** What a handle stands for: a file to read, a folder to write into, or a file to create. */
export type FileRefKind = 'file' | 'folder' | 'save';

interface Entry {
  path: string;
  kind: FileRefKind;
  name: string;
}

/**
 * Opaque handles for paths chosen by the user (native dialogs, drops, web uploads). The renderer only
 * ever holds a random ref; a ref it did not get from us, or of the wrong kind, resolves to nothing.
 */
export class FileRefRegistry {
  private readonly entries = new Map<string, Entry>();

  constructor(private readonly capacity = 10_000) {}

  add(path: string, kind: FileRefKind, name: string = basename(path)): FileRef {
    if (this.entries.size >= this.capacity) {
      const oldest = this.entries.keys().next().value;
      if (oldest !== undefined) this.entries.delete(oldest);
    }
    const ref = randomBytes(18).toString('base64url');
    this.entries.set(ref, { path, kind, name });
    return { ref, name };
  }

  /** The path behind a ref of the expected kind; BAD_INPUT naming the file otherwise. */
  resolve(fileRef: FileRef, kind: FileRefKind): string {
    const entry = this.entries.get(fileRef.ref);
    if (!entry || entry.kind !== kind) {
      throw new AppError(
        'BAD_INPUT',
        `Unknown file handle for "${fileRef.name}": choose the ${kind === 'folder' ? 'folder' : 'file'} again.`,
        { name: fileRef.name },
      );
    }
    return entry.path;
  }

  /** Name the user knows the ref by. */
  nameOf(ref: string): string | null {
    return this.entries.get(ref)?.name ?? null;
  }

  /** Whether this string is a ref we handed out (of any kind). */
  has(ref: string): boolean {
    return this.entries.has(ref);
  }

  get size(): number {
    return this.entries.size;
  }
}
