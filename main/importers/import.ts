import type { ImportResult } from '../../preload/api.js';
import { defaultTimeZone } from '../cdr/time.js';
import { AppError, toAppError, toErrorPayload } from '../errors.js';
import type { Store } from '../store/types.js';
import type { ImportTarget } from './batch-writer.js';
import { importCsvSource } from './csv-import.js';
import { cancelled } from './csv-stream.js';
import { importDocument } from './document-import.js';
import { decodeAll, detectEncoding, DETECTION_BYTES } from './encoding.js';
import { validateUserMapping } from './header-map.js';
import type { ImportProgress } from './progress-meter.js';
import { RejectReport } from './reject-report.js';
import { emptyOutcome, ImportRun, type FileOutcome } from './run.js';
import { sniffBytes, sniffText } from './sniff.js';
import { fileSource, isZipHead, readHead, zipEntries, type ByteSource } from './sources.js';

export interface ImportOptions {
  /** Profile the calls belong to; absent = the "Imported" source. */
  pbx?: string;
  /** Order of slashed dates like 03/04/2021; auto = decided from the file's values. */
  dateOrder?: 'auto' | 'mdy' | 'dmy';
  /** Header text -> cdrapi field ('' = keep the column as is), for files whose header was refused. */
  mapping?: Record<string, string>;
  /** Where to write the rejected rows as CSV (file,line,reason,raw). */
  reportPath?: string;
  signal?: AbortSignal;
  onProgress?: (progress: ImportProgress) => void;
}

const DATE_ORDERS = ['auto', 'mdy', 'dmy'] as const;

/** Marks a refusal that says "this is not CDR data" (as opposed to "map the columns"). */
function notCdr(label: string, why: string): AppError {
  return new AppError('BAD_FILE', `${label} is not CDR data: ${why}. Nothing was imported from it.`, { file: label, not_cdr: true, why });
}

function validateOptions(paths: unknown, options: ImportOptions): void {
  if (!Array.isArray(paths) || paths.length === 0 || paths.some((p) => typeof p !== 'string' || p.trim() === '')) {
    throw new AppError('BAD_INPUT', 'Give one or more files to import (non-empty paths).', { paths: String(paths) });
  }
  if (options.dateOrder !== undefined && !DATE_ORDERS.includes(options.dateOrder)) {
    throw new AppError('BAD_INPUT', `Unknown date order "${String(options.dateOrder)}": use auto, mdy or dmy.`, { value: options.dateOrder });
  }
  if (options.pbx !== undefined && (typeof options.pbx !== 'string' || options.pbx.trim() === '')) {
    throw new AppError('BAD_INPUT', 'The PBX name must be a non-empty profile name.', { value: String(options.pbx) });
  }
}

function resolveTarget(store: Store, pbx: string | undefined): ImportTarget {
  if (pbx !== undefined) {
    const profile = store.profiles.getByName(pbx);
    if (!profile) {
      throw new AppError('BAD_INPUT', `There is no PBX profile named "${pbx}". Add it first, or import without a PBX to use the "Imported" source.`, { pbx });
    }
    return { store, pbxId: () => profile.id, clock: () => ({ tz: profile.tz, model: profile.model }) };
  }
  let id: number | null = null;
  return {
    store,
    pbxId: () => {
      id ??= store.profiles.importSource().id;
      return id;
    },
    clock: () => {
      // Before the first write the source may not exist yet; importSource() will create it with this zone.
      const existing = store.profiles.findImportSource();
      return existing === null ? { tz: defaultTimeZone(), model: '' } : { tz: existing.tz, model: existing.model };
    },
  };
}

/** Imports one source whose format is recognised from its content. Refusals become the outcome's error. */
async function importSource(run: ImportRun, target: ImportTarget, source: ByteSource, head: Buffer): Promise<FileOutcome> {
  const outcome = emptyOutcome(source.label);
  try {
    if (isZipHead(head)) throw notCdr(source.label, 'it is a zip archive inside an archive (unpack it first)');
    const binary = sniffBytes(head);
    if (binary) throw notCdr(source.label, binary.why);
    const encoding = detectEncoding(head);
    const sniffed = sniffText(decodeAll(head, encoding));
    switch (sniffed.kind) {
      case 'not-cdr':
        throw notCdr(source.label, sniffed.why);
      case 'json':
      case 'xml':
        outcome.format = `cdrapi-${sniffed.kind}`;
        await importDocument(run, target, source, encoding, outcome);
        break;
      case 'csv':
        await importCsvSource(run, target, source, encoding, sniffed.delimiter, outcome);
        break;
    }
  } catch (error) {
    const appError = toAppError(error);
    if (appError.code === 'CANCELLED') throw appError;
    outcome.error = toErrorPayload(appError);
  }
  return outcome;
}

function isNotCdr(outcome: FileOutcome): boolean {
  return outcome.error?.details?.not_cdr === true;
}

/** A zip: each file inside is imported on its own; an archive holding no CDR file at all is one refusal. */
async function importZip(run: ImportRun, target: ImportTarget, path: string, label: string): Promise<FileOutcome[]> {
  const outcomes: FileOutcome[] = [];
  for await (const entry of zipEntries(path)) {
    if (run.signal?.aborted) throw cancelled();
    outcomes.push(await importSource(run, target, entry, await readHead(entry, DETECTION_BYTES)));
  }
  if (outcomes.every(isNotCdr)) {
    const outcome = emptyOutcome(label);
    outcome.format = 'zip';
    const inside = outcomes.map((o) => `${o.file.slice(label.length + 1)}: ${String(o.error?.details?.why ?? o.error?.message)}`);
    outcome.error = toErrorPayload(
      notCdr(label, inside.length === 0 ? 'the archive holds no files' : `the archive holds no CDR file: ${inside.join('; ')}`),
    );
    return [outcome];
  }
  for (const outcome of outcomes) outcome.format = `zip/${outcome.format}`;
  return outcomes;
}

async function importPath(run: ImportRun, target: ImportTarget, path: string): Promise<FileOutcome[]> {
  let source: ByteSource;
  let head: Buffer;
  try {
    source = await fileSource(path);
    head = await readHead(source, DETECTION_BYTES);
  } catch (error) {
    const outcome = emptyOutcome(path);
    outcome.error = toErrorPayload(error);
    return [outcome];
  }
  if (!isZipHead(head)) return [await importSource(run, target, source, head)];
  try {
    return await importZip(run, target, path, source.label);
  } catch (error) {
    const appError = toAppError(error);
    if (appError.code === 'CANCELLED') throw appError;
    const outcome = emptyOutcome(source.label);
    outcome.format = 'zip';
    outcome.error = toErrorPayload(appError);
    return [outcome];
  }
}

/**
 * Imports CDR files of any supported kind (recognised from the content): cdrapi JSON/XML/CSV, UCM CDR
 * page exports, GDMS cloud CSV files and .zip archives of them. Calls go to the profile named `pbx`, or
 * to the "Imported" source, merged by session (re-importing changes nothing). Refused files write
 * nothing and are reported in their result's `error`; cancelling keeps the batches already committed.
 */
export async function importFiles(store: Store, paths: string[], options: ImportOptions = {}): Promise<ImportResult> {
  validateOptions(paths, options);
  const userMapping = validateUserMapping(options.mapping);
  const target = resolveTarget(store, options.pbx);
  const report = options.reportPath === undefined ? null : await RejectReport.open(options.reportPath);
  const run = new ImportRun(options.dateOrder ?? 'auto', userMapping, options.signal, report, options.onProgress);
  const files: FileOutcome[] = [];
  let completed = false;
  try {
    for (const path of paths) {
      if (options.signal?.aborted) throw cancelled();
      files.push(...(await importPath(run, target, path)));
    }
    completed = true;
  } finally {
    run.finish(completed);
    await report?.close();
  }
  return { files };
}
