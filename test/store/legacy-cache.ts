import Database from 'better-sqlite3';
import { generateCalls } from '../../main/simulator/generator.js';
import { createFieldSets } from '../../main/store/field-sets.js';
import { readNumber } from '../../main/store/record-codec.js';
import { openStore } from '../../main/store/store.js';

/**
 * Turns a cache written by this version back into what schema 7 left: every record as the JSON text
 * `[set id, value, ...]` (exactly the old writer's text: JSON.stringify of the same array) with a
 * derived copy beside it, no conversion marker, user_version 7. The upgrade tests start from it.
 */
export function toSchema7(path: string): void {
  const raw = new Database(path);
  try {
    const fieldSets = createFieldSets(raw);
    const rows = raw.prepare<[], { rowid: number; call_id: number; fields: Buffer | string }>('SELECT rowid, call_id, fields FROM legs ORDER BY call_id, seq').all();
    const set = raw.prepare('UPDATE legs SET fields = ?, derived = ? WHERE rowid = ?');
    const byCall = new Map<number, typeof rows>();
    for (const row of rows) byCall.set(row.call_id, [...(byCall.get(row.call_id) ?? []), row]);
    raw.transaction(() => {
      for (const call of byCall.values()) {
        const records = fieldSets.decodeCall(call.map((r) => r.fields));
        call.forEach((row, i) => {
          if (typeof row.fields === 'string') return;
          const [id] = readNumber(row.fields, 1);
          const values = Object.values(records[i] as object) as string[];
          // legs.derived is no longer read; what schema 7 kept there was about this long.
          const derived = JSON.stringify({ s: values[11] ?? '', u: 0, d: values[16] ?? '', k: 'DIAL' });
          set.run(JSON.stringify([id, ...values]), derived, row.rowid);
        });
      }
      raw.prepare("DELETE FROM settings WHERE key = 'records.compact_after'").run();
      // Schema 11's phonebook did not exist either: its step learns the names again.
      raw.exec('DROP TRIGGER IF EXISTS contacts_forget_pbx; DROP TABLE IF EXISTS contacts;');
      raw.pragma('user_version = 7');
    })();
    raw.pragma('wal_checkpoint(TRUNCATE)');
  } finally {
    raw.close();
  }
}

export interface CacheContent {
  calls: unknown[];
  legs: { call_id: number; seq: number; acct_id: string; fields: string; type: string; derived: string }[];
  field_sets: unknown[];
  settings: unknown[];
}

/** Everything stored about calls, records as their stored bytes (hex) and SQLite type. */
export function cacheContent(path: string): CacheContent {
  const raw = new Database(path, { readonly: true });
  try {
    return {
      calls: raw.prepare('SELECT * FROM calls ORDER BY id').all(),
      legs: raw
        .prepare('SELECT call_id, seq, acct_id, hex(fields) AS fields, typeof(fields) AS type, derived FROM legs ORDER BY call_id, seq')
        .all() as CacheContent['legs'],
      field_sets: raw.prepare('SELECT * FROM field_sets ORDER BY id').all(),
      settings: raw.prepare('SELECT * FROM settings ORDER BY key').all(),
    };
  } finally {
    raw.close();
  }
}

/** A cache at `path` holding `count` generated calls of one PBX ("office", London), as schema 7 left it. */
export function schema7Cache(path: string, count: number, seed = 7): void {
  const store = openStore(path);
  try {
    const tz = 'Europe/London';
    const pbx = store.profiles.save({ name: 'office', url: 'https://192.0.2.10:8443', api: 'auto', user: 'cdrapi', tz }).id;
    const calls = [...generateCalls({ count, seed, start: new Date('2024-01-01T00:00:00Z'), end: new Date('2024-06-30T00:00:00Z'), tz })];
    for (let i = 0; i < calls.length; i += 5_000) store.calls.ingest(pbx, calls.slice(i, i + 5_000), { origin: 'sync' });
  } finally {
    store.close();
  }
  toSchema7(path);
}
