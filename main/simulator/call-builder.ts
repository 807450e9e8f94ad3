import type { CdrCall, CdrRecord } from '../cdr/types.js';
import type { PbxClock } from './clock.js';
import type { Flavour } from './fields.js';
import { legRecord, mainRecord, type LegSpec, type Party, type Recording } from './records.js';
import { wavBytes, wavSeconds } from './wav.js';

/** Counters that run across calls, as the PBX's database ids and channel numbers do. */
export interface SequenceState {
  acctId: number;
  channel: number;
}

export type LegDisposition = 'ANSWERED' | 'NO ANSWER' | 'BUSY' | 'FAILED' | 'CONGESTION';

/** A leg's timing in whole seconds since the epoch; `talk` only counts when it was answered. */
export interface LegTiming {
  start: number;
  ring: number;
  talk: number;
  disposition: LegDisposition;
}

/**
 * Assembles one call: hands out channel names and ids from the shared counters, turns timings into
 * the wall-clock fields, and packs the legs as the device does (one flat record, or a summary record
 * over sub records).
 */
export class CallBuilder {
  readonly session: string;
  readonly startSec: number;
  private readonly uniqueid: string;
  private readonly legs: CdrRecord[] = [];

  constructor(
    private readonly clock: PbxClock,
    private readonly flavour: Flavour,
    private readonly sequence: SequenceState,
    startMicros: number,
    caller: string,
  ) {
    this.startSec = Math.floor(startMicros / 1_000_000);
    // Devices print the microseconds without zero padding: 166115730767640-203 is a real session.
    this.session = `${this.startSec}${startMicros % 1_000_000}-${caller}`;
    this.uniqueid = `${this.startSec}.${sequence.channel}`;
  }

  /** `PJSIP/1000-0000069e`: a fresh channel name for an endpoint or trunk. */
  channel(endpoint: string): string {
    const id = (this.sequence.channel++).toString(16).padStart(8, '0');
    return `PJSIP/${endpoint}-${id}`;
  }

  /**
   * The channel of a call out through a trunk. Legacy firmware names it after the dialled number
   * (`PJSIP/trunk_1/0791...`, the guide's form); UCM63xx firmware numbers it like any other channel
   * (`PJSIP/trunk_1-000004ed`, as in a real capture).
   */
  trunkChannel(trunk: string, number: string): string {
    return this.flavour === 'legacy' ? `PJSIP/${trunk}/${number}` : this.channel(trunk);
  }

  /** Adds a leg; returns the second it ended. */
  leg(party: Party, spec: LegSpec, timing: LegTiming): number {
    const answered = timing.disposition === 'ANSWERED';
    const answerSec = timing.start + timing.ring;
    const endSec = answered ? answerSec + timing.talk : answerSec;
    const end = this.clock.format(endSec * 1000);
    let answer = '';
    if (answered) answer = this.clock.format(answerSec * 1000);
    // UCM63xx firmware stamps unanswered legs with an answer time equal to their end (real capture).
    else if (this.flavour === 'ucm63xx' && timing.disposition === 'NO ANSWER') answer = end;
    const stamp = {
      acctId: this.sequence.acctId++,
      session: this.session,
      uniqueid: this.uniqueid,
      start: this.clock.format(timing.start * 1000),
      answer,
      end,
      duration: endSec - timing.start,
      billsec: answered ? endSec - answerSec : 0,
      disposition: timing.disposition,
    };
    this.legs.push(legRecord(party, spec, stamp, this.flavour));
    return endSec;
  }

  /**
   * The recording that starts at `answerSec`: `auto-<epoch>-<src>-<dst>.wav`, or
   * `auto-<epoch>#<member>-<caller>-<group>.wav` for group calls; UCM63xx firmware files them in
   * month folders and describes them in recordfiles_desc.
   */
  recording(answerSec: number, src: string, dst: string, group?: string): Recording {
    const file = group ? `auto-${answerSec}#${dst}-${src}-${group}.wav` : `auto-${answerSec}-${src}-${dst}.wav`;
    if (this.flavour === 'legacy') return { files: `${file}@`, desc: '' };
    const path = `${this.clock.format(answerSec * 1000).slice(0, 7)}/${file}`;
    return { files: `${path}@`, desc: `duration=${wavSeconds(path)},size=${wavBytes(path)}B,start-time=${answerSec}@` };
  }

  /** The finished call; `dst` is what the summary record shows as the callee. */
  build(dst: string): CdrCall {
    const first = this.legs[0] as CdrRecord;
    if (this.legs.length === 1) return { session: this.session, main: first, legs: this.legs };
    return { session: this.session, main: mainRecord(this.legs, dst, this.flavour), legs: this.legs };
  }
}
