import type { Command } from 'commander';
import { COST_STATUSES, OUTCOMES, type CallFilter, type CostStatus, type Direction, type Disposition, type Outcome } from '../../preload/api.js';
import { DIRECTIONS } from '../cdr/types.js';
import { AppError } from '../errors.js';
import {
  anyText,
  choice,
  listOf,
  parseAmount,
  parseDateBound,
  parsePattern,
  parseDuration,
  parseStatus,
  parseYesNo,
  resolveDateBound,
} from './options.js';

/** The filter options as commander hands them over (camel-cased option names). */
export interface FilterOptionValues {
  pbx?: string[];
  from?: string;
  to?: string;
  dateOrder?: 'mdy' | 'dmy';
  caller?: string;
  callee?: string;
  answeredBy?: string;
  callerName?: string;
  status?: Disposition[];
  direction?: Direction[];
  actionType?: string[];
  srcTrunk?: string[];
  dstTrunk?: string[];
  accountCode?: string[];
  minTalk?: number;
  maxTalk?: number;
  minCall?: number;
  maxCall?: number;
  hasRecording?: boolean;
  search?: string;
  outcome?: Outcome[];
  minCost?: number;
  maxCost?: number;
  costStatus?: CostStatus[];
}

const LISTS = 'repeatable or comma-separated';

/** The query engine's filters as options, shared by `calls` and `export`. */
export function addFilterOptions(command: Command): Command {
  return command
    .option('--pbx <names>', `only these PBX profiles (${LISTS})`, listOf(anyText))
    .option('--from <time>', 'start time from (PBX wall clock): YYYY-MM-DD or YYYY-MM-DDTHH:MM[:SS]', parseDateBound)
    .option('--to <time>', 'start time up to, inclusive (a date alone = that whole day)', parseDateBound)
    .option(
      '--date-order <order>',
      'how --from/--to read a date like 9/10/2026: mdy (Sep 10) or dmy (9 Oct); needed only when both numbers are 12 or less',
      choice(['mdy', 'dmy'] as const),
    )
    .option('--caller <pattern>', 'caller number: 1001, 5300,5302-5304,_4@ (cdrapi) or 3XXX, 3. (UCM page)', parsePattern)
    .option('--callee <pattern>', 'callee number, same patterns', parsePattern)
    .option('--answered-by <pattern>', 'extension that answered, same patterns', parsePattern)
    .option('--caller-name <text>', 'caller name contains (case-insensitive)')
    .option('--status <list>', `ANSWERED, NO_ANSWER, BUSY, FAILED, CONGESTION (${LISTS})`, listOf(parseStatus))
    .option('--direction <list>', `${DIRECTIONS.join(', ')} (${LISTS})`, listOf(choice(DIRECTIONS)))
    .option('--action-type <list>', `action kinds such as DIAL, RINGGROUP, QUEUE, IVR, TRANSFER: the call's action or any step of its route (${LISTS})`, listOf((v) => v.toUpperCase()))
    .option('--outcome <list>', `answered, voicemail, unanswered, failed: what became of the call (${LISTS})`, listOf(choice(OUTCOMES)))
    .option('--src-trunk <names>', `source trunk names (${LISTS})`, listOf(anyText))
    .option('--dst-trunk <names>', `destination trunk names (${LISTS})`, listOf(anyText))
    .option('--account-code <codes>', `account codes (${LISTS})`, listOf(anyText))
    .option('--min-talk <duration>', 'talk time at least: seconds (90), m:ss (1:30) or h:mm:ss', parseDuration)
    .option('--max-talk <duration>', 'talk time at most, same forms', parseDuration)
    .option('--min-call <duration>', 'call time (ringing included) at least, same forms', parseDuration)
    .option('--max-call <duration>', 'call time at most, same forms', parseDuration)
    .option('--has-recording [yes|no]', 'only calls with (or, with "no", without) a recording', parseYesNo)
    .option('--search <text>', 'free text over numbers, names and trunks and the phonebook names of the numbers (case and accents ignored), or a whole session id')
    .option('--min-cost <amount>', 'cost at least, in the rate plan\'s currency (not billable calls cost 0)', parseAmount)
    .option('--max-cost <amount>', 'cost at most (unrated calls have no cost and never match)', parseAmount)
    .option('--cost-status <list>', `rated, not_billable, unrated: how the call was priced (${LISTS})`, listOf(choice(COST_STATUSES)));
}

function checkRange<T extends number | string>(lowName: string, low: T | undefined, highName: string, high: T | undefined): void {
  // Dates compare as text: both are YYYY-MM-DD[THH:MM:SS], and a date alone covers its whole day.
  const highEnd = typeof high === 'string' && high.length === 10 ? `${high}T23:59:59` : high;
  if (low !== undefined && highEnd !== undefined && low > highEnd) {
    const relation = typeof low === 'number' ? 'is more than' : 'is after';
    throw new AppError('BAD_INPUT', `${lowName} ${low} ${relation} ${highName} ${high}: swap them or widen the range.`);
  }
}

/** The CallFilter these options describe; unset options add no condition. */
export function filterFromOptions(o: FilterOptionValues): CallFilter {
  const filter: CallFilter = {};
  if (o.pbx) filter.pbx = o.pbx;
  if (o.from !== undefined) filter.from = resolveDateBound('--from', o.from, o.dateOrder);
  if (o.to !== undefined) filter.to = resolveDateBound('--to', o.to, o.dateOrder);
  if (o.caller !== undefined) filter.caller = o.caller;
  if (o.callee !== undefined) filter.callee = o.callee;
  if (o.answeredBy !== undefined) filter.answered_by = o.answeredBy;
  if (o.callerName !== undefined) filter.caller_name = o.callerName;
  if (o.status) filter.status = o.status;
  if (o.direction) filter.direction = o.direction;
  if (o.actionType) filter.action_type = o.actionType;
  if (o.srcTrunk) filter.src_trunk = o.srcTrunk;
  if (o.dstTrunk) filter.dst_trunk = o.dstTrunk;
  if (o.accountCode) filter.account_code = o.accountCode;
  if (o.minTalk !== undefined) filter.min_talk = o.minTalk;
  if (o.maxTalk !== undefined) filter.max_talk = o.maxTalk;
  if (o.minCall !== undefined) filter.min_call = o.minCall;
  if (o.maxCall !== undefined) filter.max_call = o.maxCall;
  if (o.hasRecording !== undefined) filter.has_recording = o.hasRecording;
  if (o.search !== undefined) filter.search = o.search;
  if (o.outcome) filter.outcome = o.outcome;
  if (o.minCost !== undefined) filter.min_cost = o.minCost;
  if (o.maxCost !== undefined) filter.max_cost = o.maxCost;
  if (o.costStatus) filter.cost_status = o.costStatus;
  checkRange('--min-cost', o.minCost, '--max-cost', o.maxCost);
  checkRange('--min-talk', o.minTalk, '--max-talk', o.maxTalk);
  checkRange('--min-call', o.minCall, '--max-call', o.maxCall);
  checkRange('--from', filter.from, '--to', filter.to);
  return filter;
}
