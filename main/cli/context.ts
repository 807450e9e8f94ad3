import { existsSync, mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { AppError } from '../errors.js';
import { openStore } from '../store/store.js';
import type { Store } from '../store/types.js';
import type { CliIo } from './io.js';

/** What every command works with: the streams, the cache file, and the data folder beside it. */
export interface CliContext {
  io: CliIo;
  /** Cache file chosen with --db (default: the desktop app's). */
  dbPath: string;
  /** Folder of the cache file: recordings and the simulator's certificate live there too. */
  dataDir: string;
  /** true when --db was not given: the default folder is created on first use. */
  defaultDb: boolean;
}

export function createContext(io: CliIo, dbPath: string, defaultDb: boolean): CliContext {
  const path = resolve(dbPath);
  return { io, dbPath: path, dataDir: dirname(path), defaultDb };
}

/**
 * Opens the cache for the duration of fn and closes it afterwards, whatever happens. Commands that
 * only read refuse a missing cache instead of creating an empty one: a mistyped --db should say so.
 */
export async function withStore<T>(
  ctx: CliContext,
  mode: 'read' | 'write',
  fn: (store: Store) => Promise<T> | T,
): Promise<T> {
  if (!existsSync(ctx.dbPath)) {
    if (mode === 'read') {
      throw new AppError(
        'NOT_FOUND',
        `No call cache at ${ctx.dbPath}: sync a PBX or import files first, or point --db at an existing cache.`,
        { path: ctx.dbPath },
      );
    }
    if (!existsSync(ctx.dataDir)) {
      if (!ctx.defaultDb) {
        throw new AppError('BAD_INPUT', `--db ${ctx.dbPath}: the folder ${ctx.dataDir} does not exist; create it first.`);
      }
      mkdirSync(ctx.dataDir, { recursive: true });
    }
  }
  const store = openStore(ctx.dbPath);
  try {
    return await fn(store);
  } finally {
    store.close();
  }
}

/** A PBX profile by name, or NOT_FOUND listing the names there are. */
export function requirePbx(store: Store, name: string) {
  const profile = store.getPbxByName(name);
  if (profile) return profile;
  const names = store.listPbx().map((p) => p.name);
  throw new AppError(
    'NOT_FOUND',
    `No PBX named "${name}"${names.length > 0 ? ` (known: ${names.join(', ')})` : ''}: add it with "ucmcdr pbx add".`,
    { name },
  );
}
