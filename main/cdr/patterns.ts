import { AppError } from '../errors.js';

/**
 * The one number-pattern matcher, for both pattern languages users know:
 *
 * - cdrapi (`caller=5300,5302-5304,_4@`): comma-separated alternatives; '@' matches any run of
 *   characters (also none), '_' exactly one; an item with a wildcard treats '-' literally; an item
 *   with exactly one '-' is a numeric range where non-digits are ignored ("0-0" matches values without
 *   digits); more than one '-' is invalid.
 * - UCM CDR page (`3XXX`, `3.`): 'X' (any case) matches one digit and '.' any run of characters, both
 *   only at the end.
 *
 * Anything else is an exact match. The store turns a compiled pattern into SQL; the simulator and
 * tests use `test` on plain strings; both read the same alternatives.
 */
export type PatternAlternative =
  | { kind: 'exact'; value: string }
  /** `glob` uses SQLite GLOB syntax; `regex` is the same pattern anchored for JavaScript. */
  | { kind: 'wildcard'; glob: string; regex: RegExp }
  | { kind: 'range'; low: number; high: number };

export interface NumberPattern {
  source: string;
  alternatives: PatternAlternative[];
  test(value: string): boolean;
}

const GLOB_SPECIAL = /[[\]*?]/g;
const REGEX_SPECIAL = /[.*+?^${}()|[\]\\]/g;

/** Numeric value of an extension for range matching: its digits, or 0 when it has none. */
export function extensionNumber(value: string): number {
  const digits = value.replace(/\D+/g, '');
  return digits === '' ? 0 : Number(digits);
}

function bad(source: string, why: string): AppError {
  return new AppError('BAD_INPUT', `Invalid number pattern "${source}": ${why}.`, { pattern: source });
}

function wildcard(glob: string, regexBody: string): PatternAlternative {
  return { kind: 'wildcard', glob, regex: new RegExp(`^${regexBody}$`, 's') };
}

function compileCdrapiItem(item: string, source: string): PatternAlternative {
  if (item.includes('@') || item.includes('_')) {
    let glob = '';
    let regex = '';
    for (const ch of item) {
      if (ch === '@') {
        glob += '*';
        regex += '.*';
      } else if (ch === '_') {
        glob += '?';
        regex += '.';
      } else {
        glob += ch.replace(GLOB_SPECIAL, (c) => `[${c}]`);
        regex += ch.replace(REGEX_SPECIAL, '\\$&');
      }
    }
    return wildcard(glob, regex);
  }
  const hyphens = item.split('-').length - 1;
  if (hyphens > 1) throw bad(source, `"${item}" has more than one '-'; a range is written low-high`);
  if (hyphens === 1) {
    const [lowText, highText] = item.split('-') as [string, string];
    const low = extensionNumber(lowText);
    const high = extensionNumber(highText);
    if (low > high) throw bad(source, `range "${item}" starts above its end`);
    return { kind: 'range', low, high };
  }
  return { kind: 'exact', value: item };
}

/** UCM page syntax: a literal prefix followed only by X's, or by a single trailing '.'. */
function compilePageItem(item: string, source: string): PatternAlternative | null {
  const match = /^([^Xx.]*)([Xx]+|\.)$/.exec(item);
  if (!match) {
    if (/[Xx]+[^Xx]/.test(item) && /^\d/.test(item)) {
      throw bad(source, "'X' may only appear at the end of the pattern");
    }
    if (item.includes('.') && !item.endsWith('.') && /^\d/.test(item)) {
      throw bad(source, "'.' may only appear at the end of the pattern");
    }
    return null;
  }
  const prefix = match[1] ?? '';
  const tail = match[2] ?? '';
  // Only digit-like prefixes are UCM page patterns; a name such as "Max" stays an exact value.
  if (!/^[0-9*#+]*$/.test(prefix)) return null;
  const globPrefix = prefix.replace(GLOB_SPECIAL, (c) => `[${c}]`);
  const regexPrefix = prefix.replace(REGEX_SPECIAL, '\\$&');
  if (tail === '.') return wildcard(`${globPrefix}*`, `${regexPrefix}.*`);
  return wildcard(globPrefix + '[0-9]'.repeat(tail.length), regexPrefix + '[0-9]'.repeat(tail.length));
}

function testAlternative(alt: PatternAlternative, value: string): boolean {
  switch (alt.kind) {
    case 'exact':
      return value === alt.value;
    case 'wildcard':
      return alt.regex.test(value);
    case 'range': {
      const n = extensionNumber(value);
      return n >= alt.low && n <= alt.high;
    }
  }
}

/**
 * Compiles a pattern in either language. Throws AppError('BAD_INPUT') naming the pattern when it is
 * malformed (empty, empty alternative, several hyphens, 'X' or '.' not at the end).
 */
export function compileNumberPattern(source: string): NumberPattern {
  const text = source.trim();
  if (text === '') throw bad(source, 'it is empty');
  const items = text.split(',');
  const alternatives = items.map((raw) => {
    const item = raw.trim();
    if (item === '') throw bad(source, 'it has an empty alternative (leading, trailing or doubled comma)');
    return compilePageItem(item, source) ?? compileCdrapiItem(item, source);
  });
  return {
    source: text,
    alternatives,
    test: (value: string) => alternatives.some((alt) => testAlternative(alt, value)),
  };
}
