/**
 * Folding for caller-name and free-text search: case and accents. JavaScript has no full Unicode case
 * fold, but upper-casing first maps characters whose lower case is several letters the way folding
 * does (ß -> SS -> ss, ﬁ -> FI -> fi, final sigma -> Σ -> σ). NFKD splits accented letters and
 * compatibility forms into a base and combining marks; the marks of the Combining Diacritical Marks
 * block go, so 'muller' finds 'Müller' and 'jose' finds 'José' (marks of other blocks, which tell
 * letters apart in their scripts, stay), and NFC puts the rest back together. Stored copies and search
 * needles both pass through here, so 'müller', 'MÜLLER', 'Mu\u0308ller' and 'muller' all meet.
 */
export function foldText(text: string): string {
  // Numbers and most trunk names are printable ASCII, where lower-casing is the whole fold.
  if (!NOT_PLAIN_ASCII.test(text)) return text.toLowerCase();
  return text.normalize('NFKD').replace(DIACRITICS, '').toUpperCase().toLowerCase().normalize('NFC');
}

const DIACRITICS = /[\u0300-\u036f]/g;

const NOT_PLAIN_ASCII = /[^\u0020-\u007e]/;

/** Length in characters (code points), the unit FTS5's trigram tokenizer counts in. */
export function charLength(text: string): number {
  let n = 0;
  for (const _ of text) n++;
  return n;
}
