import { describe, expect, it } from 'vitest';
import { CallAssembler, syntheticSession } from '../../main/importers/call-assembler.js';
import { MAX_GROUP_ROWS } from '../../main/importers/tuning.js';

const rec = (session: string, extra: Record<string, string> = {}) => ({ session, start: '2022-08-22 09:00:00', src: '1', dst: '2', ...extra });

describe('CallAssembler', () => {
  it('rebuilds a call from its main_cdr row and sub_cdr rows, legs in sub order', () => {
    const a = new CallAssembler();
    a.add(rec('s1', { AcctId: '2' }), 'sub_cdr_2');
    a.add(rec('s1', { duration: '60' }), 'main_cdr');
    a.add(rec('s1', { AcctId: '1' }), 'sub_cdr_1');
    const [call] = a.take(true);
    expect(call?.session).toBe('s1');
    expect(call?.main.duration).toBe('60');
    expect(call?.legs.map((l) => l.AcctId)).toEqual(['1', '2']);
  });

  it('makes a flat row its own main and only leg', () => {
    const a = new CallAssembler();
    const row = rec('s2');
    a.add(row, '');
    expect(a.take(true)).toEqual([{ session: 's2', main: row, legs: [row] }]);
  });

  it('counts a row repeated verbatim once', () => {
    const a = new CallAssembler();
    a.add(rec('s3'), '');
    a.add(rec('s3'), '');
    expect(a.take(true)).toEqual([{ session: 's3', main: rec('s3'), legs: [rec('s3')] }]);
  });

  it('makes several flat rows of one session the legs of one call, even without AcctIds', () => {
    const a = new CallAssembler();
    a.add(rec('s6', { src: '1000', dst: '2000' }), '');
    a.add(rec('s6', { src: '2000', dst: '3000' }), '');
    const [call] = a.take(true);
    expect(call?.main).toEqual({ session: 's6' });
    expect(call?.legs.map((leg) => leg.dst)).toEqual(['2000', '3000']);
  });

  it('merges a repeated main row the way the store merges deliveries', () => {
    const a = new CallAssembler();
    a.add(rec('s7', { duration: '', billsec: '9' }), 'main_cdr');
    a.add(rec('s7', { duration: '16', billsec: '' }), 'main_cdr');
    a.add(rec('s7', { AcctId: '1' }), 'sub_cdr_1');
    const [call] = a.take(true);
    expect(call?.main).toMatchObject({ duration: '16', billsec: '9' });
    expect(call?.legs).toHaveLength(1);
  });

  it('keeps the group of the latest row for the next batch, since its session may continue', () => {
    const a = new CallAssembler();
    a.add(rec('s4'), 'main_cdr');
    a.add(rec('s5'), 'main_cdr');
    a.add(rec('s5', { AcctId: '1' }), 'sub_cdr_1');
    expect(a.take(false).map((c) => c.session)).toEqual(['s4']);
    a.add(rec('s5', { AcctId: '2' }), 'sub_cdr_2');
    const calls = a.take(true);
    expect(calls.map((c) => [c.session, c.legs.length])).toEqual([['s5', 2]]);
    expect(a.take(true)).toEqual([]);
  });

  it('hands over a session that has grown past the group limit', () => {
    const a = new CallAssembler();
    for (let i = 0; i < MAX_GROUP_ROWS; i++) a.add(rec('big', { AcctId: String(i) }), `sub_cdr_${i + 1}`);
    expect(a.take(false)).toHaveLength(1);
    expect(a.take(true)).toEqual([]);
  });

  it('gives a row without a session a stable identity from unique id, start, caller and callee', () => {
    const row = { session: '', uniqueid: '1661157307.2651', start: '2022-08-22 09:35:07', src: '203', dst: '71' };
    const id = syntheticSession(row);
    expect(id).toMatch(/^imp-[0-9a-f]{40}$/);
    expect(syntheticSession({ ...row })).toBe(id);
    expect(syntheticSession({ ...row, dst: '72' })).not.toBe(id);
    const a = new CallAssembler();
    a.add(row, '');
    expect(a.take(true)[0]?.session).toBe(id);
  });
});
