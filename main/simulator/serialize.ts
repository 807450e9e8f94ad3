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

function project(record: CdrRecord, fields: readonly string[], into: Record<string, string>): Record<string, string> {
  for (const field of fields) into[field] = record[field] ?? '';
  return into;
}

/** The entries of `cdr_root`: flat calls as one object, others as `main_cdr` + `sub_cdr_1..N`. */
export function cdrRootEntries(calls: readonly CdrCall[], flavour: Flavour): Record<string, unknown>[] {
  const fields = fieldsOf(flavour);
  return calls.map((call) => {
    const cdr = cdrKey(call, flavour);
    if (isFlat(call)) return project(call.legs[0]!, fields, { cdr });
    const entry: Record<string, unknown> = { cdr, main_cdr: project(call.main, fields, {}) };
    call.legs.forEach((leg, i) => {
      entry[`sub_cdr_${i + 1}`] = project(leg, fields, {});
    });
    return entry;
  });
}

function escapeXml(text: string): string {
  return text.replace(/[&<>"]/g, (c) => (c === '&' ? '&amp;' : c === '<' ? '&lt;' : c === '>' ? '&gt;' : '&quot;'));
}

function xmlFields(record: CdrRecord, fields: readonly string[], out: string[]): void {
  for (const field of fields) {
    const value = record[field] ?? '';
    out.push(value === '' ? `<${field}/>` : `<${field}>${escapeXml(value)}</${field}>`);
  }
}

function toXml(calls: readonly CdrCall[], flavour: Flavour): string {
  const fields = fieldsOf(flavour);
  const out: string[] = ['<root>'];
  for (const call of calls) {
    out.push(`<cdr session="${escapeXml(call.session)}">`);
    if (isFlat(call)) {
      xmlFields(call.legs[0]!, fields, out);
    } else {
      out.push('<main_cdr>');
      xmlFields(call.main, fields, out);
      out.push('</main_cdr>');
      for (const leg of call.legs) {
        out.push('<sub_cdr>');
        xmlFields(leg, fields, out);
        out.push('</sub_cdr>');
      }
    }
    out.push('</cdr>');
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
  return JSON.stringify({ cdr_root: cdrRootEntries(calls, flavour) });
}

export const CONTENT_TYPES: Record<CdrFormat, string> = {
  json: 'application/json; charset=utf-8',
  xml: 'application/xml; charset=utf-8',
  csv: 'text/csv; charset=utf-8',
};
