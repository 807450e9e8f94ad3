/**
 * Case folding for caller-name and free-text search. JavaScript has no full Unicode case fold, but
 * upper-casing first maps characters whose lower case is several letters the way folding does
 * (ß -> SS -> ss, ﬁ -> FI -> fi, final sigma -> Σ -> σ), and NFKC makes composed and decomposed
 * umlauts and compatibility forms compare equal. Stored copies and search needles both pass through
 * here, so 'müller', 'MÜLLER' and 'Mu\u0308ller' all meet.
 */
export function foldText(text: string): string {
  // Numbers and most trunk names are printable ASCII, where lower-casing is the whole fold.
  if (!NOT_PLAIN_ASCII.test(text)) return text.toLowerCase();
  return text.normalize('NFKC').toUpperCase().toLowerCase();
}

const NOT_PLAIN_ASCII = /[^\u0020-\u007e]/;

/** Length in characters (code points), the unit FTS5's trigram tokenizer counts in. */
export function charLength(text: string): number {
  let n = 0;
  for (const _ of text) n++;
  return n;
}
