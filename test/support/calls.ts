import { CDR_FIELDS, type CdrField } from '../../main/cdr/fields.js';
import type { CdrCall, CdrRecord } from '../../main/cdr/types.js';

/**
 * A cdrapi record with every canonical field empty, then the given fields laid over it in order (a
 * field left `undefined` keeps what was under it).
 */
export function record(...layers: Partial<CdrRecord>[]): CdrRecord {
  const out: CdrRecord = {};
  for (const name of CDR_FIELDS) out[name] = '';
  for (const fields of layers) {
    for (const [name, value] of Object.entries(fields)) if (value !== undefined) out[name] = value;
  }
  return out;
}

/** A call of main + legs; a call given only `main` is flat (its main is its only leg). */
export function call(session: string, main: CdrRecord, legs?: CdrRecord[]): CdrCall {
  return { session, main, legs: legs ?? [main] };
}

/** What the UCM writes into a plain dialled leg, as the guide's examples show it. */
const DIALLED: Partial<CdrRecord> = {
  dcontext: 'from-internal',
  lastapp: 'Dial',
  amaflags: 'DOCUMENTATION',
  service: 's',
  action_type: 'DIAL',
};

/**
 * A flat call: `session` and `start` (PBX wall clock `YYYY-MM-DD HH:MM:SS`), durations in seconds,
 * and any other field as the PBX writes it (`nat_call` is one the guide does not list).
 */
export type CallSpec = { session: string; start: string; duration?: number; billsec?: number; nat_call?: string } & {
  [name in Exclude<CdrField, 'session' | 'start' | 'duration' | 'billsec'>]?: string;
};

function addSeconds(wall: string, seconds: number): string {
  const ms = Date.parse(`${wall.replace(' ', 'T')}Z`) + seconds * 1000;
  return new Date(ms).toISOString().slice(0, 19).replace('T', ' ');
}

/**
 * A flat call (one record, its own only leg), as cdrapi returns most calls. A field the spec leaves
 * out gets what the PBX would write for such a call: 1000 calls 1001, answered, 30 s with 20 s talk;
 * answer and end follow from start and the durations, clid and channels from the numbers and trunks.
 */
export function flatCall(spec: CallSpec): CdrCall {
  const { duration = 30, billsec: given, ...fields } = spec;
  const src = fields.src ?? '1000';
  const dst = fields.dst ?? '1001';
  const disposition = fields.disposition ?? 'ANSWERED';
  const answered = disposition === 'ANSWERED';
  const billsec = given ?? (answered ? 20 : 0);
  const derived: Partial<CdrRecord> = {
    AcctId: '1',
    src,
    dst,
    clid: `"${fields.caller_name ?? ''}" <${src}>`,
    channel: fields.src_trunk_name ? 'PJSIP/trunk_1-00000001' : `PJSIP/${src}-00000001`,
    dstchannel: fields.dst_trunk_name ? `PJSIP/trunk_2/${dst}` : `PJSIP/${dst}-00000002`,
    answer: answered ? addSeconds(spec.start, duration - billsec) : '',
    end: addSeconds(spec.start, duration),
    duration: String(duration),
    billsec: String(billsec),
    disposition,
    userfield: 'Internal',
    dstanswer: answered ? dst : '',
    action_owner: src,
  };
  const rec = record(DIALLED, derived, fields);
  return { session: spec.session, main: rec, legs: [rec] };
}

/** The guide's transfer example: A (1000) calls B (1001), B answers and transfers to C (1002). */
export function transferCall(session = '1461920017104140-1000'): CdrCall {
  const main = record({
    src: '1000',
    dst: '1001',
    start: '2016-04-29 02:53:37',
    duration: '16',
    billsec: '9',
    session,
    action_type: 'DIAL',
  });
  const leg1 = record(DIALLED, {
    AcctId: '1',
    src: '1000',
    dst: '1001',
    clid: '"John Doe" <1000>',
    channel: 'PJSIP/1000-00000003',
    dstchannel: 'PJSIP/1001-00000004',
    lastdata: 'PJSIP/1001/sip:1001@192.168.124.179:5066,60,zTtkKA(dialog-being-recorded)',
    start: '2016-04-29 02:53:37',
    answer: '2016-04-29 02:53:44',
    end: '2016-04-29 02:53:49',
    duration: '12',
    billsec: '5',
    disposition: 'ANSWERED',
    uniqueid: '1461920017.7',
    userfield: 'Internal',
    channel_ext: '1000',
    dstchannel_ext: '1001',
    caller_name: 'John Doe',
    recordfiles: 'auto-1461920017-1000-1001.wav@',
    dstanswer: '1001',
    session,
    action_owner: '1000',
    action_type: 'DIAL',
  });
  const leg2 = record(DIALLED, {
    AcctId: '2',
    src: '1000',
    dst: '1002',
    dcontext: 'from-internal-xfer',
    clid: '"John Doe" <1000>',
    channel: 'PJSIP/1000-00000003',
    dstchannel: 'PJSIP/1002-00000005',
    lastdata: 'PJSIP/1002/sip:1002@192.168.124.136:5066,60,ztTkKb(callee-handler^s^1)',
    start: '2016-04-29 02:53:49',
    answer: '2016-04-29 02:53:49',
    end: '2016-04-29 02:53:54',
    duration: '4',
    billsec: '4',
    disposition: 'ANSWERED',
    uniqueid: '1461920017.7',
    userfield: 'Internal',
    channel_ext: '1000',
    dstchannel_ext: '1002',
    caller_name: 'John Doe',
    dstanswer: '1002',
    session,
    action_owner: '1001',
    action_type: 'TRANSFER',
  });
  return { session, main, legs: [leg1, leg2] };
}
