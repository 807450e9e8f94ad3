import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { compileNumberPattern, extensionNumber } from '../../main/cdr/patterns.js';
import { AppError } from '../../main/errors.js';

function matches(pattern: string, values: string[]): string[] {
  const compiled = compileNumberPattern(pattern);
  return values.filter((value) => compiled.test(value));
}

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (error) {
    return error instanceof AppError ? error.code : 'not an AppError';
  }
  return undefined;
}

const VALUES = ['', '0', '04', '2', '34', '340', '3', '300', '3000', '3999', '30000', '3a00', '5', '1005', '5299', '5300',
  '5301', '5302', '5303', '5304', '5305', '5309', '530', '530a', '53000', '1400', '6400', '2000', 'Anonymous', '*97',
  '07917330699', '6300-1'];

describe('compileNumberPattern, cdrapi language (guide examples)', () => {
  it('5300,5302-5304,_4@ matches 5300, the range 5302..5304 and any value with 4 as second character', () => {
    expect(matches('5300,5302-5304,_4@', VALUES)).toEqual(['04', '34', '340', '5300', '5302', '5303', '5304', '1400', '6400']);
  });

  it('@53@ matches values containing 53', () => {
    expect(matches('@53@', VALUES)).toEqual(['5300', '5301', '5302', '5303', '5304', '5305', '5309', '530', '530a', '53000']);
  });

  it('530_ matches 530 followed by exactly one character', () => {
    expect(matches('530_', VALUES)).toEqual(['5300', '5301', '5302', '5303', '5304', '5305', '5309', '530a']);
  });

  it('2@,34@,@5 matches values starting with 2 or 34, or ending with 5', () => {
    expect(matches('2@,34@,@5', VALUES)).toEqual(['2', '34', '340', '5', '1005', '5305', '2000']);
  });

  it('0-0 matches values without digits (and the empty value)', () => {
    expect(matches('0-0', VALUES)).toEqual(['', '0', 'Anonymous']);
  });

  it('a range ignores non-digits in values; a wildcard item takes - literally', () => {
    expect(matches('6300-6399', ['6300-1', 'x6350', '6400'])).toEqual(['x6350']);
    expect(matches('6300-@', VALUES)).toEqual(['6300-1']);
  });

  it('anything else is an exact value', () => {
    expect(matches('Anonymous', VALUES)).toEqual(['Anonymous']);
    expect(matches('*97', VALUES)).toEqual(['*97']);
    expect(compileNumberPattern(' 5300 , 5301 ').alternatives).toEqual([
      { kind: 'exact', value: '5300' },
      { kind: 'exact', value: '5301' },
    ]);
  });

  it.each([
    ['5300-5301-,6300', 'more than one'],
    ['5300-5301-5302', 'more than one'],
    ['5300,,5303', 'empty alternative'],
    [',5300', 'empty alternative'],
    ['5300,', 'empty alternative'],
    ['', 'empty'],
    ['   ', 'empty'],
    ['5304-5302', 'starts above its end'],
  ])('rejects %j (%s) with BAD_INPUT naming the pattern', (pattern, why) => {
    expect(codeOf(() => compileNumberPattern(pattern))).toBe('BAD_INPUT');
    expect(() => compileNumberPattern(pattern)).toThrow(why);
    expect(() => compileNumberPattern(pattern)).toThrow(`"${pattern}"`);
  });
});

describe('compileNumberPattern, UCM CDR page language', () => {
  it('3XXX matches 3 followed by exactly three digits', () => {
    expect(matches('3XXX', VALUES)).toEqual(['3000', '3999']);
    expect(matches('3xxx', VALUES)).toEqual(['3000', '3999']);
  });

  it('3. matches values starting with 3, of any length', () => {
    expect(matches('3.', VALUES)).toEqual(['34', '340', '3', '300', '3000', '3999', '30000', '3a00']);
  });

  it('combines with cdrapi items', () => {
    expect(matches('3XXX,5300-5301', VALUES)).toEqual(['3000', '3999', '5300', '5301']);
  });

  it("keeps names containing X or '.' as exact values", () => {
    expect(matches('Max', ['Max', 'Ma1'])).toEqual(['Max']);
    expect(compileNumberPattern('Xavier').alternatives).toEqual([{ kind: 'exact', value: 'Xavier' }]);
  });

  it.each(['3X1', '3XX1', '3.1'])("rejects %j: 'X' and '.' only at the end", (pattern) => {
    expect(codeOf(() => compileNumberPattern(pattern))).toBe('BAD_INPUT');
  });
});

describe('compileNumberPattern, SQL form', () => {
  const db = new Database(':memory:');
  afterAll(() => db.close());
  const glob = db.prepare<[string, string], { hit: number }>('SELECT ? GLOB ? AS hit');

  it.each(['_4@', '@53@', '530_', '2@,34@,@5', '3XXX', '3.', '*9@', '[x]@', '?@'])(
    'the GLOB of %j selects exactly what test() selects',
    (pattern) => {
      const compiled = compileNumberPattern(pattern);
      const values = [...VALUES, '*9', '*91', '[x]1', 'x1', '?a', 'b?'];
      for (const alternative of compiled.alternatives) {
        if (alternative.kind !== 'wildcard') throw new Error(`expected a wildcard for ${pattern}`);
        for (const value of values) {
          expect(glob.get(value, alternative.glob)?.hit === 1, `${value} GLOB ${alternative.glob}`).toBe(
            alternative.regex.test(value),
          );
        }
      }
    },
  );
});

describe('extensionNumber', () => {
  it('reads the digits of a value, 0 when it has none', () => {
    expect(extensionNumber('5300')).toBe(5300);
    expect(extensionNumber('x53-01')).toBe(5301);
    expect(extensionNumber('Anonymous')).toBe(0);
    expect(extensionNumber('')).toBe(0);
  });
});
