import { AppError } from '../errors.js';
import { CallCollector, type ParseProblem, type RawEntry } from './assemble.js';
import { canonicalFieldName } from './fields.js';
import { RecordShapes } from './record-shape.js';
import type { CdrCall, CdrRecord } from './types.js';

/**
 * cdrapi JSON: `{"cdr_root": [...]}` where an entry is either one flat record (fields at the top level
 * next to the `cdr` key) or `main_cdr` plus `sub_cdr_1..N`. Values are kept as the strings they
 * denote, whatever JSON type carried them.
 */

const SUB_KEY = /^sub_cdr_(\d+)$/;

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function text(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value === null || value === undefined) return '';
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

const shapes = new RecordShapes();

function toRecord(source: Record<string, unknown>, skip?: (key: string) => boolean): CdrRecord {
  const keys: string[] = [];
  const names: string[] = [];
  for (const key in source) {
    if (skip?.(key)) continue;
    keys.push(key);
    names.push(canonicalFieldName(key));
  }
  const record = shapes.blank(names);
  for (let i = 0; i < keys.length; i++) record[names[i] as string] = text(source[keys[i] as string]);
  return record;
}

function isEnvelopeKey(key: string): boolean {
  return key === 'cdr' || key === 'main_cdr' || SUB_KEY.test(key);
}

function toEntry(value: unknown, position: string, problems: ParseProblem[]): RawEntry | null {
  if (!isObject(value)) {
    problems.push({ position, reason: `the entry is ${Array.isArray(value) ? 'an array' : typeof value}, not an object` });
    return null;
  }
  const key = text(value['cdr']);
  const subKeys: { name: string; n: number }[] = [];
  for (const name in value) {
    if (!name.startsWith('sub_cdr_')) continue;
    const match = SUB_KEY.exec(name);
    if (match) subKeys.push({ name, n: Number(match[1]) });
  }
  if (!('main_cdr' in value) && subKeys.length === 0) {
    return { key, main: null, legs: [toRecord(value, (name) => name === 'cdr')], position };
  }
  subKeys.sort((a, b) => a.n - b.n);
  const rawMain = value['main_cdr'] ?? {};
  if (!isObject(rawMain)) {
    problems.push({ position, reason: 'main_cdr is not an object' });
    return null;
  }
  const legs: CdrRecord[] = [];
  for (const sub of subKeys) {
    const leg = value[sub.name];
    if (!isObject(leg)) {
      problems.push({ position: `${position}.${sub.name}`, reason: `${sub.name} is not an object` });
      continue;
    }
    legs.push(toRecord(leg));
  }
  const main = toRecord(rawMain);
  // Anything else next to the envelope keys still came from the PBX: keep it with the summary.
  for (const name in value) {
    if (!isEnvelopeKey(name) && !(canonicalFieldName(name) in main)) main[canonicalFieldName(name)] = text(value[name]);
  }
  return { key, main, legs, position };
}

function notCdr(reason: string): AppError {
  return new AppError('BAD_FILE', `This is not cdrapi JSON: ${reason}. Expected {"cdr_root": [...]}.`);
}

/** Parses a cdrapi JSON response. Throws AppError('BAD_FILE') when the text is not one. */
export function parseCdrJson(body: string): { calls: CdrCall[]; problems: ParseProblem[] } {
  let document: unknown;
  try {
    document = JSON.parse(body);
  } catch (error) {
    throw notCdr(`it is not valid JSON (${error instanceof Error ? error.message : String(error)})`);
  }
  if (!isObject(document) || !('cdr_root' in document)) throw notCdr('it has no "cdr_root" member');
  const root = document['cdr_root'];
  if (!Array.isArray(root)) throw notCdr('"cdr_root" is not an array');
  const collector = new CallCollector();
  root.forEach((value, index) => {
    const entry = toEntry(value, `cdr_root[${index}]`, collector.problems);
    if (entry) collector.add(entry);
  });
  return { calls: collector.result(), problems: collector.problems };
}
