import iconv from 'iconv-lite';

/**
 * Character encodings CDR files arrive in: UTF-8 (with or without BOM) from the UCM, UTF-16 with a BOM
 * from spreadsheet "Unicode text" saves, Windows-1252 from older spreadsheet saves on Windows.
 */
export type TextEncodingName = 'utf8' | 'utf16le' | 'utf16be' | 'win1252';

/** How many leading bytes the detection looks at; callers read at least this much when they can. */
export const DETECTION_BYTES = 64 * 1024;

function looksLikeUtf16(head: Uint8Array, zeroAtOdd: boolean): boolean {
  const pairs = Math.min(head.length >> 1, 2048);
  if (pairs < 2) return false;
  let expected = 0;
  let other = 0;
  for (let p = 0; p < pairs; p++) {
    if (head[2 * p + (zeroAtOdd ? 1 : 0)] === 0) expected++;
    if (head[2 * p + (zeroAtOdd ? 0 : 1)] === 0) other++;
  }
  // ASCII text in UTF-16 has a zero in every other byte; allow some non-Latin characters.
  return expected > pairs * 0.6 && other < pairs * 0.05;
}

function isValidUtf8Prefix(head: Uint8Array): boolean {
  try {
    // stream: true tolerates a character cut at the end of the sample.
    new TextDecoder('utf-8', { fatal: true }).decode(head, { stream: true });
    return true;
  } catch {
    return false;
  }
}

/** Decides the encoding from the first bytes: a BOM, else UTF-16 byte pattern, else valid UTF-8, else Windows-1252. */
export function detectEncoding(head: Uint8Array): TextEncodingName {
  if (head.length >= 3 && head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf) return 'utf8';
  if (head.length >= 2 && head[0] === 0xff && head[1] === 0xfe) return 'utf16le';
  if (head.length >= 2 && head[0] === 0xfe && head[1] === 0xff) return 'utf16be';
  if (looksLikeUtf16(head, true)) return 'utf16le';
  if (looksLikeUtf16(head, false)) return 'utf16be';
  return isValidUtf8Prefix(head) ? 'utf8' : 'win1252';
}

export interface TextDecoderLike {
  write(bytes: Buffer): string;
  end(): string;
}

/** A streaming decoder that carries split characters across chunks and drops a leading BOM. */
export function createDecoder(encoding: TextEncodingName): TextDecoderLike {
  const decoder = iconv.getDecoder(encoding, { stripBOM: true });
  return {
    write: (bytes) => decoder.write(bytes),
    end: () => decoder.end() ?? '',
  };
}

/** Decodes a whole (small) buffer. */
export function decodeAll(bytes: Buffer, encoding: TextEncodingName): string {
  const decoder = createDecoder(encoding);
  return decoder.write(bytes) + decoder.end();
}
