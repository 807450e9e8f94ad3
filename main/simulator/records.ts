import type { CdrRecord } from '../cdr/types.js';
import type { Flavour } from './fields.js';
import type { Extension } from './office.js';

/** The calling side of a leg: an extension, a trunk or an analogue line. */
export interface Party {
  number: string;
  clid: string;
  name: string;
  channel: string;
  channelExt: string;
  userfield: string;
  context: string;
  trunkName: string;
  ext: Extension | null;
}

/** A recording as recordfiles (and, on UCM63xx, recordfiles_desc) name it. */
export interface Recording {
  files: string;
  desc: string;
}

/** What a scenario decides about one leg beyond its caller and timing. */
export interface LegSpec {
  dst: string;
  dcontext: string;
  dstchannel: string;
  lastapp: string;
  lastdata: string;
  dstchannel_ext: string;
  dstanswer: string;
  action_type: string;
  /** The extension called, for the UCM63xx peer fields; null for trunks and applications. */
  callee: Extension | null;
  recording?: Recording | null;
  /** Overrides of what the party implies. */
  src?: string;
  clid?: string;
  caller_name?: string;
  userfield?: string;
  action_owner?: string;
  accountcode?: string;
  dst_trunk_name?: string;
}

/** The values the call builder stamps on every leg. */
export interface LegStamp {
  acctId: number;
  session: string;
  uniqueid: string;
  start: string;
  answer: string;
  end: string;
  duration: number;
  billsec: number;
  disposition: string;
}

// Phones report a running sequence number per call; derive it from the record id (cheap, stable).
function waveSeq(acctId: number, salt: number): string {
  return String(((acctId * 2654435761 + salt) >>> 0) % 4000 + 1);
}

/**
 * One record with every field in the device's order. Each flavour is one object literal with a fixed
 * key order and no spreading: every record then shares one hidden class, which keeps a million
 * generated calls cheap.
 */
export function legRecord(party: Party, spec: LegSpec, stamp: LegStamp, flavour: Flavour): CdrRecord {
  const src = spec.src ?? party.number;
  const clid = spec.clid ?? party.clid;
  const callerName = spec.caller_name ?? party.name;
  const userfield = spec.userfield ?? party.userfield;
  const actionOwner = spec.action_owner ?? party.number;
  const recordfiles = spec.recording ? spec.recording.files : '';
  const record: CdrRecord = {
    AcctId: String(stamp.acctId),
    accountcode: spec.accountcode ?? '',
    src,
    dst: spec.dst,
    dcontext: spec.dcontext,
    clid,
    channel: party.channel,
    dstchannel: spec.dstchannel,
    lastapp: spec.lastapp,
    lastdata: spec.lastdata,
    start: stamp.start,
    answer: stamp.answer,
    end: stamp.end,
    duration: String(stamp.duration),
    billsec: String(stamp.billsec),
    disposition: stamp.disposition,
    amaflags: 'DOCUMENTATION',
    uniqueid: stamp.uniqueid,
    userfield,
    channel_ext: party.channelExt,
    dstchannel_ext: spec.dstchannel_ext,
    service: 's',
    caller_name: callerName,
    recordfiles,
    dstanswer: spec.dstanswer,
    chanext: '',
    dstchanext: '',
    session: stamp.session,
    action_owner: actionOwner,
    action_type: spec.action_type,
    src_trunk_name: party.trunkName,
    dst_trunk_name: spec.dst_trunk_name ?? '',
  };
  if (flavour === 'legacy') return record;
  const caller = party.ext;
  const callee = spec.callee;
  // UCM63xx firmware appends these fields after the legacy ones, in this order.
  record.nat_call = caller?.remote ? 'yes' : 'no';
  record.nat_call_peer = callee?.remote ? 'yes' : 'no';
  record.video_call = 'no';
  record.gdms_unique_code = '';
  record.gds_call = 'no';
  record.gsc_call = 'no';
  record.wave_src_seqid = caller ? waveSeq(stamp.acctId, 1) : callee ? '0' : '';
  record.wave_dst_seqid = callee ? waveSeq(stamp.acctId, 2) : caller ? '0' : '';
  record.device_info = caller ? caller.model : '';
  record.device_info_peer = callee ? callee.model : '';
  record.recordfiles_desc = spec.recording ? spec.recording.desc : '';
  return record;
}

const NOBODY: Party = {
  number: '',
  clid: '',
  name: '',
  channel: '',
  channelExt: '',
  userfield: '',
  context: '',
  trunkName: '',
  ext: null,
};

/**
 * The summary record of a multi-record call, shaped as the guide shows it: identity, caller, callee,
 * first start, summed durations and the first action type; every other field empty.
 */
export function mainRecord(legs: readonly CdrRecord[], dst: string, flavour: Flavour): CdrRecord {
  const first = legs[0] as CdrRecord;
  let duration = 0;
  let billsec = 0;
  for (const leg of legs) {
    duration += Number(leg.duration);
    billsec += Number(leg.billsec);
  }
  const main = legRecord(
    NOBODY,
    {
      src: first.src ?? '',
      dst,
      dcontext: '',
      dstchannel: '',
      lastapp: '',
      lastdata: '',
      dstchannel_ext: '',
      dstanswer: '',
      action_type: first.action_type ?? '',
      callee: null,
    },
    {
      acctId: 0,
      session: first.session ?? '',
      uniqueid: '',
      start: first.start ?? '',
      answer: '',
      end: '',
      duration,
      billsec,
      disposition: '',
    },
    flavour,
  );
  main.AcctId = '';
  main.amaflags = '';
  main.service = '';
  if (flavour === 'ucm63xx') {
    main.nat_call = '';
    main.nat_call_peer = '';
    main.video_call = '';
    main.gds_call = '';
    main.gsc_call = '';
  }
  return main;
}
