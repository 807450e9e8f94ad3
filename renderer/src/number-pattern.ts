/**
 * Whether a number pattern typed in a filter field is complete, checked as it is typed so that a
 * half-written pattern ("1001,", "5300-") never goes to the service. The service's matcher
 * (main/cdr/patterns.ts, compileNumberPattern) is the one that reads patterns; this mirrors only its
 * refusals, and test/renderer/number-pattern.test.ts holds the two to the same answers.
 */

/** Numeric value of an extension for a range: its digits, 0 without any (as the service reads it). */
function extensionNumber(value: string): number {
  const digits = value.replace(/\D+/g, '');
  return digits === '' ? 0 : Number(digits);
}

function itemHint(item: string): string | null {
  if (item === '') return 'Add a number after the comma, or remove the comma.';
  const page = /^([^Xx.]*)([Xx]+|\.)$/.exec(item);
  if (page) return null;
  if (/[Xx]+[^Xx]/.test(item) && /^\d/.test(item)) return "'X' stands for a digit only at the end, as in 3XXX.";
  if (item.includes('.') && !item.endsWith('.') && /^\d/.test(item)) return "'.' means “anything after” only at the end, as in 3.";
  if (item.includes('@') || item.includes('_')) return null;
  const parts = item.split('-');
  if (parts.length > 2) return `"${item}" has more than one '-': a range is written low-high, as in 5302-5304.`;
  if (parts.length === 2) {
    const [low, high] = parts as [string, string];
    if (high.trim() === '') return 'Add the end of the range, as in 5302-5304.';
    if (extensionNumber(low) > extensionNumber(high)) return `The range "${item}" starts above its end.`;
  }
  return null;
}

/** A quiet hint saying what the pattern still needs, or null when the service will take it (or it is empty). */
export function numberPatternHint(text: string | undefined): string | null {
  const source = text?.trim() ?? '';
  if (source === '') return null;
  for (const raw of source.split(',')) {
    const hint = itemHint(raw.trim());
    if (hint) return hint;
  }
  return null;
}
