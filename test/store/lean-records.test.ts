import { copyFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { describe, expect } from 'vitest';
import { EXPORT_FIELDS, type DecodedChannel, type LegView, type SessionDetail } from '../../preload/api.js';
import { deriveCall } from '../../main/cdr/derive.js';
import { parseCdrResponse } from '../../main/cdr/parse.js';
import { isoUtc } from '../../main/cdr/time.js';
import type { CdrCall, CdrRecord, LegSummary } from '../../main/cdr/types.js';
import { exportCalls } from '../../main/export/export.js';
import { generateCalls } from '../../main/simulator/generator.js';
import { COMMON_VALUES, decodeValues, encodeValues } from '../../main/store/record-codec.js';
import { SCHEMA_VERSION } from '../../main/store/migrations.js';
import { openStore } from '../../main/store/store.js';
import type { Store } from '../../main/store/types.js';
import { test } from '../support/fixtures.js';
import { cacheContent, toSchema7 } from './legacy-cache.js';

/**
 * Schema 8 (issue 16): records stored without their derived copy, values in a compact coding, older
 * caches converted in batches after opening. Everything a user sees must stay byte for byte what the
 * release before showed: the golden files in test/fixtures/store were written by that release (schema
 * 7, commit 51f3e93) from the real capture; generated calls are checked against a derivation of the
 * original calls that does not go through the store.
 */

const FIXTURES = fileURLToPath(new URL('../fixtures/', import.meta.url));
const golden = (name: string): string => readFileSync(join(FIXTURES, 'store', name), 'utf8');
const capture = (): CdrCall[] => parseCdrResponse(readFileSync(join(FIXTURES, 'cdrapi', 'ucm63xx-cdrapi-capture-2022-08.json'), 'utf8')).calls;

/** The capture as the golden files were made: one PBX, London, a UCM6304, delivered by a sync. */
function storeCapture(store: Store): void {
  const pbx = store.profiles.save({ name: 'office', url: 'https://192.0.2.10:8443', api: 'auto', user: 'cdrapi', tz: 'Europe/London', model: 'UCM6304' }).id;
  store.calls.ingest(pbx, capture(), { origin: 'sync' });
}

/**
 * Call fields and export columns the contract gained after the golden release (issue 15: the analog
 * line, the phonebook names): the golden files know none of them, so the comparison leaves them out;
 * everything the golden release showed must still be there byte for byte.
 */
const LATER_CALL_FIELDS = ['dst_line', 'callee_name', 'answered_by_name'] as const;
const GOLDEN_EXPORT_FIELDS = EXPORT_FIELDS.filter((f) => f !== 'callee_name' && f !== 'answer_by_name');

function asGoldenRelease(detail: SessionDetail | null): unknown {
  if (detail === null) return null;
  const call: Record<string, unknown> = { ...detail.call };
  for (const field of LATER_CALL_FIELDS) delete call[field];
  return { ...detail, call };
}

function sessionsText(store: Store): string {
  const ids = [...store.calls.iterate({}, { field: 'start', dir: 'asc' })].map((r) => r.id);
  return `${ids.map((id) => JSON.stringify(asGoldenRelease(store.calls.session(id)))).join('\n')}\n`;
}

async function exported(store: Store, format: 'csv' | 'json'): Promise<string> {
  const chunks: Buffer[] = [];
  const out = new PassThrough();
  out.on('data', (chunk: Buffer) => chunks.push(chunk));
  await exportCalls(store, { filter: {}, sort: { field: 'start', dir: 'asc' }, format, fields: GOLDEN_EXPORT_FIELDS }, out);
  return Buffer.concat(chunks).toString('utf8');
}

async function expectGoldenOutput(store: Store): Promise<void> {
  expect(sessionsText(store)).toBe(golden('capture-sessions.jsonl'));
  expect(await exported(store, 'csv')).toBe(golden('capture-export.csv'));
  expect(await exported(store, 'json')).toBe(golden('capture-export.json'));
}

/**
 * What the session view showed of a record before schema 8, written out here on its own: the derived
 * values packed as the release before stored them (records.ts then) and read back.
 */
function schema7LegView(acctId: string, fields: CdrRecord, leg: LegSummary): LegView {
  const pack = (c: DecodedChannel): Omit<DecodedChannel, 'raw'> | undefined => {
    if (c.kind === 'none') return undefined;
    const { raw: _raw, ...rest } = c;
    return rest;
  };
  const packed = JSON.parse(
    JSON.stringify({
      s: leg.start?.local,
      u: leg.start ? Math.floor(leg.start.utc / 1000) : undefined,
      a: leg.answer?.local,
      e: leg.end?.local,
      d: leg.disposition || undefined,
      k: leg.action_kind || undefined,
      t: leg.action_target || undefined,
      c: pack(leg.channel),
      dc: pack(leg.dstchannel),
      r: leg.recordings.length > 0 ? leg.recordings.map((r) => r.path) : undefined,
    }),
  ) as Record<string, unknown>;
  const unpack = (p: unknown, raw: string | undefined): DecodedChannel => ({ raw: raw ?? '', ...((p as object | undefined) ?? { kind: 'none' }) }) as DecodedChannel;
  return {
    acct_id: acctId,
    fields,
    start: (packed['s'] as string | undefined) ?? null,
    start_utc: packed['u'] === undefined ? null : isoUtc((packed['u'] as number) * 1000),
    answer: (packed['a'] as string | undefined) ?? null,
    end: (packed['e'] as string | undefined) ?? null,
    disposition: (packed['d'] as LegView['disposition'] | undefined) ?? '',
    action_kind: (packed['k'] as string | undefined) ?? '',
    action_target: (packed['t'] as string | undefined) ?? '',
    channel: unpack(packed['c'], fields['channel']),
    dstchannel: unpack(packed['dc'], fields['dstchannel']),
    recordings: (packed['r'] as string[] | undefined) ?? [],
  };
}

describe('the compact record coding', () => {
  test('gives every value back exactly: empty, common, repeated, long, accented, emoji, control characters', () => {
    const values = ['', 'no', 'DOCUMENTATION', 'Müller', 'Müller', '株式会社サクラ', '👍🏽', '"quoted" <1000>', 'a\u0000b\n\t', 'w'.repeat(111), 'v'.repeat(112), 'x'.repeat(126), 'y'.repeat(127), 'é'.repeat(60), 'z'.repeat(70_000), ...COMMON_VALUES];
    const packed = encodeValues(values) as string;
    expect(decodeValues(Buffer.from(packed, 'latin1'), 0)).toEqual(values);
    // Deterministic: the same values, the same bytes.
    expect(encodeValues([...values])).toBe(packed);
  });

  test('refers to the record before it in the call, at the same place or any of its first 256 values', () => {
    const previous = Array.from({ length: 300 }, (_, i) => `p${i}`);
    const values = ['p0', 'x', 'p7', 'p299', 'p255', ...previous.slice(5, 40), 'p1'];
    const packed = Buffer.from(encodeValues(values, previous) as string, 'latin1');
    expect(decodeValues(packed, 0, previous)).toEqual(values);
    // Without the record before, what refers to it cannot be read: the file is damaged.
    expect(() => decodeValues(packed, 0, null)).toThrow(RangeError);
    expect(() => decodeValues(Buffer.from([0xf5]), 0)).toThrow(RangeError);
  });

  test('codes a record longer than its scratch space, value by value', () => {
    const values = Array.from({ length: 100_000 }, (_, i) => (i % 3 === 0 ? 'no' : i % 3 === 1 ? '' : `n${i}`));
    expect(decodeValues(Buffer.from(encodeValues(values) as string, 'latin1'), 0)).toEqual(values);
    const common = Array.from({ length: 70_000 }, () => 'DOCUMENTATION');
    expect(decodeValues(Buffer.from(encodeValues(common) as string, 'latin1'), 0)).toEqual(common);
  });

  test('refers back only to the first 64 values, so a record of any length reads back', () => {
    const values = Array.from({ length: 200 }, (_, i) => `v${i % 70}`);
    expect(decodeValues(Buffer.from(encodeValues(values) as string, 'latin1'), 0)).toEqual(values);
  });

  test('refuses what UTF-8 cannot carry, and such a record is stored as JSON and read back exactly', ({ store }) => {
    expect(encodeValues(['ok', '\uD800 lone'])).toBeNull();
    const pbx = store.profiles.save({ name: 'office', url: 'https://192.0.2.10:8443', api: 'auto', user: 'cdrapi', tz: 'UTC' }).id;
    const call = capture()[0] as CdrCall;
    const odd: CdrCall = { ...call, main: { ...call.main, caller_name: 'Bad \uDC00 half' } };
    store.calls.ingest(pbx, [odd], { origin: 'sync' });
    const [detail] = store.calls.findSession(odd.session);
    expect(detail?.main.fields).toEqual(odd.main);
    expect(store.calls.ingest(pbx, [odd], { origin: 'sync' })).toMatchObject({ unchanged: 1 });
  });
});

describe('sessions and exports are what the release before schema 8 gave', () => {
  test('on the real capture, stored in the compact form', async ({ store }) => {
    storeCapture(store);
    await expectGoldenOutput(store);
  });

  test('on the real capture, stored by schema 7, before and after it is converted', async ({ db }) => {
    let store = openStore(db);
    storeCapture(store);
    store.close();
    toSchema7(db);
    // At schema 8 with the conversion marked as through: the records stay in the JSON form, as they are
    // while a conversion is under way.
    const raw = new Database(db);
    raw.exec("PRAGMA user_version = 8; INSERT INTO settings (key, value) VALUES ('records.compact_after', '999999')");
    raw.close();
    store = openStore(db);
    try {
      expect(cacheContent(db).legs.every((l) => l.type === 'text')).toBe(true);
      await expectGoldenOutput(store);
    } finally {
      store.close();
    }
    toSchema7(db);
    store = openStore(db);
    try {
      expect(cacheContent(db).legs.every((l) => l.type === 'blob' && l.derived === '')).toBe(true);
      await expectGoldenOutput(store);
    } finally {
      store.close();
    }
  });

  test('on generated calls: every record derived again as the stored copy said', ({ store }) => {
    const tz = 'America/New_York';
    const pbx = store.profiles.save({ name: 'office', url: 'https://192.0.2.10:8443', api: 'auto', user: 'cdrapi', tz, model: 'UCM6208' }).id;
    const calls = [...generateCalls({ count: 400, seed: 16, start: new Date('2024-03-01T00:00:00Z'), end: new Date('2024-04-15T00:00:00Z'), tz })];
    store.calls.ingest(pbx, calls, { origin: 'sync' });
    for (const call of calls) {
      const summary = deriveCall(call, tz, 'UCM6208');
      const main = schema7LegView(summary.main.acct_id, call.main, summary.main);
      const flat = call.legs.length === 1 && JSON.stringify(call.legs[0]) === JSON.stringify(call.main);
      const legs = flat ? [main] : call.legs.map((leg, i) => schema7LegView((summary.legs[i] as LegSummary).acct_id, leg, summary.legs[i] as LegSummary));
      const [detail] = store.calls.findSession(call.session);
      expect(JSON.stringify({ main: detail?.main, legs: detail?.legs })).toBe(JSON.stringify({ main, legs }));
    }
  });

  test('a re-delivery is recognised as stored, in either form, without rewriting anything', ({ db }) => {
    let store = openStore(db);
    storeCapture(store);
    const office = store.profiles.getByName('office')!.id;
    expect(store.calls.ingest(office, capture(), { origin: 'sync' })).toMatchObject({ inserted: 0, unchanged: 15, merged: 0 });
    store.close();
    toSchema7(db);
    const before = cacheContent(db);
    // The conversion is left for later: the re-delivery meets the JSON form.
    const raw = new Database(db);
    raw.exec("INSERT INTO settings (key, value) VALUES ('records.compact_after', '999999'); PRAGMA user_version = 8");
    raw.close();
    store = openStore(db);
    try {
      expect(store.calls.ingest(office, capture(), { origin: 'sync' })).toMatchObject({ inserted: 0, unchanged: 15, merged: 0 });
    } finally {
      store.close();
    }
    expect(cacheContent(db).legs).toEqual(before.legs);
  });
});

describe('converting a schema 7 cache', () => {
  test('converts every record, the same bytes a fresh ingest writes, and reads the same sessions', ({ dir }) => {
    const fresh = join(dir, 'fresh.sqlite');
    const store = openStore(fresh);
    const tz = 'Europe/Berlin';
    const pbx = store.profiles.save({ name: 'office', url: 'https://192.0.2.10:8443', api: 'auto', user: 'cdrapi', tz }).id;
    const calls = [...generateCalls({ count: 2_500, seed: 3, start: new Date('2024-01-01T00:00:00Z'), end: new Date('2024-02-01T00:00:00Z'), tz })];
    store.calls.ingest(pbx, calls, { origin: 'sync' });
    store.calls.ingest(pbx, capture(), { origin: 'sync' });
    const sessions = sessionsText(store);
    store.close();
    const old = join(dir, 'old.sqlite');
    copyFileSync(fresh, old);
    toSchema7(old);
    expect(cacheContent(old).legs.every((l) => l.type === 'text' && l.derived !== '')).toBe(true);

    const progress: { done: number; total: number }[] = [];
    const upgraded = openStore(old, { onUpgrade: (p) => progress.push(p) });
    try {
      expect(sessionsText(upgraded)).toBe(sessions);
    } finally {
      upgraded.close();
    }
    expect(progress.at(-2)).toEqual({ phase: 'records', done: calls.length + 15, total: calls.length + 15 });
    expect(progress.at(-1)).toEqual({ phase: 'space', done: calls.length + 15, total: calls.length + 15 });
    const a = cacheContent(fresh);
    const b = cacheContent(old);
    expect(b.legs).toEqual(a.legs);
    expect(b.calls).toEqual(a.calls);
    expect(b.field_sets).toEqual(a.field_sets);
    expect(b.settings).toEqual(a.settings);
    const raw = new Database(old, { readonly: true });
    expect(raw.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
    raw.close();
  });
});
