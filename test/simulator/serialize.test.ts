import { parse } from 'csv-parse/sync';
import { SaxesParser } from 'saxes';
import { describe, expect, it } from 'vitest';
import type { CdrCall } from '../../main/cdr/types.js';
import { generateCalls, LEGACY_FIELDS, serializeCdr, UCM63XX_FIELDS } from '../../main/simulator/index.js';

const calls: CdrCall[] = [
  ...generateCalls({ count: 200, seed: 11, start: new Date('2024-05-01T00:00:00Z'), end: new Date('2024-05-08T00:00:00Z') }),
];
const flat = calls.find((c) => c.legs.length === 1)!;
const multi = calls.find((c) => c.legs.length > 2 && c.legs.some((l) => l.action_type === 'TRANSFER')) ?? calls.find((c) => c.legs.length > 2)!;
const legacy: CdrCall[] = [
  ...generateCalls({ count: 50, seed: 11, start: new Date('2024-05-01T00:00:00Z'), end: new Date('2024-05-08T00:00:00Z'), flavour: 'legacy' }),
];

interface XmlNode {
  name: string;
  attributes: Record<string, string>;
  children: XmlNode[];
  text: string;
}

function parseXml(xml: string): XmlNode {
  const parser = new SaxesParser();
  const root: XmlNode = { name: '#document', attributes: {}, children: [], text: '' };
  const stack: XmlNode[] = [root];
  parser.on('opentag', (tag) => {
    const node: XmlNode = { name: tag.name, attributes: tag.attributes as Record<string, string>, children: [], text: '' };
    stack[stack.length - 1]!.children.push(node);
    stack.push(node);
  });
  parser.on('text', (text) => {
    stack[stack.length - 1]!.text += text;
  });
  parser.on('closetag', () => {
    stack.pop();
  });
  parser.write(xml).close();
  return root.children[0]!;
}

function fieldsOf(node: XmlNode): Record<string, string> {
  return Object.fromEntries(node.children.map((c) => [c.name, c.text]));
}

describe('JSON', () => {
  const body = JSON.parse(serializeCdr([flat, multi], 'json')) as { cdr_root: Record<string, unknown>[] };

  it('wraps the calls in cdr_root', () => {
    expect(Object.keys(body)).toEqual(['cdr_root']);
    expect(body.cdr_root).toHaveLength(2);
  });

  it('writes a single-record call flat, with the cdr key first and every UCM63xx field', () => {
    const entry = body.cdr_root[0]!;
    expect(Object.keys(entry)).toEqual(['cdr', ...UCM63XX_FIELDS]);
    expect(entry).toMatchObject(flat.legs[0]!);
    expect(['', flat.session]).toContain(entry.cdr);
  });

  it('writes a multi-record call as main_cdr plus sub_cdr_1..N in order', () => {
    const entry = body.cdr_root[1]!;
    expect(Object.keys(entry)).toEqual(['cdr', 'main_cdr', ...multi.legs.map((_, i) => `sub_cdr_${i + 1}`)]);
    expect(entry.main_cdr).toEqual(multi.main);
    multi.legs.forEach((leg, i) => expect(entry[`sub_cdr_${i + 1}`]).toEqual(leg));
  });

  it('leaves the cdr key empty for some UCM63xx calls and never for legacy ones', () => {
    const all = JSON.parse(serializeCdr(calls, 'json')) as { cdr_root: { cdr: string }[] };
    const empty = all.cdr_root.filter((e) => e.cdr === '').length;
    expect(empty).toBeGreaterThan(0);
    expect(empty).toBeLessThan(calls.length);
    const old = JSON.parse(serializeCdr(legacy, 'json', 'legacy')) as { cdr_root: Record<string, unknown>[] };
    expect(old.cdr_root.map((e) => e.cdr)).toEqual(legacy.map((c) => c.session));
    const flatEntry = old.cdr_root.find((e) => !('main_cdr' in e))!;
    expect(Object.keys(flatEntry)).toEqual(['cdr', ...LEGACY_FIELDS]);
  });

  it('is an empty cdr_root for no calls', () => {
    expect(serializeCdr([], 'json')).toBe('{"cdr_root":[]}');
  });
});

describe('XML', () => {
  it('writes <root><cdr session=..> with main_cdr and sub_cdr elements, escaping what XML needs', () => {
    const root = parseXml(serializeCdr([flat, multi], 'xml'));
    expect(root.name).toBe('root');
    const [one, two] = root.children as [XmlNode, XmlNode];
    expect(one.attributes.session).toBe(flat.session);
    expect(fieldsOf(one)).toEqual(flat.legs[0]);
    expect(two.attributes.session).toBe(multi.session);
    expect(two.children.map((c) => c.name)).toEqual(['main_cdr', ...multi.legs.map(() => 'sub_cdr')]);
    expect(fieldsOf(two.children[0]!)).toEqual(multi.main);
    multi.legs.forEach((leg, i) => expect(fieldsOf(two.children[i + 1]!)).toEqual(leg));
  });

  it('writes empty fields as self-closing elements, as the guide shows', () => {
    const xml = serializeCdr([multi], 'xml');
    expect(xml).toContain('<main_cdr>\n<AcctId/>\n<accountcode/>');
  });

  it('keeps quotes and angle brackets of caller IDs intact', () => {
    const withClid = calls.find((c) => c.legs.length === 1 && String(c.legs[0]!.clid).includes('<'))!;
    const root = parseXml(serializeCdr([withClid], 'xml'));
    expect(fieldsOf(root.children[0]!).clid).toBe(withClid.legs[0]!.clid);
  });

  it('is an empty root for no calls', () => {
    expect(serializeCdr([], 'xml')).toBe('<root>\n</root>\n');
  });
});

describe('CSV', () => {
  it('has the header line and one row per leg record, no summary rows', () => {
    const text = serializeCdr([flat, multi], 'csv');
    const rows = parse(text, { columns: true, relax_column_count: false }) as Record<string, string>[];
    expect(text.split('\r\n')[0]).toBe(UCM63XX_FIELDS.join(','));
    expect(rows).toEqual([...flat.legs, ...multi.legs]);
  });

  it('quotes fields with commas, quotes and line breaks as RFC 4180 says', () => {
    const tricky: CdrCall = {
      session: 's-1',
      main: flat.main,
      legs: [{ ...flat.legs[0]!, clid: '"Smith, Jones" <07700>', lastdata: 'a\r\nb', caller_name: 'Smith, Jones' }],
    };
    const text = serializeCdr([tricky], 'csv', 'legacy');
    expect(text).toContain(',"""Smith, Jones"" <07700>",');
    const rows = parse(text, { columns: true }) as Record<string, string>[];
    expect(rows[0]).toMatchObject({ clid: '"Smith, Jones" <07700>', lastdata: 'a\r\nb', caller_name: 'Smith, Jones' });
    expect(Object.keys(rows[0]!)).toEqual([...LEGACY_FIELDS]);
  });

  it('is the header line alone for no calls', () => {
    expect(serializeCdr([], 'csv', 'legacy')).toBe(`${LEGACY_FIELDS.join(',')}\r\n`);
  });
});
