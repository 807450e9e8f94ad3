import { existsSync, mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { AppError, toAppError } from '../errors.js';
import type { UpgradeProgress } from '../store/record-upgrade.js';
import { openStore } from '../store/store.js';
import type { SessionDetail } from '../../preload/api.js';
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

/** After this long converting an older cache (schema 8), the CLI says what it is doing. */
const UPGRADE_QUIET_MS = 1000;

/** Prints the conversion's progress on stderr once it has taken a while, then after every batch. */
function upgradeReporter(ctx: CliContext): (progress: UpgradeProgress) => void {
  const began = Date.now();
  return ({ phase, done, total }) => {
    if (Date.now() - began < UPGRADE_QUIET_MS) return;
    if (phase === 'space') {
      ctx.io.stderr.write('ucmcdr: upgrading the cache: giving the space it freed back to the disk\n');
      return;
    }
    const percent = total === 0 ? 100 : Math.floor((done / total) * 100);
    ctx.io.stderr.write(`ucmcdr: upgrading the cache to the compact record form: ${done} of ${total} calls (${percent}%)\n`);
  };
}

/**
 * Opens the cache for the duration of fn and closes it afterwards, whatever happens. Commands that
 * only read refuse a missing cache instead of creating an empty one: a mistyped --db should say so.
 * The records of a cache from before schema 8 are converted first, with progress on stderr, unless
 * `deferUpgrade` leaves that to the command (serve: in the background, shown by the page).
 */
export async function withStore<T>(
  ctx: CliContext,
  mode: 'read' | 'write',
  fn: (store: Store) => Promise<T> | T,
  options: { deferUpgrade?: boolean; mapBytes?: number } = {},
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
  // `deferUpgrade` (serve): the records of an older cache are converted in the background instead.
  const onMigrate = (from: number, to: number): void => {
    ctx.io.stderr.write(`ucmcdr: bringing the cache from schema ${from} up to ${to} (about 20 s per million calls)\n`);
  };
  const store = openStore(ctx.dbPath, {
    ...(options.deferUpgrade === true ? { deferUpgrade: true } : { onUpgrade: upgradeReporter(ctx) }),
    onMigrate,
    ...(options.mapBytes !== undefined ? { mapBytes: options.mapBytes } : {}),
  });
  try {
    return await fn(store);
  } finally {
    store.close();
  }
}

/**
 * Ends a command with this exit status after it has printed its result: not a failure, a result
 * scripts test (`alerts --check` exits 3 while open alerts exist).
 */
export class ExitStatus extends Error {
  constructor(readonly status: number) {
    super(`exit status ${status}`);
    this.name = 'ExitStatus';
  }
}

/** A PBX profile by name, or NOT_FOUND listing the names there are. */
export function requirePbx(store: Store, name: string) {
  const profile = store.profiles.getByName(name);
  if (profile) return profile;
  const names = store.profiles.list().map((p) => p.name);
  throw new AppError(
    'NOT_FOUND',
    `No PBX named "${name}"${names.length > 0 ? ` (known: ${names.join(', ')})` : ''}: add it with "ucmcdr pbx add".`,
    { name },
  );
}

/**
 * The one call with this session id, on `pbx` when given (which must exist); without it the one PBX
 * holding it, or BAD_INPUT naming the PBXs when several do.
 */
export function requireSession(store: Store, session: string, pbx: string | undefined): SessionDetail {
  if (pbx !== undefined) requirePbx(store, pbx);
  const found = store.calls.findSession(session, pbx);
  if (found.length === 0) {
    throw new AppError('NOT_FOUND', `No call with session "${session}"${pbx ? ` on PBX "${pbx}"` : ''} in the cache.`, { session });
  }
  if (found.length > 1) {
    const pbxs = found.map((d) => d.call.pbx).join(', ');
    throw new AppError('BAD_INPUT', `Session "${session}" exists on several PBXs (${pbxs}): choose one with --pbx NAME.`, { session });
  }
  return found[0];
}

/** A name or path as the user would type it in a shell: quoted when it holds more than plain characters. */
export function shellWord(name: string): string {
  return /^[\w./@:+-]+$/.test(name) ? name : `"${name.replace(/(["\\$`])/g, '\\$1')}"`;
}

/**
 * A profile with an address to connect to. An import-only source (the "Imported" one, a named one, or
 * a PBX removed with its calls kept) has none: `what` says what was asked of it, e.g. "synced".
 */
export function requireRealPbx(store: Store, name: string, what: string) {
  const profile = requirePbx(store, name);
  if (profile.kind === 'import') {
    throw new AppError(
      'BAD_INPUT',
      `"${profile.name}" is an import-only source (history without a PBX address): it cannot be ${what}. ` +
        `Import files into it with "ucmcdr import --pbx ${shellWord(profile.name)} FILE...".`,
      { name },
    );
  }
  return profile;
}

/** `ucmcdr [--db PATH] ` as the user ran it: a command for the same cache. */
export function ucmcdrCommand(ctx: CliContext): string {
  return ctx.defaultDb ? 'ucmcdr ' : `ucmcdr --db ${shellWord(ctx.dbPath)} `;
}

const FINGERPRINT = /^[0-9A-F]{2}(:[0-9A-F]{2}){31}$/;

/**
 * The certificate a PBX presented instead of the pinned one, from a TLS_FINGERPRINT_MISMATCH: its
 * details (`actual`), or for a failure passed on as code and message only (a watch round's), the
 * message's "presented AA:BB:..." (main/pbx/tls.ts fingerprintMismatch).
 */
function presentedFingerprint(failure: { message: string; details?: Record<string, unknown> }): string | null {
  const actual = failure.details?.['actual'];
  if (typeof actual === 'string' && FINGERPRINT.test(actual)) return actual;
  const said = /\bpresented ([0-9A-F]{2}(?::[0-9A-F]{2}){31})\b/.exec(failure.message);
  return said ? said[1] : null;
}

/**
 * The command that pins the certificate a PBX presented instead of the pinned one, to run once the
 * user has compared it with the PBX's: `To trust it: ucmcdr [--db PATH] pbx trust NAME --fingerprint
 * AA:BB:...`; null for another failure.
 */
export function trustHint(
  ctx: CliContext,
  profileName: string,
  failure: { code: string; message: string; details?: Record<string, unknown> },
): string | null {
  if (failure.code !== 'TLS_FINGERPRINT_MISMATCH') return null;
  const presented = presentedFingerprint(failure);
  if (presented === null) return null;
  return `To trust it: ${ucmcdrCommand(ctx)}pbx trust ${shellWord(profileName)} --fingerprint ${presented}`;
}

/**
 * Runs work that connects to the profile's PBX; a certificate other than the pinned one (a PBX that
 * got a new certificate, or a new address reaching another server) is reported with the command that
 * pins it once the user has compared it.
 */
export async function withTrustHint<T>(ctx: CliContext, profileName: string, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    const failure = toAppError(error);
    const hint = trustHint(ctx, profileName, failure);
    if (hint === null) throw error;
    throw new AppError(failure.code, `${failure.message} ${hint}`, failure.details);
  }
}
