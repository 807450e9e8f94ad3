import { describe, expect, it } from 'vitest';
import { mergeCalls } from '../../main/cdr/merge.js';
import type { CdrCall } from '../../main/cdr/types.js';
import { call, record } from '../support/calls.js';

function snapshot(value: CdrCall): string {
  return JSON.stringify(value);
}

describe('mergeCalls', () => {
  const main = record({ session: 's', src: '1000', start: '2016-04-29 02:53:37', duration: '16' });
  const leg1 = record({ AcctId: '1', session: 's', disposition: 'ANSWERED', recordfiles: 'a.wav@' });
  const leg2 = record({ AcctId: '2', session: 's', disposition: 'ANSWERED', dstanswer: '1002' });

  it('reports nothing changed for the same delivery and returns the known call', () => {
    const existing = call('s', main, [leg1, leg2]);
    const copy = JSON.parse(snapshot(existing)) as CdrCall;
    const result = mergeCalls(existing, copy);
    expect(result.changed).toBe(false);
    expect(result.call).toBe(existing);
  });

  it('pairs an AcctId that occurs twice by occurrence: a repeated delivery changes nothing and keeps both records', () => {
    const first = record({ AcctId: '7', session: 's', dstanswer: '1001' });
    const second = record({ AcctId: '7', session: 's', dstanswer: '1002' });
    const existing = call('s', main, [first, second]);
    const result = mergeCalls(existing, JSON.parse(snapshot(existing)) as CdrCall);
    expect(result.changed).toBe(false);
    const richer = call('s', main, [first, { ...second, recordfiles: 'b.wav@' }]);
    const merged = mergeCalls(existing, richer);
    expect(merged.changed).toBe(true);
    expect(merged.call.legs.map((leg) => [leg['dstanswer'], leg['recordfiles']])).toEqual([
      ['1001', ''],
      ['1002', 'b.wav@'],
    ]);
  });

  it('reports nothing changed when the delivery has only empty values where the call has data', () => {
    const existing = call('s', main, [leg1]);
    const poorer = call('s', record({ session: 's', start: '2016-04-29 02:53:37' }), [record({ AcctId: '1' })]);
    expect(mergeCalls(existing, poorer).changed).toBe(false);
  });

  it('never erases a field: empty incoming values leave known ones in place', () => {
    const existing = call('s', main, [leg1, leg2]);
    const before = snapshot(existing);
    const blank = call('s', record({ session: 's' }), [record({ AcctId: '1' }), record({ AcctId: '2' })]);
    const result = mergeCalls(existing, blank);
    expect(result.call.main['src']).toBe('1000');
    expect(result.call.legs[0]?.['recordfiles']).toBe('a.wav@');
    expect(result.call.legs[1]?.['dstanswer']).toBe('1002');
    expect(snapshot(existing)).toBe(before);
  });

  it('from a more authoritative source, fills empty fields and takes its differing values, reporting the replaced ones', () => {
    const existing = call('s', main, [leg1]);
    const richer = call('s', record({ session: 's', dst: '1001', duration: '17' }), [
      record({ AcctId: '1', dstanswer: '1001' }),
    ]);
    const result = mergeCalls(existing, richer, 'replace');
    expect(result.changed).toBe(true);
    expect(result.call.main).toMatchObject({ src: '1000', dst: '1001', duration: '17' });
    expect(result.call.legs[0]).toMatchObject({ disposition: 'ANSWERED', dstanswer: '1001', recordfiles: 'a.wav@' });
    expect(result.conflicts).toEqual([{ acct_id: '', field: 'duration', kept: '17', offered: '16', stored_kept: false }]);
  });

  it('by default only fills what is missing: a differing stored value stays and the offered one is reported', () => {
    const existing = call('s', main, [leg1]);
    const damaged = call('s', record({ session: 's', dst: '1001', duration: '17', src: '7.80160E+09' }), [
      record({ AcctId: '1', dstanswer: '1001' }),
    ]);
    const result = mergeCalls(existing, damaged);
    expect(result.changed).toBe(true);
    expect(result.call.main).toMatchObject({ src: '1000', dst: '1001', duration: '16' });
    expect(result.call.legs[0]).toMatchObject({ dstanswer: '1001' });
    expect(result.conflicts).toEqual([
      { acct_id: '', field: 'src', kept: '1000', offered: '7.80160E+09', stored_kept: true },
      { acct_id: '', field: 'duration', kept: '16', offered: '17', stored_kept: true },
    ]);
  });

  it('never takes a number that only lost its leading zeros, even from a better source, and takes one that brings them back', () => {
    const withZeros = call('s', record({ session: 's', src: '07917330699', dst: '0044123' }), [leg1]);
    const stripped = call('s', record({ session: 's', src: '7917330699', dst: '44123' }), [leg1]);
    const replaced = mergeCalls(withZeros, stripped, 'replace');
    expect(replaced.changed).toBe(false);
    expect(replaced.conflicts.map((c) => [c.field, c.kept, c.offered, c.stored_kept])).toEqual([
      ['src', '07917330699', '7917330699', true],
      ['dst', '0044123', '44123', true],
    ]);
    const restored = mergeCalls(stripped, withZeros, 'fill');
    expect(restored.call.main).toMatchObject({ src: '07917330699', dst: '0044123' });
    expect(restored.conflicts.every((c) => !c.stored_kept)).toBe(true);
  });

  it("in mode none changes nothing and reports every differing value (a spreadsheet-damaged file's row)", () => {
    const existing = call('s', main, [leg1]);
    const damaged = call('s', record({ session: 's', dst: '1001', duration: '17' }), [record({ AcctId: '1', dstanswer: '1001' })]);
    const result = mergeCalls(existing, damaged, 'none');
    expect(result.changed).toBe(false);
    expect(result.call).toBe(existing);
    expect(result.conflicts.map((c) => c.field)).toEqual(['duration']);
  });

  it('keeps fields only one side has, including ones the guide does not list', () => {
    const existing = call('s', { ...main, device_info: 'GXP2160' }, [leg1]);
    const incoming = call('s', { ...main, gdms_unique_code: 'x1' }, [{ ...leg1, recordfiles_desc: 'duration=31@' }]);
    const result = mergeCalls(existing, incoming);
    expect(result.changed).toBe(true);
    expect(result.call.main).toMatchObject({ device_info: 'GXP2160', gdms_unique_code: 'x1' });
    expect(result.call.legs[0]?.['recordfiles_desc']).toBe('duration=31@');
  });

  it('matches legs by AcctId and appends new ones in AcctId order', () => {
    const leg3 = record({ AcctId: '3', start: '2016-04-29 02:54:00' });
    const leg10 = record({ AcctId: '10', start: '2016-04-29 02:55:00' });
    const existing = call('s', main, [leg2]);
    const incoming = call('s', main, [leg10, leg1, { ...leg2, userfield: 'Internal' }, leg3]);
    const result = mergeCalls(existing, incoming);
    expect(result.changed).toBe(true);
    expect(result.call.legs.map((leg) => leg['AcctId'])).toEqual(['2', '1', '3', '10']);
    expect(result.call.legs[0]?.['userfield']).toBe('Internal');
  });

  it('pairs legs without AcctId by position', () => {
    const a = record({ src: '1', start: '2020-01-01 00:00:00' });
    const b = record({ src: '2', start: '2020-01-01 00:00:05' });
    const existing = call('s', main, [a, b]);
    const incoming = call('s', main, [record({ dst: 'x' }), record({ dst: 'y' }), record({ src: '3' })]);
    const result = mergeCalls(existing, incoming);
    expect(result.call.legs.map((leg) => [leg['src'], leg['dst']])).toEqual([
      ['1', 'x'],
      ['2', 'y'],
      ['3', ''],
    ]);
  });

  it('merges two copies of the same new leg into one', () => {
    const existing = call('s', main, [leg1]);
    const incoming = call('s', main, [leg2, { ...leg2, userfield: 'Internal' }]);
    const result = mergeCalls(existing, incoming);
    expect(result.call.legs).toHaveLength(2);
    expect(result.call.legs[1]).toMatchObject({ AcctId: '2', userfield: 'Internal', dstanswer: '1002' });
  });

  it('merges flat deliveries of the same record into one flat call', () => {
    const flatRecord = record({ AcctId: '71049', session: 's', start: '2022-08-22 09:35:07' });
    const existing = call('s', flatRecord);
    const again = call('s', { ...flatRecord });
    expect(mergeCalls(existing, again)).toEqual({ call: existing, changed: false, conflicts: [] });
    const richer = mergeCalls(existing, call('s', { ...flatRecord, caller_name: 'Louis' }));
    expect(richer.changed).toBe(true);
    expect(richer.call.legs).toHaveLength(1);
    expect(richer.call.legs[0]).toBe(richer.call.main);
    expect(richer.call.main['caller_name']).toBe('Louis');
  });

  it('adds a flat delivery of a known leg to a structured call as that leg', () => {
    const existing = call('s', main, [leg1]);
    const flatLeg2 = call('s', { ...leg2 });
    const result = mergeCalls(existing, flatLeg2);
    expect(result.changed).toBe(true);
    expect(result.call.main).toBe(main);
    expect(result.call.legs.map((leg) => leg['AcctId'])).toEqual(['1', '2']);
    expect(mergeCalls(result.call, flatLeg2).changed).toBe(false);
  });

  it('turns a call known flat into a structured one when main and sub records arrive', () => {
    const existing = call('s', { ...leg1 });
    const result = mergeCalls(existing, call('s', main, [leg1, leg2]));
    expect(result.changed).toBe(true);
    expect(result.call.main).toBe(main);
    expect(result.call.legs.map((leg) => leg['AcctId'])).toEqual(['1', '2']);
  });

  it('keeps the known session and takes the incoming one when none was known', () => {
    expect(mergeCalls(call('', main, [leg1]), call('s', main, [leg2])).call.session).toBe('s');
    expect(mergeCalls(call('s', main, [leg1]), call('t', main, [leg2])).call.session).toBe('s');
  });
});

describe('mergeCalls of single records', () => {
  it('makes two flat records with different AcctIds two legs of one call', () => {
    const a = record({ AcctId: '71052', session: 's', start: '2022-08-22 10:15:37', disposition: 'NO ANSWER' });
    const b = record({ AcctId: '71053', session: 's', start: '2022-08-22 10:15:37', disposition: 'ANSWERED' });
    const result = mergeCalls(call('s', b), call('s', a));
    expect(result.changed).toBe(true);
    expect(result.call.main).toEqual({ session: 's' });
    expect(result.call.legs).toEqual([b, a]);
    expect(mergeCalls(result.call, call('s', { ...a })).changed).toBe(false);
  });
});
