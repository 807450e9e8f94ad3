/**
 * The compact form of a raw record's values in legs.fields (schema 8; field-sets.ts holds the names).
 *
 * A record is thirty to fifty strings, most of them empty, a handful of words every UCM writes
 * (`DOCUMENTATION`, `from-internal`, `ANSWERED`, `no`), a copy of another value of the same record
 * (the session's start in start and answer, an extension in src and channel_ext) or of the record
 * before it in the call (its legs share session, caller, channels). As JSON text such a record took
 * 484 bytes on average on the bench data; coded here it takes about 170 (about 310 without the
 * references to the record before), in about 3 µs, so ingest loses nothing to it. Deflate with a
 * preset dictionary (node:zlib) made 155 bytes per record alone, but took 35 µs per record (one zlib
 * stream per call), about 110 s more for a million-call ingest: measured and not kept.
 *
 * The coding, one tag byte per value:
 * - 0x00-0x3f: the value COMMON_VALUES[tag];
 * - 0x40-0x7f: the same value as this record's value number tag - 0x40;
 * - 0x80-0xef: a literal of tag - 0x80 UTF-8 bytes, which follow;
 * - 0xf0: the same value as the previous record of the call has at this position;
 * - 0xf1: the previous record's value whose number (below 256) follows in one byte;
 * - 0xff: a literal whose byte length follows as a LEB128 number, then its bytes.
 * The previous record is the one stored before it in the call (legs.seq - 1), in whichever form it is
 * stored; the call's first record has none, so it reads on its own (exports read only that one).
 * The coding is deterministic (the same values after the same record always give the same bytes), so
 * a delivery is compared with what is stored without decoding (ingest's storedAlready). Every value
 * comes back exactly: a string that UTF-8 cannot carry (a lone surrogate) or a value that is not a
 * string makes encodeValues refuse, and such a record keeps the JSON form.
 *
 * COMMON_VALUES is part of the format: it never changes. Another table would be another format byte
 * (field-sets.ts).
 */
export const COMMON_VALUES: readonly string[] = Object.freeze([
  '',
  'no',
  'yes',
  '0',
  '1',
  '2',
  '3',
  '4',
  '5',
  '6',
  '7',
  '8',
  '9',
  '10',
  '20',
  '30',
  's',
  'DOCUMENTATION',
  'Inbound',
  'Outbound',
  'Internal',
  'External',
  'from-internal',
  'from-internal-xfer',
  'Dial',
  'Queue',
  'DIAL',
  'ANSWERED',
  'NO ANSWER',
  'BUSY',
  'FAILED',
  'ForkCDR',
  'VoiceMail',
  'VM',
  'ReadExten',
  'Playback',
  'BackGround',
  'Hangup',
  'Anonymous',
  'ae',
  'are',
  'QUEUE',
  'RINGGROUP',
  'TRANSFER',
  'IVR',
  'CONFERENCE',
  'PARKEDCALL',
  'PAGE',
  'ConfBridge',
  'Answer',
  'Wait',
  'ext-local',
  'ext-queues',
  'ext-group',
  'ext-did',
  'ext-did-1',
  'ext-did-2',
  'outbound-route-1',
  'ivr-1',
  'ivr-from-internal',
  'default',
  'GXP2170',
  'WP820',
  'GRP2614',
]);

const COMMON_INDEX = new Map(COMMON_VALUES.map((value, i) => [value, i]));
const SAME_AS = 0x40;
const LITERAL = 0x80;
const SAME_AS_BEFORE = 0xf0;
const BEFORE = 0xf1;
const LONG_LITERAL = 0xff;
/** Literals of fewer bytes than this take one tag byte for their length. */
const SHORT_LIMIT = SAME_AS_BEFORE - LITERAL;
/** How many values of the previous record can be referred to by number. */
const BEFORE_LIMIT = 256;
/** What UTF-8 cannot carry: a lone surrogate. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
/** String.prototype.isWellFormed (ES2024, in Node 20; not in this project's ES2023 typings), native and faster than the pattern. */
const nativeWellFormed = (String.prototype as { isWellFormed?: (this: string) => boolean }).isWellFormed;
const wellFormed: (text: string) => boolean = nativeWellFormed ? (text) => nativeWellFormed.call(text) : (text) => !LONE_SURROGATE.test(text);

/** Scratch space for one record; a record larger than this grows it. */
let scratch = Buffer.allocUnsafe(1 << 16);
const seen = new Map<string, number>();

/** Makes room for `bytes` more after the first `used` bytes of scratch (a typed array drops what is written past its end). */
function room(used: number, bytes: number): void {
  if (used + bytes <= scratch.length) return;
  const grown = Buffer.allocUnsafe(Math.max(used + bytes, scratch.length * 2));
  scratch.copy(grown, 0, 0, used);
  scratch = grown;
}

/**
 * The values coded as above, as a latin1 string of the bytes (one character per byte: strings cross
 * threads and are compared faster than small buffers), or null when a value cannot be coded exactly.
 */
export function encodeValues(values: readonly unknown[], previous: readonly unknown[] | null = null): string | null {
  let at = 0;
  seen.clear();
  for (let i = 0; i < values.length; i++) {
    const value = values[i];
    if (typeof value !== 'string') return null;
    // A value coded without its text takes up to two bytes.
    room(at, 2);
    const common = COMMON_INDEX.get(value);
    if (common !== undefined) {
      scratch[at++] = common;
      continue;
    }
    const earlier = seen.get(value);
    if (earlier !== undefined) {
      scratch[at++] = SAME_AS + earlier;
      continue;
    }
    if (i < LITERAL - SAME_AS) seen.set(value, i);
    if (previous !== null) {
      if (previous[i] === value) {
        scratch[at++] = SAME_AS_BEFORE;
        continue;
      }
      const j = previous.indexOf(value);
      if (j >= 0 && j < BEFORE_LIMIT) {
        scratch[at++] = BEFORE;
        scratch[at++] = j;
        continue;
      }
    }
    // Room for the tag, a length of up to 5 bytes and the value at 3 bytes per UTF-16 unit.
    room(at, 6 + value.length * 3);
    // Written after the tag first: nearly every value is short, and its length fits in the tag.
    const length = scratch.write(value, at + 1, 'utf8');
    // Only a literal carries its own text, and only one that is not ASCII (a byte per unit) can hold a
    // lone surrogate, which UTF-8 would replace. A reference to a value is exact whatever it holds.
    if (length !== value.length && !wellFormed(value)) return null;
    if (length < SHORT_LIMIT) {
      scratch[at] = LITERAL + length;
      at += 1 + length;
    } else {
      const head = encodeNumber(length);
      scratch.copyWithin(at + 1 + head.length, at + 1, at + 1 + length);
      scratch[at] = LONG_LITERAL;
      scratch.write(head, at + 1, 'latin1');
      at += 1 + head.length + length;
    }
  }
  return scratch.toString('latin1', 0, at);
}

/** A LEB128 number (set ids, lengths) as latin1 text, for the head of a stored record. */
export function encodeNumber(value: number): string {
  let text = '';
  for (let rest = value; ; ) {
    const low = rest & 0x7f;
    rest = Math.floor(rest / 128);
    if (rest === 0) return text + String.fromCharCode(low);
    text += String.fromCharCode(low | 0x80);
  }
}

/** Reads a LEB128 number at `at`; returns it and the offset after it. */
export function readNumber(bytes: Uint8Array, at: number): [number, number] {
  let value = 0;
  let scale = 1;
  for (let i = at; i < bytes.length; i++) {
    const byte = bytes[i] as number;
    value += (byte & 0x7f) * scale;
    if (byte < 0x80) return [value, i + 1];
    scale *= 128;
  }
  throw new RangeError('a number runs past the end of the record');
}

/**
 * The values of a coded record, from `at` to the end of `bytes`; `previous` are the values of the
 * record before it in the call (null for a call's first record).
 */
export function decodeValues(bytes: Buffer, at: number, previous: readonly string[] | null = null): string[] {
  const values: string[] = [];
  const fromBefore = (j: number): string => {
    const value = previous?.[j];
    if (value === undefined) throw new RangeError('a value refers to a record before it that has no such value');
    return value;
  };
  let i = at;
  while (i < bytes.length) {
    const tag = bytes[i++] as number;
    if (tag === SAME_AS_BEFORE) {
      values.push(fromBefore(values.length));
    } else if (tag === BEFORE) {
      values.push(fromBefore(bytes[i++] as number));
    } else if (tag < SAME_AS) {
      values.push(COMMON_VALUES[tag] as string);
    } else if (tag < LITERAL) {
      const earlier = values[tag - SAME_AS];
      if (earlier === undefined) throw new RangeError('a value refers to one that does not precede it');
      values.push(earlier);
    } else if (tag < SAME_AS_BEFORE || tag === LONG_LITERAL) {
      let length = tag - LITERAL;
      if (tag === LONG_LITERAL) [length, i] = readNumber(bytes, i);
      if (i + length > bytes.length) throw new RangeError('a value runs past the end of the record');
      values.push(bytes.toString('utf8', i, i + length));
      i += length;
    } else {
      throw new RangeError(`unknown tag ${tag}`);
    }
  }
  return values;
}
