import { describe, expect } from 'vitest';
import type { CdrCall } from '../../main/cdr/types.js';
import { openStore } from '../../main/store/store.js';
import { flatCall, record, transferCall } from '../support/calls.js';
import { test } from '../support/fixtures.js';
import { addPbx, tempStore } from '../support/store.js';

// Every test starts from a fresh cache holding one PBX, Office (auto: made even where a test does not name it).
const it = test.extend('pbx', { auto: true }, ({ store }) => addPbx(store, 'Office'));

function clone(call: CdrCall): CdrCall {
  return JSON.parse(JSON.stringify(call)) as CdrCall;
}

describe('ingest', () => {
  it('stores a call once when the same call is delivered twice, in one batch and later', ({ store, pbx }) => {
    const call = flatCall({ session: '1700000000-1000', start: '2024-03-01 08:02:00' });
    expect(store.calls.ingest(pbx, [call, clone(call)], { origin: 'sync' })).toEqual({ inserted: 1, unchanged: 1, merged: 0, kept: 0, elsewhere: {} });
    expect(store.calls.ingest(pbx, [clone(call)], { origin: 'sync' })).toEqual({ inserted: 0, unchanged: 1, merged: 0, kept: 0, elsewhere: {} });
    expect(store.calls.totals({}).count).toBe(1);
    expect(store.calls.findSession('1700000000-1000')).toHaveLength(1);
    expect(store.profiles.get(pbx)?.calls).toBe(1);
  });

  it('reports an exact repeat of a flat, a transferred and a summary-only call as already present, writing nothing', ({ store, pbx }) => {
    const transfer = transferCall();
    const summaryOnly: CdrCall = { session: 'summary-only', main: { ...transfer.main, session: 'summary-only' }, legs: [] };
    const calls = [flatCall({ session: 'flat-1', start: '2024-03-01 08:02:00' }), transfer, summaryOnly];
    expect(store.calls.ingest(pbx, calls, { origin: 'sync' })).toEqual({ inserted: 3, unchanged: 0, merged: 0, kept: 0, elsewhere: {} });
    const before = calls.map((c) => store.calls.findSession(c.session));
    expect(store.calls.ingest(pbx, calls.map(clone), { origin: 'import:again.csv' })).toEqual({ inserted: 0, unchanged: 3, merged: 0, kept: 0, elsewhere: {} });
    expect(calls.map((c) => store.calls.findSession(c.session))).toEqual(before);
    expect(store.profiles.get(pbx)?.calls).toBe(3);
  });

  it('takes writes while an iterator (an export) is open, the iterator keeping the calls it started with', ({ store, pbx }) => {
    const first = ['it-1', 'it-2', 'it-3'].map((session, i) => flatCall({ session, start: `2024-03-01 08:0${i}:00` }));
    store.calls.ingest(pbx, first, { origin: 'sync' });
    const iterator = store.calls.iterate({}, { field: 'start', dir: 'asc' });
    expect(iterator.next().value?.session).toBe('it-1');
    expect(store.transaction(() => store.calls.ingest(pbx, [flatCall({ session: 'it-4', start: '2024-03-01 08:09:00' })], { origin: 'import:x.csv' }))).toEqual({
      inserted: 1,
      unchanged: 0,
      merged: 0,
      kept: 0,
      elsewhere: {},
    });
    store.settings.set('theme', 'dark');
    expect([...iterator].map((row) => row.session)).toEqual(['it-2', 'it-3']);
    expect(store.calls.totals({}).count).toBe(4);
    expect([...store.calls.iterate({})].map((row) => row.session).sort()).toEqual(['it-1', 'it-2', 'it-3', 'it-4']);
  });

  it('closes with an iterator still open (an export cut short), ending the iterator', () => {
    const temp = tempStore();
    try {
      addPbx(temp.store, 'Office');
      const office = temp.store.profiles.list()[0]?.id as number;
      temp.store.calls.ingest(office, [flatCall({ session: 'c-1', start: '2024-03-01 08:00:00' }), flatCall({ session: 'c-2', start: '2024-03-01 08:01:00' })], { origin: 'sync' });
      const started = temp.store.calls.iterate({});
      expect(started.next().done).toBe(false);
      const unstarted = temp.store.calls.iterate({});
      expect(() => temp.store.close()).not.toThrow();
      expect(started.next().done).toBe(true);
      expect(unstarted.next().done).toBe(true);
    } finally {
      temp.cleanup();
    }
  });

  it('updates a call when a later delivery is more complete, never losing what it had', ({ store, pbx }) => {
    const full = transferCall();
    const partial: CdrCall = {
      session: full.session,
      main: { ...full.main, billsec: '' },
      legs: [full.legs[0] as Record<string, string>],
    };
    expect(store.calls.ingest(pbx, [partial], { origin: 'import:old.csv' }).inserted).toBe(1);
    const [before] = store.calls.findSession(full.session);
    expect(before?.legs).toHaveLength(1);
    expect(before?.call.answered_by).toBe('1001');

    expect(store.calls.ingest(pbx, [full], { origin: 'sync' })).toEqual({ inserted: 0, unchanged: 0, merged: 1, kept: 0, elsewhere: {} });
    const [after] = store.calls.findSession(full.session);
    expect(after?.legs.map((l) => l.acct_id)).toEqual(['1', '2']);
    expect(after?.legs[1]?.fields.dst).toBe('1002');
    expect(after?.main.fields.billsec).toBe('9');
    expect(after?.call.billsec).toBe(9);
    expect(after?.call.legs).toBe(2);
    // Re-derived from the merged call: the transfer's final party answered it.
    expect(after?.call.answered_by).toBe('1002');
    // The call keeps where it first came from.
    expect(after?.call.origin).toBe('import:old.csv');
    expect(store.calls.totals({}).talk_seconds).toBe(9);

    // The partial delivery again adds nothing and removes nothing.
    expect(store.calls.ingest(pbx, [partial], { origin: 'sync' })).toEqual({ inserted: 0, unchanged: 1, merged: 0, kept: 0, elsewhere: {} });
    expect(store.calls.findSession(full.session)[0]?.legs).toHaveLength(2);
  });

  it('moves a call between statuses in the counts when a later delivery changes its outcome', ({ store, pbx }) => {
    const ringing = flatCall({ session: 'late', start: '2024-05-02 10:00:00', disposition: 'NO ANSWER', duration: 30, billsec: 0 });
    const answered = flatCall({ session: 'late', start: '2024-05-02 10:00:00', disposition: 'ANSWERED', duration: 30, billsec: 20 });
    store.calls.ingest(pbx, [ringing], { origin: 'import:day.csv' });
    expect(store.calls.totals({ status: ['NO ANSWER'], from: '2024-05-02', to: '2024-05-02' })).toEqual({ count: 1, talk_seconds: 0 });
    expect(store.calls.ingest(pbx, [answered], { origin: 'sync' }).merged).toBe(1);
    for (const status of [['NO ANSWER'], ['ANSWERED']] as const) {
      const byDay = store.calls.totals({ status: [...status], from: '2024-05-02', to: '2024-05-02' });
      // The same question with a condition the per-day tallies cannot answer goes to the calls themselves.
      const byCall = store.calls.totals({ status: [...status], from: '2024-05-02', to: '2024-05-02', min_call: 0 });
      expect(byDay).toEqual(byCall);
    }
    expect(store.calls.totals({ status: ['ANSWERED'] })).toEqual({ count: 1, talk_seconds: 20 });
    expect(store.calls.totals({ status: ['NO ANSWER'] })).toEqual({ count: 0, talk_seconds: 0 });
  });

  it('keeps every field the PBX sent, including ones the guide does not list', ({ store, pbx }) => {
    const call = flatCall({ session: '1661159747-203', start: '2022-08-22 10:15:47' });
    call.main.gdms_unique_code = 'abc';
    call.main.recordfiles_desc = 'duration=31,size=489324B,start-time=1661159747@';
    const [detail] = (store.calls.ingest(pbx, [call], { origin: 'sync' }), store.calls.findSession('1661159747-203'));
    expect(detail?.main.fields).toEqual(call.main);
    expect(detail?.legs[0]?.fields).toEqual(call.main);
  });

  it('shows a session with its summary record, legs in order, decoded channels and derived times', ({ store, pbx }) => {
    store.calls.ingest(pbx, [transferCall()], { origin: 'sync' });
    const [detail] = store.calls.findSession('1461920017104140-1000');
    expect(detail).toBeDefined();
    const { call, main, legs } = detail!;
    expect(call.session).toBe('1461920017104140-1000');
    expect(call.pbx).toBe('Office');
    expect(call.start).toBe('2016-04-29T02:53:37');
    // Berlin is UTC+2 in April (summer time).
    expect(call.start_utc).toBe('2016-04-29T00:53:37Z');
    expect(call.recordings).toEqual(['auto-1461920017-1000-1001.wav']);
    expect(main.fields.action_type).toBe('DIAL');
    expect(legs.map((l) => l.fields.AcctId)).toEqual(['1', '2']);
    expect(legs[0]?.channel).toMatchObject({ raw: 'PJSIP/1000-00000003', kind: 'extension', extension: '1000' });
    expect(main.channel).toEqual({ raw: '', kind: 'none' });
    expect(legs[1]?.dstchannel).toMatchObject({ kind: 'extension', extension: '1002' });
    expect(legs[1]?.action_kind).toBe('TRANSFER');
    expect(legs[1]?.start).toBe('2016-04-29T02:53:49');
    expect(legs[1]?.start_utc).toBe('2016-04-29T00:53:49Z');
    expect(legs[0]?.recordings).toEqual(['auto-1461920017-1000-1001.wav']);
    expect(store.calls.get(call.id)).toEqual(call);
    expect(store.calls.session(call.id)).toEqual(detail);
  });

  it('keeps the same session of two PBXs apart and limits findSession to one PBX', ({ store, pbx }) => {
    const other = addPbx(store, 'Branch', 'America/New_York');
    const call = flatCall({ session: 'same-session', start: '2024-01-10 09:00:00' });
    store.calls.ingest(pbx, [call], { origin: 'sync' });
    store.calls.ingest(other, [clone(call)], { origin: 'sync' });
    const both = store.calls.findSession('same-session');
    expect(both.map((d) => d.call.pbx).sort()).toEqual(['Branch', 'Office']);
    // Same wall clock, different zones: different instants.
    expect(both.map((d) => d.call.start_utc).sort()).toEqual(['2024-01-10T08:00:00Z', '2024-01-10T14:00:00Z']);
    expect(store.calls.findSession('same-session', 'Branch').map((d) => d.call.pbx)).toEqual(['Branch']);
    expect(() => store.calls.findSession('same-session', 'Nowhere')).toThrow(/Unknown PBX "Nowhere"/);
  });

  it('rolls the whole batch back when one call cannot be read', ({ store, pbx }) => {
    const good = flatCall({ session: 'good', start: '2024-01-10 09:00:00' });
    const bad: CdrCall = { session: 'bad', main: record({ session: 'bad', start: 'yesterday' }), legs: [] };
    expect(() => store.calls.ingest(pbx, [good, bad], { origin: 'sync' })).toThrow(/bad/);
    expect(store.calls.totals({}).count).toBe(0);
    expect(store.calls.findSession('good')).toEqual([]);
  });

  it('still reads records with new fields after a rolled-back batch introduced those fields', ({ store, pbx }) => {
    const novel = flatCall({ session: 'novel-1', start: '2024-01-10 09:00:00' });
    novel.main.wave_src_seqid = '7';
    expect(() =>
      store.transaction(() => {
        store.calls.ingest(pbx, [novel], { origin: 'sync' });
        throw new Error('connection cut');
      }),
    ).toThrow('connection cut');
    const again = flatCall({ session: 'novel-2', start: '2024-01-10 09:05:00' });
    again.main.wave_src_seqid = '8';
    store.calls.ingest(pbx, [again], { origin: 'sync' });
    expect(store.calls.findSession('novel-2')[0]?.main.fields.wave_src_seqid).toBe('8');
    // A fresh reader knows only what the file holds.
    const reader = openStore(store.path);
    try {
      expect(reader.calls.findSession('novel-2')[0]?.main.fields).toEqual(again.main);
    } finally {
      reader.close();
    }
  });

  it('refuses calls for a PBX that does not exist, a missing origin and an import time that is not one', ({ store, pbx }) => {
    const call = flatCall({ session: 's', start: '2024-01-10 09:00:00' });
    expect(() => store.calls.ingest(999, [call], { origin: 'sync' })).toThrow(/no PBX with id 999/);
    expect(() => store.calls.ingest(pbx, [call], { origin: '' })).toThrow(/origin/);
    for (const imported_at of [-1, 1.5, '2026-11-26' as unknown as number]) {
      expect(() => store.calls.ingest(pbx, [call], { origin: 'import:a.csv', imported_at })).toThrow(/imported_at must be a time in ms since the epoch/);
    }
    expect(store.calls.totals({}).count).toBe(0);
  });

  it('commits a page together with its sync position, or neither (nested transactions)', ({ store, pbx }) => {
    const position = {
      window_start: '2024-01-01T00:00:00',
      window_end: '2024-02-01T00:00:00',
      offset: 1000,
      newest_start: '2024-01-10T09:00:00',
      in_progress: true,
      full: true,
    };
    expect(() =>
      store.transaction(() => {
        store.calls.ingest(pbx, [flatCall({ session: 'a', start: '2024-01-10 09:00:00' })], { origin: 'sync' });
        store.sync.setPosition(pbx, position);
        throw new Error('connection cut');
      }),
    ).toThrow('connection cut');
    expect(store.calls.totals({}).count).toBe(0);
    expect(store.sync.position(pbx)).toBeNull();

    store.transaction(() => {
      store.calls.ingest(pbx, [flatCall({ session: 'a', start: '2024-01-10 09:00:00' })], { origin: 'sync' });
      store.sync.setPosition(pbx, position);
    });
    expect(store.calls.totals({}).count).toBe(1);
    expect(store.sync.position(pbx)).toEqual(position);
  });
});
