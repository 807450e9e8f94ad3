import type { DecodedChannel, LegView } from '../../preload/api.js';
import { isoUtc } from '../cdr/time.js';
import type { CdrRecord, LegSummary } from '../cdr/types.js';

/**
 * A record as the session view shows it: its raw fields and what derive.ts reads in them. Since
 * schema 8 nothing derived is stored per record (it was 216 bytes of JSON per record, a fifth of the
 * bench cache): a session's reading derives its call again with its PBX's zone and model (query.ts),
 * in microseconds, and this shapes each record exactly as the stored form read back did: a channel's
 * `raw` is the record's own channel/dstchannel field, a missing channel is kind 'none' with nothing
 * else, the start instant is kept to the second.
 */
function channelView(channel: DecodedChannel, raw: string | undefined): DecodedChannel {
  if (channel.kind === 'none') return { raw: raw ?? '', kind: 'none' };
  const view: DecodedChannel = { raw: raw ?? '', kind: channel.kind };
  for (const [key, value] of Object.entries(channel)) {
    if (key !== 'raw' && key !== 'kind' && value !== undefined) (view as unknown as Record<string, unknown>)[key] = value;
  }
  return view;
}

export function legView(acctId: string, fields: CdrRecord, leg: LegSummary): LegView {
  return {
    acct_id: acctId,
    fields,
    start: leg.start?.local ?? null,
    start_utc: leg.start ? isoUtc(Math.floor(leg.start.utc / 1000) * 1000) : null,
    answer: leg.answer?.local ?? null,
    end: leg.end?.local ?? null,
    disposition: leg.disposition,
    action_kind: leg.action_kind,
    action_target: leg.action_target,
    channel: channelView(leg.channel, fields['channel']),
    dstchannel: channelView(leg.dstchannel, fields['dstchannel']),
    recordings: leg.recordings.map((r) => r.path),
  };
}
