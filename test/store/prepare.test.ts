import Database from 'better-sqlite3';
import { describe, expect } from 'vitest';
import type { CdrCall } from '../../main/cdr/types.js';
import { toWire, fromWire } from '../../main/importers/prepare-protocol.js';
import { prepareCall, preparedToCall, RecordEncoder, ROW_COLUMNS, type PreparedRow } from '../../main/store/prepare.js';
import type { Store } from '../../main/store/types.js';
import { flatCall, transferCall } from '../support/calls.js';
import { test } from '../support/fixtures.js';
import { addPbx } from '../support/store.js';

// Every test starts from a fresh cache holding one PBX, Office (auto: made even where a test does not name it).
const it = test.extend('pbx', { auto: true }, ({ store }) => addPbx(store, 'Office'));

function prepared(store: Store, pbx: number, calls: CdrCall[]) {
  const { tz, model } = store.profiles.get(pbx)!;
  const encoder = new RecordEncoder();
  // A structured clone, as a batch crossing from the preparing thread gets.
  return structuredClone(calls.map((call) => prepareCall(call, tz, model, encoder)));
}

describe('prepared calls', () => {
  it('give back the call they were made from, whatever its shape', () => {
    const encoder = new RecordEncoder();
    const mainOnly: CdrCall = { session: 's-main-only', main: { session: 's-main-only', start: '2024-03-01 08:00:00' }, legs: [] };
    for (const call of [flatCall({ session: 's-flat', start: '2024-03-01 08:00:00' }), transferCall(), mainOnly]) {
      const back = preparedToCall(prepareCall(call, 'UTC', '', encoder));
      expect(back).toEqual(call);
      expect(back.legs.map((leg) => Object.keys(leg))).toEqual(call.legs.map((leg) => Object.keys(leg)));
    }
  });

  it('store a flat call once: its only leg is its summary record', () => {
    const call = flatCall({ session: 's-flat', start: '2024-03-01 08:00:00' });
    expect(prepareCall(call, 'UTC', '', new RecordEncoder()).legs).toEqual([]);
    expect(prepareCall({ ...call, legs: [{ ...call.main }] }, 'UTC', '', new RecordEncoder()).legs).toEqual([]);
  });

  it('are stored exactly as ingest stores the calls themselves', ({ store, pbx }) => {
    const calls = [flatCall({ session: 's-1', start: '2024-03-01 08:00:00' }), transferCall()];
    const other = addPbx(store, 'Branch');
    expect(store.calls.ingest(other, calls, { origin: 'import:a.csv' })).toEqual({ inserted: 2, unchanged: 0, merged: 0, kept: 0, elsewhere: {} });
    expect(store.calls.ingestPrepared(pbx, prepared(store, pbx, calls), { origin: 'import:a.csv' })).toEqual({ inserted: 2, unchanged: 0, merged: 0, kept: 0, elsewhere: {} });
    for (const call of calls) {
      const [a, b] = store.calls.findSession(call.session);
      expect(a && b).toBeTruthy();
      const strip = (detail: typeof a) => ({ ...detail!, call: { ...detail!.call, id: 0, pbx: '' } });
      expect(strip(a)).toEqual(strip(b));
    }
    expect(store.calls.totals({ pbx: ['Office'] })).toEqual(store.calls.totals({ pbx: ['Branch'] }));
  });

  it('merge into a call already present, and count as already present when they add nothing', ({ store, pbx }) => {
    const full = transferCall();
    const partial: CdrCall = { session: full.session, main: { ...full.main, billsec: '' }, legs: [full.legs[0]!] };
    expect(store.calls.ingestPrepared(pbx, prepared(store, pbx, [partial]), { origin: 'import:old.csv' }).inserted).toBe(1);
    expect(store.calls.ingestPrepared(pbx, prepared(store, pbx, [full]), { origin: 'sync' })).toEqual({ inserted: 0, unchanged: 0, merged: 1, kept: 0, elsewhere: {} });
    expect(store.calls.ingestPrepared(pbx, prepared(store, pbx, [full]), { origin: 'sync' })).toEqual({ inserted: 0, unchanged: 1, merged: 0, kept: 0, elsewhere: {} });
    expect(store.calls.findSession(full.session)[0]?.legs).toHaveLength(full.legs.length);
  });

  it('land each value of their row in the column of the same name, the one list ROW_COLUMNS naming them all', ({ store, pbx }) => {
    const [call] = prepared(store, pbx, [flatCall({ session: 's-columns', start: '2024-03-01 08:00:00' })]);
    // A distinct value per column, so that any two columns swapped anywhere on the way would show.
    const numbers = new Set(['start_utc', 'start_wall', 'src_num', 'dst_num', 'answered_by_num', 'duration', 'billsec', 'legs']);
    const codes: Partial<PreparedRow> = { disposition: 1, direction: 2, has_recording: 1, nat: 1, recordings: '["2024-03/x.wav"]' };
    const row = Object.fromEntries(
      ROW_COLUMNS.map((column, i) => [column, codes[column] ?? (numbers.has(column) ? 1000 + i : `${column}-value`)]),
    ) as PreparedRow;
    expect(Object.keys(row)).toEqual([...ROW_COLUMNS]);
    // Across the worker's wire format too, which lists the values in ROW_COLUMNS order.
    const batch = fromWire(toWire({ calls: [{ ...call!, row }], rejects: [], rows: 1, bytes: 0, damage: null }));
    expect(batch.calls[0]?.row).toEqual(row);

    expect(store.calls.ingestPrepared(pbx, batch.calls, { origin: 'import:columns.csv' }).inserted).toBe(1);
    const raw = new Database(store.path, { readonly: true });
    const stored = raw.prepare(`SELECT ${ROW_COLUMNS.map((c) => `"${c}"`).join(', ')} FROM calls`).get();
    raw.close();
    expect(stored).toEqual(row);

    const id = store.calls.findSession('session-value')[0]?.call.id as number;
    expect(store.calls.get(id)).toMatchObject({
      session: 'session-value',
      start: 'start-value',
      start_utc: `${new Date((1000 + ROW_COLUMNS.indexOf('start_utc')) * 1000).toISOString().slice(0, 19)}Z`,
      answer: 'answer-value',
      end: 'end-value',
      src: 'src-value',
      dst: 'dst-value',
      caller_name: 'caller_name-value',
      clid: 'clid-value',
      answered_by: 'answered_by-value',
      action_type: 'action_type-value',
      action_kind: 'action_kind-value',
      action_target: 'action_target-value',
      duration: 1000 + ROW_COLUMNS.indexOf('duration'),
      billsec: 1000 + ROW_COLUMNS.indexOf('billsec'),
      src_trunk_name: 'src_trunk_name-value',
      dst_trunk_name: 'dst_trunk_name-value',
      account_code: 'account_code-value',
      recordings: ['2024-03/x.wav'],
      legs: 1000 + ROW_COLUMNS.indexOf('legs'),
      nat: true,
    });
  });

  it('refuse a batch that is not prepared calls, writing nothing', ({ store, pbx }) => {
    const good = prepared(store, pbx, [flatCall({ session: 's-good', start: '2024-03-01 08:00:00' })]);
    // A row lacking one of its columns (here its start).
    const { start: _start, ...partial } = good[0]!.row;
    const broken = { ...good[0]!, row: partial as typeof good[0]['row'] };
    expect(() => store.calls.ingestPrepared(pbx, [...good, broken], { origin: 'import:x.csv' })).toThrow(
      expect.objectContaining({ code: 'BAD_INPUT' }),
    );
    expect(store.calls.totals({}).count).toBe(0);
  });
});
