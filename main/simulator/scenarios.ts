import type { CdrCall } from '../cdr/types.js';
import type { CallBuilder, LegDisposition } from './call-builder.js';
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
import type { Random } from './random.js';
import type { LegSpec, Party } from './records.js';

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
const RECEPTION = EXTENSIONS.find((e) => e.number === '1017') as Extension;
const EXTENSION_BY_NUMBER = new Map(EXTENSIONS.map((e) => [e.number, e]));
const ANALOGUE_LINE: Party = {
  number: '',
  clid: '',
  name: '',
  channel: `DAHDI/${FXO_PORT}-1`,
  channelExt: '',
  userfield: 'Inbound',
  context: 'from-pstn',
  trunkName: 'PSTN Line 1',
  ext: null,
};

function extension(number: string): Extension {
  return EXTENSION_BY_NUMBER.get(number) as Extension;
}

/** A random extension other than `except`: draw among n-1 and let the last one stand in for it. */
function pickExtension(rng: Random, except?: Extension): Extension {
  if (!except) return rng.pick(EXTENSIONS);
  const ext = EXTENSIONS[rng.int(0, EXTENSIONS.length - 2)] as Extension;
  return ext === except ? (EXTENSIONS[EXTENSIONS.length - 1] as Extension) : ext;
}

function clidOf(name: string, number: string): string {
  return `"${name}" <${number}>`;
}

// Dial strings are the same for every call to an extension or group: build each once, share it.
const DIAL_EXTENSION = new Map(
  EXTENSIONS.map((e) => [e, `PJSIP/${e.number}/sip:${e.number}@192.168.1.${e.host}:5060,60,ztTkKxXb(callee-handler^s^1)`]),
);
// Devices cut lastdata at 255 characters, in the middle of the dial string if need be.
const DIAL_GROUP = new Map(
  [RING_GROUP, QUEUE].map((g) => [
    g.number,
    g.members
      .map(extension)
      .map((m) => `PJSIP/${m.number}/sip:${m.number}@192.168.1.${m.host}:5060`)
      .join('&')
      .slice(0, 255),
  ]),
);

function dialExtension(ext: Extension): string {
  return DIAL_EXTENSION.get(ext) as string;
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

function internalParty(call: CallBuilder, ext: Extension): Party {
  return {
    number: ext.number,
    clid: clidOf(ext.name, ext.number),
    name: ext.name,
    channel: call.channel(ext.number),
    channelExt: ext.number,
    userfield: 'Internal',
    context: 'from-internal',
    trunkName: '',
    ext,
  };
}

function trunkParty(call: CallBuilder, party: ExternalParty): Party {
  return {
    number: party.number,
    clid: clidOf(party.name, party.number),
    name: party.name,
    channel: call.channel(INBOUND_TRUNK.id),
    channelExt: INBOUND_TRUNK.id,
    userfield: 'Inbound',
    context: 'ext-did-2',
    trunkName: INBOUND_TRUNK.name,
    ext: null,
  };
}

/** A call placed by an outside caller over the inbound trunk when there is one, else by extension `a`. */
function startCall(ctx: ScenarioContext, external: ExternalParty | undefined, a: Extension): { call: CallBuilder; party: Party } {
  const call = ctx.newCall(external ? external.number : a.number);
  return { call, party: external ? trunkParty(call, external) : internalParty(call, a) };
}

interface DialOptions {
  context?: string;
  recordChance?: number;
  ring?: number;
  dst?: string;
  lastapp?: string;
  lastdata?: string;
  action_type?: string;
  action_owner?: string;
}

/** A Dial from `party` to extension `callee`; returns when it was answered and when it ended. */
function dialLeg(
  ctx: ScenarioContext,
  call: CallBuilder,
  party: Party,
  callee: Extension,
  start: number,
  disp: LegDisposition,
  options: DialOptions = {},
): { end: number; answer: number } {
  const { rng } = ctx;
  const ring = disp === 'BUSY' || disp === 'FAILED' ? 0 : (options.ring ?? ringTime(rng));
  const answer = start + ring;
  const recorded = disp === 'ANSWERED' && rng.chance(options.recordChance ?? 0.2);
  const spec: LegSpec = {
    dst: options.dst ?? callee.number,
    dcontext: options.context ?? party.context,
    dstchannel: disp === 'FAILED' ? '' : call.channel(callee.number),
    lastapp: options.lastapp ?? 'Dial',
    lastdata: options.lastdata ?? dialExtension(callee),
    dstchannel_ext: callee.number,
    dstanswer: disp === 'ANSWERED' ? callee.number : '',
    action_type: options.action_type ?? 'DIAL',
    action_owner: options.action_owner,
    callee,
    recording: recorded ? call.recording(answer, party.number, callee.number) : null,
  };
  const end = call.leg(party, spec, { start, ring, talk: talkTime(rng), disposition: disp });
  return { end, answer };
}

/** A leg into an application (voicemail, IVR, park, conference, the DID fork): no callee device. */
function applicationSpec(dst: string, context: string, lastapp: string, lastdata: string, action: string): LegSpec {
  return {
    dst,
    dcontext: context,
    dstchannel: '',
    lastapp,
    lastdata,
    dstchannel_ext: dst,
    dstanswer: dst,
    action_type: action,
    callee: null,
  };
}

function voicemailLeg(ctx: ScenarioContext, call: CallBuilder, party: Party, box: Extension, start: number, busy: boolean): number {
  const spec = applicationSpec(box.number, party.context, 'VoiceMail', `${box.number}@default,${busy ? 'b' : 'u'}`, 'VM');
  return call.leg(party, spec, { start, ring: 0, talk: ctx.rng.int(4, 45), disposition: 'ANSWERED' });
}

function internal(ctx: ScenarioContext): CdrCall {
  const a = pickExtension(ctx.rng);
  const b = pickExtension(ctx.rng, a);
  const call = ctx.newCall(a.number);
  dialLeg(ctx, call, internalParty(call, a), b, call.startSec, disposition(ctx.rng, 0.72, 0.16, 0.08));
  return call.build(b.number);
}

function outbound(ctx: ScenarioContext): CdrCall {
  const { rng } = ctx;
  const a = pickExtension(rng);
  const number = ctx.externalNumber();
  const call = ctx.newCall(a.number);
  const party = internalParty(call, a);
  party.userfield = 'Outbound';
  party.context = 'outbound-route-1';
  const disp = disposition(rng, 0.68, 0.14, 0.08, 0.05);
  const ring = disp === 'ANSWERED' || disp === 'NO ANSWER' ? rng.int(3, 25) : rng.int(0, 3);
  // Routes that send the company's number instead of the extension's own caller ID.
  const companyId = rng.chance(0.4);
  const recorded = disp === 'ANSWERED' && rng.chance(0.45);
  const spec: LegSpec = {
    dst: number,
    dcontext: party.context,
    dstchannel: disp === 'FAILED' || disp === 'CONGESTION' ? '' : call.trunkChannel(OUTBOUND_TRUNK.id, number),
    lastapp: 'Dial',
    lastdata: dialTrunk(number),
    dstchannel_ext: OUTBOUND_TRUNK.id,
    dstanswer: disp === 'ANSWERED' ? number : '',
    action_type: 'DIAL',
    callee: null,
    recording: recorded ? call.recording(call.startSec + ring, a.number, number) : null,
    clid: companyId ? clidOf(COMPANY, MAIN_DID) : undefined,
    caller_name: companyId ? COMPANY : undefined,
    accountcode: rng.chance(0.3) ? rng.pick(ACCOUNT_CODES) : '',
    dst_trunk_name: OUTBOUND_TRUNK.name,
  };
  call.leg(party, spec, { start: call.startSec, ring, talk: talkTime(rng), disposition: disp });
  return call.build(number);
}

function inboundDirect(ctx: ScenarioContext): CdrCall {
  const { rng } = ctx;
  const external = ctx.externalCaller();
  const b = rng.chance(0.4) ? RECEPTION : pickExtension(rng);
  const call = ctx.newCall(external.number);
  const party = trunkParty(call, external);
  const disp = disposition(rng, 0.75, 0.18, 0.07);
  const { end } = dialLeg(ctx, call, party, b, call.startSec, disp, { recordChance: 0.3 });
  if (disp !== 'ANSWERED' && rng.chance(0.5)) voicemailLeg(ctx, call, party, b, end, disp === 'BUSY');
  return call.build(b.number);
}

/** The leg every DID call starts with on a UCM: the fork at the inbound route, never answered. */
function didForkLeg(call: CallBuilder, party: Party): number {
  const spec = applicationSpec(MAIN_DID, party.context, 'ForkCDR', 'ae', 'DIAL');
  spec.dstanswer = '';
  return call.leg(party, spec, { start: call.startSec, ring: 0, talk: 0, disposition: 'NO ANSWER' });
}

/** Ring group or queue: the group leg, one leg per member, and voicemail when nobody answers. */
function groupLegs(ctx: ScenarioContext, call: CallBuilder, party: Party, kind: 'RINGGROUP' | 'QUEUE', start: number, context: string): void {
  const { rng } = ctx;
  const group = kind === 'RINGGROUP' ? RING_GROUP : QUEUE;
  const action = `${kind}[${group.number}]`;
  const queueData = `${group.number},t,,,300`;
  const groupSpec = applicationSpec(group.number, context, kind === 'RINGGROUP' ? 'ForkCDR' : 'Queue', kind === 'RINGGROUP' ? 'are' : queueData, action);
  const groupEnd = call.leg(party, groupSpec, { start, ring: rng.int(1, 10), talk: 0, disposition: 'ANSWERED' });
  const members = group.members.map(extension);
  const dialString = DIAL_GROUP.get(group.number) as string;
  const answerer = rng.chance(0.78) ? rng.pick(members) : undefined;
  const busy = rng.chance(0.2) ? rng.pick(members) : undefined;
  const memberStart = groupEnd + 1;
  const ring = answerer ? rng.int(3, 25) : 30;
  const talk = talkTime(rng);
  for (const member of members) {
    const disp: LegDisposition = member === answerer ? 'ANSWERED' : member === busy ? 'BUSY' : 'NO ANSWER';
    const recorded = disp === 'ANSWERED' && rng.chance(0.6);
    const spec: LegSpec = {
      dst: member.number,
      dcontext: 'from-internal',
      dstchannel: call.channel(member.number),
      lastapp: kind === 'RINGGROUP' ? 'Dial' : 'Queue',
      lastdata: kind === 'RINGGROUP' ? dialString : queueData,
      dstchannel_ext: member.number,
      dstanswer: disp === 'ANSWERED' ? member.number : '',
      action_type: action,
      callee: member,
      recording: recorded ? call.recording(memberStart + ring, party.number, member.number, group.number) : null,
    };
    call.leg(party, spec, { start: memberStart, ring: disp === 'BUSY' ? 0 : ring, talk, disposition: disp });
  }
  if (!answerer && rng.chance(0.5)) voicemailLeg(ctx, call, party, members[0] as Extension, memberStart + ring, false);
}

function inboundGroup(kind: 'RINGGROUP' | 'QUEUE') {
  return (ctx: ScenarioContext): CdrCall => {
    const external = ctx.externalCaller();
    const call = ctx.newCall(external.number);
    const party = trunkParty(call, external);
    const end = didForkLeg(call, party);
    groupLegs(ctx, call, party, kind, end, party.context);
    return call.build(MAIN_DID);
  };
}

function ivr(ctx: ScenarioContext): CdrCall {
  const { rng } = ctx;
  const external = ctx.externalCaller();
  const call = ctx.newCall(external.number);
  const party = trunkParty(call, external);
  const forkEnd = didForkLeg(call, party);
  const ivrSpec = applicationSpec(IVR, 'ivr-1', 'ReadExten', '', `IVR[${IVR}]`);
  const ivrEnd = call.leg(party, ivrSpec, { start: forkEnd, ring: 0, talk: rng.int(4, 25), disposition: 'ANSWERED' });
  const choice = rng.next();
  if (choice < 0.45) groupLegs(ctx, call, party, 'RINGGROUP', ivrEnd, 'ivr-from-internal');
  else if (choice < 0.75) groupLegs(ctx, call, party, 'QUEUE', ivrEnd, 'ivr-from-internal');
  else if (choice < 0.9) {
    dialLeg(ctx, call, party, pickExtension(rng), ivrEnd, disposition(rng, 0.7, 0.25, 0.05), {
      context: 'ivr-from-internal',
      action_type: `IVR[${IVR}]`,
    });
  }
  return call.build(MAIN_DID);
}

function transfer(ctx: ScenarioContext): CdrCall {
  const { rng } = ctx;
  const external = rng.chance(0.5) ? ctx.externalCaller() : undefined;
  const a = pickExtension(rng);
  const b = external ? (rng.chance(0.5) ? RECEPTION : a) : pickExtension(rng, a);
  const c = pickExtension(rng, b);
  const { call, party } = startCall(ctx, external, a);
  const { end } = dialLeg(ctx, call, party, b, call.startSec, 'ANSWERED', { recordChance: 0.15 });
  dialLeg(ctx, call, party, c, end, rng.chance(0.85) ? 'ANSWERED' : 'NO ANSWER', {
    context: 'from-internal-xfer',
    // Attended transfers are answered before they are completed; blind ones ring.
    ring: rng.chance(0.5) ? 0 : rng.int(2, 12),
    action_owner: b.number,
    action_type: 'TRANSFER',
    recordChance: 0.15,
  });
  return call.build(b.number);
}

function callForward(ctx: ScenarioContext): CdrCall {
  const { rng } = ctx;
  const external = rng.chance(0.5) ? ctx.externalCaller() : undefined;
  const b = pickExtension(rng);
  const a = pickExtension(rng, b);
  const { call, party } = startCall(ctx, external, a);
  const unconditional = rng.chance(0.4);
  const { end } = dialLeg(ctx, call, party, b, call.startSec, 'NO ANSWER', { ring: unconditional ? 0 : rng.int(15, 25) });
  const disp = disposition(rng, 0.8, 0.15, 0.05);
  if (rng.chance(0.6)) {
    dialLeg(ctx, call, party, pickExtension(rng, b), end, disp, { action_owner: b.number, action_type: 'CALLFORWARD' });
    return call.build(b.number);
  }
  const mobile = ctx.mobileOf(b);
  const spec: LegSpec = {
    dst: mobile,
    dcontext: party.context,
    // Forwards and trunk-to-trunk calls use the guide's trunk/number form in every flavour, so both
    // outbound channel forms occur in any data set.
    dstchannel: `PJSIP/${OUTBOUND_TRUNK.id}/${mobile}`,
    lastapp: 'Dial',
    lastdata: dialTrunk(mobile),
    dstchannel_ext: OUTBOUND_TRUNK.id,
    dstanswer: disp === 'ANSWERED' ? mobile : '',
    action_type: 'CALLFORWARD',
    callee: null,
    userfield: external ? 'External' : 'Outbound',
    action_owner: b.number,
    dst_trunk_name: OUTBOUND_TRUNK.name,
  };
  call.leg(party, spec, { start: end, ring: disp === 'BUSY' ? 0 : rng.int(3, 20), talk: talkTime(rng), disposition: disp });
  return call.build(b.number);
}

function voicemail(ctx: ScenarioContext): CdrCall {
  const { rng } = ctx;
  const external = rng.chance(0.4) ? ctx.externalCaller() : undefined;
  const b = pickExtension(rng);
  const a = pickExtension(rng, b);
  const { call, party } = startCall(ctx, external, a);
  const busy = rng.chance(0.3);
  const { end } = dialLeg(ctx, call, party, b, call.startSec, busy ? 'BUSY' : 'NO ANSWER', { ring: rng.int(18, 30) });
  voicemailLeg(ctx, call, party, b, end, busy);
  return call.build(b.number);
}

function parking(ctx: ScenarioContext): CdrCall {
  const { rng } = ctx;
  const external = ctx.externalCaller();
  const call = ctx.newCall(external.number);
  const party = trunkParty(call, external);
  const b = rng.chance(0.7) ? RECEPTION : pickExtension(rng);
  const slot = rng.pick(PARKING.slots);
  const { answer } = dialLeg(ctx, call, party, b, call.startSec, 'ANSWERED', { recordChance: 0 });
  const parkSpec = applicationSpec(slot, 'from-internal-xfer', 'Park', `default:${slot}`, 'PARKEDCALL');
  const parkEnd = call.leg(party, parkSpec, { start: answer + rng.int(5, 40), ring: 0, talk: rng.int(8, 90), disposition: 'ANSWERED' });
  if (rng.chance(0.85)) {
    dialLeg(ctx, call, party, pickExtension(rng, b), parkEnd, 'ANSWERED', {
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
  const external = rng.chance(0.3) ? ctx.externalCaller() : undefined;
  const a = pickExtension(rng);
  const { call, party } = startCall(ctx, external, a);
  const spec = applicationSpec(CONFERENCE, party.context, 'MeetMe', `${CONFERENCE},dMqx`, `CONFERENCE[${CONFERENCE}]`);
  call.leg(party, spec, { start: call.startSec, ring: 0, talk: rng.int(60, 2400), disposition: 'ANSWERED' });
  return call.build(CONFERENCE);
}

/** Trunk to trunk: the out-of-hours route forwards the main number to the on-call mobile. */
function external(ctx: ScenarioContext): CdrCall {
  const { rng } = ctx;
  const caller = ctx.externalCaller();
  const call = ctx.newCall(caller.number);
  const party = trunkParty(call, caller);
  party.userfield = 'External';
  const mobile = ctx.mobileOf(RECEPTION);
  const disp = disposition(rng, 0.7, 0.25, 0.05);
  const spec: LegSpec = {
    dst: mobile,
    dcontext: party.context,
    dstchannel: `PJSIP/${OUTBOUND_TRUNK.id}/${mobile}`,
    lastapp: 'Dial',
    lastdata: dialTrunk(mobile),
    dstchannel_ext: OUTBOUND_TRUNK.id,
    dstanswer: disp === 'ANSWERED' ? mobile : '',
    action_type: 'DIAL',
    callee: null,
    dst_trunk_name: OUTBOUND_TRUNK.name,
  };
  call.leg(party, spec, { start: call.startSec, ring: disp === 'BUSY' ? 0 : ringTime(rng), talk: talkTime(rng), disposition: disp });
  return call.build(mobile);
}

/** An analogue line: the PBX learns neither the caller nor the dialled number, so dst is 's'. */
function fxo(ctx: ScenarioContext): CdrCall {
  const call = ctx.newCall('');
  dialLeg(ctx, call, ANALOGUE_LINE, RECEPTION, call.startSec, disposition(ctx.rng, 0.8, 0.2, 0), { dst: 's', action_owner: '' });
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
