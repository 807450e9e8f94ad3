import { describe, expect, it } from 'vitest';
import {
  deriveCall,
  deriveLeg,
  normalizeDisposition,
  parseRecordFiles,
  splitActionType,
} from '../../main/cdr/derive.js';
import { AppError } from '../../main/errors.js';
import { call, record, transferCall } from '../support/calls.js';

const TZ = 'Europe/London';

function thrown(fn: () => unknown): AppError {
  try {
    fn();
  } catch (error) {
    if (error instanceof AppError) return error;
    throw error;
  }
  throw new Error('expected an AppError');
}

/** A flat call with a start time and the given fields. */
function flat(fields: Record<string, string>) {
  return call('s-1', record({ AcctId: '1', start: '2022-08-22 09:00:00', ...fields }));
}

describe('direction', () => {
  it.each([
    ['Inbound', 'inbound'],
    ['Outbound', 'outbound'],
    ['Internal', 'internal'],
    ['External', 'external'],
    ['inBOUND', 'inbound'],
    ['Inbound,Internal', 'inbound'],
    [',Internal', 'internal'],
    ['custom-tag, Outbound', 'outbound'],
  ])('takes userfield %j as %s', (userfield, direction) => {
    expect(deriveCall(flat({ userfield }), TZ).direction).toBe(direction);
  });

  it('prefers the main record userfield, then the legs in order', () => {
    const main = record({ start: '2022-08-22 09:00:00' });
    const legs = [
      record({ AcctId: '1', start: '2022-08-22 09:00:00', userfield: 'Outbound' }),
      record({ AcctId: '2', start: '2022-08-22 09:00:05', userfield: 'Inbound' }),
    ];
    expect(deriveCall(call('s', main, legs), TZ).direction).toBe('outbound');
    main['userfield'] = 'Internal';
    expect(deriveCall(call('s', main, legs), TZ).direction).toBe('internal');
  });

  it('falls back to trunk names: source trunk inbound, destination trunk outbound, both external', () => {
    expect(deriveCall(flat({ src_trunk_name: 'Daisy' }), TZ).direction).toBe('inbound');
    expect(deriveCall(flat({ dst_trunk_name: 'Daisy' }), TZ).direction).toBe('outbound');
    expect(deriveCall(flat({ src_trunk_name: 'A', dst_trunk_name: 'B' }), TZ).direction).toBe('external');
  });

  it('falls back to trunk channels', () => {
    expect(deriveCall(flat({ channel: 'PJSIP/trunk_1-00000002', dstchannel: 'PJSIP/1000-00000003' }), TZ).direction).toBe(
      'inbound',
    );
    expect(deriveCall(flat({ channel: 'PJSIP/1000-00000000', dstchannel: 'PJSIP/trunk_1-00000001' }), TZ).direction).toBe(
      'outbound',
    );
    expect(deriveCall(flat({ channel: 'PJSIP/1000-00000000', dstchannel: 'PJSIP/trunk_1/2000' }), TZ).direction).toBe(
      'outbound',
    );
    expect(deriveCall(flat({ channel: 'PJSIP/trunk_1-00000002', dstchannel: 'PJSIP/trunk_2-00000003' }), TZ).direction).toBe(
      'external',
    );
  });

  it('treats an FXO port as a trunk when the model tells', () => {
    const fxoIn = flat({ channel: 'DAHDI/1-1', dstchannel: 'PJSIP/1000-00000001' });
    expect(deriveCall(fxoIn, TZ, 'UCM6102').direction).toBe('inbound');
    const fxsToExt = flat({ channel: 'DAHDI/3-1', dstchannel: 'PJSIP/1000-00000001', dcontext: 'from-internal' });
    expect(deriveCall(fxsToExt, TZ, 'UCM6102').direction).toBe('internal');
  });

  it.each([
    ['ext-did-1', 'PJSIP/5000-00000001', 'inbound'],
    ['ext-did-00002', '', 'inbound'],
    ['did-local', 'PJSIP/5000-00000001', 'inbound'],
    ['from-trunk-sip-1', '', 'inbound'],
    ['ext-local', 'PJSIP/1000-00000001', 'internal'],
    ['from-internal', 'PJSIP/1000-00000001', 'internal'],
    ['outbound-route-4', 'PJSIP/1000-00000001', 'outbound'],
    ['from-internal', 'Hangup', 'unknown'],
    ['', '', 'unknown'],
  ])('falls back to context %j (source channel %j): %s', (dcontext, channel, direction) => {
    expect(deriveCall(flat({ dcontext, channel }), TZ).direction).toBe(direction);
  });
});

describe('disposition', () => {
  function withLegs(mainDisposition: string, legDispositions: string[]) {
    const main = record({ start: '2022-08-22 09:00:00', disposition: mainDisposition });
    const legs = legDispositions.map((disposition, i) =>
      record({ AcctId: String(i + 1), start: '2022-08-22 09:00:00', disposition }),
    );
    return deriveCall(call('s', main, legs), TZ).disposition;
  }

  it("takes main's disposition when set", () => {
    expect(withLegs('NO ANSWER', ['ANSWERED'])).toBe('NO ANSWER');
  });
  it('is ANSWERED when main has none and any leg answered', () => {
    expect(withLegs('', ['NO ANSWER', 'BUSY', 'ANSWERED', 'NO ANSWER'])).toBe('ANSWERED');
  });
  it.each([
    [['NO ANSWER', 'BUSY', 'FAILED'], 'BUSY'],
    [['CONGESTION', 'NO ANSWER'], 'NO ANSWER'],
    [['FAILED', 'CONGESTION'], 'CONGESTION'],
    [['FAILED', ''], 'FAILED'],
    [['', ''], ''],
  ])('otherwise is the most significant of %j: %j', (legs, expected) => {
    expect(withLegs('', legs)).toBe(expected);
  });
  it('normalises case and underscores', () => {
    expect(normalizeDisposition('no answer')).toBe('NO ANSWER');
    expect(normalizeDisposition('NO_ANSWER')).toBe('NO ANSWER');
    expect(normalizeDisposition('NOANSWER')).toBe('NO ANSWER');
    expect(normalizeDisposition(' busy ')).toBe('BUSY');
    expect(normalizeDisposition('SOMETHING')).toBe('');
  });
});

describe('splitActionType', () => {
  it.each([
    ['RINGGROUP[6400]', 'RINGGROUP', '6400'],
    ['IVR[7000]', 'IVR', '7000'],
    ['CONFERENCE [6300]', 'CONFERENCE', '6300'],
    ['ringgroup[6400]', 'RINGGROUP', '6400'],
    ['Announcements', 'ANNOUNCEMENTS', ''],
    ['ANNOUNCEMENT PAGE', 'ANNOUNCEMENT PAGE', ''],
    ['QUEUE[ Sales 1 ]', 'QUEUE', 'Sales 1'],
    ['DIAL', 'DIAL', ''],
    ['', '', ''],
  ])('splits %j into %j and %j', (text, kind, target) => {
    expect(splitActionType(text)).toEqual({ kind, target });
  });
});

describe('recordings', () => {
  it('reads a month folder and a # in the name', () => {
    expect(parseRecordFiles('2022-08/auto-1661159747#203-01904593096-6400.wav@')).toEqual([
      {
        path: '2022-08/auto-1661159747#203-01904593096-6400.wav',
        folder: '2022-08',
        file: 'auto-1661159747#203-01904593096-6400.wav',
      },
    ]);
  });
  it('reads several entries, with or without folder and trailing @', () => {
    expect(parseRecordFiles('auto-1461920017-1000-1001.wav@2022-08/b.wav')).toEqual([
      { path: 'auto-1461920017-1000-1001.wav', folder: '', file: 'auto-1461920017-1000-1001.wav' },
      { path: '2022-08/b.wav', folder: '2022-08', file: 'b.wav' },
    ]);
    expect(parseRecordFiles('')).toEqual([]);
    expect(parseRecordFiles('@@')).toEqual([]);
  });
  it('unions the recordings of main and legs, without duplicates, in order', () => {
    const main = record({ start: '2022-08-22 09:00:00', recordfiles: 'a.wav@' });
    const legs = [
      record({ AcctId: '1', start: '2022-08-22 09:00:00', recordfiles: 'b.wav@a.wav@' }),
      record({ AcctId: '2', start: '2022-08-22 09:00:00', recordfiles: '2022-08/c.wav@b.wav@' }),
    ];
    const summary = deriveCall(call('s', main, legs), TZ);
    expect(summary.recordings.map((r) => r.path)).toEqual(['a.wav', 'b.wav', '2022-08/c.wav']);
    expect(summary.legs[1]?.recordings.map((r) => r.file)).toEqual(['c.wav', 'b.wav']);
  });
});

describe('deriveCall on the guide transfer example', () => {
  const summary = deriveCall(transferCall(), 'America/New_York');

  it('takes values from main, then from the legs in order', () => {
    expect(summary).toMatchObject({
      session: '1461920017104140-1000',
      src: '1000',
      dst: '1001',
      caller_name: 'John Doe',
      clid: '"John Doe" <1000>',
      duration: 16,
      billsec: 9,
      disposition: 'ANSWERED',
      direction: 'internal',
      action_type: 'DIAL',
      action_kind: 'DIAL',
      action_target: '',
      account_code: '',
      nat: false,
    });
  });

  it('gives wall clock and UTC instant of start, answer and end', () => {
    expect(summary.start).toEqual({ local: '2016-04-29T02:53:37', utc: Date.UTC(2016, 3, 29, 6, 53, 37) });
    expect(summary.answer?.local).toBe('2016-04-29T02:53:44');
    expect(summary.end).toEqual({ local: '2016-04-29T02:53:54', utc: Date.UTC(2016, 3, 29, 6, 53, 54) });
  });

  it('answered by the last answered leg when main names no one', () => {
    expect(summary.answered_by).toBe('1002');
  });

  it('derives each leg', () => {
    expect(summary.main.acct_id).toBe('#0');
    expect(summary.legs.map((leg) => leg.acct_id)).toEqual(['1', '2']);
    expect(summary.legs[1]).toMatchObject({ action_kind: 'TRANSFER', disposition: 'ANSWERED' });
    expect(summary.legs[0]?.channel).toMatchObject({ kind: 'extension', extension: '1000' });
    expect(summary.legs[0]?.dstchannel).toMatchObject({ kind: 'extension', extension: '1001' });
    expect(summary.recordings.map((r) => r.file)).toEqual(['auto-1461920017-1000-1001.wav']);
  });
});

describe('deriveCall fallbacks', () => {
  it('takes start from the first leg and end from the latest leg when main has none', () => {
    const main = record({ src: '1000' });
    const legs = [
      record({ AcctId: '1', start: '2022-08-22 10:15:47', end: '2022-08-22 10:25:57', duration: '610', billsec: '609' }),
      record({ AcctId: '2', start: '2022-08-22 10:15:37', end: '2022-08-22 10:16:01', duration: '24', billsec: '0' }),
    ];
    const summary = deriveCall(call('s', main, legs), TZ);
    expect(summary.start.local).toBe('2022-08-22T10:15:47');
    expect(summary.end?.local).toBe('2022-08-22T10:25:57');
    // Call time is the span of the legs (10:15:37 .. 10:25:57), not their sum.
    expect(summary.duration).toBe(620);
    expect(summary.billsec).toBe(609);
  });

  it('adds up leg talk times for legs that follow each other, capped at the call time', () => {
    const main = record({});
    const legs = [
      record({ AcctId: '1', start: '2022-01-01 10:00:00', end: '2022-01-01 10:00:10', billsec: '8' }),
      record({ AcctId: '2', start: '2022-01-01 10:00:10', end: '2022-01-01 10:00:20', billsec: '10' }),
    ];
    expect(deriveCall(call('s', main, legs), TZ)).toMatchObject({ duration: 20, billsec: 18 });
    legs[1]!['billsec'] = '30';
    expect(deriveCall(call('s', main, legs), TZ)).toMatchObject({ duration: 20, billsec: 20 });
  });

  it('measures a leg without end time by its start plus duration', () => {
    const legs = [
      record({ AcctId: '1', start: '2022-01-01 10:00:00', duration: '7', billsec: '5' }),
      record({ AcctId: '2', start: '2022-01-01 10:00:03', duration: '6', billsec: '2' }),
    ];
    expect(deriveCall(call('s', record({}), legs), TZ)).toMatchObject({ duration: 9, billsec: 7 });
  });

  it('sums leg durations when legs carry no times at all', () => {
    const legs = [record({ AcctId: '1', duration: '7', billsec: '5' }), record({ AcctId: '2', duration: '6', billsec: '2' })];
    const summary = deriveCall(call('s', record({ start: '2022-01-01 10:00:00' }), legs), TZ);
    expect(summary).toMatchObject({ duration: 13, billsec: 7 });
  });

  it('takes names, numbers, trunks and account code from the first record that has them', () => {
    const main = record({ start: '2022-01-01 10:00:00', src: '', dst: '6400' });
    const legs = [
      record({ AcctId: '1', src: '07917330699', caller_name: '', accountcode: '', src_trunk_name: 'Daisy' }),
      record({ AcctId: '2', src: '999', caller_name: 'Anna', accountcode: '42', dst_trunk_name: 'BT', clid: '"Anna" <999>' }),
    ];
    expect(deriveCall(call('s', main, legs), TZ)).toMatchObject({
      src: '07917330699',
      dst: '6400',
      caller_name: 'Anna',
      clid: '"Anna" <999>',
      account_code: '42',
      src_trunk_name: 'Daisy',
      dst_trunk_name: 'BT',
    });
  });

  it("answered by main's dstanswer when set, else the last answered leg's", () => {
    const legs = [
      record({ AcctId: '1', start: '2022-01-01 10:00:00', disposition: 'ANSWERED', dstanswer: '6400' }),
      record({ AcctId: '2', start: '2022-01-01 10:00:00', disposition: 'ANSWERED', dstanswer: '203' }),
      record({ AcctId: '3', start: '2022-01-01 10:00:00', disposition: 'NO ANSWER', dstanswer: '204' }),
    ];
    expect(deriveCall(call('s', record({}), legs), TZ).answered_by).toBe('203');
    expect(deriveCall(call('s', record({ dstanswer: '7000' }), legs), TZ).answered_by).toBe('7000');
    expect(deriveCall(call('s', record({}), [legs[2]!]), TZ).answered_by).toBe('');
  });

  it('flags NAT when any record says nat_call=yes', () => {
    const legs = [
      record({ AcctId: '1', start: '2022-01-01 10:00:00', nat_call: 'no' }),
      record({ AcctId: '2', start: '2022-01-01 10:00:00', nat_call: 'yes' }),
    ];
    expect(deriveCall(call('s', record({}), legs), TZ).nat).toBe(true);
    expect(deriveCall(call('s', record({}), [legs[0]!]), TZ).nat).toBe(false);
  });

  it('derives a flat call whose only leg is its main record', () => {
    const summary = deriveCall(flat({ AcctId: '71049', action_type: 'RINGGROUP[6400]' }), TZ);
    expect(summary.main.acct_id).toBe('71049');
    expect(summary.legs).toHaveLength(1);
    expect(summary.legs[0]).toEqual(summary.main);
    expect(summary).toMatchObject({ action_kind: 'RINGGROUP', action_target: '6400' });
  });
});

describe('deriveCall errors', () => {
  it('rejects an unreadable time naming the session, record, field and value', () => {
    const error = thrown(() => deriveCall(flat({ answer: 'soon' }), TZ));
    expect(error.code).toBe('BAD_INPUT');
    expect(error.message).toContain('s-1');
    expect(error.message).toContain('"answer"');
    expect(error.message).toContain('"soon"');
    expect(error.details).toMatchObject({ session: 's-1', field: 'answer', acct_id: '1', value: 'soon' });
  });

  it('rejects an unreadable duration', () => {
    const error = thrown(() => deriveCall(flat({ billsec: '-3' }), TZ));
    expect(error.code).toBe('BAD_INPUT');
    expect(error.message).toContain('"-3"');
  });

  it('rejects a call without any start time', () => {
    const error = thrown(() => deriveCall(call('s-2', record({}), [record({ AcctId: '1' })]), TZ));
    expect(error.code).toBe('BAD_INPUT');
    expect(error.message).toContain('s-2');
  });

  it('rejects an unknown time zone naming it', () => {
    const error = thrown(() => deriveCall(flat({}), 'Europe/Atlantis'));
    expect(error.code).toBe('BAD_INPUT');
    expect(error.message).toContain('Europe/Atlantis');
  });

  it('names a record without AcctId by its position', () => {
    expect(deriveLeg(record({}), 3, TZ).acct_id).toBe('#3');
  });
});
