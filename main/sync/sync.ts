import type { PbxProfile, SyncResult } from '../../preload/api.js';
import { defaultTimeZone, isValidTimeZone, utcToWallClock } from '../cdr/time.js';
import type { CdrCall } from '../cdr/types.js';
import { AppError, toAppError } from '../errors.js';
import { createPbxClient, type CdrPage, type PbxClient, type PbxClientOptions } from '../pbx/client.js';
import { saveDetectedApi } from '../pbx/detected-api.js';
import { MAX_RECORDS_PER_PAGE } from '../pbx/query.js';
import { sleep } from '../pbx/ucm63xx.js';
import type { Store, SyncPosition } from '../store/types.js';
import { contactNumber } from '../store/contacts.js';
import {
  minusSeconds,
  OPEN_END,
  OPEN_START,
  planWindows,
  recordStart,
  resumeWindows,
  windowFromStored,
  type SyncWindow,
} from './windows.js';

export interface SyncProgress {
  /** Human one-liner: "2024-03 (3 of 14), page 2: 5,000 calls". */
  stage: string;
  pages: number;
  calls: number;
  bytes: number;
  /** Calls per second since the start. */
  rate: number | null;
  eta_seconds: number | null;
  /** Windows (months) finished, of `total`. */
  done: number;
  total: number | null;
}

export interface SyncOptions {
  /** Fetch all history again instead of only what is new. */
  full?: boolean;
  signal?: AbortSignal;
  onProgress?: (progress: SyncProgress) => void;
  now?: () => Date;
  /** Waits before retry `attempt` (1, 2, ...) of a page after a network error or 5xx. */
  retryDelay?: (attempt: number) => Promise<void>;
  /** Client settings (timeouts, the UCM63xx busy delay). */
  client?: PbxClientOptions;
}

/** Re-read this much before the newest call already synced: calls written late (long calls) land there. */
export const SAFETY_OVERLAP_SECONDS = 3600;
/** Attempts per page before a transient failure stops the sync. */
export const MAX_PAGE_ATTEMPTS = 5;
/** A month of more than ten million calls means the PBX is not paging: stop instead of looping. */
const MAX_PAGES_PER_WINDOW = 10_000;
/**
 * The PBX's extension list (names for the phonebook) is read at most this often: it changes when an
 * extension is added or renamed, while the window syncs every 15 minutes.
 */
export const EXTENSION_NAMES_EVERY_MS = 60 * 60_000;

function defaultRetryDelay(signal?: AbortSignal): (attempt: number) => Promise<void> {
  return (attempt) => sleep(Math.min(30_000, 1000 * 2 ** (attempt - 1)), signal);
}

/** Failures worth another try: the network, the PBX being busy, a 5xx or a cut answer. */
export function isTransient(error: AppError): boolean {
  if (error.code === 'PBX_UNREACHABLE' || error.code === 'RATE_LIMITED') return true;
  return error.code === 'PROTOCOL_ERROR' && error.details?.transient === true;
}

function callStart(call: CdrCall | undefined): string | null {
  return call ? (recordStart(call.main.start) ?? recordStart(call.legs[0]?.start)) : null;
}

function latestStart(calls: CdrCall[], current: string | null): string | null {
  let newest = current;
  for (const call of calls) {
    const start = callStart(call);
    if (start !== null && (newest === null || start > newest)) newest = start;
  }
  return newest;
}

function windowLabel(window: SyncWindow): string {
  if (window.start === null) return window.end === null ? 'all history' : `up to ${window.end.slice(0, 7)}`;
  if (window.end === null) return `${window.start.slice(0, 7)} onwards`;
  return window.start.slice(0, 7);
}

function position(window: SyncWindow | undefined, offset: number, newest: string | null, full: boolean): SyncPosition {
  return {
    window_start: window?.start ?? OPEN_START,
    window_end: window?.end ?? OPEN_END,
    offset,
    newest_start: newest,
    in_progress: window !== undefined,
    full,
  };
}

/** What a run walks: its windows, the offset in the first one, and whether it reads all history. */
interface Plan {
  windows: SyncWindow[];
  offset: number;
  full: boolean;
  newest: string | null;
}

class SyncRun {
  private pages = 0;
  private calls = 0;
  private bytes = 0;
  private inserted = 0;
  private merged = 0;
  private readonly startedAt: number;
  private apiSaved = false;

  constructor(
    private readonly store: Store,
    private readonly profile: PbxProfile,
    private readonly client: PbxClient,
    private readonly options: SyncOptions,
  ) {
    this.startedAt = this.now();
  }

  async run(): Promise<SyncResult> {
    const plan = await this.plan();
    if (plan) await this.walk(plan);
    return {
      calls_new: this.inserted,
      calls_updated: this.merged,
      pages: this.pages,
      seconds: Math.round((this.now() - this.startedAt) / 100) / 10,
    };
  }

  private now(): number {
    return (this.options.now ?? (() => new Date()))().getTime();
  }

  private pbxNow(): string {
    const tz = isValidTimeZone(this.profile.tz) ? this.profile.tz : defaultTimeZone();
    return utcToWallClock(this.now(), tz);
  }

  private async plan(): Promise<Plan | null> {
    const saved = this.store.sync.position(this.profile.id);
    const now = this.pbxNow();
    if (saved?.in_progress && (!this.options.full || saved.full)) {
      const windows = resumeWindows(windowFromStored(saved.window_start, saved.window_end), now);
      return { windows, offset: saved.offset, full: saved.full, newest: saved.newest_start };
    }
    if (!this.options.full && saved?.newest_start) {
      const from = minusSeconds(saved.newest_start, SAFETY_OVERLAP_SECONDS);
      return { windows: planWindows(from, from, now), offset: 0, full: false, newest: saved.newest_start };
    }
    const first = await this.fetch({ start: null, end: null }, 0, 1);
    const oldest = callStart(first.calls[0]);
    if (first.entries === 0 || oldest === null) {
      this.store.sync.setPosition(this.profile.id, position(undefined, 0, saved?.newest_start ?? null, true));
      return null;
    }
    return { windows: planWindows(null, oldest, now), offset: 0, full: true, newest: saved?.newest_start ?? null };
  }

  private async walk(plan: Plan): Promise<void> {
    let newest = plan.newest;
    const total = plan.windows.length;
    for (let index = 0; index < total; index += 1) {
      const window = plan.windows[index]!;
      let offset = index === 0 ? plan.offset : 0;
      for (let pageInWindow = 1; ; pageInWindow += 1) {
        if (pageInWindow > MAX_PAGES_PER_WINDOW) {
          throw new AppError(
            'PROTOCOL_ERROR',
            `${this.client.host} kept returning full pages for ${windowLabel(window)} past ${MAX_PAGES_PER_WINDOW * MAX_RECORDS_PER_PAGE} records; it ignores offset.`,
            { host: this.client.host },
          );
        }
        const page = await this.fetch(window, offset, MAX_RECORDS_PER_PAGE);
        newest = latestStart(page.calls, newest);
        const windowDone = page.entries < MAX_RECORDS_PER_PAGE;
        const next = windowDone ? plan.windows[index + 1] : window;
        this.commit(page, position(next, windowDone ? 0 : offset + page.entries, newest, plan.full));
        this.report(window, index + (windowDone ? 1 : 0), total, pageInWindow);
        if (windowDone) break;
        offset += page.entries;
      }
    }
  }

  /** One page and the position after it, in one transaction: a crash keeps both or neither. */
  private commit(page: CdrPage, after: SyncPosition): void {
    const counts = this.store.transaction(() => {
      const result = page.calls.length > 0 ? this.store.calls.ingest(this.profile.id, page.calls, { origin: 'sync' }) : null;
      this.store.sync.setPosition(this.profile.id, after);
      return result;
    });
    this.pages += 1;
    this.calls += page.calls.length;
    this.bytes += page.bytes;
    this.inserted += counts?.inserted ?? 0;
    this.merged += counts?.merged ?? 0;
  }

  private report(window: SyncWindow, done: number, total: number, pageInWindow: number): void {
    if (!this.options.onProgress) return;
    const elapsed = (this.now() - this.startedAt) / 1000;
    const rate = elapsed > 0 ? Math.round(this.calls / elapsed) : null;
    const eta = done > 0 && elapsed > 0 ? Math.round((elapsed / done) * (total - done)) : null;
    this.options.onProgress({
      stage: `${windowLabel(window)} (${Math.min(done + 1, total)} of ${total}), page ${pageInWindow}: ${this.calls} calls`,
      pages: this.pages,
      calls: this.calls,
      bytes: this.bytes,
      rate,
      eta_seconds: eta,
      done,
      total,
    });
  }

  /** A page, retried with backoff on transient failures; the detected API saved after the first success. */
  private async fetch(window: SyncWindow, offset: number, numRecords: number): Promise<CdrPage> {
    const { signal } = this.options;
    const retryDelay = this.options.retryDelay ?? defaultRetryDelay(signal);
    for (let attempt = 1; ; attempt += 1) {
      if (signal?.aborted) throw new AppError('CANCELLED', 'Sync cancelled; the pages already fetched are kept.');
      try {
        const page = await this.client.queryCdr(
          { startTime: window.start ?? undefined, endTime: window.end ?? undefined, offset, numRecords },
          signal,
        );
        await this.saveDetectedApi();
        return page;
      } catch (error) {
        const failure = toAppError(error);
        if (!isTransient(failure) || attempt >= MAX_PAGE_ATTEMPTS || signal?.aborted) throw failure;
        await retryDelay(attempt);
      }
    }
  }

  private async saveDetectedApi(): Promise<void> {
    if (this.apiSaved) return;
    this.apiSaved = true;
    saveDetectedApi(this.store, this.profile, await this.client.api());
  }
}

/**
 * The names of the PBX's extensions into its phonebook (source api), where the PBX offers a list (the
 * UCM63xx listAccount) and the API user may read it. Best effort: a refusal or any other failure keeps
 * the names as they were and never fails the sync (only a cancel ends it). Read at most once per
 * EXTENSION_NAMES_EVERY_MS, failed or not, so a PBX that refuses is not asked at every sync.
 */
async function readExtensionNames(store: Store, profile: PbxProfile, client: PbxClient, options: SyncOptions): Promise<void> {
  const key = `contacts.extensions_read.${profile.id}`;
  const now = (options.now ?? (() => new Date()))().getTime();
  const last = Number(store.settings.get(key) ?? '0');
  if (Number.isFinite(last) && now - last >= 0 && now - last < EXTENSION_NAMES_EVERY_MS) return;
  try {
    const extensions = await client.listExtensions(options.signal);
    if (extensions !== null) {
      const named = extensions
        .filter((e) => e.fullname.trim() !== '' && contactNumber(e.extension) !== '')
        .map((e) => ({ number: e.extension, name: e.fullname }));
      store.contacts.setPbxNames(profile.id, named);
    }
  } catch (error) {
    if (toAppError(error).code === 'CANCELLED') throw error;
  }
  store.settings.set(key, String(now));
}

/**
 * Brings the cache up to date with one PBX. The first run reads all history month by month; later runs
 * read from the newest synced call minus a safety overlap. Every page is committed with the position
 * after it, so an interrupted run resumes where it stopped; the same call read twice is merged by the
 * store. Authentication, permission and certificate failures stop at once with nothing written.
 */
export async function syncPbx(store: Store, pbxId: number, password: string, options: SyncOptions = {}): Promise<SyncResult> {
  const profile = store.profiles.get(pbxId);
  if (!profile) throw new AppError('NOT_FOUND', `No PBX profile with id ${pbxId}.`, { pbx_id: pbxId });
  if (profile.kind !== 'pbx') {
    throw new AppError('BAD_INPUT', `"${profile.name}" holds imported files; only a PBX can be synced.`, { pbx_id: pbxId });
  }
  const at = (): string => (options.now ?? (() => new Date()))().toISOString();
  store.sync.setOutcome(pbxId, { state: 'running', at: at() });
  const client = createPbxClient(profile, password, options.client);
  try {
    const result = await new SyncRun(store, profile, client, options).run();
    await readExtensionNames(store, profile, client, options);
    store.sync.setOutcome(pbxId, { state: 'ok', error: null, at: at() });
    return result;
  } catch (error) {
    const failure = toAppError(error);
    const cancelled = failure.code === 'CANCELLED';
    store.sync.setOutcome(pbxId, { state: cancelled ? 'cancelled' : 'failed', error: cancelled ? null : failure.message, at: at() });
    throw cancelled ? new AppError('CANCELLED', 'Sync cancelled; the pages already fetched are kept.') : failure;
  } finally {
    client.close();
  }
}
