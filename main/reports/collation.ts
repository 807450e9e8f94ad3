/**
 * SQLite's text orders, for figures grouped in JavaScript that must come out as SQL would give them.
 * BINARY compares UTF-8 bytes, which is code point order; JavaScript's `<` compares UTF-16 units,
 * which puts a code point above U+FFFF (a surrogate pair, units D800-DFFF) before U+E000-U+FFFF.
 */

/** BINARY order: negative, 0 or positive as `a` sorts before, with or after `b`. */
export function binaryCompare(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x !== y) return codePointRank(x) - codePointRank(y);
  }
  return a.length - b.length;
}

/** Moves surrogates above U+E000-U+FFFF and keeps every other unit's order. */
function codePointRank(unit: number): number {
  if (unit < 0xd800) return unit;
  return unit >= 0xe000 ? unit - 0x800 : unit + 0x2000;
}

/** The NOCASE form of a text: SQLite folds ASCII letters only. */
export function nocaseKey(text: string): string {
  return text.replace(/[A-Z]+/g, (letters) => letters.toLowerCase());
}
