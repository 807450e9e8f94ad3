import { createHash } from 'node:crypto';
import { posix } from 'node:path';
import type { CallRow } from '../../preload/api.js';

const MAX_STEM = 100;
const WINDOWS_RESERVED = /^(con|prn|aux|nul|com\d|lpt\d)$/i;

function shortHash(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex').slice(0, 10);
}

function sanitize(text: string): string {
  return text.replace(/[^A-Za-z0-9._#+-]/g, '_').replace(/^[.]+/, '_');
}

/**
 * The file name a recording is cached under: the PBX's path flattened into one safe name (no
 * separators, no '..', no drive letters, no reserved device names, bounded length). When anything
 * had to change, a hash of the original path keeps different recordings apart.
 */
export function cacheFileName(path: string): string {
  const flat = path.replace(/\\/g, '/').split('/').filter(Boolean).join('_');
  const withoutExt = flat.replace(/\.wav$/i, '');
  let stem = sanitize(withoutExt);
  const altered = stem !== withoutExt || stem.length > MAX_STEM || WINDOWS_RESERVED.test(stem) || stem === '';
  if (altered) stem = `${stem.slice(0, MAX_STEM)}-${shortHash(path)}`;
  return `${stem}.wav`;
}

function part(text: string, max: number, fallback: string): string {
  const clean = text.replace(/[^A-Za-z0-9+#*.-]/g, '_').replace(/^[.]+/, '').slice(0, max);
  return clean === '' ? fallback : clean;
}

/**
 * A readable export name: `2024-03-01_0802_1001-to-2001_<session>.wav`, then `-2`, `-3` for a call's
 * further recordings.
 */
export function exportFileName(call: Pick<CallRow, 'start' | 'src' | 'dst' | 'session'>, index: number): string {
  const date = /^\d{4}-\d{2}-\d{2}/.test(call.start) ? call.start.slice(0, 10) : 'unknown-date';
  const time = /^\d{2}:\d{2}/.test(call.start.slice(11, 16)) ? call.start.slice(11, 16).replace(':', '') : '0000';
  const stem = `${date}_${time}_${part(call.src, 40, 'unknown')}-to-${part(call.dst, 40, 'unknown')}_${part(call.session, 80, 'call')}`;
  return `${stem}${index > 0 ? `-${index + 1}` : ''}.wav`;
}

/** Whether a file a recapi tar carried is the recording asked for (tars may add or drop folders). */
export function sameRecording(entryName: string, requested: string): boolean {
  const entry = entryName.replace(/\\/g, '/').replace(/^\.\//, '');
  return entry === requested || entry.endsWith(`/${requested}`) || posix.basename(entry) === posix.basename(requested);
}
