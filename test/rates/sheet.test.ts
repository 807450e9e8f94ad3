import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { describeSheetProblems, parseRateSheet, SHEET_COLUMN_NAMES, type RateRow, type SheetProblem } from '../../main/rates/sheet.js';

function parsed(text: string | Buffer): { rows: RateRow[]; columns: Record<string, string> } {
  const result = parseRateSheet(typeof text === 'string' ? Buffer.from(text, 'utf8') : text);
  if (!result.ok) throw new Error(`expected the sheet to be read, got:\n${describeSheetProblems(result.problems)}`);
  return result;
}

function rowsOf(text: string | Buffer): RateRow[] {
  return parsed(text).rows;
}

function problemsOf(text: string | Buffer): SheetProblem[] {
  const result = parseRateSheet(typeof text === 'string' ? Buffer.from(text, 'utf8') : text);
  if (result.ok) throw new Error(`expected the sheet to be refused, got ${result.rows.length} rows`);
  return result.problems;
}

/** The one problem of a sheet with one bad line. */
function problemOf(text: string): SheetProblem {
  const problems = problemsOf(text);
  expect(problems).toHaveLength(1);
  return problems[0] as SheetProblem;
}

const DEFAULTS = { destination: '', connect_e8: 0, minimum: 0, increment: 1, effective: '' };

describe('parseRateSheet', () => {
  describe('a well-formed sheet', () => {
    it('reads every column into exact rows, with the header as line 1', () => {
      const { rows, columns } = parsed(
        'Prefix,Destination,Rate,Connect,Minimum,Increment,Effective\n' +
          '44,United Kingdom,0.012,0.05,30,6,2024-01-01\n' +
          '4477,UK Mobile,0.1,,,60,\n',
      );
      expect(rows).toEqual([
        { line: 2, prefix: '44', destination: 'United Kingdom', rate_e8: 1_200_000, connect_e8: 5_000_000, minimum: 30, increment: 6, effective: '2024-01-01T00:00:00' },
        { line: 3, prefix: '4477', destination: 'UK Mobile', rate_e8: 10_000_000, connect_e8: 0, minimum: 0, increment: 60, effective: '' },
      ]);
      expect(columns).toEqual({
        prefix: 'Prefix',
        destination: 'Destination',
        rate: 'Rate',
        connect: 'Connect',
        minimum: 'Minimum',
        increment: 'Increment',
        effective: 'Effective',
      });
    });

    it('needs only a prefix and a rate column; the rest take their defaults', () => {
      expect(rowsOf('prefix,rate\n33,0.02\n')).toEqual([{ line: 2, prefix: '33', rate_e8: 2_000_000, ...DEFAULTS }]);
    });

    it('takes an empty cell of an optional column as its default', () => {
      expect(rowsOf('prefix,destination,rate,connect,minimum,increment,effective\n33,,0.02,,,,\n')).toEqual([
        { line: 2, prefix: '33', rate_e8: 2_000_000, ...DEFAULTS },
      ]);
    });

    it('ignores columns it does not know', () => {
      const { rows, columns } = parsed('Region,Prefix,Rate,Notes\nEurope,33,0.02,peak\n');
      expect(rows).toEqual([{ line: 2, prefix: '33', rate_e8: 2_000_000, ...DEFAULTS }]);
      expect(columns).toEqual({ prefix: 'Prefix', rate: 'Rate' });
    });

    it('accepts a rate of 0 (a free destination)', () => {
      expect(rowsOf('prefix,rate\n800,0\n')[0]?.rate_e8).toBe(0);
    });

    it('keeps the same prefix with different effective dates', () => {
      const rows = rowsOf('prefix,rate,from\n44,0.01,\n44,0.02,2024-01-01\n44,0.03,2024-07-01\n');
      expect(rows.map((r) => [r.effective, r.rate_e8])).toEqual([
        ['', 1_000_000],
        ['2024-01-01T00:00:00', 2_000_000],
        ['2024-07-01T00:00:00', 3_000_000],
      ]);
    });
  });

  describe('header names', () => {
    // The names the issue lists, spelled as carriers write them.
    const SYNONYMS: [field: string, header: string][] = [
      ['prefix', 'prefix'],
      ['prefix', 'Code'],
      ['prefix', 'Dial Code'],
      ['prefix', 'dialcode'],
      ['prefix', 'DIAL_CODE'],
      ['destination', 'Destination'],
      ['destination', 'Description'],
      ['destination', 'Country'],
      ['destination', 'Name'],
      ['rate', 'Rate'],
      ['rate', 'Price'],
      ['rate', 'Per Minute'],
      ['rate', 'Rate per minute'],
      ['rate', 'Price per minute'],
      ['rate', 'Price / Minute'],
      ['rate', 'Cost'],
      ['rate', 'Rate/min'],
      ['connect', 'Connect'],
      ['connect', 'Connection Fee'],
      ['connect', 'Setup'],
      ['connect', 'Setup fee'],
      ['connect', 'Connection'],
      ['minimum', 'Min'],
      ['minimum', 'Minimum'],
      ['minimum', 'Minimum seconds'],
      ['increment', 'Increment'],
      ['increment', 'Interval'],
      ['increment', 'Billing Increment'],
      ['effective', 'From'],
      ['effective', 'Effective'],
      ['effective', 'Valid From'],
      ['effective', 'Effective date'],
      ['effective', 'Start date'],
      ['effective', 'valid-from'],
    ];

    const VALUES: Record<string, string> = {
      prefix: '44',
      destination: 'UK',
      rate: '0.5',
      connect: '0.25',
      minimum: '30',
      increment: '6',
      effective: '2024-05-01',
    };

    it.each(SYNONYMS)('reads a %s column headed "%s"', (field, header) => {
      // The sheet needs a prefix and a rate column: add the canonical ones for the others.
      const headers = [header, ...(field === 'prefix' ? [] : ['prefix']), ...(field === 'rate' ? [] : ['rate'])];
      const values = [VALUES[field], ...(field === 'prefix' ? [] : ['44']), ...(field === 'rate' ? [] : ['0.5'])];
      const { rows, columns } = parsed(`${headers.map((h) => `"${h}"`).join(',')}\n${values.join(',')}\n`);
      expect(columns[field]).toBe(header);
      const expected: Record<string, unknown> = {
        prefix: '44',
        destination: 'UK',
        rate: 50_000_000,
        connect: 25_000_000,
        minimum: 30,
        increment: 6,
        effective: '2024-05-01T00:00:00',
      };
      const key = field === 'rate' ? 'rate_e8' : field === 'connect' ? 'connect_e8' : field;
      expect(rows[0]?.[key as keyof RateRow]).toBe(expected[field]);
    });

    it('matches regardless of case, spaces and punctuation', () => {
      const { columns } = parsed('  DIAL-CODE ;price_per_minute (€);Valid.From\n44;0,5;2024-01-01\n');
      expect(columns).toEqual({ prefix: '  DIAL-CODE ', rate: 'price_per_minute (€)', effective: 'Valid.From' });
    });

    it('publishes the names it accepts, including every name of the issue', () => {
      for (const [field, header] of SYNONYMS) {
        const normal = (name: string): string => name.toLowerCase().replace(/[^a-z0-9]/g, '');
        expect(SHEET_COLUMN_NAMES[field as keyof typeof SHEET_COLUMN_NAMES].map(normal)).toContain(normal(header));
      }
    });

    it('takes the destination over the country when a sheet has both', () => {
      const { rows, columns } = parsed('Country,Destination,Prefix,Rate\nUnited Kingdom,UK Mobile,447,0.1\n');
      expect(rows[0]?.destination).toBe('UK Mobile');
      expect(columns.destination).toBe('Destination');
    });

    it('refuses two columns that both mean the prefix, or the rate, naming them', () => {
      const problems = problemsOf('Code,Prefix,Rate,Price\n44,44,0.1,0.2\n');
      expect(problems).toHaveLength(2);
      expect(problems[0]).toEqual({ line: 1, message: expect.stringMatching(/"Code", "Prefix" all mean the prefix: keep one/) });
      expect(problems[1]?.message).toMatch(/"Rate", "Price" all mean the rate/);
    });

    it('refuses a sheet without a prefix column, saying which headers it found and which names it accepts', () => {
      const { line, message } = problemOf('Country Code,Destination,Rate\n44,UK,0.1\n');
      expect(line).toBe(1);
      expect(message).toContain('no prefix column');
      expect(message).toContain('"Country Code", "Destination", "Rate"');
      expect(message).toContain('"prefix", "code", "dial code"');
    });

    it('reads a header with a bracketed unit after the name', () => {
      const { columns } = parsed('Prefix,Rate (USD),Setup fee [USD],Increment (s)\n44,0.1,0.2,6\n');
      expect(columns).toEqual({ prefix: 'Prefix', rate: 'Rate (USD)', connect: 'Setup fee [USD]', increment: 'Increment (s)' });
    });

    it('refuses a sheet without a rate column, saying which names it accepts', () => {
      const { message } = problemOf('Prefix,Destination,Tariff\n44,UK,0.1\n');
      expect(message).toContain('no rate column');
      expect(message).toContain('"Prefix", "Destination", "Tariff"');
      expect(message).toContain('"rate", "price", "per minute"');
    });
  });

  describe('the billing increment', () => {
    it('reads 60/60 in the increment column as a 60-second minimum in 60-second steps', () => {
      expect(rowsOf('prefix,rate,billing increment\n44,0.1,60/60\n')[0]).toMatchObject({ minimum: 60, increment: 60 });
    });

    it('reads 30/6 as a 30-second minimum in 6-second steps', () => {
      expect(rowsOf('prefix,rate,interval\n44,0.1,30/6\n')[0]).toMatchObject({ minimum: 30, increment: 6 });
    });

    it('accepts a separate minimum column that agrees with 30/6, or is empty', () => {
      expect(rowsOf('prefix,rate,minimum,increment\n44,0.1,30,30/6\n45,0.1,,30/6\n').map((r) => [r.minimum, r.increment])).toEqual([
        [30, 6],
        [30, 6],
      ]);
    });

    it('refuses a row whose minimum column disagrees with its 30/6 increment', () => {
      const { line, message } = problemOf('prefix,rate,minimum,increment\n44,0.1,60,30/6\n');
      expect(line).toBe(2);
      expect(message).toContain('minimum column says 60 seconds but increment "30/6" says 30');
      expect(message).toContain('make them agree');
    });

    it('refuses an increment of 0, in either form', () => {
      const problems = problemsOf('prefix,rate,increment\n44,0.1,0\n45,0.1,60/0\n');
      expect(problems.map((p) => p.line)).toEqual([2, 3]);
      for (const problem of problems) expect(problem.message).toContain('at least 1 second');
    });

    it('refuses an increment that is not whole seconds', () => {
      expect(problemOf('prefix,rate,increment\n44,0.1,1.5\n').message).toContain('increment "1.5" is not a whole number of seconds');
      expect(problemOf('prefix,rate,increment\n44,0.1,60/60/60\n').message).toContain('increment "60/60/60" is not understood');
    });

    it('refuses a negative minimum', () => {
      expect(problemOf('prefix,rate,minimum\n44,0.1,-30\n').message).toContain('minimum "-30" is negative');
    });
  });

  describe('delimiters and numbers', () => {
    it('reads a semicolon sheet with decimal commas', () => {
      expect(rowsOf('Prefix;Destination;Rate;Setup\n33;France;0,012;0,5\n')).toEqual([
        { line: 2, prefix: '33', destination: 'France', rate_e8: 1_200_000, connect_e8: 50_000_000, minimum: 0, increment: 1, effective: '' },
      ]);
    });

    it('reads a tab-separated sheet, with a decimal point or a decimal comma', () => {
      expect(rowsOf('Prefix\tDestination\tRate\n33\tFrance, Paris\t0.012\n34\tSpain\t0,02\n')).toEqual([
        { line: 2, prefix: '33', rate_e8: 1_200_000, ...DEFAULTS, destination: 'France, Paris' },
        { line: 3, prefix: '34', rate_e8: 2_000_000, ...DEFAULTS, destination: 'Spain' },
      ]);
    });

    it('reads quoted fields with the delimiter, doubled quotes and a line break inside', () => {
      const rows = rowsOf('prefix,destination,rate\n44,"UK, ""Mobile""",0.1\n45,"Den\nmark",0.2\n46,Norway,0.3\n');
      expect(rows.map((r) => [r.line, r.destination])).toEqual([
        [2, 'UK, "Mobile"'],
        [3, 'Den\nmark'],
        [5, 'Norway'],
      ]);
    });

    it('accepts .5 and up to 8 decimals exactly', () => {
      const rows = rowsOf('prefix,rate,connect\n44,.5,0.00000001\n45,12,1.23456789\n');
      expect(rows.map((r) => [r.rate_e8, r.connect_e8])).toEqual([
        [50_000_000, 1],
        [1_200_000_000, 123_456_789],
      ]);
    });

    it('accepts zeros past the 8th decimal, which change nothing', () => {
      expect(rowsOf('prefix,rate\n44,0.0120000000\n')[0]?.rate_e8).toBe(1_200_000);
    });

    it('refuses more than 8 significant decimals', () => {
      expect(problemOf('prefix,rate\n44,0.123456789\n').message).toContain('rate "0.123456789" has more than 8 decimals');
    });

    it('refuses a decimal comma in a comma sheet, quoted or not', () => {
      expect(problemOf('prefix,rate\n44,"0,012"\n').message).toContain('decimal comma in a comma-separated sheet');
      // Unquoted, it splits the number into two values.
      expect(problemOf('prefix,rate\n44,0,012\n').message).toMatch(/3 values but the header has 2 columns.*decimal comma/);
    });

    it('refuses thousands separators', () => {
      expect(problemOf('prefix;rate\n44;1.234,5\n').message).toContain('thousands separator');
      expect(problemOf('prefix,rate\n44,"1,234.5"\n').message).toContain('thousands separator');
      expect(problemOf('prefix,rate\n44,1 234.5\n').message).toContain('thousands separator');
    });

    it('refuses exponents', () => {
      expect(problemOf('prefix,rate\n44,1.2E-3\n').message).toContain('scientific notation');
    });

    it('refuses negative amounts', () => {
      expect(problemOf('prefix,rate\n44,-0.01\n').message).toContain('rate "-0.01" is negative');
      expect(problemOf('prefix,rate,connect\n44,0.01,-1\n').message).toContain('connect fee "-1" is negative');
    });

    it('refuses text and currency codes in an amount', () => {
      expect(problemOf('prefix,rate\n44,abc\n').message).toContain('rate "abc" is not a number');
      expect(problemOf('prefix,rate\n44,USD 0.01\n').message).toContain('rate "USD 0.01" is not a number');
    });

    it('drops one currency symbol before or after an amount', () => {
      expect(rowsOf('prefix;rate;connect\n44;€0,012;0,05 €\n45;€ 1;\n').map((r) => [r.rate_e8, r.connect_e8])).toEqual([
        [1_200_000, 5_000_000],
        [100_000_000, 0],
      ]);
      expect(rowsOf('prefix,rate\n44,£0.01\n')[0]?.rate_e8).toBe(1_000_000);
    });

    it('refuses a sheet mixing currency symbols, naming the line of the first one', () => {
      const { line, message } = problemOf('prefix,rate\n44,$0.01\n45,€0.01\n');
      expect(line).toBe(3);
      expect(message).toContain('is in € but line 2 is in $');
    });
  });

  describe('prefixes', () => {
    it('strips spaces and a leading +, and keeps a leading 00 as written', () => {
      expect(rowsOf('prefix,rate\n+44,0.1\n44 20,0.1\n0044,0.1\n').map((r) => r.prefix)).toEqual(['44', '4420', '0044']);
    });

    it('refuses a prefix that is not digits', () => {
      expect(problemOf('prefix,rate\n44-20,0.1\n').message).toContain('prefix "44-20" is not digits');
    });

    it('refuses a prefix longer than an E.164 number', () => {
      expect(problemOf('prefix,rate\n1234567890123456,0.1\n').message).toContain('longer than 15 digits');
    });
  });

  describe('effective dates', () => {
    it('reads YYYY-MM-DD, YYYY-MM-DD HH:MM[:SS] and YYYY-MM-DDTHH:MM[:SS] as PBX wall clock', () => {
      const rows = rowsOf(
        'prefix,rate,effective date\n1,0.1,2024-03-01\n2,0.1,2024-03-01 08:30\n3,0.1,2024-03-01 08:30:15\n4,0.1,2024-03-01T08:30\n5,0.1,2024-03-01T08:30:15\n',
      );
      expect(rows.map((r) => r.effective)).toEqual([
        '2024-03-01T00:00:00',
        '2024-03-01T08:30:00',
        '2024-03-01T08:30:15',
        '2024-03-01T08:30:00',
        '2024-03-01T08:30:15',
      ]);
    });

    it('refuses other date formats, saying to write YYYY-MM-DD', () => {
      for (const date of ['01/03/2024', '2024/03/01', '1 March 2024', '2024-3-1']) {
        const { message } = problemOf(`prefix,rate,from\n44,0.1,${date}\n`);
        expect(message).toContain(`effective date "${date}"`);
        expect(message).toContain('write dates as YYYY-MM-DD');
      }
    });

    it('refuses a date that does not exist', () => {
      expect(problemOf('prefix,rate,from\n44,0.1,2024-02-30\n').message).toContain('effective date "2024-02-30" does not exist');
    });
  });

  describe('encodings and line breaks', () => {
    it("reads Windows-1252 bytes (a spreadsheet's save): Côte d'Ivoire", () => {
      const bytes = iconv.encode("Prefix;Destination;Rate\r\n225;Côte d'Ivoire;0,15\r\n49;Österreich – Mobil;0,05\r\n", 'win1252');
      expect(bytes.includes(Buffer.from([0xf4]))).toBe(true);
      expect(rowsOf(bytes).map((r) => r.destination)).toEqual(["Côte d'Ivoire", 'Österreich – Mobil']);
    });

    it("reads UTF-8 without a BOM: Côte d'Ivoire", () => {
      expect(rowsOf("prefix,destination,rate\n225,Côte d'Ivoire,0.15\n")[0]?.destination).toBe("Côte d'Ivoire");
    });

    it('reads UTF-8 with a BOM, which is not part of the first header', () => {
      const { rows, columns } = parsed(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('Prefix,Destination,Rate\n225,Côte d’Ivoire,0.15\n')]));
      expect(columns.prefix).toBe('Prefix');
      expect(rows[0]?.destination).toBe('Côte d’Ivoire');
    });

    it('reads CRLF line breaks and skips blank lines, keeping the file’s line numbers', () => {
      const rows = rowsOf('prefix,rate\r\n\r\n44,0.1\r\n   \r\n,,\r\n45,0.2\r\n\r\n');
      expect(rows.map((r) => [r.line, r.prefix])).toEqual([
        [3, '44'],
        [6, '45'],
      ]);
    });

    it('counts a header after blank lines on its own line', () => {
      expect(rowsOf('\n\nprefix,rate\n44,0.1\n')[0]?.line).toBe(4);
    });

    it('reads a last line without a line break', () => {
      expect(rowsOf('prefix,rate\n44,0.1')).toHaveLength(1);
    });
  });

  describe('refusals', () => {
    it('refuses the whole sheet when three lines are bad, listing each with what is wrong and what to do', () => {
      const problems = problemsOf(
        'Prefix,Destination,Rate,Increment,Effective\n' +
          '44,UK,0.012,1,\n' +
          ',Nowhere,0.5,1,\n' + // line 3: no prefix
          '33,France,cheap,1,\n' + // line 4: rate not a number
          '34,Spain,0.02,1,\n' +
          '49,Germany,0.03,1,31.12.2024\n', // line 6: date format
      );
      expect(problems).toEqual([
        { line: 3, message: expect.stringMatching(/^no prefix: write the dial code in E\.164 digits/) },
        { line: 4, message: expect.stringMatching(/^rate "cheap" is not a number: write it as a plain number such as 0\.012/) },
        { line: 6, message: expect.stringMatching(/^effective date "31\.12\.2024" is not in a form this reads: write dates as YYYY-MM-DD/) },
      ]);
    });

    it('lists every problem of one line in its one entry', () => {
      const { line, message } = problemOf('prefix,rate,increment\nx,y,0\n');
      expect(line).toBe(2);
      expect(message).toContain('prefix "x" is not digits');
      expect(message).toContain('rate "y" is not a number');
      expect(message).toContain('at least 1 second');
    });

    it('refuses a row without a rate', () => {
      expect(problemOf('prefix,destination,rate\n44,UK,\n').message).toContain('no rate: write the price per minute');
    });

    it('refuses a duplicate prefix and effective date, pointing at the first', () => {
      const problems = problemsOf('prefix,rate,from\n44,0.1,2024-01-01\n33,0.2,\n44,0.3,2024-01-01 00:00\n33,0.4,\n');
      expect(problems).toEqual([
        { line: 4, message: 'prefix 44 effective 2024-01-01 is already on line 2: keep one of the two lines, or give them different effective dates' },
        { line: 5, message: 'prefix 33 without an effective date is already on line 3: keep one of the two lines, or give them different effective dates' },
      ]);
    });

    it('counts +44 and 44 as the same prefix', () => {
      expect(problemOf('prefix,rate\n+44,0.1\n44,0.2\n').line).toBe(3);
    });

    it('refuses a sheet with a header and no rows', () => {
      const { line, message } = problemOf('prefix,rate\n\n');
      expect(line).toBe(1);
      expect(message).toContain('no rates');
    });

    it('refuses an empty file', () => {
      expect(problemOf('').message).toContain('the file is empty');
      expect(problemOf('\n\n').message).toContain('the file is empty');
    });

    it('refuses a line with more values than the header has columns', () => {
      const problem = problemOf('prefix;rate\n44;0,1;extra\n');
      expect(problem).toEqual({ line: 2, message: expect.stringContaining('this line has 3 values but the header has 2 columns') });
    });

    it('allows trailing empty values past the header, as spreadsheets write them', () => {
      expect(rowsOf('prefix,rate\n44,0.1,,\n')).toHaveLength(1);
    });

    it('reports an unclosed quote on the line it opens', () => {
      const problems = problemsOf('prefix,destination,rate\n44,UK,0.1\n45,"Denmark,0.2\n46,Norway,0.3\n');
      expect(problems).toEqual([{ line: 3, message: expect.stringContaining('a quote opened on this line is never closed') }]);
    });
  });
});

describe('describeSheetProblems', () => {
  it('writes one line per problem', () => {
    expect(describeSheetProblems([{ line: 3, message: 'no prefix' }, { line: 7, message: 'no rate' }])).toBe('line 3: no prefix\nline 7: no rate');
  });

  it('shows the first ones and counts the rest', () => {
    const problems = Array.from({ length: 5 }, (_, i) => ({ line: i + 2, message: 'bad' }));
    expect(describeSheetProblems(problems, 2)).toBe('line 2: bad\nline 3: bad\n... and 3 more lines with problems');
  });
});
