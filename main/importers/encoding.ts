import { isUtf8 } from 'node:buffer';
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

/** Bytes at the end of a buffer that start a UTF-8 sequence the buffer does not finish. */
function incompleteUtf8Tail(bytes: Uint8Array): number {
  for (let back = 1; back <= Math.min(3, bytes.length); back++) {
    const byte = bytes[bytes.length - back] as number;
    if ((byte & 0xc0) === 0x80) continue; // a continuation byte: look further back
    const needed = byte >= 0xf0 ? 4 : byte >= 0xe0 ? 3 : byte >= 0xc0 ? 2 : 1;
    return needed > back ? back : 0;
  }
  return 0;
}

/**
 * UTF-8 unless proven otherwise: a spreadsheet's Windows-1252 save is pure ASCII until its first accented
 * name, which may come long after the sample the encoding was detected from. The first invalid UTF-8
 * switches the rest of the file to Windows-1252 (ASCII reads the same in both, so nothing decoded
 * before is wrong).
 */
function utf8OrWin1252Decoder(): TextDecoderLike {
  const fallback = iconv.getDecoder('win1252');
  let carry: Buffer = Buffer.alloc(0);
  let switched = false;
  let first = true;
  const stripBom = (text: string): string => {
    if (!first || text === '') return text;
    first = false;
    return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  };
  return {
    write: (bytes) => {
      if (switched) return fallback.write(bytes);
      const data = carry.length > 0 ? Buffer.concat([carry, bytes]) : bytes;
      const whole = data.length - incompleteUtf8Tail(data);
      const body = data.subarray(0, whole);
      if (isUtf8(body)) {
        carry = Buffer.from(data.subarray(whole));
        return stripBom(body.toString('utf8'));
      }
      switched = true;
      return stripBom(fallback.write(data));
    },
    end: () => {
      if (switched) return fallback.end() ?? '';
      if (carry.length === 0) return '';
      // A sequence cut by the end of the file is not UTF-8: those last bytes are Windows-1252 text.
      const rest = fallback.write(carry);
      return stripBom(rest + (fallback.end() ?? ''));
    },
  };
}

/**
 * A streaming decoder that carries split characters across chunks and drops a leading BOM. Text
 * detected as UTF-8 falls back to Windows-1252 from the first byte that is not UTF-8.
 */
export function createDecoder(encoding: TextEncodingName): TextDecoderLike {
  if (encoding === 'utf8') return utf8OrWin1252Decoder();
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
