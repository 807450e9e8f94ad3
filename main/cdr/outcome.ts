import { decodeChannel } from './channels.js';
import { normalizeDisposition, splitActionType } from './derive.js';
import { OUTCOMES, type Outcome, type RouteStep } from '../../preload/reports.js';
import type { CdrCall, CdrRecord } from './types.js';

export { OUTCOMES, type Outcome, type RouteStep };

/**
 * What became of a call, and the path it took (docs/reports.md, "Outcome and route"). The PBX's own
 * disposition says ANSWERED as soon as anything picked the call up: an IVR reading digits, a ring
 * group's fork, a voicemail box. These say whether a person answered.
 */

/**
 * Applications that pick a call up without a person: IVR menus, prompts, DISA, ring-group forks. (A
 * queue is no such application: its record names the member who answered, if any.)
 */
const MACHINE_APPS = new Set(['readexten', 'playback', 'background', 'forkcdr', 'hangup', 'disa', 'wait', 'answer']);
/** Parking: only a person who answered parks a call, and only a person picks a parked call up. */
const PARKING_APPS = new Set(['park', 'parkedcall']);
const VOICEMAIL_APPS = new Set(['voicemail', 'vmauthenticate', 'voicemailmain']);
/** Action kinds that are a destination of the PBX itself, never a person. */
const MACHINE_KINDS = new Set(['IVR', 'VM', 'VMG', 'ANNOUNCEMENTS', 'ANNOUNCEMENT PAGE', 'DISA', 'FAX', 'VFAX', 'WAKEUP', 'PAGE']);
const VOICEMAIL_KINDS = new Set(['VM', 'VMG']);
/** Kinds whose target is the number the step went to (the action type carries none in brackets). */
const TARGET_FROM_DST = new Set(['TRANSFER', 'CALLFORWARD', 'FOLLOWME', 'FALLOWME', 'PARKEDCALL', 'VM']);

function app(record: CdrRecord): string {
  return (record['lastapp'] ?? '').trim().toLowerCase();
}

/** What the rules read of one record. */
interface Step {
  record: CdrRecord;
  disposition: string;
  kind: string;
  target: string;
}

/** Whether a record shows a person taking the call: answered, by something that is not an application. */
function personAnswered(step: Step): boolean {
  if (step.disposition !== 'ANSWERED') return false;
  const lastapp = app(step.record);
  if (MACHINE_APPS.has(lastapp) || VOICEMAIL_APPS.has(lastapp) || MACHINE_KINDS.has(step.kind)) return false;
  // Without the application (UCM page exports may leave it out) the PBX's ANSWERED is all there is.
  if (lastapp === '' || PARKING_APPS.has(lastapp)) return true;
  const kind = decodeChannel(step.record['dstchannel'] ?? '', undefined, 'destination').kind;
  return kind !== 'none' && kind !== 'application' && kind !== 'local';
}

function reachedVoicemail(step: Step): boolean {
  return VOICEMAIL_APPS.has(app(step.record)) || VOICEMAIL_KINDS.has(step.kind);
}

/**
 * The records that say what happened: the sub records when the call has them, else its one record.
 * A summary record (main_cdr) repeats the call's first step and totals; it is no step of its own.
 */
function steps(call: CdrCall): Step[] {
  const records = call.legs.length === 0 ? [call.main] : call.legs;
  return records.map((record) => {
    const action = splitActionType(record['action_type']);
    return { record, disposition: normalizeDisposition(record['disposition']), kind: action.kind, target: action.target };
  });
}

/**
 * answered: a person answered (an extension, a ring group or queue member, the called party of an
 * outbound call); else voicemail: the call reached a voicemail box; else failed: FAILED or CONGESTION
 * (the call's disposition); else unanswered: it rang, queued, was busy, or stayed in an IVR or
 * announcement. route: the call's path in record order, each record's action kind and target, runs of
 * the same step folded into one (a ring group rings its members in records of its own); DIAL steps are
 * the plain legs between the interesting ones and are left out, unless the call is nothing but dialling.
 */
export function judgeCall(call: CdrCall, disposition: string): { outcome: Outcome; route: RouteStep[] } {
  const all = steps(call);
  let outcome: Outcome = 'unanswered';
  if (all.some(personAnswered)) outcome = 'answered';
  else if (all.some(reachedVoicemail)) outcome = 'voicemail';
  else if (disposition === 'FAILED' || disposition === 'CONGESTION') outcome = 'failed';
  const route: RouteStep[] = [];
  for (const { record, kind, target: bracketed } of all) {
    if (kind === '' || kind === 'DIAL') continue;
    const target = bracketed !== '' ? bracketed : TARGET_FROM_DST.has(kind) ? (record['dst'] ?? '').trim() : '';
    const last = route[route.length - 1];
    if (last?.kind === kind && last.target === target) continue;
    route.push({ kind, target });
  }
  if (route.length === 0) {
    const main = splitActionType(call.main['action_type']);
    route.push({ kind: main.kind === '' ? 'DIAL' : main.kind, target: main.target });
  }
  return { outcome, route };
}

/** The route as calls.route stores it: `IVR:7000>RINGGROUP:6400>TRANSFER:1005`. */
export function encodeRoute(route: RouteStep[]): string {
  return route.map((step) => `${step.kind}:${step.target}`).join('>');
}

export function decodeRoute(text: string): RouteStep[] {
  if (text === '') return [];
  return text.split('>').map((step) => {
    const colon = step.lastIndexOf(':');
    return { kind: step.slice(0, colon), target: step.slice(colon + 1) };
  });
}
