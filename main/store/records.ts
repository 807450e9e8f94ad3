import type { DecodedChannel, LegView } from '../../preload/api.js';
import { isoUtc } from '../cdr/time.js';
import type { CdrRecord, Disposition, LegSummary } from '../cdr/types.js';

/**
 * How a record's derived values sit in legs.derived: only what its raw fields do not already say and
 * what differs from the default, under short keys. A million calls carry over a million records, so
 * every byte here is a megabyte on disk and in each ingest's writes. A channel's `raw` is the record's
 * own channel/dstchannel field; a missing channel decodes to kind 'none'.
 */
type PackedChannel = Omit<DecodedChannel, 'raw'>;

interface PackedLeg {
  /** start, answer, end: PBX wall clock. */
  s?: string;
  a?: string;
  e?: string;
  /** start instant, seconds. */
  u?: number;
  d?: Disposition;
  /** action kind and target */
  k?: string;
  t?: string;
  c?: PackedChannel;
  dc?: PackedChannel;
  /** recording paths */
  r?: string[];
}

function packChannel(channel: DecodedChannel): PackedChannel | undefined {
  if (channel.kind === 'none') return undefined;
  const { raw: _raw, ...rest } = channel;
  return rest;
}

export function packLeg(leg: LegSummary): string {
  const packed: PackedLeg = {};
  if (leg.start) {
    packed.s = leg.start.local;
    packed.u = Math.floor(leg.start.utc / 1000);
  }
  if (leg.answer) packed.a = leg.answer.local;
  if (leg.end) packed.e = leg.end.local;
  if (leg.disposition) packed.d = leg.disposition;
  if (leg.action_kind) packed.k = leg.action_kind;
  if (leg.action_target) packed.t = leg.action_target;
  const channel = packChannel(leg.channel);
  if (channel) packed.c = channel;
  const dstchannel = packChannel(leg.dstchannel);
  if (dstchannel) packed.dc = dstchannel;
  if (leg.recordings.length > 0) packed.r = leg.recordings.map((r) => r.path);
  return JSON.stringify(packed);
}

function unpackChannel(packed: PackedChannel | undefined, raw: string | undefined): DecodedChannel {
  return { raw: raw ?? '', ...(packed ?? { kind: 'none' }) };
}

export function unpackLeg(acctId: string, fields: CdrRecord, derivedJson: string): LegView {
  const packed = JSON.parse(derivedJson) as PackedLeg;
  return {
    acct_id: acctId,
    fields,
    start: packed.s ?? null,
    start_utc: packed.u === undefined ? null : isoUtc(packed.u * 1000),
    answer: packed.a ?? null,
    end: packed.e ?? null,
    disposition: packed.d ?? '',
    action_kind: packed.k ?? '',
    action_target: packed.t ?? '',
    channel: unpackChannel(packed.c, fields['channel']),
    dstchannel: unpackChannel(packed.dc, fields['dstchannel']),
    recordings: packed.r ?? [],
  };
}
