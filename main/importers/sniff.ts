/**
 * Recognises what a file holds from its first bytes/characters, never from its name: a cdrapi JSON or
 * XML response, a CSV (separator sniffed from the header line), or something that is not CDR data.
 */

export type Sniffed =
  | { kind: 'json' }
  | { kind: 'xml' }
  | { kind: 'csv'; delimiter: string; headerLine: string }
  | { kind: 'not-cdr'; why: string };

const SEPARATORS = [',', ';', '\t'] as const;

/** The separator that splits the header line into the most columns, counting only outside quotes. */
export function sniffDelimiter(headerLine: string): string | null {
  const counts = new Map<string, number>(SEPARATORS.map((s) => [s, 0]));
  let quoted = false;
  for (const ch of headerLine) {
    if (ch === '"') quoted = !quoted;
    else if (!quoted && counts.has(ch)) counts.set(ch, (counts.get(ch) ?? 0) + 1);
  }
  let best: string | null = null;
  let bestCount = 0;
  for (const [separator, count] of counts) {
    if (count > bestCount) {
      best = separator;
      bestCount = count;
    }
  }
  return best;
}

function binaryMagic(head: Uint8Array): string | null {
  const ascii = Buffer.from(head.subarray(0, 8)).toString('latin1');
  if (ascii.startsWith('%PDF')) return 'a PDF document';
  if (head[0] === 0x1f && head[1] === 0x8b) return 'a gzip-compressed file (unpack it first)';
  if (ascii.startsWith('\xd0\xcf\x11\xe0')) return 'an old-style Excel/Office document (save it as CSV first)';
  if (ascii.startsWith('\x89PNG') || ascii.startsWith('\xff\xd8\xff') || ascii.startsWith('GIF8')) return 'an image';
  if (ascii.startsWith('RIFF') || ascii.startsWith('ID3')) return 'an audio file';
  return null;
}

/** Looks at the raw head for formats that are recognisably not CDR text. */
export function sniffBytes(head: Uint8Array): { kind: 'not-cdr'; why: string } | null {
  const magic = binaryMagic(head);
  return magic ? { kind: 'not-cdr', why: `it is ${magic}` } : null;
}

function controlShare(text: string): number {
  let control = 0;
  const sample = Math.min(text.length, 8192);
  for (let i = 0; i < sample; i++) {
    const c = text.charCodeAt(i);
    if ((c < 32 && c !== 9 && c !== 10 && c !== 13) || c === 0xfffd) control++;
  }
  return sample === 0 ? 0 : control / sample;
}

/** Classifies the decoded head of a file. */
export function sniffText(head: string): Sniffed {
  const text = head.replace(/^\uFEFF/, '').trimStart();
  if (text === '') return { kind: 'not-cdr', why: 'it is empty' };
  if (controlShare(text) > 0.01) return { kind: 'not-cdr', why: 'it is a binary file, not text' };
  if (text.startsWith('{') || text.startsWith('[')) {
    return /"cdr_root"/.test(text)
      ? { kind: 'json' }
      : { kind: 'not-cdr', why: 'it is JSON without a "cdr_root" (not a cdrapi response)' };
  }
  if (text.startsWith('<')) {
    if (/^<!doctype html|^<html|<html[\s>]/i.test(text)) return { kind: 'not-cdr', why: 'it is an HTML page' };
    return /<root[\s>/]/.test(text) && /<cdr[\s>/]/.test(text)
      ? { kind: 'xml' }
      : { kind: 'not-cdr', why: 'it is XML without <root><cdr> (not a cdrapi response)' };
  }
  const headerLine = text.split(/\r\n|\n|\r/, 1)[0] as string;
  const delimiter = sniffDelimiter(headerLine);
  if (delimiter === null) return { kind: 'not-cdr', why: 'its first line is not a header of several columns' };
  return { kind: 'csv', delimiter, headerLine };
}
