import type { CdrCall } from '../cdr/types.js';
import type { CallBuilder, LegDisposition } from './call-builder.js';
import type { LegInput } from './records.js';
import {
  ACCOUNT_CODES,
  CONFERENCE,
  EXTENSIONS,
  FXO_PORT,
  INBOUND_TRUNK,
  IVR,
  MAIN_DID,
  OUTBOUND_TRUNK,
  PARKING,
  QUEUE,
  RING_GROUP,
  type Extension,
} from './office.js';
import { stableHash, type Random } from './random.js';

/** A party outside the office. */
export interface ExternalParty {
  number: string;
  /** Caller name the carrier delivers, often none. */
  name: string;
}

/** What a scenario needs from the generator. */
export interface ScenarioContext {
  rng: Random;
  /** A builder for a call whose session carries this caller. */
  newCall(caller: string): CallBuilder;
  externalCaller(): ExternalParty;
  /** A number staff dial out to. */
  externalNumber(): string;
  /** The mobile number an extension forwards to. */
  mobileOf(ext: Extension): string;
}

const COMPANY = 'Acme Widgets Ltd';
const PHONE_MODELS = ['GXP2170', 'GRP2615', 'WP820', 'GXP2160', 'GRP2614'] as const;
// Extensions registered through UCM RemoteConnect: their calls carry nat_call=yes.
const REMOTE_EXTENSIONS = new Set(['1015', '1016']);
const RECEPTION = EXTENSIONS.find((e) => e.number === '1017') as Extension;
const EXTENSION_BY_NUMBER = new Map(EXTENSIONS.map((e) => [e.number, e]));

function extension(number: string): Extension {
  return EXTENSION_BY_NUMBER.get(number) as Extension;
}

function pickExtension(rng: Random, except?: Extension): Extension {
  for (;;) {
    const ext = rng.pick(EXTENSIONS);
    if (ext !== except) return ext;
  }
}

function clidOf(name: string, number: string): string {
  return `"${name}" <${number}>`;
}

function dialExtension(ext: Extension): string {
  return `PJSIP/${ext.number}/sip:${ext.number}@192.168.1.${ext.host}:5060,60,ztTkKxXb(callee-handler^s^1)`;
}

function dialTrunk(number: string): string {
  return `PJSIP/${number}@${OUTBOUND_TRUNK.id},,TKXM(record-check,StartMonitor)b(callee-handler^s^1)`;
}

function ringTime(rng: Random): number {
  return rng.int(2, 22);
}

/** Talk time in seconds: mostly short, a long tail of long calls. */
function talkTime(rng: Random): number {
  return Math.min(3600, Math.round(8 + -Math.log(1 - rng.next()) * 140));
}

function disposition(rng: Random, answered: number, noAnswer: number, busy: number, congestion = 0): LegDisposition {
  const x = rng.next();
  if (x < answered) return 'ANSWERED';
  if (x < answered + noAnswer) return 'NO ANSWER';
  if (x < answered + noAnswer + busy) return 'BUSY';
  if (x < answered + noAnswer + busy + congestion) return 'CONGESTION';
  return 'FAILED';
}

function phoneModel(ext: Extension): string {
  return PHONE_MODELS[stableHash(ext.number) % PHONE_MODELS.length] as string;
}

/** UCM63xx per-endpoint fields of an extension as caller and/or callee. */
function endpointExtras(rng: Random, caller?: Extension, callee?: Extension): Partial<LegInput> {
  return {
    nat_call: caller && REMOTE_EXTENSIONS.has(caller.number) ? 'yes' : 'no',
    nat_call_peer: callee && REMOTE_EXTENSIONS.has(callee.number) ? 'yes' : 'no',
    device_info: caller ? phoneModel(caller) : '',
    device_info_peer: callee ? phoneModel(callee) : '',
    wave_src_seqid: caller ? String(rng.int(1, 4000)) : '0',
    wave_dst_seqid: callee ? String(rng.int(1, 4000)) : '0',
  };
}

/** The caller side of a leg, internal or from the inbound trunk. */
interface Caller {
  number: string;
  clid: string;
  name: string;
  channel: string;
  channelExt: string;
  userfield: 'Internal' | 'Inbound';
  context: string;
  trunkName?: string;
  ext?: Extension;
}

function internalCaller(call: CallBuilder, ext: Extension): Caller {
  return {
    number: ext.number,
    clid: clidOf(ext.name, ext.number),
    name: ext.name,
    channel: call.channel(ext.number),
    channelExt: ext.number,
    userfield: 'Internal',
    context: 'from-internal',
    ext,
  };
}

function trunkCaller(call: CallBuilder, party: ExternalParty): Caller {
  return {
    number: party.number,
    clid: clidOf(party.name, party.number),
    name: party.name,
    channel: call.channel(INBOUND_TRUNK.id),
    channelExt: INBOUND_TRUNK.id,
    userfield: 'Inbound',
    context: 'ext-did-2',
    trunkName: INBOUND_TRUNK.name,
  };
}

function callerFields(caller: Caller): Pick<
  LegInput,
  'src' | 'clid' | 'channel' | 'channel_ext' | 'caller_name' | 'userfield' | 'action_owner' | 'src_trunk_name'
> {
  return {
    src: caller.number,
    clid: caller.clid,
    channel: caller.channel,
    channel_ext: caller.channelExt,
    caller_name: caller.name,
    userfield: caller.userfield,
    action_owner: caller.number,
    src_trunk_name: caller.trunkName,
  };
}

/** A Dial from `caller` to extension `callee`; returns the end second. */
function dialLeg(
  ctx: ScenarioContext,
  call: CallBuilder,
  caller: Caller,
  callee: Extension,
  start: number,
  disp: LegDisposition,
  extra: Partial<LegInput> & { context?: string; recordChance?: number; ring?: number } = {},
): { end: number; answer: number } {
  const { rng } = ctx;
  const { context, recordChance, ring: fixedRing, ...overrides } = extra;
  const ring = disp === 'BUSY' || disp === 'FAILED' ? 0 : (fixedRing ?? ringTime(rng));
  const answer = start + ring;
  const recorded = disp === 'ANSWERED' && rng.chance(recordChance ?? 0.2);
  const end = call.leg(
    {
      ...callerFields(caller),
      dst: callee.number,
      dcontext: context ?? caller.context,
      dstchannel: disp === 'FAILED' ? '' : call.channel(callee.number),
      lastapp: 'Dial',
      lastdata: dialExtension(callee),
      dstchannel_ext: callee.number,
      dstanswer: disp === 'ANSWERED' ? callee.number : '',
      action_type: 'DIAL',
      ...endpointExtras(rng, caller.ext, callee),
      ...(recorded ? call.recording(answer, caller.number, callee.number) : {}),
      ...overrides,
    },
    { start, ring, talk: talkTime(rng), disposition: disp },
  );
  return { end, answer };
}

function voicemailLeg(ctx: ScenarioContext, call: CallBuilder, caller: Caller, box: Extension, start: number, busy: boolean): number {
  return call.leg(
    {
      ...callerFields(caller),
      dst: box.number,
      dcontext: caller.context,
      dstchannel: '',
      lastapp: 'VoiceMail',
      lastdata: `${box.number}@default,${busy ? 'b' : 'u'}`,
      dstchannel_ext: box.number,
      dstanswer: box.number,
      action_type: 'VM',
    },
    { start, ring: 0, talk: ctx.rng.int(4, 45), disposition: 'ANSWERED' },
  );
}

function internal(ctx: ScenarioContext): CdrCall {
  const a = pickExtension(ctx.rng);
  const b = pickExtension(ctx.rng, a);
  const call = ctx.newCall(a.number);
  dialLeg(ctx, call, internalCaller(call, a), b, call.startSec, disposition(ctx.rng, 0.72, 0.16, 0.08));
  return call.build(b.number);
}

function outbound(ctx: ScenarioContext): CdrCall {
  const { rng } = ctx;
  const a = pickExtension(rng);
  const number = ctx.externalNumber();
  const call = ctx.newCall(a.number);
  const disp = disposition(rng, 0.68, 0.14, 0.08, 0.05);
  const ring = disp === 'ANSWERED' || disp === 'NO ANSWER' ? rng.int(3, 25) : rng.int(0, 3);
  const keepsOwnId = rng.chance(0.6);
  const recorded = disp === 'ANSWERED' && rng.chance(0.45);
  call.leg(
    {
      accountcode: rng.chance(0.3) ? rng.pick(ACCOUNT_CODES) : '',
      src: a.number,
      dst: number,
      dcontext: 'outbound-route-1',
      clid: keepsOwnId ? clidOf(a.name, a.number) : clidOf(COMPANY, MAIN_DID),
      channel: call.channel(a.number),
      dstchannel: disp === 'FAILED' || disp === 'CONGESTION' ? '' : call.channel(OUTBOUND_TRUNK.id),
      lastapp: 'Dial',
      lastdata: dialTrunk(number),
      userfield: 'Outbound',
      channel_ext: a.number,
      dstchannel_ext: OUTBOUND_TRUNK.id,
      caller_name: keepsOwnId ? a.name : COMPANY,
      dstanswer: disp === 'ANSWERED' ? number : '',
      action_owner: a.number,
      action_type: 'DIAL',
      dst_trunk_name: OUTBOUND_TRUNK.name,
      ...endpointExtras(rng, a),
      ...(recorded ? call.recording(call.startSec + ring, a.number, number) : {}),
    },
    { start: call.startSec, ring, talk: talkTime(rng), disposition: disp },
  );
  return call.build(number);
}

function inboundDirect(ctx: ScenarioContext): CdrCall {
  const { rng } = ctx;
  const party = ctx.externalCaller();
  const b = rng.chance(0.4) ? RECEPTION : pickExtension(rng);
  const call = ctx.newCall(party.number);
  const caller = trunkCaller(call, party);
  const disp = disposition(rng, 0.75, 0.18, 0.07);
  const { end } = dialLeg(ctx, call, caller, b, call.startSec, disp, { recordChance: 0.3 });
  if (disp !== 'ANSWERED' && rng.chance(0.5)) voicemailLeg(ctx, call, caller, b, end, disp === 'BUSY');
  return call.build(b.number);
}

/** The leg every DID call starts with on a UCM: the fork at the inbound route, never answered. */
function didForkLeg(call: CallBuilder, caller: Caller): number {
  return call.leg(
    {
      ...callerFields(caller),
      dst: MAIN_DID,
      dcontext: caller.context,
      dstchannel: '',
      lastapp: 'ForkCDR',
      lastdata: 'ae',
      dstchannel_ext: MAIN_DID,
      dstanswer: '',
      action_type: 'DIAL',
    },
    { start: call.startSec, ring: 0, talk: 0, disposition: 'NO ANSWER' },
  );
}

/** Ring group or queue: the group leg, one leg per member, and voicemail when nobody answers. */
function groupLegs(ctx: ScenarioContext, call: CallBuilder, caller: Caller, kind: 'RINGGROUP' | 'QUEUE', start: number, context: string): void {
  const { rng } = ctx;
  const group = kind === 'RINGGROUP' ? RING_GROUP : QUEUE;
  const action = `${kind}[${group.number}]`;
  const groupEnd = call.leg(
    {
      ...callerFields(caller),
      dst: group.number,
      dcontext: context,
      dstchannel: '',
      lastapp: kind === 'RINGGROUP' ? 'ForkCDR' : 'Queue',
      lastdata: kind === 'RINGGROUP' ? 'are' : `${group.number},t,,,300`,
      dstchannel_ext: group.number,
      dstanswer: group.number,
      action_type: action,
    },
    { start, ring: rng.int(1, 10), talk: 0, disposition: 'ANSWERED' },
  );
  const members = group.members.map(extension);
  // Devices cut lastdata at 255 characters, in the middle of the dial string if need be.
  const dialString = members.map((m) => dialExtension(m).split(',')[0]).join('&').slice(0, 255);
  const answerer = rng.chance(0.78) ? rng.pick(members) : undefined;
  const busy = rng.chance(0.2) ? rng.pick(members) : undefined;
  const memberStart = groupEnd + 1;
  const ring = answerer ? rng.int(3, 25) : 30;
  const talk = talkTime(rng);
  for (const member of members) {
    const disp: LegDisposition = member === answerer ? 'ANSWERED' : member === busy ? 'BUSY' : 'NO ANSWER';
    const recorded = disp === 'ANSWERED' && rng.chance(0.6);
    call.leg(
      {
        ...callerFields(caller),
        dst: member.number,
        dcontext: 'from-internal',
        dstchannel: call.channel(member.number),
        lastapp: kind === 'RINGGROUP' ? 'Dial' : 'Queue',
        lastdata: kind === 'RINGGROUP' ? dialString : `${group.number},t,,,300`,
        dstchannel_ext: member.number,
        dstanswer: disp === 'ANSWERED' ? member.number : '',
        action_type: action,
        ...endpointExtras(rng, caller.ext, member),
        ...(recorded ? call.recording(memberStart + ring, caller.number, member.number, group.number) : {}),
      },
      { start: memberStart, ring: disp === 'BUSY' ? 0 : ring, talk, disposition: disp },
    );
  }
  if (!answerer && rng.chance(0.5)) voicemailLeg(ctx, call, caller, members[0] as Extension, memberStart + ring, false);
}

function inboundGroup(kind: 'RINGGROUP' | 'QUEUE') {
  return (ctx: ScenarioContext): CdrCall => {
    const party = ctx.externalCaller();
    const call = ctx.newCall(party.number);
    const caller = trunkCaller(call, party);
    const end = didForkLeg(call, caller);
    groupLegs(ctx, call, caller, kind, end, caller.context);
    return call.build(MAIN_DID);
  };
}

function ivr(ctx: ScenarioContext): CdrCall {
  const { rng } = ctx;
  const party = ctx.externalCaller();
  const call = ctx.newCall(party.number);
  const caller = trunkCaller(call, party);
  const forkEnd = didForkLeg(call, caller);
  const ivrEnd = call.leg(
    {
      ...callerFields(caller),
      dst: IVR,
      dcontext: 'ivr-1',
      dstchannel: '',
      lastapp: 'ReadExten',
      lastdata: '',
      dstchannel_ext: IVR,
      dstanswer: IVR,
      action_type: `IVR[${IVR}]`,
    },
    { start: forkEnd, ring: 0, talk: rng.int(4, 25), disposition: 'ANSWERED' },
  );
  const choice = rng.next();
  if (choice < 0.45) groupLegs(ctx, call, caller, 'RINGGROUP', ivrEnd, 'ivr-from-internal');
  else if (choice < 0.75) groupLegs(ctx, call, caller, 'QUEUE', ivrEnd, 'ivr-from-internal');
  else if (choice < 0.9) {
    dialLeg(ctx, call, caller, pickExtension(rng), ivrEnd, disposition(rng, 0.7, 0.25, 0.05), {
      context: 'ivr-from-internal',
      action_type: `IVR[${IVR}]`,
    });
  }
  return call.build(MAIN_DID);
}

function transfer(ctx: ScenarioContext): CdrCall {
  const { rng } = ctx;
  const inbound = rng.chance(0.5);
  const party = inbound ? ctx.externalCaller() : undefined;
  const a = pickExtension(rng);
  const b = inbound ? (rng.chance(0.5) ? RECEPTION : a) : pickExtension(rng, a);
  const c = pickExtension(rng, b);
  const call = ctx.newCall(party ? party.number : a.number);
  const caller = party ? trunkCaller(call, party) : internalCaller(call, a);
  const { end } = dialLeg(ctx, call, caller, b, call.startSec, 'ANSWERED', { recordChance: 0.15 });
  const disp: LegDisposition = rng.chance(0.85) ? 'ANSWERED' : 'NO ANSWER';
  dialLeg(ctx, call, caller, c, end, disp, {
    context: 'from-internal-xfer',
    ring: rng.chance(0.5) ? 0 : rng.int(2, 12),
    action_owner: b.number,
    action_type: 'TRANSFER',
    recordChance: 0.15,
  });
  return call.build(b.number);
}

function callForward(ctx: ScenarioContext): CdrCall {
  const { rng } = ctx;
  const party = rng.chance(0.5) ? ctx.externalCaller() : undefined;
  const b = pickExtension(rng);
  const a = pickExtension(rng, b);
  const call = ctx.newCall(party ? party.number : a.number);
  const caller = party ? trunkCaller(call, party) : internalCaller(call, a);
  const unconditional = rng.chance(0.4);
  const { end } = dialLeg(ctx, call, caller, b, call.startSec, 'NO ANSWER', { ring: unconditional ? 0 : rng.int(15, 25) });
  const disp = disposition(rng, 0.8, 0.15, 0.05);
  if (rng.chance(0.6)) {
    dialLeg(ctx, call, caller, pickExtension(rng, b), end, disp, { action_owner: b.number, action_type: 'CALLFORWARD' });
  } else {
    const mobile = ctx.mobileOf(b);
    const ring = disp === 'BUSY' ? 0 : rng.int(3, 20);
    call.leg(
      {
        ...callerFields(caller),
        dst: mobile,
        dcontext: caller.context,
        dstchannel: call.channel(OUTBOUND_TRUNK.id),
        lastapp: 'Dial',
        lastdata: dialTrunk(mobile),
        userfield: party ? 'External' : 'Outbound',
        dstchannel_ext: OUTBOUND_TRUNK.id,
        dstanswer: disp === 'ANSWERED' ? mobile : '',
        action_owner: b.number,
        action_type: 'CALLFORWARD',
        dst_trunk_name: OUTBOUND_TRUNK.name,
      },
      { start: end, ring, talk: talkTime(rng), disposition: disp },
    );
  }
  return call.build(b.number);
}

function voicemail(ctx: ScenarioContext): CdrCall {
  const { rng } = ctx;
  const party = rng.chance(0.4) ? ctx.externalCaller() : undefined;
  const b = pickExtension(rng);
  const a = pickExtension(rng, b);
  const call = ctx.newCall(party ? party.number : a.number);
  const caller = party ? trunkCaller(call, party) : internalCaller(call, a);
  const busy = rng.chance(0.3);
  const { end } = dialLeg(ctx, call, caller, b, call.startSec, busy ? 'BUSY' : 'NO ANSWER', { ring: rng.int(18, 30) });
  voicemailLeg(ctx, call, caller, b, end, busy);
  return call.build(b.number);
}

function parking(ctx: ScenarioContext): CdrCall {
  const { rng } = ctx;
  const party = ctx.externalCaller();
  const call = ctx.newCall(party.number);
  const caller = trunkCaller(call, party);
  const b = rng.chance(0.7) ? RECEPTION : pickExtension(rng);
  const slot = rng.pick(PARKING.slots);
  const { answer } = dialLeg(ctx, call, caller, b, call.startSec, 'ANSWERED', { recordChance: 0 });
  const parkStart = answer + rng.int(5, 40);
  const parkEnd = call.leg(
    {
      ...callerFields(caller),
      dst: slot,
      dcontext: 'from-internal-xfer',
      dstchannel: '',
      lastapp: 'Park',
      lastdata: `default:${slot}`,
      dstchannel_ext: slot,
      dstanswer: slot,
      action_type: 'PARKEDCALL',
    },
    { start: parkStart, ring: 0, talk: rng.int(8, 90), disposition: 'ANSWERED' },
  );
  if (rng.chance(0.85)) {
    const c = pickExtension(rng, b);
    dialLeg(ctx, call, caller, c, parkEnd, 'ANSWERED', {
      context: 'from-internal-xfer',
      ring: 0,
      lastapp: 'Park',
      lastdata: 'default',
      action_type: 'PARKEDCALL',
      recordChance: 0.4,
    });
  }
  return call.build(b.number);
}

function conference(ctx: ScenarioContext): CdrCall {
  const { rng } = ctx;
  const party = rng.chance(0.3) ? ctx.externalCaller() : undefined;
  const a = pickExtension(rng);
  const call = ctx.newCall(party ? party.number : a.number);
  const caller = party ? trunkCaller(call, party) : internalCaller(call, a);
  call.leg(
    {
      ...callerFields(caller),
      dst: CONFERENCE,
      dcontext: caller.context,
      dstchannel: '',
      lastapp: 'MeetMe',
      lastdata: `${CONFERENCE},dMqx`,
      dstchannel_ext: CONFERENCE,
      dstanswer: CONFERENCE,
      action_type: `CONFERENCE[${CONFERENCE}]`,
      ...endpointExtras(rng, caller.ext),
    },
    { start: call.startSec, ring: 0, talk: rng.int(60, 2400), disposition: 'ANSWERED' },
  );
  return call.build(CONFERENCE);
}

/** Trunk to trunk: the out-of-hours route forwards the main number to the on-call mobile. */
function external(ctx: ScenarioContext): CdrCall {
  const { rng } = ctx;
  const party = ctx.externalCaller();
  const call = ctx.newCall(party.number);
  const caller = trunkCaller(call, party);
  const mobile = ctx.mobileOf(RECEPTION);
  const disp = disposition(rng, 0.7, 0.25, 0.05);
  call.leg(
    {
      ...callerFields(caller),
      dst: mobile,
      dstchannel: call.channel(OUTBOUND_TRUNK.id),
      dcontext: caller.context,
      lastapp: 'Dial',
      lastdata: dialTrunk(mobile),
      userfield: 'External',
      dstchannel_ext: OUTBOUND_TRUNK.id,
      dstanswer: disp === 'ANSWERED' ? mobile : '',
      action_type: 'DIAL',
      dst_trunk_name: OUTBOUND_TRUNK.name,
    },
    { start: call.startSec, ring: disp === 'BUSY' ? 0 : ringTime(rng), talk: talkTime(rng), disposition: disp },
  );
  return call.build(mobile);
}

/** An analogue line: the PBX learns neither the caller nor the dialled number, so dst is 's'. */
function fxo(ctx: ScenarioContext): CdrCall {
  const { rng } = ctx;
  const call = ctx.newCall('');
  const caller: Caller = {
    number: '',
    clid: '',
    name: '',
    channel: `DAHDI/${FXO_PORT}-1`,
    channelExt: '',
    userfield: 'Inbound',
    context: 'from-pstn',
    trunkName: 'PSTN Line 1',
  };
  dialLeg(ctx, call, caller, RECEPTION, call.startSec, disposition(rng, 0.8, 0.2, 0), { dst: 's', action_owner: '' });
  return call.build('s');
}

type Scenario = (ctx: ScenarioContext) => CdrCall;

const WEIGHTED: ReadonlyArray<readonly [number, Scenario]> = [
  [22, internal],
  [20, outbound],
  [12, inboundDirect],
  [9, inboundGroup('RINGGROUP')],
  [6, inboundGroup('QUEUE')],
  [7, ivr],
  [6, transfer],
  [3, callForward],
  [4, voicemail],
  [2, parking],
  [3, conference],
  [1.5, external],
  [2.5, fxo],
];
const TOTAL_WEIGHT = WEIGHTED.reduce((sum, [w]) => sum + w, 0);

/** One call of a kind drawn by the office's call mix. */
export function randomCall(ctx: ScenarioContext): CdrCall {
  let x = ctx.rng.next() * TOTAL_WEIGHT;
  for (const [weight, scenario] of WEIGHTED) {
    x -= weight;
    if (x < 0) return scenario(ctx);
  }
  return internal(ctx);
}
