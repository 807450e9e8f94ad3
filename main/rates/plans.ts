import { readFile, stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { setImmediate as nextTurn } from 'node:timers/promises';
import type { RateLookup, RatePlan, RerateResult } from '../../preload/costs.js';
import { normalizeNumber } from '../cdr/dial-plan.js';
import { readWallClockBound, utcToWallClock } from '../cdr/time.js';
import { AppError } from '../errors.js';
import { rateRowView } from '../store/rates.js';
import type { Store } from '../store/types.js';
import { parseRateSheet } from './sheet.js';

/**
 * Rate plans as the CLI and the app use them: sheets read from files, PBXs named by name, lookups,
 * and the re-rating pass that brings every call's cost up to date after a change.
 */

/** Carrier sheets run to tens of thousands of rows; anything this big is not a rate sheet. */
const MAX_SHEET_BYTES = 50 * 1024 * 1024;
/** Calls rated per transaction: short enough that a sync or the window is never kept waiting long. */
const RERATE_CHUNK = 20_000;
/** A pass restarted because the plans changed under it gives up after this many tries (the cache stays marked stale). */
const MAX_PASSES = 5;
/** How many bad lines the message itself lists (details.problems holds all). */
const LISTED_PROBLEMS = 30;

export interface PlanScope {
  /** PBX names; empty = every PBX. */
  pbx: string[];
  /** Destination trunk names; empty = every trunk. */
  trunks: string[];
}

function pbxIds(store: Store, names: readonly string[]): number[] {
  return names.map((name) => {
    const profile = store.profiles.getByName(name);
    if (profile === null) throw new AppError('NOT_FOUND', `There is no PBX named "${name}": see ucmcdr pbx list.`, { pbx: name });
    return profile.id;
  });
}

/** Reads and checks a rate sheet, then creates or replaces plan `name` with it (one transaction). */
export async function importRateSheet(
  store: Store,
  file: string,
  options: { plan: string; currency?: string; scope?: PlanScope; fileName?: string },
): Promise<{ plan: RatePlan; replaced: boolean }> {
  const name = options.fileName ?? basename(file);
  let size: number;
  try {
    size = (await stat(file)).size;
  } catch {
    throw new AppError('NOT_FOUND', `Rate sheet "${name}" cannot be read: check the path.`, { file: name });
  }
  if (size > MAX_SHEET_BYTES) {
    throw new AppError('BAD_FILE', `"${name}" is ${Math.round(size / 1024 / 1024)} MB: too big for a rate sheet (at most 50 MB).`, { file: name });
  }
  const sheet = parseRateSheet(await readFile(file));
  if (!sheet.ok) {
    const listed = sheet.problems.slice(0, LISTED_PROBLEMS).map((p) => `  line ${p.line}: ${p.message}`);
    const more = sheet.problems.length > LISTED_PROBLEMS ? [`  ... and ${sheet.problems.length - LISTED_PROBLEMS} more`] : [];
    throw new AppError(
      'BAD_FILE',
      [`Rate sheet "${name}" was refused whole (nothing changed): ${sheet.problems.length} bad line(s). Correct them and import it again.`, ...listed, ...more].join('\n'),
      { file: name, problems: sheet.problems },
    );
  }
  const existing = store.rates.get(options.plan);
  const scope = options.scope ?? { pbx: existing?.pbx ?? [], trunks: existing?.trunks ?? [] };
  return store.rates.save({
    name: options.plan,
    currency: options.currency ?? existing?.currency ?? 'USD',
    pbx_ids: pbxIds(store, scope.pbx),
    trunks: scope.trunks,
    file: name,
    rows: sheet.rows,
  });
}

/** Gives a plan new PBXs and trunks (its rows stay). */
export function assignPlan(store: Store, plan: string, scope: PlanScope): RatePlan {
  const existing = store.rates.get(plan);
  if (existing === null) throw new AppError('NOT_FOUND', `There is no rate plan named "${plan}": see ucmcdr rates list.`, { plan });
  return store.rates.save({ name: existing.name, currency: existing.currency, pbx_ids: pbxIds(store, scope.pbx), trunks: scope.trunks, file: existing.file, rows: null }).plan;
}

/** Which plan, prefix and price would apply to `number` dialled on a PBX by a trunk, at a wall-clock time. */
export function lookupRate(store: Store, request: { number: string; pbx: string; trunk?: string; at?: string }): RateLookup {
  const profile = store.profiles.getByName(request.pbx);
  if (profile === null) throw new AppError('NOT_FOUND', `There is no PBX named "${request.pbx}": see ucmcdr pbx list.`, { pbx: request.pbx });
  let at = utcToWallClock(Date.now(), profile.tz);
  if (request.at !== undefined && request.at !== '') {
    const read = readWallClockBound(request.at);
    if ('problem' in read) throw new AppError('BAD_INPUT', `--at "${request.at}" is not a time: write YYYY-MM-DD or YYYY-MM-DDTHH:MM.`, { field: 'at' });
    at = read.local;
  }
  const rater = store.rates.rater();
  const e164 = normalizeNumber(request.number, rater.dialPlan(profile.id));
  const trunk = request.trunk ?? '';
  const plan = rater.planFor(profile.id, trunk);
  const answer: RateLookup = { number: request.number, e164, plan: plan?.name ?? null, currency: plan?.currency ?? null, row: null, reason: '' };
  if (plan === null) {
    const forTrunks = rater.plansOf(profile.id).filter((p) => p.trunks.length > 0);
    answer.reason =
      trunk === '' && forTrunks.length > 0
        ? `The plans of "${profile.name}" price calls by their trunk: name the trunk (${forTrunks.flatMap((p) => p.trunks).join(', ')}).`
        : `No rate plan prices calls of "${profile.name}"${trunk === '' ? '' : ` by trunk "${trunk}"`}: such calls are not billable.`;
    return answer;
  }
  const row = plan.table.lookup(e164, at);
  if (row === null) answer.reason = `No prefix of plan "${plan.name}" matches ${e164 === '' ? `"${request.number}"` : e164} at ${at}: such calls are unrated.`;
  else answer.row = rateRowView(row);
  return answer;
}

export interface RerateOptions {
  signal?: AbortSignal;
  onProgress?(done: number, total: number): void;
}

/**
 * Rates every call that may have a cost again, a chunk per transaction, yielding to the event loop
 * between chunks so the window and syncs go on. Cancelling stops after the chunk in flight: the calls
 * rated so far keep their new cost and the cache stays marked stale until a pass completes.
 */
export async function rerateCalls(store: Store, options: RerateOptions = {}): Promise<RerateResult> {
  let calls = 0;
  let changed = 0;
  for (let pass = 0; pass < MAX_PASSES; pass++) {
    const rater = store.rates.rater();
    const total = store.rates.lastCallId();
    let afterId: number | null = 0;
    while (afterId !== null) {
      if (options.signal?.aborted === true) throw new AppError('CANCELLED', 'Re-rating was cancelled: calls not reached yet keep their earlier cost. Run it again to finish.');
      const step = store.rates.rerateChunk(rater, afterId, RERATE_CHUNK);
      calls += step.calls;
      changed += step.changed;
      afterId = step.lastId;
      options.onProgress?.(afterId ?? total, total);
      await nextTurn();
    }
    store.rates.finishRerate(rater);
    if (!store.rates.state().stale) break;
  }
  return { calls, changed, state: store.rates.state() };
}
