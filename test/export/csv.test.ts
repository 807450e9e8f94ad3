import { describe, expect, it } from 'vitest';
import { csvCell, csvLine, neutralizeFormula } from '../../main/export/csv.js';

describe('CSV cells', () => {
  it('quotes cells with commas, quotes and line breaks as RFC 4180 says', () => {
    expect(csvCell('plain')).toBe('plain');
    expect(csvCell('a,b')).toBe('"a,b"');
    expect(csvCell('"GVC Test" <6039>')).toBe('"""GVC Test"" <6039>"');
    expect(csvCell('line1\nline2')).toBe('"line1\nline2"');
    expect(csvCell('cr\rhere')).toBe('"cr\rhere"');
  });

  it('ends every record with CRLF', () => {
    expect(csvLine(['a', 'b,c', ''])).toBe('a,"b,c",\r\n');
  });

  it('prefixes a quote to cells a spreadsheet would run as a formula', () => {
    expect(neutralizeFormula('=HYPERLINK("http://x","y")')).toBe('\'=HYPERLINK("http://x","y")');
    expect(neutralizeFormula('@SUM(A1)')).toBe("'@SUM(A1)");
    expect(neutralizeFormula('+1+cmd|calc')).toBe("'+1+cmd|calc");
    expect(neutralizeFormula('-2+3')).toBe("'-2+3");
    expect(neutralizeFormula('\t=1')).toBe("'\t=1");
    expect(csvCell('=1,2')).toBe('"\'=1,2"');
  });

  it('leaves plain numbers alone, signed ones included: phone numbers stay intact', () => {
    expect(neutralizeFormula('+4930123456')).toBe('+4930123456');
    expect(neutralizeFormula('-5')).toBe('-5');
    expect(neutralizeFormula('-12.5')).toBe('-12.5');
    expect(neutralizeFormula('07917330699')).toBe('07917330699');
    expect(neutralizeFormula('Anna = Bob')).toBe('Anna = Bob');
  });
});
