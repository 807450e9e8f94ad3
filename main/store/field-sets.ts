import type { CdrRecord } from '../cdr/types.js';
import { AppError } from '../errors.js';
import type { Db } from './db-type.js';
import type { PreparedRecord } from './prepare.js';
import { decodeValues, encodeNumber, encodeValues, readNumber } from './record-codec.js';

/**
 * Raw records are stored against a list of their field names: the field names a PBX sends are the
 * same for nearly every record (thirty-odd of them), so they are written once in field_sets instead of
 * a million times, which takes about 40% off the records table. Order and unknown fields are kept: a
 * record with other names or another order simply gets its own set.
 *
 * legs.fields holds a record in one of two forms, told apart by SQLite's type of the value:
 * - TEXT, the JSON array `[set id, value, value, ...]`: every record before schema 8, and since then a
 *   record whose values the compact coding refuses (record-codec.ts);
 * - BLOB (schema 8): the format byte 1, the set id as a LEB128 number, then the values coded by
 *   record-codec.ts. Schema 8 converts the older rows in batches after opening (record-upgrade.ts),
 *   so until it is through a cache holds both, and every reader takes either.
 */
export type StoredFields = string | Buffer;

/** The first byte of a compact record: which coding follows (record-codec.ts). */
const COMPACT_FORMAT = '\x01';

/** A stored record's set id and values; `previous`: the values of the record before it in the call. */
function readStored(stored: StoredFields, previous: readonly string[] | null): { id: number; values: string[] } {
  if (typeof stored === 'string') {
    const row = JSON.parse(stored) as [number, ...string[]];
    return { id: row[0], values: row.slice(1) as string[] };
  }
  if (stored[0] !== COMPACT_FORMAT.charCodeAt(0)) throw damaged(`unknown record format ${String(stored[0])}`);
  try {
    const [id, at] = readNumber(stored, 1);
    return { id, values: decodeValues(stored, at, previous) };
  } catch (error) {
    throw damaged(error instanceof Error ? error.message : String(error));
  }
}

function damaged(detail: string): AppError {
  return new AppError('DB_ERROR', `The cache holds a record it cannot read (${detail}); the file is damaged.`);
}

/**
 * The records of one call (seq order) with those still stored as JSON in the compact form (schema 8),
 * each coded after the one before it as ingest codes them; a record whose values cannot be coded stays
 * as it is.
 */
export function compactCall(stored: readonly StoredFields[]): StoredFields[] {
  let previous: string[] | null = null;
  return stored.map((record) => {
    const { id, values } = readStored(record, previous);
    const packed = typeof record === 'string' ? encodeValues(values, previous) : null;
    previous = values;
    return packed === null ? record : Buffer.from(COMPACT_FORMAT + encodeNumber(id) + packed, 'latin1');
  });
}

export interface FieldSets {
  /** The stored form of a prepared record (prepare.ts), its field list created when new. */
  stored(record: PreparedRecord): StoredFields;
  /**
   * Whether `stored` holds exactly this prepared record, compared in the stored form without decoding
   * it (nothing is written: a field list not stored yet means it cannot be).
   */
  holds(stored: StoredFields, record: PreparedRecord): boolean;
  /** A call's first record (legs.seq 0), which reads on its own. */
  decode(stored: StoredFields): CdrRecord;
  /** Every record of a call, in seq order: each may refer to the one before it (record-codec.ts). */
  decodeCall(stored: readonly StoredFields[]): CdrRecord[];
  /**
   * Drops what was learnt: a transaction that rolled back may have taken new sets with it. Every
   * writer's rollback path (ingest, Store.transaction) calls this.
   */
  forget(): void;
}

export function createFieldSets(db: Db): FieldSets {
  const insert = db.prepare('INSERT INTO field_sets (names) VALUES (?) ON CONFLICT (names) DO NOTHING');
  const idOf = db.prepare<[string], { id: number }>('SELECT id FROM field_sets WHERE names = ?');
  const namesOf = db.prepare<[number], { names: string }>('SELECT names FROM field_sets WHERE id = ?');
  /** Set id by the JSON of its names. */
  const ids = new Map<string, number>();
  const names = new Map<number, string[]>();
  // Consecutive records nearly always share their names: comparing with the last set is cheaper than
  // a map lookup for every record.
  let lastNames = '';
  let lastId = 0;

  /** The id of a set, created when `create` and it does not exist yet; null otherwise. */
  function setId(json: string, create: boolean): number | null {
    if (lastId !== 0 && json === lastNames) return lastId;
    let id = ids.get(json) ?? idOf.get(json)?.id;
    if (id === undefined) {
      if (!create) return null;
      insert.run(json);
      id = (idOf.get(json) as { id: number }).id;
    }
    ids.set(json, id);
    lastNames = json;
    lastId = id;
    return id;
  }

  function withId(id: number, record: PreparedRecord): StoredFields {
    if (record.packed !== null) return Buffer.from(COMPACT_FORMAT + encodeNumber(id) + record.packed, 'latin1');
    // values is a JSON array: the stored form is the same array with the set id in front.
    return record.values === '[]' ? `[${id}]` : `[${id},${record.values.slice(1)}`;
  }

  /** The record of a set's names and these values; `compact`: read from the compact form, checked. */
  function toRecord({ id, values }: { id: number; values: string[] }, compact: boolean): CdrRecord {
    const keys = namesFor(id);
    if (compact && values.length !== keys.length) throw damaged(`${values.length} values for the ${keys.length} fields of set ${id}`);
    const record: CdrRecord = {};
    for (let i = 0; i < keys.length; i++) record[keys[i] as string] = values[i] as string;
    return record;
  }

  function namesFor(id: number): string[] {
    let keys = names.get(id);
    if (keys === undefined) {
      const row = namesOf.get(id);
      if (!row) throw new AppError('DB_ERROR', `The cache refers to field set ${id}, which it does not hold; the file is damaged.`);
      keys = JSON.parse(row.names) as string[];
      names.set(id, keys);
    }
    return keys;
  }

  return {
    stored: (record) => withId(setId(record.names, true) as number, record),
    holds(stored, record) {
      const id = setId(record.names, false);
      if (id === null) return false;
      if (typeof stored === 'string') {
        // A row not converted yet (schema 8) is compared in its JSON form.
        return stored === (record.values === '[]' ? `[${id}]` : `[${id},${record.values.slice(1)}`);
      }
      if (record.packed === null) return false;
      const head = COMPACT_FORMAT + encodeNumber(id);
      const { packed } = record;
      if (stored.length !== head.length + packed.length) return false;
      // Byte by byte against the latin1 text: no copy of either side for the million calls of a re-import.
      for (let i = 0; i < head.length; i++) if (stored[i] !== head.charCodeAt(i)) return false;
      for (let i = 0; i < packed.length; i++) if (stored[head.length + i] !== packed.charCodeAt(i)) return false;
      return true;
    },
    forget() {
      ids.clear();
      names.clear();
      lastNames = '';
      lastId = 0;
    },
    decode: (stored) => toRecord(readStored(stored, null), typeof stored !== 'string'),
    decodeCall(stored) {
      let previous: string[] | null = null;
      return stored.map((one) => {
        const read = readStored(one, previous);
        previous = read.values;
        return toRecord(read, typeof one !== 'string');
      });
    },
  };
}
