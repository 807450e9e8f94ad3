import { AppError } from '../errors.js';
import { decodeChannel } from './channels.js';
import { isValidTimeZone, parseDuration, toPbxTime } from './time.js';
import {
  DISPOSITIONS,
  type CallSummary,
  type CdrCall,
  type CdrRecord,
  type DecodedChannel,
  type Direction,
  type Disposition,
  type LegSummary,
  type PbxTime,
  type RecordingRef,
} from './types.js';

/**
 * The call-type rules: everything the call table shows and filters on is derived here, once, at
 * ingest. Raw fields stay untouched in the record; these are interpretations of them.
 */

const KNOWN_DISPOSITIONS = new Set<string>(DISPOSITIONS);

/**
 * Ingest reads these two fields for every record of millions, and a PBX writes only a handful of
 * distinct values in them: remember each value's reading (bounded, for the odd PBX that varies).
 */
const MEMO_LIMIT = 10_000;
const dispositionMemo = new Map<string, Disposition | ''>();
const actionMemo = new Map<string, { kind: string; target: string }>();

function remember<T>(memo: Map<string, T>, key: string, value: T): T {
  if (memo.size < MEMO_LIMIT) memo.set(key, value);
  return value;
}

/** `ANSWERED`, `NO ANSWER`, ... from a record's disposition (any case, `_` for space), else ''. */
export function normalizeDisposition(text: string | undefined): Disposition | '' {
  if (!text) return '';
  const known = dispositionMemo.get(text);
  if (known !== undefined) return known;
  const upper = text.trim().toUpperCase().replace(/[_\s]+/g, ' ');
  const value = KNOWN_DISPOSITIONS.has(upper) ? (upper as Disposition) : upper === 'NOANSWER' ? 'NO ANSWER' : '';
  return remember(dispositionMemo, text, value);
}

/**
 * `RINGGROUP[6400]` -> RINGGROUP + 6400, `CONFERENCE [6300]` -> CONFERENCE + 6300, `ringgroup[6400]`
 * -> RINGGROUP, `ANNOUNCEMENT PAGE` stays a two-word kind with no target.
 */
export function splitActionType(text: string | undefined): { kind: string; target: string } {
  if (!text) return { kind: '', target: '' };
  const known = actionMemo.get(text);
  if (known !== undefined) return { ...known };
  const bracket = /^(.*?)\s*\[([^\]]*)\]\s*$/.exec(text);
  const kindText = bracket ? (bracket[1] ?? '') : text;
  const kind = kindText.trim().replace(/\s+/g, ' ').toUpperCase();
  return { ...remember(actionMemo, text, { kind, target: bracket ? (bracket[2] ?? '').trim() : '' }) };
}

/**
 * `recordfiles` lists files separated and terminated by '@'; an entry may sit in a month folder
 * (`2022-08/auto-1661159747#203-01904593096-6400.wav`). Empty entries are dropped.
 */
export function parseRecordFiles(text: string | undefined): RecordingRef[] {
  if (!text) return [];
  const refs: RecordingRef[] = [];
  for (const entry of text.split('@')) {
    const path = entry.trim();
    if (path === '') continue;
    const slash = path.lastIndexOf('/');
    refs.push({ path, folder: slash < 0 ? '' : path.slice(0, slash), file: path.slice(slash + 1) });
  }
  return refs;
}

function has(value: string | undefined): value is string {
  return value !== undefined && value.trim() !== '';
}

function fieldTime(record: CdrRecord, field: 'start' | 'answer' | 'end', acctId: string, tz: string): PbxTime | null {
  const value = record[field];
  if (!has(value)) return null;
  try {
    return toPbxTime(value, tz);
  } catch (error) {
    if (error instanceof AppError && error.code === 'BAD_INPUT' && error.details?.['value'] === value) {
      throw new AppError('BAD_INPUT', `Record ${acctId}, field "${field}": ${error.message}`, {
        field,
        acct_id: acctId,
        value,
      });
    }
    throw error;
  }
}

function fieldSeconds(record: CdrRecord, field: 'duration' | 'billsec', acctId: string): number | null {
  const value = record[field];
  if (!has(value)) return null;
  try {
    return parseDuration(value);
  } catch (error) {
    throw new AppError(
      'BAD_INPUT',
      `Record ${acctId}, field "${field}": ${error instanceof Error ? error.message : String(error)}`,
      { field, acct_id: acctId, value },
    );
  }
}

/**
 * The derived values of one record. `index` is the record's position in its call (0 = main, 1.. =
 * sub_cdr_1..N) and names it when it has no AcctId. `model` tells FXO from FXS DAHDI ports.
 * Throws AppError('BAD_INPUT') naming the record and field when a time or duration is unreadable.
 */
export function deriveLeg(record: CdrRecord, index: number, tz: string, model?: string): LegSummary {
  const acctId = has(record['AcctId']) ? record['AcctId'].trim() : `#${index}`;
  const action = splitActionType(record['action_type']);
  return {
    acct_id: acctId,
    start: fieldTime(record, 'start', acctId, tz),
    answer: fieldTime(record, 'answer', acctId, tz),
    end: fieldTime(record, 'end', acctId, tz),
    disposition: normalizeDisposition(record['disposition']),
    action_kind: action.kind,
    action_target: action.target,
    channel: decodeChannel(record['channel'] ?? '', model, 'source'),
    dstchannel: decodeChannel(record['dstchannel'] ?? '', model, 'destination'),
    recordings: parseRecordFiles(record['recordfiles']),
  };
}

const USERFIELD_DIRECTIONS = new Map<string, Direction>([
  ['inbound', 'inbound'],
  ['outbound', 'outbound'],
  ['internal', 'internal'],
  ['external', 'external'],
  ['Inbound', 'inbound'],
  ['Outbound', 'outbound'],
  ['Internal', 'internal'],
  ['External', 'external'],
]);

/** The first direction word of a userfield; both channels' userfields may be comma-joined. */
function userfieldDirection(text: string | undefined): Direction | null {
  if (!text) return null;
  const whole = USERFIELD_DIRECTIONS.get(text) ?? USERFIELD_DIRECTIONS.get(text.trim().toLowerCase());
  if (whole) return whole;
  if (!text.includes(',')) return null;
  for (const word of text.split(',')) {
    const direction = USERFIELD_DIRECTIONS.get(word.trim().toLowerCase());
    if (direction) return direction;
  }
  return null;
}

function isTrunkIn(channel: DecodedChannel): boolean {
  return channel.kind === 'trunk-inbound' || channel.kind === 'fxo';
}

function isTrunkOut(channel: DecodedChannel): boolean {
  return channel.kind === 'trunk-outbound' || channel.kind === 'fxo';
}

function contextDirection(record: CdrRecord, summary: LegSummary): Direction | null {
  const context = (record['dcontext'] ?? '').trim().toLowerCase();
  if (context === '') return null;
  if (context.startsWith('ext-did') || context === 'did-local' || context.startsWith('from-trunk')) return 'inbound';
  if (context.startsWith('outbound-route')) return 'outbound';
  if (context === 'ext-local') return 'internal';
  const fromPhone = summary.channel.kind === 'extension' || summary.channel.kind === 'fxs';
  if (context.startsWith('from-internal') && fromPhone) return 'internal';
  return null;
}

/**
 * Direction, in order of trust:
 * 1. the PBX's own verdict in `userfield` (Inbound/Outbound/Internal/External), main first, then legs;
 * 2. trunks: a source trunk name or a source channel on a trunk (or FXO line) means the call came in
 *    from outside, a destination trunk name or a destination channel on a trunk means it went out;
 *    in and out = external, in only = inbound, out only = outbound;
 * 3. dialplan contexts (reached only when no record shows a trunk, so `from-internal` to a trunk was
 *    settled by 2): `ext-did-*`, `did-local`, `from-trunk*` inbound; `outbound-route-*` outbound;
 *    `ext-local`, or `from-internal*` from an extension or FXS phone, internal;
 * 4. otherwise unknown.
 */
function deriveDirection(records: CdrRecord[], summaries: LegSummary[]): Direction {
  for (const record of records) {
    const direction = userfieldDirection(record['userfield']);
    if (direction) return direction;
  }
  let trunkIn = false;
  let trunkOut = false;
  for (let i = 0; i < records.length; i++) {
    const record = records[i] as CdrRecord;
    const summary = summaries[i] as LegSummary;
    if (has(record['src_trunk_name']) || isTrunkIn(summary.channel)) trunkIn = true;
    if (has(record['dst_trunk_name']) || isTrunkOut(summary.dstchannel) || summary.channel.kind === 'trunk-outbound') {
      trunkOut = true;
    }
  }
  if (trunkIn && trunkOut) return 'external';
  if (trunkIn) return 'inbound';
  if (trunkOut) return 'outbound';
  for (let i = 0; i < records.length; i++) {
    const direction = contextDirection(records[i] as CdrRecord, summaries[i] as LegSummary);
    if (direction) return direction;
  }
  return 'unknown';
}

/** Failure ranks of leg dispositions when no leg was answered: the most telling one describes the call. */
const FAILURE_RANK: Record<Exclude<Disposition, 'ANSWERED'>, number> = {
  BUSY: 4,
  'NO ANSWER': 3,
  CONGESTION: 2,
  FAILED: 1,
};

/**
 * Disposition: main's when it has one (it is what the UCM's own CDR page shows); else ANSWERED when
 * any leg was answered; else the most significant leg outcome, BUSY > NO ANSWER > CONGESTION > FAILED
 * (a callee who was busy says more than a route that failed); else ''.
 */
function deriveDisposition(main: LegSummary, legs: LegSummary[]): Disposition | '' {
  if (main.disposition !== '') return main.disposition;
  let best: Disposition | '' = '';
  let bestRank = 0;
  for (const leg of legs) {
    const disposition = leg.disposition;
    if (disposition === 'ANSWERED') return 'ANSWERED';
    if (disposition !== '' && FAILURE_RANK[disposition] > bestRank) {
      best = disposition;
      bestRank = FAILURE_RANK[disposition];
    }
  }
  return best;
}

function firstValue(records: CdrRecord[], field: string): string {
  for (const record of records) {
    const value = record[field];
    if (has(value)) return value;
  }
  return '';
}

/** Answered by: main's `dstanswer`; else that of the last answered leg (a transfer's final party). */
function deriveAnsweredBy(main: CdrRecord, legs: CdrRecord[], legSummaries: LegSummary[]): string {
  if (has(main['dstanswer'])) return main['dstanswer'];
  for (let i = legs.length - 1; i >= 0; i--) {
    const value = (legs[i] as CdrRecord)['dstanswer'];
    if ((legSummaries[i] as LegSummary).disposition === 'ANSWERED' && has(value)) return value;
  }
  return '';
}

/**
 * Call and talk time: main's `duration` and `billsec` when set. Without them, from the legs: call
 * time is the span from the earliest leg start to the latest leg end (start + duration for a leg
 * without end); legs of a ring group run in parallel, so adding them up would overstate it. Legs
 * without any time give the sum of their durations. Talk time is the sum of leg billsecs (transfer
 * legs follow each other), capped at the call time.
 */
function deriveSeconds(
  main: CdrRecord,
  mainAcct: string,
  legs: CdrRecord[],
  legSummaries: LegSummary[],
): { duration: number; billsec: number } {
  const mainDuration = fieldSeconds(main, 'duration', mainAcct);
  const mainBillsec = fieldSeconds(main, 'billsec', mainAcct);
  if (mainDuration !== null && mainBillsec !== null) return { duration: mainDuration, billsec: mainBillsec };
  let durationSum = 0;
  let billsecSum = 0;
  let earliest = Number.POSITIVE_INFINITY;
  let latest = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < legs.length; i++) {
    const leg = legs[i] as CdrRecord;
    const summary = legSummaries[i] as LegSummary;
    const legDuration = fieldSeconds(leg, 'duration', summary.acct_id);
    durationSum += legDuration ?? 0;
    billsecSum += fieldSeconds(leg, 'billsec', summary.acct_id) ?? 0;
    if (summary.start) earliest = Math.min(earliest, summary.start.utc);
    const last =
      summary.end?.utc ??
      (summary.start && legDuration !== null ? summary.start.utc + legDuration * 1000 : undefined) ??
      summary.answer?.utc ??
      summary.start?.utc;
    if (last !== undefined) latest = Math.max(latest, last);
  }
  const span = latest >= earliest ? Math.round((latest - earliest) / 1000) : null;
  const duration = mainDuration ?? span ?? durationSum;
  const billsec = mainBillsec ?? Math.min(billsecSum, duration);
  return { duration, billsec };
}

function unionRecordings(summaries: LegSummary[]): RecordingRef[] {
  const seen = new Set<string>();
  const refs: RecordingRef[] = [];
  for (const summary of summaries) {
    for (const ref of summary.recordings) {
      if (seen.has(ref.path)) continue;
      seen.add(ref.path);
      refs.push(ref);
    }
  }
  return refs;
}

function latestEnd(main: LegSummary, legs: LegSummary[]): PbxTime | null {
  if (main.end) return main.end;
  let latest: PbxTime | null = null;
  for (const leg of legs) if (leg.end && (!latest || leg.end.utc > latest.utc)) latest = leg.end;
  return latest;
}

function deriveWhole(call: CdrCall, tz: string, model: string | undefined): CallSummary {
  const { main, legs } = call;
  const mainSummary = deriveLeg(main, 0, tz, model);
  // A flat call's only leg is its main record: derive it once.
  const legSummaries = legs.map((leg, i) => (leg === main ? { ...mainSummary } : deriveLeg(leg, i + 1, tz, model)));
  const records = [main, ...legs];
  const summaries = [mainSummary, ...legSummaries];

  const start = mainSummary.start ?? legSummaries.find((leg) => leg.start)?.start ?? null;
  if (!start) {
    throw new AppError('BAD_INPUT', `Call ${call.session}: no record has a start time.`, { session: call.session });
  }
  const answer = mainSummary.answer ?? legSummaries.find((leg) => leg.answer)?.answer ?? null;
  const actionType = firstValue(records, 'action_type');
  const action = splitActionType(actionType);
  const { duration, billsec } = deriveSeconds(main, mainSummary.acct_id, legs, legSummaries);

  return {
    session: call.session,
    start,
    answer,
    end: latestEnd(mainSummary, legSummaries),
    src: firstValue(records, 'src'),
    dst: firstValue(records, 'dst'),
    caller_name: firstValue(records, 'caller_name'),
    clid: firstValue(records, 'clid'),
    answered_by: deriveAnsweredBy(main, legs, legSummaries),
    disposition: deriveDisposition(mainSummary, legSummaries),
    direction: deriveDirection(records, summaries),
    action_type: actionType,
    action_kind: action.kind,
    action_target: action.target,
    duration,
    billsec,
    src_trunk_name: firstValue(records, 'src_trunk_name'),
    dst_trunk_name: firstValue(records, 'dst_trunk_name'),
    account_code: firstValue(records, 'accountcode'),
    recordings: unionRecordings(summaries),
    nat: records.some((record) => (record['nat_call'] ?? '').trim().toLowerCase() === 'yes'),
    main: mainSummary,
    legs: legSummaries,
  };
}

/**
 * Everything the cache stores about a call besides its raw records. Values come from the main record
 * first (it is what the UCM's CDR page shows) and from the legs in order where main has none; the
 * rules for direction, disposition, answered-by and times are documented on their helpers.
 * `tz` is the PBX profile's IANA zone; `model` (e.g. `UCM6208`) tells FXO from FXS ports.
 * Throws AppError('BAD_INPUT') naming the session and the bad value when a record cannot be read.
 */
export function deriveCall(call: CdrCall, tz: string, model?: string): CallSummary {
  if (!isValidTimeZone(tz)) {
    const hint = 'set an IANA zone such as Europe/London in the PBX profile';
    throw new AppError('BAD_INPUT', `Unknown time zone "${tz}": ${hint}.`, { tz });
  }
  try {
    return deriveWhole(call, tz, model);
  } catch (error) {
    if (error instanceof AppError && error.code === 'BAD_INPUT' && !('session' in (error.details ?? {}))) {
      throw new AppError('BAD_INPUT', `Call ${call.session}: ${error.message}`, {
        ...error.details,
        session: call.session,
      });
    }
    throw error;
  }
}
