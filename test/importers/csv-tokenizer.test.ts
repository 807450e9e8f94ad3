import { describe, expect, it } from 'vitest';
import { CsvTokenizer, type CsvRecord } from '../../main/importers/csv-tokenizer.js';

function tokenize(text: string, delimiter = ',', chunkSize = text.length || 1, maxRecordChars?: number): CsvRecord[] {
  const tokenizer = new CsvTokenizer(delimiter, maxRecordChars);
  const out: CsvRecord[] = [];
  for (let i = 0; i < text.length; i += chunkSize) out.push(...tokenizer.push(text.slice(i, i + chunkSize)));
  out.push(...tokenizer.end());
  return out;
}

const TRICKY =
  'a,b,c\r\n1,"GVC Test" <6039>,x\r\n2,"q ""x"", y\nz",w\r\n3,4\r\n\r\n,,\r\n5,"a, b" <1>,"end"\r\n6,"unterminated\n';

describe('CsvTokenizer', () => {
  it('reads quoted separators, doubled quotes and line breaks inside quotes, with the line each row starts on', () => {
    const records = tokenize(TRICKY);
    expect(records.map((r) => [r.line, r.fields])).toEqual([
      [1, ['a', 'b', 'c']],
      [2, ['1', '"GVC Test" <6039>', 'x']],
      [3, ['2', 'q "x", y\nz', 'w']],
      [5, ['3', '4']],
      [8, ['5', '"a, b" <1>', 'end']],
      [9, null],
    ]);
    expect(records[5]?.error).toMatch(/not closed before the end of the file/);
  });

  it('gives the same records whatever the chunk boundaries', () => {
    const whole = tokenize(TRICKY);
    for (const size of [1, 2, 3, 5, 7, 11]) expect(tokenize(TRICKY, ',', size)).toEqual(whole);
  });

  it('keeps the raw text of a row without its line break', () => {
    const records = tokenize('h1,h2\r\n"x\r\ny",2\r\n');
    expect(records[1]?.raw).toBe('"x\r\ny",2');
    expect(records[1]?.fields).toEqual(['x\r\ny', '2']);
  });

  it('reads a last row that has no line break, and skips a trailing blank line', () => {
    expect(tokenize('a;b\n1;2', ';').map((r) => r.fields)).toEqual([['a', 'b'], ['1', '2']]);
    expect(tokenize('a\tb\n1\t2\n\n', '\t').map((r) => r.fields)).toEqual([['a', 'b'], ['1', '2']]);
  });

  it('splits on the separator it was given only', () => {
    expect(tokenize('a;b,c\n1;2,3\n', ';').map((r) => r.fields)).toEqual([['a', 'b,c'], ['1', '2,3']]);
    expect(tokenize('a\tb c\n"1\t1"\t2\n', '\t').map((r) => r.fields)).toEqual([['a', 'b c'], ['1\t1', '2']]);
  });

  it('keeps empty fields, including a trailing one', () => {
    expect(tokenize('a,,c,\n').map((r) => r.fields)).toEqual([['a', '', 'c', '']]);
  });

  it('rejects a record whose quote never closes within the limit and resumes on the next line', () => {
    const text = 'a,b\n1,"open\n2,ok\n3,ok\n' + 'x'.repeat(100);
    const records = tokenize(text, ',', 4, 20);
    expect(records[1]).toMatchObject({ fields: null, line: 2 });
    expect(records[1]?.error).toMatch(/not closed within 20 characters/);
    expect(records.slice(2, 4).map((r) => [r.line, r.fields])).toEqual([
      [3, ['2', 'ok']],
      [4, ['3', 'ok']],
    ]);
  });

  it('refuses a separator that cannot work', () => {
    expect(() => new CsvTokenizer('"')).toThrow(/separator/);
    expect(() => new CsvTokenizer(',,')).toThrow(/separator/);
  });
});
