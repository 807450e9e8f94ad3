import type { CdrRecord } from '../cdr/types.js';
import type { Flavour } from './fields.js';

/** What a scenario decides about one leg; everything else follows from it. */
export interface LegInput {
  accountcode?: string;
  src: string;
  dst: string;
  dcontext: string;
  clid: string;
  channel: string;
  dstchannel: string;
  lastapp: string;
  lastdata: string;
  start: string;
  answer: string;
  end: string;
  duration: number;
  billsec: number;
  disposition: string;
  uniqueid: string;
  userfield: string;
  channel_ext: string;
  dstchannel_ext: string;
  caller_name: string;
  recordfiles?: string;
  dstanswer: string;
  session: string;
  action_owner: string;
  action_type: string;
  src_trunk_name?: string;
  dst_trunk_name?: string;
  nat_call?: string;
  nat_call_peer?: string;
  wave_src_seqid?: string;
  wave_dst_seqid?: string;
  device_info?: string;
  device_info_peer?: string;
  recordfiles_desc?: string;
}

/**
 * One record with every field in the device's order. Object literals with a fixed key order give
 * every record the same hidden class, which keeps a million generated calls cheap.
 */
export function legRecord(acctId: number, leg: LegInput, flavour: Flavour): CdrRecord {
  const base = {
    AcctId: String(acctId),
    accountcode: leg.accountcode ?? '',
    src: leg.src,
    dst: leg.dst,
    dcontext: leg.dcontext,
    clid: leg.clid,
    channel: leg.channel,
    dstchannel: leg.dstchannel,
    lastapp: leg.lastapp,
    lastdata: leg.lastdata,
    start: leg.start,
    answer: leg.answer,
    end: leg.end,
    duration: String(leg.duration),
    billsec: String(leg.billsec),
    disposition: leg.disposition,
    amaflags: 'DOCUMENTATION',
    uniqueid: leg.uniqueid,
    userfield: leg.userfield,
    channel_ext: leg.channel_ext,
    dstchannel_ext: leg.dstchannel_ext,
    service: 's',
    caller_name: leg.caller_name,
    recordfiles: leg.recordfiles ?? '',
    dstanswer: leg.dstanswer,
    chanext: '',
    dstchanext: '',
    session: leg.session,
    action_owner: leg.action_owner,
    action_type: leg.action_type,
    src_trunk_name: leg.src_trunk_name ?? '',
    dst_trunk_name: leg.dst_trunk_name ?? '',
  };
  if (flavour === 'legacy') return base;
  return {
    ...base,
    nat_call: leg.nat_call ?? 'no',
    nat_call_peer: leg.nat_call_peer ?? 'no',
    video_call: 'no',
    gdms_unique_code: '',
    gds_call: 'no',
    gsc_call: 'no',
    wave_src_seqid: leg.wave_src_seqid ?? '',
    wave_dst_seqid: leg.wave_dst_seqid ?? '',
    device_info: leg.device_info ?? '',
    device_info_peer: leg.device_info_peer ?? '',
    recordfiles_desc: leg.recordfiles_desc ?? '',
  };
}

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
    0,
    {
      src: first.src ?? '',
      dst,
      dcontext: '',
      clid: '',
      channel: '',
      dstchannel: '',
      lastapp: '',
      lastdata: '',
      start: first.start ?? '',
      answer: '',
      end: '',
      duration,
      billsec,
      disposition: '',
      uniqueid: '',
      userfield: '',
      channel_ext: '',
      dstchannel_ext: '',
      caller_name: '',
      dstanswer: '',
      session: first.session ?? '',
      action_owner: '',
      action_type: first.action_type ?? '',
      nat_call: '',
      nat_call_peer: '',
    },
    flavour,
  );
  main.AcctId = '';
  main.amaflags = '';
  main.service = '';
  if (flavour === 'ucm63xx') {
    main.video_call = '';
    main.gds_call = '';
    main.gsc_call = '';
  }
  return main;
}
