import { describe, expect, it } from 'vitest';
import { compileNumberPattern } from '../../main/cdr/patterns.js';
import { numberPatternHint } from '../../renderer/src/number-pattern.js';

/** What the service answers for a pattern: taken, or refused. */
function serviceTakes(pattern: string): boolean {
  try {
    compileNumberPattern(pattern);
    return true;
  } catch {
    return false;
  }
}

const PATTERNS = [
  '1001',
  '1001,',
  ',1001',
  '1001,,1002',
  '1001, 1002',
  '5300,5302-5304',
  '5302-',
  '-5304',
  '5304-5302',
  '1-2-3',
  '3XXX',
  '3X',
  '3XX1',
  '3.',
  '3.1',
  '_4@',
  '@',
  'Max',
  '+49XX',
  '0-0',
  '*97',
  '1001-1001',
  'a-b',
  '3x',
  ' 1001 ',
];

describe('the number pattern check of the filter fields', () => {
  it.each(PATTERNS)('agrees with the service on %j', (pattern) => {
    expect(numberPatternHint(pattern) === null).toBe(serviceTakes(pattern));
  });

  it('says what an incomplete pattern still needs', () => {
    expect(numberPatternHint('1001,')).toMatch(/after the comma/);
    expect(numberPatternHint('5302-')).toMatch(/end of the range/);
  });

  it('has nothing to say about an empty field', () => {
    expect(numberPatternHint('')).toBeNull();
    expect(numberPatternHint('  ')).toBeNull();
    expect(numberPatternHint(undefined)).toBeNull();
  });
});
