import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pack } from 'tar-stream';
import type { CdrCall } from '../cdr/types.js';
import { CONFERENCE } from './office.js';
import { wavFor } from './wav.js';

export const DEFAULT_FILEDIR = 'monitor';
const MAX_NAME_LENGTH = 256;

/** What a recapi request is answered with. */
export type RecapiAnswer =
  | { kind: 'listing'; csv: string }
  | { kind: 'wav'; name: string; body: Buffer }
  | { kind: 'tar'; name: string; body: Buffer }
  | { kind: 'not-found' };

const DISK_SCAN_LIMIT = 10_000;

/**
 * The spool directories recapi serves and the files in them: every recording named in a record's
 * recordfiles (in `monitor`), a MeetMe recording of each long conference call (in `meetme`), and
 * real files from a folder laid out like the spool. A generated file has no disk path.
 */
export class RecordingCatalog {
  private readonly dirs = new Map<string, Map<string, string | null>>([
    ['monitor', new Map()],
    ['meetme', new Map()],
    ['voicemail/default', new Map()],
  ]);

  add(calls: Iterable<CdrCall>): void {
    const monitor = this.dirs.get('monitor') as Map<string, string | null>;
    const meetme = this.dirs.get('meetme') as Map<string, string | null>;
    for (const call of calls) {
      for (const leg of call.legs) {
        const files = leg.recordfiles ?? '';
        if (files !== '') {
          for (const file of files.split('@')) if (file !== '' && !monitor.has(file)) monitor.set(file, null);
        }
        const conferenceFile = `meetme-conf-rec-${CONFERENCE}-${leg.uniqueid ?? ''}-0.wav`;
        if (leg.action_type === `CONFERENCE[${CONFERENCE}]` && Number(leg.billsec) >= 120 && !meetme.has(conferenceFile)) {
          meetme.set(conferenceFile, null);
        }
      }
    }
  }

  /**
   * Registers the files under `root/<spool dir>/` and one level of subfolders (the month folders),
   * as names relative to the spool directory.
   */
  async addFolder(root: string): Promise<void> {
    let seen = 0;
    for (const [dir, files] of this.dirs) {
      const queue: string[] = [''];
      while (queue.length > 0 && seen < DISK_SCAN_LIMIT) {
        const relative = queue.shift() as string;
        let entries;
        try {
          entries = await readdir(join(root, dir, relative), { withFileTypes: true });
        } catch (error) {
          if ((error as NodeJS.ErrnoException).code === 'ENOENT') continue;
          throw error;
        }
        for (const entry of entries) {
          const name = relative === '' ? entry.name : `${relative}/${entry.name}`;
          if (entry.isDirectory() && relative === '') queue.push(name);
          else if (entry.isFile() && seen++ < DISK_SCAN_LIMIT) files.set(name, join(root, dir, name));
        }
      }
    }
  }

  has(dir: string, name: string): boolean {
    return this.dirs.get(dir)?.has(name) ?? false;
  }

  /** The bytes of a file the catalog holds. */
  async read(dir: string, name: string): Promise<Buffer> {
    const path = this.dirs.get(dir)?.get(name);
    return path ? readFile(path) : wavFor(name);
  }

  directories(): string[] {
    return [...this.dirs.keys()];
  }

  files(dir: string): string[] | undefined {
    const files = this.dirs.get(dir);
    return files ? [...files.keys()] : undefined;
  }
}

function csvField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

async function tarOf(catalog: RecordingCatalog, dir: string, files: readonly string[]): Promise<Buffer> {
  const archive = pack();
  const chunks: Buffer[] = [];
  archive.on('data', (chunk: unknown) => chunks.push(chunk as Buffer));
  const done = new Promise<void>((resolve, reject) => {
    archive.on('end', resolve);
    archive.on('error', reject);
  });
  for (const file of files) archive.entry({ name: file }, await catalog.read(dir, file));
  archive.finalize();
  await done;
  return Buffer.concat(chunks);
}

/**
 * recapi under the guide's rules: no parameter lists the directories, `filedir` alone lists their
 * files ('@'-separated directories), `filename` ('@'-separated, default directory `monitor`) returns
 * the one WAV or a `[timestamp].tar` of several. Repeated, empty or unknown parameters and requests
 * that match nothing are 404; names with a space or '..' are skipped, names over 256 characters cut.
 */
export async function answerRecapi(
  catalog: RecordingCatalog,
  entries: readonly (readonly [string, string])[],
  nowMs: number,
): Promise<RecapiAnswer> {
  const values = new Map<string, string>();
  for (const [rawName, value] of entries) {
    const name = rawName.toLowerCase();
    if ((name !== 'filedir' && name !== 'filename') || values.has(name) || value === '') return { kind: 'not-found' };
    values.set(name, value);
  }
  const filedir = values.get('filedir');
  const filename = values.get('filename');
  if (filedir === undefined && filename === undefined) {
    return { kind: 'listing', csv: ['filedir', ...catalog.directories()].map(csvField).join('\r\n') + '\r\n' };
  }
  if (filename === undefined) {
    const rows = ['filedir,filename'];
    let known = false;
    for (const dir of (filedir as string).split('@')) {
      const files = dir === '' ? undefined : catalog.files(dir);
      if (!files) continue;
      known = true;
      for (const file of files) rows.push(`${csvField(dir)},${csvField(file)}`);
    }
    return known ? { kind: 'listing', csv: `${rows.join('\r\n')}\r\n` } : { kind: 'not-found' };
  }
  const dir = filedir ?? DEFAULT_FILEDIR;
  const matches: string[] = [];
  for (const raw of filename.split('@')) {
    const name = raw.slice(0, MAX_NAME_LENGTH);
    if (name === '' || name.includes(' ') || name.includes('..')) continue;
    if (catalog.has(dir, name) && !matches.includes(name)) matches.push(name);
  }
  if (matches.length === 0) return { kind: 'not-found' };
  if (matches.length === 1) {
    const name = matches[0] as string;
    return { kind: 'wav', name: name.slice(name.lastIndexOf('/') + 1), body: await catalog.read(dir, name) };
  }
  return { kind: 'tar', name: `${Math.floor(nowMs / 1000)}.tar`, body: await tarOf(catalog, dir, matches) };
}
