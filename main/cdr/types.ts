/**
 * The CDR model shared by parsers, the store, the importers, the simulator and the UI contract.
 * Parsing happens once (main/cdr); everything downstream consumes these shapes.
 */
import type { CallRow, Disposition } from '../../preload/api.js';

// The contract holds the directions and dispositions (the UI filters on them); the model uses them as is.
export { DIRECTIONS, DISPOSITIONS, type Direction, type Disposition } from '../../preload/api.js';

/** Every field one CDR record carried, exactly as the PBX sent it: strings, unknown fields included. */
export type CdrRecord = Record<string, string>;

/** One call as delivered by the PBX or a file: its identity, its summary record, its legs in order. */
export interface CdrCall {
  /** The call's identity: the `session` field (the JSON `cdr` key or XML `session` attribute when set). */
  session: string;
  /** `main_cdr`, or the record itself for a flat (single-record) call. */
  main: CdrRecord;
  /** `sub_cdr_1..N` in order; a flat call has its single record as its only leg. */
  legs: CdrRecord[];
}

export type ChannelKind =
  | 'extension' // PJSIP/1000-0000002a, SIP/1000-..
  | 'trunk-inbound' // PJSIP/trunk_1-00000002
  | 'trunk-outbound' // PJSIP/trunk_1/2000
  | 'fxo' // DAHDI port configured as FXO
  | 'fxs' // DAHDI port configured as FXS
  | 'dahdi' // DAHDI port whose FXO/FXS role the model does not tell
  | 'iax2'
  | 'local'
  | 'application' // Hangup, Playback, ReadExten, ...
  | 'other' // a technology the guide does not describe (Message/, Multicast/, ...)
  | 'none'; // empty channel

/** A channel string (`channel` / `dstchannel`) decoded into what it means. */
export interface DecodedChannel {
  raw: string;
  kind: ChannelKind;
  /** Technology prefix as written: PJSIP, SIP, DAHDI, IAX2, Local. */
  tech?: string;
  /** Local extension number (extension, iax2). */
  extension?: string;
  /** Internal trunk name (trunk_1) for trunk channels. */
  trunk?: string;
  /** Number dialled out through the trunk (trunk-outbound) or Local's target. */
  number?: string;
  /** DAHDI port number. */
  port?: number;
}

/** A recording referenced by a record's `recordfiles`. */
export interface RecordingRef {
  /** The entry as listed, e.g. `2022-08/auto-1661159747#203-01904593096-6400.wav`. */
  path: string;
  /** Month folder (`2022-08`) or '' when the file sits directly in the recordings directory. */
  folder: string;
  /** File name without folder. */
  file: string;
}

/** A point in time as the PBX wrote it plus the instant it denotes in the PBX's time zone. */
export interface PbxTime {
  /** PBX wall clock, ISO without zone: `YYYY-MM-DDTHH:MM:SS`. */
  local: string;
  /** Milliseconds since the epoch (UTC). */
  utc: number;
}

/** Values derived from one record at ingest. */
export interface LegSummary {
  /** AcctId, or the position-based key `#n` when a record carries none. */
  acct_id: string;
  start: PbxTime | null;
  answer: PbxTime | null;
  end: PbxTime | null;
  disposition: Disposition | '';
  action_kind: string;
  action_target: string;
  channel: DecodedChannel;
  dstchannel: DecodedChannel;
  recordings: RecordingRef[];
}

/**
 * Values derived from a whole call at ingest: what the call table shows and filters on. The values
 * the contract's CallRow shows as they are derived are its own fields (see CallRow for each):
 * answered_by is `dstanswer`, action_type as sent (`RINGGROUP[6400]`), action_kind and action_target
 * its parts. Times, recordings and NAT take richer forms here than on the wire.
 */
export interface CallSummary
  extends Pick<
    CallRow,
    | 'session'
    | 'src'
    | 'dst'
    | 'caller_name'
    | 'clid'
    | 'answered_by'
    | 'disposition'
    | 'direction'
    | 'action_type'
    | 'action_kind'
    | 'action_target'
    | 'duration'
    | 'billsec'
    | 'src_trunk_name'
    | 'dst_trunk_name'
    | 'account_code'
  > {
  start: PbxTime;
  answer: PbxTime | null;
  end: PbxTime | null;
  /** Recordings of all records of the call, de-duplicated, in order of appearance. */
  recordings: RecordingRef[];
  /** true when any record says nat_call=yes (a RemoteConnect extension took part). */
  nat: boolean;
  main: LegSummary;
  legs: LegSummary[];
}
