import { statSync } from 'node:fs';
import { extname, isAbsolute, relative, resolve } from 'node:path';
import { AppError } from '../errors.js';
import { recordingsDir } from '../paths.js';
import type { Store } from '../store/types.js';

export interface CachedRecordingFile {
  path: string;
  size: number;
  contentType: string;
}

const CONTENT_TYPES: Record<string, string> = {
  '.wav': 'audio/wav',
  '.mp3': 'audio/mpeg',
  '.ogg': 'audio/ogg',
  '.gsm': 'audio/x-gsm',
};

/**
 * The cached file of a call's index-th recording, for the players of both shells. Only files under
 * the recordings folder are served, whatever the cache says (defence against a tampered cache).
 */
export function cachedRecordingFile(store: Store, dataDir: string, callId: number, index: number): CachedRecordingFile {
  const call = store.calls.get(callId);
  const recording = call?.recordings[index];
  if (!call || recording === undefined) {
    throw new AppError('NOT_FOUND', `Call ${callId} has no recording number ${index + 1}.`, { call_id: callId, index });
  }
  const status = store.recordings.get(callId, recording);
  if (!status || status.state !== 'cached' || !status.local_path) {
    throw new AppError('NOT_FOUND', `The recording ${recording} is not downloaded yet: press play to fetch it.`, {
      call_id: callId,
    });
  }
  const root = resolve(recordingsDir(dataDir));
  const path = resolve(root, status.local_path);
  const rel = relative(root, path);
  if (rel === '' || rel.startsWith('..') || isAbsolute(rel)) {
    throw new AppError('NOT_FOUND', `The recording ${recording} is not in the recordings folder.`, { call_id: callId });
  }
  let size: number;
  try {
    size = statSync(path).size;
  } catch {
    throw new AppError('NOT_FOUND', `The downloaded file of ${recording} is missing: press play to fetch it again.`, {
      call_id: callId,
    });
  }
  return { path, size, contentType: CONTENT_TYPES[extname(path).toLowerCase()] ?? 'application/octet-stream' };
}

/** Inclusive byte positions. */
export interface ByteRange {
  start: number;
  end: number;
}

/**
 * One `bytes=` range of a Range header against a file of `size` bytes. null = serve the whole file
 * (no header, several ranges, or a form we do not support, which RFC 9110 allows us to ignore);
 * 'unsatisfiable' = answer 416.
 */
export function parseRange(header: string | null | undefined, size: number): ByteRange | 'unsatisfiable' | null {
  if (!header) return null;
  const m = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!m || (m[1] === '' && m[2] === '')) return null;
  if (m[1] === '') {
    const suffix = Number(m[2]);
    if (suffix === 0 || size === 0) return 'unsatisfiable';
    return { start: Math.max(0, size - suffix), end: size - 1 };
  }
  const start = Number(m[1]);
  const end = m[2] === '' ? size - 1 : Math.min(Number(m[2]), size - 1);
  if (start >= size || end < start) return 'unsatisfiable';
  return { start, end };
}
