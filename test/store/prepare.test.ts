import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CdrCall } from '../../main/cdr/types.js';
import { prepareCall, preparedToCall, RecordEncoder, ROW_INDEX } from '../../main/store/prepare.js';
import type { Store } from '../../main/store/types.js';
import { addPbx, flatCall, tempStore, transferCall } from './support.js';

let store: Store;
let cleanup: () => void;
let pbx: number;

beforeEach(() => {
  ({ store, cleanup } = tempStore());
  pbx = addPbx(store, 'Office');
});
afterEach(() => cleanup());

function prepared(calls: CdrCall[]) {
  const { tz, model } = store.getPbx(pbx)!;
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

  it('are stored exactly as ingest stores the calls themselves', () => {
    const calls = [flatCall({ session: 's-1', start: '2024-03-01 08:00:00' }), transferCall()];
    const other = addPbx(store, 'Branch');
    expect(store.ingest(other, calls, { origin: 'import:a.csv' })).toEqual({ inserted: 2, unchanged: 0, merged: 0, kept: 0, elsewhere: {} });
    expect(store.ingestPrepared(pbx, prepared(calls), { origin: 'import:a.csv' })).toEqual({ inserted: 2, unchanged: 0, merged: 0, kept: 0, elsewhere: {} });
    for (const call of calls) {
      const [a, b] = store.findSession(call.session);
      expect(a && b).toBeTruthy();
      const strip = (detail: typeof a) => ({ ...detail!, call: { ...detail!.call, id: 0, pbx: '' } });
      expect(strip(a)).toEqual(strip(b));
    }
    expect(store.totals({ pbx: ['Office'] })).toEqual(store.totals({ pbx: ['Branch'] }));
  });

  it('merge into a call already present, and count as already present when they add nothing', () => {
    const full = transferCall();
    const partial: CdrCall = { session: full.session, main: { ...full.main, billsec: '' }, legs: [full.legs[0]!] };
    expect(store.ingestPrepared(pbx, prepared([partial]), { origin: 'import:old.csv' }).inserted).toBe(1);
    expect(store.ingestPrepared(pbx, prepared([full]), { origin: 'sync' })).toEqual({ inserted: 0, unchanged: 0, merged: 1, kept: 0, elsewhere: {} });
    expect(store.ingestPrepared(pbx, prepared([full]), { origin: 'sync' })).toEqual({ inserted: 0, unchanged: 1, merged: 0, kept: 0, elsewhere: {} });
    expect(store.findSession(full.session)[0]?.legs).toHaveLength(full.legs.length);
  });

  it('refuse a batch that is not prepared calls, writing nothing', () => {
    const good = prepared([flatCall({ session: 's-good', start: '2024-03-01 08:00:00' })]);
    const broken = { ...good[0]!, row: good[0]!.row.slice(ROW_INDEX.start) };
    expect(() => store.ingestPrepared(pbx, [...good, broken], { origin: 'import:x.csv' })).toThrow(
      expect.objectContaining({ code: 'BAD_INPUT' }),
    );
    expect(store.totals({}).count).toBe(0);
  });
});
