import { AppError } from '../errors.js';
import { csvChunks } from './csv-stream.js';
import { decodeAll, detectEncoding, DETECTION_BYTES, type TextEncodingName } from './encoding.js';
import { mapHeader, planColumns, type HeaderMapping } from './header-map.js';
import { sniffBytes, sniffText } from './sniff.js';
import { fileSource, isZipHead, readHead, zipEntries, type ByteSource } from './sources.js';

export interface DetectedFile {
  /** `calls.csv`, or `archive.zip:inner.csv` for a file inside an archive. */
  name: string;
  /** cdrapi-json, cdrapi-xml, cdrapi-csv, ucm-csv (human headers: UCM page or GDMS), or not-cdr. */
  format: 'cdrapi-json' | 'cdrapi-xml' | 'cdrapi-csv' | 'ucm-csv' | 'not-cdr';
  encoding: TextEncodingName | null;
  /** CSV separator. */
  delimiter: string | null;
  /** CSV header, as written. */
  headers: string[];
  /** CSV header mapped to cdrapi fields: the UI's column-mapping step starts from it. */
  header: HeaderMapping | null;
  /** Why the file is not CDR data (format = not-cdr). */
  reason: string | null;
}

export interface DetectedFormat {
  /** `zip` for an archive (its files in `files`), else `file` with exactly one entry in `files`. */
  container: 'file' | 'zip';
  files: DetectedFile[];
}

async function csvHeader(source: ByteSource, encoding: TextEncodingName, delimiter: string): Promise<string[]> {
  for await (const { records } of csvChunks(source, encoding, delimiter)) {
    const fields = records[0]?.fields;
    if (fields) return fields.map((field) => field.trim());
  }
  return [];
}

async function detectSource(source: ByteSource, head: Buffer): Promise<DetectedFile> {
  const base = { name: source.label, encoding: null, delimiter: null, headers: [], header: null };
  if (isZipHead(head)) return { ...base, format: 'not-cdr', reason: 'a zip archive inside an archive' };
  const binary = sniffBytes(head);
  if (binary) return { ...base, format: 'not-cdr', reason: binary.why };
  const encoding = detectEncoding(head);
  const sniffed = sniffText(decodeAll(head, encoding));
  if (sniffed.kind === 'not-cdr') return { ...base, encoding, format: 'not-cdr', reason: sniffed.why };
  if (sniffed.kind !== 'csv') return { ...base, encoding, format: `cdrapi-${sniffed.kind}`, reason: null };
  const headers = await csvHeader(source, encoding, sniffed.delimiter);
  const header = mapHeader(headers);
  const format = planColumns(headers).cdrapiNames ? 'cdrapi-csv' : 'ucm-csv';
  return { ...base, encoding, delimiter: sniffed.delimiter, headers, header, format, reason: null };
}

/**
 * What a file holds, from its content: for the UI to show before importing and to offer the
 * column-mapping step when `header.confident` is false. Reads only the head of each file.
 */
export async function detectFormat(path: string): Promise<DetectedFormat> {
  if (typeof path !== 'string' || path.trim() === '') throw new AppError('BAD_INPUT', 'Give the path of a file to inspect.');
  const source = await fileSource(path);
  const head = await readHead(source, DETECTION_BYTES);
  if (!isZipHead(head)) return { container: 'file', files: [await detectSource(source, head)] };
  const files: DetectedFile[] = [];
  for await (const entry of zipEntries(path)) files.push(await detectSource(entry, await readHead(entry, DETECTION_BYTES)));
  return { container: 'zip', files };
}
