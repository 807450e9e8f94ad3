import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import tar from 'tar-stream';
import { AppError } from '../errors.js';
import type { PbxStreamResponse } from './http.js';
import { encodeQueryValue } from './query.js';
import { readAll } from './streams.js';

/** A file recapi delivered: its name as the PBX wrote it (never used as a local path) and its bytes. */
export interface RecordingFile {
  name: string;
  data: Buffer;
}

/** One WAV when one file matched; a tar's files when several did. */
export interface RecordingPayload {
  container: 'wav' | 'tar';
  files: RecordingFile[];
}

/** The directory recordings live in on the PBX (the guide's default). */
export const RECORDINGS_FILEDIR = 'monitor';
const MAX_NAME_LENGTH = 256;

/**
 * Checks the names of `recordfiles` entries before asking for them: the PBX silently skips names with
 * spaces or '..' and truncates long ones, so such a request could never succeed.
 */
export function checkRecordingPaths(paths: string[]): void {
  if (paths.length === 0) throw new AppError('BAD_INPUT', 'No recording was named.');
  for (const path of paths) {
    const why =
      path === ''
        ? 'it is empty'
        : path.length > MAX_NAME_LENGTH
          ? `it is longer than ${MAX_NAME_LENGTH} characters`
          : /\s/.test(path)
            ? 'it contains white space'
            : path.split('/').includes('..') || path.includes('..')
              ? "it contains '..'"
              : path.startsWith('/') || /^[A-Za-z]:/.test(path)
                ? 'it is an absolute path'
                : path.includes('@')
                  ? "it contains '@', which separates names"
                  : /\p{Cc}/u.test(path)
                    ? 'it contains control characters'
                    : null;
    if (why) {
      throw new AppError('BAD_INPUT', `The recording name "${path}" cannot be requested from the PBX: ${why}.`, { path });
    }
  }
}

/** The recapi `filename` value: each name URL-encoded ('#' -> %23, '/' -> %2F), joined by '@'. */
export function recapiFilename(paths: string[]): string {
  return paths.map((path) => encodeURIComponent(path)).join('@');
}

/** The legacy recapi query string. */
export function recapiQuery(paths: string[]): string {
  return `filedir=${encodeQueryValue(RECORDINGS_FILEDIR)}&filename=${recapiFilename(paths)}`;
}

/** Whether bytes start with a RIFF/WAVE header. */
export function isWav(head: Buffer): boolean {
  return head.length >= 12 && head.toString('latin1', 0, 4) === 'RIFF' && head.toString('latin1', 8, 12) === 'WAVE';
}

function isTar(head: Buffer): boolean {
  return head.length >= 262 && head.toString('latin1', 257, 262) === 'ustar';
}

async function untar(body: Readable): Promise<RecordingFile[]> {
  const files: RecordingFile[] = [];
  const extract = tar.extract();
  const collect = (async () => {
    for await (const entry of extract) {
      const chunks: Buffer[] = [];
      for await (const chunk of entry) chunks.push(chunk as Buffer);
      if (entry.header.type === 'file' || entry.header.type === 'contiguous-file') {
        files.push({ name: entry.header.name, data: Buffer.concat(chunks) });
      }
    }
  })();
  await Promise.all([pipeline(body, extract), collect]);
  return files;
}

/**
 * Reads a recapi answer: a WAV, a tar (stream-parsed), or something else (`other`: the caller
 * decides, e.g. a UCM63xx JSON status). The content type decides first; the bytes when it is vague.
 */
export async function readRecordingBody(response: PbxStreamResponse): Promise<RecordingPayload | { other: Buffer; type: string }> {
  const type = (response.header('content-type') ?? '').toLowerCase();
  if (type.includes('tar')) return { container: 'tar', files: await untar(response.body) };
  const body = await readAll(response.body);
  // Announced audio is handed on as is: the recordings cache checks the RIFF/WAVE header itself.
  if (isWav(body) || type.startsWith('audio/')) return { container: 'wav', files: [{ name: '', data: body }] };
  if (isTar(body)) return { container: 'tar', files: await untar(Readable.from([body])) };
  return { other: body, type };
}
