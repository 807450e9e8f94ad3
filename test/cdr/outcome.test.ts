import { describe, expect, it } from 'vitest';
import { parseCdrResponse } from '../../main/cdr/parse.js';
import { deriveCall } from '../../main/cdr/derive.js';
import { decodeRoute, encodeRoute, judgeCall } from '../../main/cdr/outcome.js';
import type { CdrCall, CdrRecord } from '../../main/cdr/types.js';
import { fixture } from './fixtures.js';

function judge(call: CdrCall): { outcome: string; route: string } {
  const judged = judgeCall(call, deriveCall(call, 'Europe/London').disposition);
  return { outcome: judged.outcome, route: encodeRoute(judged.route) };
}

function leg(fields: Partial<CdrRecord>): CdrRecord {
  return { session: 's', start: '2024-05-02 10:00:00', src: '0301234', channel: 'PJSIP/trunk_1-00000001', ...fields };
}

describe('outcome and route on the real capture (shared fixtures)', () => {
  const calls = new Map(parseCdrResponse(fixture('ucm63xx-cdrapi-capture-2022-08.json')).calls.map((c) => [c.session, c]));
  const cases: [string, string, string][] = [
    // A caller who stayed in IVR 7000: the PBX says ANSWERED, answered by 7000; nobody answered.
    ['166117495239747-07908049833', 'unanswered', 'IVR:7000'],
    // Ring group 6400: its fork record is ANSWERED by 6400; member 203 answered.
    ['1661159737924521-01904593096', 'answered', 'RINGGROUP:6400'],
    ['1661162203502928-07702689218', 'answered', 'RINGGROUP:6400>PARKEDCALL:71'],
    // 203 called 230, who did not answer; the call went to 230's voicemail.
    ['166116266158576-203', 'voicemail', 'VM:230'],
    // An outbound call answered by the called party.
    ['1661164659439897-203', 'answered', 'DIAL:'],
    ['1661165149841323-221', 'answered', 'DIAL:'],
  ];
  it.each(cases)('%s is %s by route %s', (session, outcome, route) => {
    expect(judge(calls.get(session) as CdrCall)).toEqual({ outcome, route });
  });
});

describe('outcome and route on the guide examples', () => {
  it('a transfer A -> B -> C is answered, by route TRANSFER 1002', () => {
    const [call] = parseCdrResponse(fixture('guide-transfer.json')).calls;
    expect(judge(call as CdrCall)).toEqual({ outcome: 'answered', route: 'TRANSFER:1002' });
  });

  it('an internal call nobody answered is unanswered', () => {
    const [call] = parseCdrResponse(fixture('guide-internal-call.csv')).calls;
    expect(judge(call as CdrCall)).toEqual({ outcome: 'unanswered', route: 'DIAL:' });
  });
});

describe('outcome rules', () => {
  it('an IVR that then finds the extension busy is unanswered, although the PBX says ANSWERED', () => {
    const call: CdrCall = {
      session: 's',
      main: { session: 's', disposition: 'ANSWERED', dstanswer: '7000', action_type: 'IVR[7000]' },
      legs: [
        leg({ AcctId: '1', dst: '7000', disposition: 'ANSWERED', lastapp: 'BackGround', action_type: 'IVR[7000]', dstanswer: '7000' }),
        leg({ AcctId: '2', dst: '1005', disposition: 'BUSY', lastapp: 'Dial', action_type: 'IVR[7000]', dstchannel: 'PJSIP/1005-00000002' }),
      ],
    };
    expect(judge(call)).toEqual({ outcome: 'unanswered', route: 'IVR:7000' });
  });

  it('a queue is answered when a member took the call, unanswered when it only played music', () => {
    const member = leg({ AcctId: '1', dst: '6500', disposition: 'ANSWERED', lastapp: 'Queue', action_type: 'QUEUE[6500]', dstchannel: 'PJSIP/1003-00000004' });
    const music = leg({ AcctId: '1', dst: '6500', disposition: 'ANSWERED', lastapp: 'Queue', action_type: 'QUEUE[6500]', dstchannel: '' });
    expect(judge({ session: 's', main: member, legs: [member] })).toEqual({ outcome: 'answered', route: 'QUEUE:6500' });
    expect(judge({ session: 's', main: music, legs: [music] })).toEqual({ outcome: 'unanswered', route: 'QUEUE:6500' });
  });

  it('FAILED and CONGESTION are failed; a flat record without the application keeps the PBX answer', () => {
    for (const disposition of ['FAILED', 'CONGESTION']) {
      const record = leg({ disposition, lastapp: 'Dial', dst: '00441234', dstchannel: 'PJSIP/trunk_2/00441234' });
      expect(judge({ session: 's', main: record, legs: [record] }).outcome).toBe('failed');
    }
    const page = leg({ disposition: 'ANSWERED', dst: '1001' });
    expect(judge({ session: 's', main: page, legs: [page] }).outcome).toBe('answered');
  });

  it('folds runs of one step and keeps the order of different ones; the route text round-trips', () => {
    const call: CdrCall = {
      session: 's',
      main: { session: 's', action_type: 'DIAL' },
      legs: [
        leg({ AcctId: '1', action_type: 'IVR[7000]', disposition: 'ANSWERED', lastapp: 'BackGround' }),
        leg({ AcctId: '2', action_type: 'RINGGROUP[6400]', dst: '200', disposition: 'NO ANSWER', lastapp: 'Dial' }),
        leg({ AcctId: '3', action_type: 'RINGGROUP[6400]', dst: '201', disposition: 'ANSWERED', lastapp: 'Dial', dstchannel: 'PJSIP/201-0000000a' }),
        leg({ AcctId: '4', action_type: 'TRANSFER', dst: '1005', disposition: 'ANSWERED', lastapp: 'Dial', dstchannel: 'PJSIP/1005-0000000b' }),
      ],
    };
    const { route } = judgeCall(call, deriveCall(call, 'UTC').disposition);
    expect(encodeRoute(route)).toBe('IVR:7000>RINGGROUP:6400>TRANSFER:1005');
    expect(decodeRoute(encodeRoute(route))).toEqual(route);
  });
});
