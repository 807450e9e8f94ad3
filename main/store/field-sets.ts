import type { CdrRecord } from '../cdr/types.js';
import { AppError } from '../errors.js';
import type { Db } from './db-type.js';

/**
 * Raw records are stored as `[set id, value, value, ...]`: the field names a PBX sends are the same
 * for nearly every record (thirty-odd of them), so they are written once in field_sets instead of a
 * million times, which takes about 40% off the records table. Order and unknown fields are kept: a
 * record with other names or another order simply gets its own set.
 */
export interface FieldSets {
  /** The stored form of a record given as JSON arrays of its names and values (prepare.ts). */
  stored(names: string, values: string): string;
  /** The same, or null when no stored record has these names (nothing is written either way). */
  storedIfKnown(names: string, values: string): string | null;
  decode(stored: string): CdrRecord;
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

  function withId(id: number, values: string): string {
    // values is a JSON array: the stored form is the same array with the set id in front.
    return values === '[]' ? `[${id}]` : `[${id},${values.slice(1)}`;
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
    stored: (namesJson, values) => withId(setId(namesJson, true) as number, values),
    storedIfKnown(namesJson, values) {
      const id = setId(namesJson, false);
      return id === null ? null : withId(id, values);
    },
    forget() {
      ids.clear();
      names.clear();
      lastNames = '';
      lastId = 0;
    },
    decode(stored) {
      const row = JSON.parse(stored) as [number, ...string[]];
      const keys = namesFor(row[0]);
      const record: CdrRecord = {};
      for (let i = 0; i < keys.length; i++) record[keys[i] as string] = row[i + 1] as string;
      return record;
    },
  };
}
