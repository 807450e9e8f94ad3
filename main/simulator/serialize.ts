import type { CdrCall, CdrRecord } from '../cdr/types.js';
import { fieldsOf, type Flavour } from './fields.js';
import { stableHash } from './random.js';

export type CdrFormat = 'json' | 'xml' | 'csv';

/**
 * The JSON `cdr` key of a call. Legacy firmware puts the session there; UCM63xx firmware often sends
 * it empty (a real capture has nothing else), leaving the identity to the `session` field. Which calls
 * get the empty key is fixed by the session so every response says the same.
 */
function cdrKey(call: CdrCall, flavour: Flavour): string {
  if (flavour === 'ucm63xx' && stableHash(call.session) % 2 === 1) return '';
  return call.session;
}

function isFlat(call: CdrCall): boolean {
  return call.legs.length === 1;
}

function project(record: CdrRecord, fields: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const field of fields) out[field] = record[field] ?? '';
  return out;
}

/** True when a record has exactly these fields in this order, as generated records do. */
function hasFields(record: CdrRecord, fields: readonly string[]): boolean {
  let i = 0;
  for (const key in record) {
    if (key !== fields[i]) return false;
    i++;
  }
  return i === fields.length;
}

function recordJson(record: CdrRecord, fields: readonly string[]): string {
  return JSON.stringify(hasFields(record, fields) ? record : project(record, fields));
}

/**
 * One `cdr_root` entry as JSON text: a flat call as one object led by its `cdr` key, others as
 * `main_cdr` + `sub_cdr_1..N`. Written by concatenating whole-record JSON, which is several times
 * cheaper than building a new object per entry for a million-call sync.
 */
function entryJson(call: CdrCall, flavour: Flavour, fields: readonly string[]): string {
  const cdr = JSON.stringify(cdrKey(call, flavour));
  if (isFlat(call)) return `{"cdr":${cdr},${recordJson(call.legs[0]!, fields).slice(1)}`;
  let text = `{"cdr":${cdr},"main_cdr":${recordJson(call.main, fields)}`;
  for (let i = 0; i < call.legs.length; i++) text += `,"sub_cdr_${i + 1}":${recordJson(call.legs[i]!, fields)}`;
  return `${text}}`;
}

/**
 * The JSON body of a cdrapi answer: `{"cdr_root":[...]}`, with `"status":0` after the records when
 * answering through the UCM63xx /api.
 */
export function cdrRootJson(calls: readonly CdrCall[], flavour: Flavour, withStatus = false): string {
  const fields = fieldsOf(flavour);
  const entries = calls.map((call) => entryJson(call, flavour, fields));
  return `{"cdr_root":[${entries.join(',')}]${withStatus ? ',"status":0' : ''}}`;
}

const XML_SPECIAL = /[&<>"]/;

function escapeXml(text: string): string {
  if (!XML_SPECIAL.test(text)) return text;
  return text.replace(/[&<>"]/g, (c) => (c === '&' ? '&amp;' : c === '<' ? '&lt;' : c === '>' ? '&gt;' : '&quot;'));
}

interface XmlTags {
  fields: readonly string[];
  open: string[];
  close: string[];
  empty: string[];
}

const xmlTagCache = new Map<readonly string[], XmlTags>();

function xmlTags(fields: readonly string[]): XmlTags {
  let tags = xmlTagCache.get(fields);
  if (!tags) {
    tags = {
      fields,
      open: fields.map((f) => `\n<${f}>`),
      close: fields.map((f) => `</${f}>`),
      empty: fields.map((f) => `\n<${f}/>`),
    };
    xmlTagCache.set(fields, tags);
  }
  return tags;
}

function xmlFields(record: CdrRecord, tags: XmlTags): string {
  let text = '';
  for (let i = 0; i < tags.fields.length; i++) {
    const value = record[tags.fields[i]!] ?? '';
    text += value === '' ? tags.empty[i] : tags.open[i] + escapeXml(value) + tags.close[i];
  }
  return text;
}

function toXml(calls: readonly CdrCall[], flavour: Flavour): string {
  const tags = xmlTags(fieldsOf(flavour));
  const out: string[] = ['<root>'];
  for (const call of calls) {
    let text = `<cdr session="${escapeXml(call.session)}">`;
    if (isFlat(call)) {
      text += xmlFields(call.legs[0]!, tags);
    } else {
      text += `\n<main_cdr>${xmlFields(call.main, tags)}\n</main_cdr>`;
      for (const leg of call.legs) text += `\n<sub_cdr>${xmlFields(leg, tags)}\n</sub_cdr>`;
    }
    out.push(`${text}\n</cdr>`);
  }
  out.push('</root>', '');
  return out.join('\n');
}

const CSV_NEEDS_QUOTES = /[",\r\n]/;

function csvField(value: string): string {
  return CSV_NEEDS_QUOTES.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

/** CSV has no sub records: one row per leg, under the header line (RFC 4180 quoting, CRLF). */
function toCsv(calls: readonly CdrCall[], flavour: Flavour): string {
  const fields = fieldsOf(flavour);
  const lines: string[] = [fields.join(',')];
  for (const call of calls) {
    for (const leg of call.legs) lines.push(fields.map((f) => csvField(leg[f] ?? '')).join(','));
  }
  lines.push('');
  return lines.join('\r\n');
}

/**
 * A cdrapi response body exactly as the device shapes it. An empty list gives the bare header or
 * container, which is also what the device answers to any bad parameter.
 */
export function serializeCdr(calls: readonly CdrCall[], format: CdrFormat, flavour: Flavour = 'ucm63xx'): string {
  if (format === 'xml') return toXml(calls, flavour);
  if (format === 'csv') return toCsv(calls, flavour);
  return cdrRootJson(calls, flavour);
}

export const CONTENT_TYPES: Record<CdrFormat, string> = {
  json: 'application/json; charset=utf-8',
  xml: 'application/xml; charset=utf-8',
  csv: 'text/csv; charset=utf-8',
};
