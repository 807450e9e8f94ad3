import { constants } from 'node:fs';
import { access, copyFile, mkdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { CallFilter, CallRow, RecordingsExportResult } from '../../preload/api.js';
import { AppError } from '../errors.js';
import type { PbxClientOptions } from '../pbx/client.js';
import type { Store } from '../store/types.js';
import { recordingGone } from '../pbx/failures.js';
import { RecordingCache, type CachedRecording } from './cache.js';
import { exportFileName } from './names.js';

export interface FetchRecordingOptions {
  signal?: AbortSignal;
  client?: PbxClientOptions;
  now?: () => Date;
}

export interface RecordingsExportProgress {
  stage: string;
  /** Calls handled, of `total`. */
  done: number;
  total: number | null;
  copied: number;
  skipped_existing: number;
  missing: number;
}

export interface ExportRecordingsOptions extends FetchRecordingOptions {
  onProgress?: (progress: RecordingsExportProgress) => void;
}

export interface RecordingSelection {
  callIds?: number[];
  filter?: CallFilter;
}

const PAGE_SIZE = 500;

function callOrThrow(store: Store, callId: number): CallRow {
  const call = store.calls.get(callId);
  if (!call) throw new AppError('NOT_FOUND', `No call with id ${callId} in the cache.`, { call_id: callId });
  return call;
}

/**
 * A recording of a call, from the cache or downloaded from its PBX (recapi of either generation).
 * Throws RECORDING_GONE when the PBX no longer has it; that answer is remembered.
 */
export async function fetchRecording(
  store: Store,
  dataDir: string,
  callId: number,
  path: string,
  password: string,
  options: FetchRecordingOptions = {},
): Promise<CachedRecording> {
  const call = callOrThrow(store, callId);
  if (!call.recordings.includes(path)) {
    throw new AppError('BAD_INPUT', `Call ${call.session} has no recording "${path}".`, { call_id: callId, path });
  }
  const cache = new RecordingCache(store, dataDir, password, options);
  try {
    const hit = await cache.cached(call, path);
    if (hit) return hit;
    const result = (await cache.fetch(call, [path])).get(path) ?? recordingGone([path]);
    if (result instanceof AppError) throw result;
    return result;
  } finally {
    cache.close();
  }
}

/** The calls a selection names, a page at a time so a filtered million stays in constant memory. */
async function* selectedCalls(store: Store, selection: RecordingSelection): AsyncGenerator<CallRow> {
  for (const id of selection.callIds ?? []) yield callOrThrow(store, id);
  if (!selection.filter) return;
  const filter: CallFilter = { ...selection.filter, has_recording: true };
  let cursor: string | null = null;
  do {
    const page = store.calls.page({ filter, sort: { field: 'start', dir: 'asc' }, limit: PAGE_SIZE, cursor });
    for (const row of page.rows) yield row;
    cursor = page.next_cursor;
  } while (cursor !== null);
}

async function exists(path: string): Promise<boolean> {
  try {
    await access(path, constants.F_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * Copies the recordings of some calls to `outDir` with readable names, skipping files already there.
 * Recordings not cached are downloaded when a password is given; with `password` null only cached
 * ones are copied and the others counted as missing, as are recordings the PBX no longer has.
 */
export async function exportRecordings(
  store: Store,
  dataDir: string,
  selection: RecordingSelection,
  outDir: string,
  password: string | null,
  options: ExportRecordingsOptions = {},
): Promise<RecordingsExportResult> {
  if (!selection.callIds?.length && !selection.filter) {
    throw new AppError('BAD_INPUT', 'Choose a call or a filter whose recordings should be exported.');
  }
  await mkdir(outDir, { recursive: true });
  if (!(await stat(outDir)).isDirectory()) {
    throw new AppError('BAD_INPUT', `"${outDir}" is not a folder: choose a folder for the recordings.`, { out: outDir });
  }
  const total = (selection.callIds?.length ?? 0) + (selection.filter ? store.calls.totals({ ...selection.filter, has_recording: true }).count : 0);
  const result: RecordingsExportResult = { copied: 0, skipped_existing: 0, missing: 0 };
  const cache = new RecordingCache(store, dataDir, password, options);
  let done = 0;
  try {
    for await (const call of selectedCalls(store, selection)) {
      if (options.signal?.aborted) throw new AppError('CANCELLED', 'Export cancelled; the files already copied are kept.');
      await exportCall(cache, call, outDir, password !== null, result);
      done += 1;
      options.onProgress?.({ stage: `Call ${done} of ${total}: ${call.session}`, done, total, ...result });
    }
  } finally {
    cache.close();
  }
  return result;
}

async function exportCall(
  cache: RecordingCache,
  call: CallRow,
  outDir: string,
  canFetch: boolean,
  result: RecordingsExportResult,
): Promise<void> {
  const sources = new Map<string, string>();
  const toFetch: string[] = [];
  const targets = call.recordings.map((path, index) => ({ path, target: join(outDir, exportFileName(call, index)) }));
  for (const { path, target } of targets) {
    if (await exists(target)) continue;
    let hit: CachedRecording | null;
    try {
      hit = await cache.cached(call, path);
    } catch (error) {
      if (error instanceof AppError && error.code === 'RECORDING_GONE') continue;
      throw error;
    }
    if (hit) sources.set(path, hit.local_path);
    else if (canFetch) toFetch.push(path);
  }
  if (toFetch.length > 0) {
    for (const [path, fetched] of await fetchForExport(cache, call, toFetch)) {
      if (!(fetched instanceof AppError)) sources.set(path, fetched.local_path);
    }
  }
  for (const { path, target } of targets) {
    const source = sources.get(path);
    if (!source) {
      if (await exists(target)) result.skipped_existing += 1;
      else result.missing += 1;
      continue;
    }
    try {
      await copyFile(source, target, constants.COPYFILE_EXCL);
      result.copied += 1;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      result.skipped_existing += 1;
    }
  }
}

/** Downloads for an export; a call whose source is no PBX (imported files) simply has nothing to fetch. */
async function fetchForExport(cache: RecordingCache, call: CallRow, paths: string[]): Promise<Map<string, CachedRecording | AppError>> {
  try {
    return await cache.fetch(call, paths);
  } catch (error) {
    if (error instanceof AppError && error.code === 'NOT_FOUND') return new Map();
    throw error;
  }
}
