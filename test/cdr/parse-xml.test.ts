import { describe, expect, it } from 'vitest';
import { CdrXmlReader, parseCdrXml, repairCdrXml } from '../../main/cdr/parse-xml.js';
import type { RawEntry } from '../../main/cdr/assemble.js';
import { AppError } from '../../main/errors.js';
import { fixture } from './fixtures.js';

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (error) {
    return error instanceof AppError ? error.code : 'not an AppError';
  }
  return undefined;
}

/**
 * An independent reading of the guide's XML fixture, line by line: it has one element per line and no
 * entities, so each `<name>value</name>` or `<name/>` line is one field of the current record.
 */
function recordsOfGuideXml(text: string): Record<string, string>[] {
  const records: Record<string, string>[] = [];
  for (const line of text.split('\n').map((l) => l.trim())) {
    if (line === '<main_cdr>' || line === '<sub_cdr>') {
      records.push({});
      continue;
    }
    const full = /^<(\w+)>(.*)<\/\1>$/.exec(line);
    const empty = /^<(\w+)\/>$/.exec(line);
    const current = records[records.length - 1];
    if (full && current) current[full[1] as string] = full[2] as string;
    else if (empty && current) current[empty[1] as string] = '';
  }
  return records;
}

describe('parseCdrXml on the guide example', () => {
  const text = fixture('guide-transfer.xml');
  const { calls, problems } = parseCdrXml(text);

  it('reads one call identified by the session attribute, with main and two legs', () => {
    expect(problems).toEqual([]);
    expect(calls).toHaveLength(1);
    expect(calls[0]?.session).toBe('1461920017104140-1000');
    expect(calls[0]?.legs.map((leg) => leg['AcctId'])).toEqual(['1', '2']);
  });

  it('keeps every field exactly as written, including the unescaped <1000> in clid', () => {
    const [main, ...legs] = recordsOfGuideXml(text);
    expect(Object.keys(main ?? {})).toHaveLength(27);
    expect(Object.keys(legs[0] ?? {})).toHaveLength(32);
    expect(calls[0]?.main).toEqual(main);
    expect(calls[0]?.legs).toEqual(legs);
    expect(calls[0]?.legs[0]?.['clid']).toBe('"John Doe" <1000>');
    expect(calls[0]?.main['AcctId']).toBe('');
  });
});

describe('parseCdrXml shapes', () => {
  it('reads flat <cdr> rows whose children are the fields', () => {
    const xml = `<?xml version="1.0" encoding="UTF-8"?>
<root>
<cdr session="1661157307676-203"><AcctId>71049</AcctId><src>203</src><dst>71</dst><session>1661157307676-203</session></cdr>
<cdr><AcctId>71050</AcctId><src>230</src><session>1661157838988180-230</session><nat_call>no</nat_call></cdr>
</root>`;
    const { calls, problems } = parseCdrXml(xml);
    expect(problems).toEqual([]);
    expect(calls.map((c) => c.session)).toEqual(['1661157307676-203', '1661157838988180-230']);
    expect(calls[1]?.main).toEqual({ AcctId: '71050', src: '230', session: '1661157838988180-230', nat_call: 'no' });
    expect(calls[1]?.legs[0]).toBe(calls[1]?.main);
  });

  it('decodes entities and keeps what devices leave unescaped', () => {
    const xml =
      '<root><cdr session="s"><main_cdr><caller_name>Ann &amp; Bob &#233;</caller_name>' +
      '<lastdata>PJSIP/6011/sip:6011@218.17.227.162:5062&PJSIP/6011/sip:6011@218.17.227.163:38102,30</lastdata>' +
      '<clid>"Anon" <Anonymous></clid><userfield>&lt;x&gt;</userfield><AcctId/></main_cdr></cdr></root>';
    const main = parseCdrXml(xml).calls[0]?.main;
    expect(main).toEqual({
      caller_name: 'Ann & Bob é',
      lastdata: 'PJSIP/6011/sip:6011@218.17.227.162:5062&PJSIP/6011/sip:6011@218.17.227.163:38102,30',
      clid: '"Anon" <Anonymous>',
      userfield: '<x>',
      AcctId: '',
    });
  });

  it('reads an unquoted session attribute as the schematic in the guide writes it', () => {
    const { calls } = parseCdrXml('<root><cdr session=1461920017104140-1000><main_cdr><src>1</src></main_cdr></cdr></root>');
    expect(calls[0]?.session).toBe('1461920017104140-1000');
  });

  it('spells <AcctID> as the canonical AcctId', () => {
    const { calls } = parseCdrXml('<root><cdr session="s"><main_cdr/><sub_cdr><AcctID>1</AcctID></sub_cdr></cdr></root>');
    expect(calls[0]?.legs).toEqual([{ AcctId: '1' }]);
  });

  it('falls back to the session fields when the attribute is missing, and reports calls without identity', () => {
    const xml =
      '<root><cdr><main_cdr><session></session></main_cdr><sub_cdr><AcctId>4</AcctId><session>leg-s</session></sub_cdr></cdr>' +
      '<cdr><AcctId>5</AcctId></cdr></root>';
    const { calls, problems } = parseCdrXml(xml);
    expect(calls.map((c) => c.session)).toEqual(['leg-s']);
    expect(problems).toHaveLength(1);
    expect(problems[0]?.position).toBe('cdr element 2 (line 1)');
  });

  it('merges the same call delivered twice', () => {
    const one = '<cdr session="s"><main_cdr><src>1</src></main_cdr><sub_cdr><AcctId>1</AcctId></sub_cdr></cdr>';
    const two = '<cdr session="s"><main_cdr><dst>2</dst></main_cdr><sub_cdr><AcctId>2</AcctId></sub_cdr></cdr>';
    const { calls } = parseCdrXml(`<root>${one}${two}</root>`);
    expect(calls).toHaveLength(1);
    expect(calls[0]?.main).toEqual({ src: '1', dst: '2' });
    expect(calls[0]?.legs.map((l) => l['AcctId'])).toEqual(['1', '2']);
  });

  it('accepts the empty container of a query without results', () => {
    expect(parseCdrXml('<root></root>').calls).toEqual([]);
    expect(parseCdrXml('<?xml version="1.0"?>\n<root/>\n').calls).toEqual([]);
  });

  it.each([
    ['an HTML page', '<html><body>Login</body></html>'],
    ['a truncated document', '<root><cdr session="s"><main_cdr><src>1</src>'],
    ['mismatched tags', '<root><cdr session="s"></main_cdr></cdr></root>'],
    ['a document without root', '<?xml version="1.0"?>'],
  ])('refuses %s as BAD_FILE', (_what, xml) => {
    expect(codeOf(() => parseCdrXml(xml))).toBe('BAD_FILE');
  });

  it('streams: feeding the guide example in small chunks gives the same entries', () => {
    const text = fixture('guide-transfer.xml').repeat(1).replace('</root>', '') +
      '<cdr session="x"><AcctId>9</AcctId></cdr></root>';
    const whole: RawEntry[] = [];
    const chunked: RawEntry[] = [];
    const a = new CdrXmlReader((e) => whole.push(e), () => undefined);
    a.write(text);
    a.close();
    const b = new CdrXmlReader((e) => chunked.push(e), () => undefined);
    for (let i = 0; i < text.length; i += 7) b.write(text.slice(i, i + 7));
    b.close();
    expect(whole).toHaveLength(2);
    expect(chunked).toEqual(whole);
  });

  it('leaves well-formed markup alone when repairing', () => {
    const xml = '<root><cdr session="a&amp;b"><main_cdr><AcctId/><src>1</src></main_cdr></cdr></root>';
    expect(repairCdrXml(xml)).toBe(xml);
    expect(repairCdrXml('<clid>"J" <1000></clid>')).toBe('<clid>"J" &lt;1000></clid>');
  });
});
