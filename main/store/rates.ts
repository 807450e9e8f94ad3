import type { CallCost, CostStatus, DialPlan, RatePlan, RatePlanDetail, RateRowView, RatingState } from '../../preload/costs.js';
import { normalizeNumber } from '../cdr/dial-plan.js';
import { isoUtc } from '../cdr/time.js';
import { AppError } from '../errors.js';
import { ratedNumber } from '../rates/dialled.js';
import { billedSeconds, costE4, formatE8, RateTable } from '../rates/rating.js';
import type { RateRow } from '../rates/sheet.js';
import { badInput } from './checks.js';
import { ANSWERED_OUTCOME } from './codes.js';
import type { Db } from './db-type.js';

/**
 * Rate plans and the cost of each call (schema 6, docs/costs.md). Rating is one pure step (Rater) fed
 * from three places: ingest (each call it writes), the re-rating pass after a plan, an assignment or a
 * dial plan changed (rerateChunk, driven by main/app/rates.ts or the CLI), and the lookups of the
 * session panel. Every change that could alter a cost bumps a version; the cache is stale until a
 * complete pass has rated every call with that version, so an interrupted pass is never taken for done.
 */

const VERSION_KEY = 'rates.version';
const RATED_VERSION_KEY = 'rates.rated_version';
const MAX_NAME = 100;

export const COST_CODES: Readonly<Record<CostStatus, number>> = { not_billable: 0, rated: 1, unrated: 2 };
const COST_NAMES: readonly CostStatus[] = ['not_billable', 'rated', 'unrated'];

export function costStatusName(code: number): CostStatus {
  return COST_NAMES[code] ?? 'not_billable';
}

/** What rating reads of a call. `start` is the PBX wall clock, `outcome` its code (codes.ts). */
export interface RatingInput {
  pbx_id: number;
  dst: string;
  /** The call's route as stored (`CALLFORWARD:07700900123`): a forward out is priced for its target. */
  route: string;
  dst_trunk_name: string;
  billsec: number;
  outcome: number;
  start: string;
}

/** What rating stores for a call: calls.cost_status, cost_e4, rate_plan_id, rate_id. */
export interface Rating {
  status: number;
  cost_e4: number | null;
  plan_id: number | null;
  rate_id: number | null;
}

/** A call's rating as stored in its row. */
interface StoredRating {
  cost_status: number;
  cost_e4: number | null;
  rate_plan_id: number | null;
  rate_id: number | null;
}

export interface StoredRate extends RateRow {
  id: number;
  plan_id: number;
}

interface PlanDbRow {
  id: number;
  name: string;
  currency: string;
  pbx_ids: string;
  trunks: string;
  file: string;
  imported_at: number;
  row_count: number;
}

export interface LoadedPlan {
  id: number;
  name: string;
  currency: string;
  pbxIds: number[];
  trunks: string[];
  table: RateTable<StoredRate>;
}

/** What a call row holds before rating: the schema's defaults. */
const NEW_ROW: StoredRating = { cost_status: COST_CODES.not_billable, cost_e4: 0, rate_plan_id: null, rate_id: null };

const NOT_BILLABLE: Rating = { status: COST_CODES.not_billable, cost_e4: 0, plan_id: null, rate_id: null };

/** Why a call is not billable, in words, or '' when it is. */
export function notBillableReason(input: Pick<RatingInput, 'outcome' | 'billsec' | 'dst_trunk_name'>): string {
  if (input.outcome !== ANSWERED_OUTCOME) return 'nobody answered it';
  if (input.billsec <= 0) return 'it has no talk time';
  if (input.dst_trunk_name === '') return 'it left by no trunk';
  return '';
}

/** The plans, rows and dial plans as they were when it was built: rates calls without touching the cache. */
export class Rater {
  private readonly byScope = new Map<string, LoadedPlan | null>();

  constructor(
    readonly version: number,
    private readonly plans: readonly LoadedPlan[],
    private readonly dialPlans: ReadonlyMap<number, DialPlan>,
  ) {}

  /** Whether any plan exists: without one, every call is not billable. */
  get active(): boolean {
    return this.plans.length > 0;
  }

  dialPlan(pbxId: number): DialPlan {
    return this.dialPlans.get(pbxId) ?? { country_code: '', national_prefix: '', international_prefix: '' };
  }

  /** The plan for calls of this PBX leaving by this trunk (assignments never overlap), or null. */
  planFor(pbxId: number, trunk: string): LoadedPlan | null {
    const key = `${pbxId}\u0000${trunk}`;
    let plan = this.byScope.get(key);
    if (plan === undefined) {
      plan =
        this.plans.find(
          (p) => (p.pbxIds.length === 0 || p.pbxIds.includes(pbxId)) && (p.trunks.length === 0 || p.trunks.includes(trunk)),
        ) ?? null;
      this.byScope.set(key, plan);
    }
    return plan;
  }

  /** The plans that may price calls of this PBX (for any trunk). */
  plansOf(pbxId: number): readonly LoadedPlan[] {
    return this.plans.filter((p) => p.pbxIds.length === 0 || p.pbxIds.includes(pbxId));
  }

  rate(input: RatingInput): Rating {
    if (notBillableReason(input) !== '') return NOT_BILLABLE;
    const plan = this.planFor(input.pbx_id, input.dst_trunk_name);
    if (plan === null) return NOT_BILLABLE;
    const row = plan.table.lookup(normalizeNumber(ratedNumber(input.dst, input.route), this.dialPlan(input.pbx_id)), input.start);
    if (row === null) return { status: COST_CODES.unrated, cost_e4: null, plan_id: plan.id, rate_id: null };
    return { status: COST_CODES.rated, cost_e4: costE4(input.billsec, row), plan_id: plan.id, rate_id: row.id };
  }
}

export function rateRowView(row: RateRow): RateRowView {
  return {
    line: row.line,
    prefix: row.prefix,
    destination: row.destination,
    rate: formatE8(row.rate_e8),
    connect: formatE8(row.connect_e8),
    minimum: row.minimum,
    increment: row.increment,
    effective: row.effective === '' ? null : row.effective,
  };
}

/** A plan as the store keeps it: PBXs by id, so renaming a PBX keeps its plan. */
export interface RatePlanInput {
  name: string;
  currency: string;
  pbx_ids: number[];
  trunks: string[];
  file: string;
  /** The sheet's rows; null keeps the plan's rows (a new assignment only). */
  rows: RateRow[] | null;
}

/** The rate plans and the rating of calls (main/store/rates.ts). */
export interface RatesArea {
  list(): RatePlan[];
  get(name: string): RatePlanDetail | null;
  /** Creates or replaces a plan in one transaction; BAD_INPUT when its scope overlaps another plan's. */
  save(input: RatePlanInput): { plan: RatePlan; replaced: boolean };
  /** NOT_FOUND for an unknown name. */
  remove(name: string): void;
  state(): RatingState;
  /** The rater for the plans as they are now (rebuilt only after a change). */
  rater(): Rater;
  /** Rates one call again inside the caller's transaction (ingest, after writing it). */
  rateCall(callId: number): void;
  /**
   * Prices a call ingest has just inserted, from its values (no read back): a new row holds the
   * defaults (not billable, 0), so only a call a plan prices is written.
   */
  rateNew(rater: Rater, callId: number, input: RatingInput): void;
  /**
   * Rates again, in one transaction, up to `limit` calls with an id above `afterId` that may have a
   * cost (a destination trunk, or a cost from before). lastId null = no call left.
   */
  rerateChunk(rater: Rater, afterId: number, limit: number): { lastId: number | null; calls: number; changed: number };
  /** After a complete pass with `rater`: the cache is current unless something changed meanwhile. */
  finishRerate(rater: Rater): void;
  /** The highest call id: how far a pass has to go. */
  lastCallId(): number;
  /** How a stored call's cost was made (the session panel), or null for an unknown call. */
  explain(callId: number): CallCost | null;
}

/** Whether some change to plans or dial plans has not been applied to every call yet. */
export function ratingStale(db: Db): boolean {
  const read = db.prepare<[string], { value: string }>('SELECT value FROM settings WHERE key = ?');
  return Number(read.get(VERSION_KEY)?.value ?? '0') !== Number(read.get(RATED_VERSION_KEY)?.value ?? '0');
}

/** Marks every cost as out of date; call in the transaction that changes a plan, a scope or a dial plan. */
export function bumpRatingVersion(db: Db): void {
  db.prepare(
    `INSERT INTO settings (key, value) VALUES (?, '1')
     ON CONFLICT (key) DO UPDATE SET value = CAST(CAST(value AS INTEGER) + 1 AS TEXT)`,
  ).run(VERSION_KEY);
}

function currencyOf(value: unknown): string {
  if (typeof value !== 'string' || !/^[A-Za-z]{3}$/.test(value.trim())) {
    throw badInput(`Currency ${JSON.stringify(value) ?? String(value)} is not a three-letter ISO 4217 code such as GBP, EUR or USD.`, {
      field: 'currency',
    });
  }
  return value.trim().toUpperCase();
}

function planName(value: unknown): string {
  if (typeof value !== 'string' || value.trim() === '') throw badInput('A rate plan needs a name (--plan NAME).', { field: 'plan' });
  const name = value.trim();
  if (name.length > MAX_NAME) throw badInput(`Rate plan name "${name.slice(0, 40)}..." is longer than ${MAX_NAME} characters.`);
  return name;
}

function overlaps<T>(a: readonly T[], b: readonly T[]): boolean {
  return a.length === 0 || b.length === 0 || a.some((x) => b.includes(x));
}

export function createRates(db: Db): RatesArea {
  const setting = db.prepare<[string], { value: string }>('SELECT value FROM settings WHERE key = ?');
  const putSetting = db.prepare('INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value');
  const listPlans = db.prepare<[], PlanDbRow>(
    'SELECT p.*, (SELECT count(*) FROM rate_rows AS r WHERE r.plan_id = p.id) AS row_count FROM rate_plans AS p ORDER BY p.name',
  );
  const planByName = db.prepare<[string], PlanDbRow>(
    'SELECT p.*, (SELECT count(*) FROM rate_rows AS r WHERE r.plan_id = p.id) AS row_count FROM rate_plans AS p WHERE p.name = ?',
  );
  const rowsOf = db.prepare<[number], StoredRate>('SELECT * FROM rate_rows WHERE plan_id = ? ORDER BY prefix, effective');
  const allRows = db.prepare<[], StoredRate>('SELECT * FROM rate_rows ORDER BY plan_id');
  const pbxNames = db.prepare<[], { id: number; name: string }>('SELECT id, name FROM pbx');
  const dialPlans = db.prepare<[], DialPlan & { id: number }>('SELECT id, country_code, national_prefix, international_prefix FROM pbx');
  const insertPlan = db.prepare(
    'INSERT INTO rate_plans (name, currency, pbx_ids, trunks, file, imported_at) VALUES (@name, @currency, @pbx_ids, @trunks, @file, @imported_at)',
  );
  const updatePlan = db.prepare(
    'UPDATE rate_plans SET currency = @currency, pbx_ids = @pbx_ids, trunks = @trunks, file = @file, imported_at = @imported_at WHERE id = @id',
  );
  const deletePlan = db.prepare('DELETE FROM rate_plans WHERE id = ?');
  const deleteRows = db.prepare('DELETE FROM rate_rows WHERE plan_id = ?');
  const insertRow = db.prepare(
    `INSERT INTO rate_rows (plan_id, line, prefix, destination, rate_e8, connect_e8, minimum, increment, effective)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const callForRating = db.prepare<[number], RatingInput & StoredRating>(
    `SELECT pbx_id, dst, route, dst_trunk_name, billsec, outcome, start, cost_status, cost_e4, rate_plan_id, rate_id FROM calls WHERE id = ?`,
  );
  const callsForRating = db.prepare<[number, number], RatingInput & StoredRating & { id: number }>(
    `SELECT id, pbx_id, dst, route, dst_trunk_name, billsec, outcome, start, cost_status, cost_e4, rate_plan_id, rate_id FROM calls
     WHERE id > ? AND (dst_trunk_name <> '' OR cost_status <> 0) ORDER BY id LIMIT ?`,
  );
  const setCost = db.prepare('UPDATE calls SET cost_status = ?, cost_e4 = ?, rate_plan_id = ?, rate_id = ? WHERE id = ?');
  const unratedCount = db.prepare<[], { n: number }>(`SELECT count(*) AS n FROM calls WHERE cost_status = ${COST_CODES.unrated}`);
  const maxId = db.prepare<[], { id: number | null }>('SELECT max(id) AS id FROM calls');
  const storedCost = db.prepare<[number], RatingInput & StoredRating & { pbx: string }>(
    `SELECT c.pbx_id, c.dst, c.route, c.dst_trunk_name, c.billsec, c.outcome, c.start, c.cost_status, c.cost_e4, c.rate_plan_id, c.rate_id,
       p.name AS pbx
     FROM calls AS c JOIN pbx AS p ON p.id = c.pbx_id WHERE c.id = ?`,
  );
  const planById = db.prepare<[number], { name: string; currency: string }>('SELECT name, currency FROM rate_plans WHERE id = ?');
  const rateById = db.prepare<[number], StoredRate>('SELECT * FROM rate_rows WHERE id = ?');

  const version = (): number => Number(setting.get(VERSION_KEY)?.value ?? '0');
  let cached: Rater | null = null;

  function load(): Rater {
    const rows = new Map<number, StoredRate[]>();
    for (const row of allRows.all()) {
      const list = rows.get(row.plan_id);
      if (list === undefined) rows.set(row.plan_id, [row]);
      else list.push(row);
    }
    const plans = listPlans.all().map((p) => ({
      id: p.id,
      name: p.name,
      currency: p.currency,
      pbxIds: JSON.parse(p.pbx_ids) as number[],
      trunks: JSON.parse(p.trunks) as string[],
      table: new RateTable(rows.get(p.id) ?? []),
    }));
    const dial = new Map(dialPlans.all().map(({ id, ...plan }) => [id, plan]));
    return new Rater(version(), plans, dial);
  }

  function rater(): Rater {
    const now = version();
    if (cached === null || cached.version !== now) cached = load();
    return cached;
  }

  function toPlan(row: PlanDbRow, names: ReadonlyMap<number, string>): RatePlan {
    return {
      name: row.name,
      currency: row.currency,
      pbx: (JSON.parse(row.pbx_ids) as number[]).map((id) => names.get(id) ?? `#${id} (removed)`),
      trunks: JSON.parse(row.trunks) as string[],
      file: row.file,
      imported_at: isoUtc(row.imported_at * 1000),
      row_count: row.row_count,
    };
  }

  const names = (): Map<number, string> => new Map(pbxNames.all().map((p) => [p.id, p.name]));

  function scopeWords(pbxIds: readonly number[], trunks: readonly string[], known: ReadonlyMap<number, string>): string {
    const pbx = pbxIds.length === 0 ? 'every PBX' : pbxIds.map((id) => `"${known.get(id) ?? id}"`).join(', ');
    const trunk = trunks.length === 0 ? 'every trunk' : trunks.map((t) => `"${t}"`).join(', ');
    return `${pbx} by ${trunk}`;
  }

  const save = db.transaction((input: RatePlanInput): { plan: RatePlan; replaced: boolean } => {
    const name = planName(input.name);
    const currency = currencyOf(input.currency);
    const pbxIds = [...new Set(input.pbx_ids)].sort((a, b) => a - b);
    const trunks = [...new Set(input.trunks.map((t) => t.trim()).filter((t) => t !== ''))].sort();
    const known = names();
    for (const id of pbxIds) if (!known.has(id)) throw new AppError('NOT_FOUND', `There is no PBX with id ${id}.`, { id });
    const existing = planByName.get(name);
    for (const other of listPlans.all()) {
      if (other.id === existing?.id) continue;
      const otherPbx = JSON.parse(other.pbx_ids) as number[];
      const otherTrunks = JSON.parse(other.trunks) as string[];
      if (overlaps(pbxIds, otherPbx) && overlaps(trunks, otherTrunks)) {
        throw badInput(
          `Plan "${name}" would apply to calls that plan "${other.name}" already prices (it covers ${scopeWords(otherPbx, otherTrunks, known)}). ` +
            'Give each plan its own PBXs (--pbx) or destination trunks (--trunk), or change that plan first (ucmcdr rates assign).',
          { field: 'scope', plan: other.name },
        );
      }
    }
    if (existing === undefined && input.rows === null) throw new AppError('NOT_FOUND', `There is no rate plan named "${name}".`, { name });
    const values = {
      name,
      currency,
      pbx_ids: JSON.stringify(pbxIds),
      trunks: JSON.stringify(trunks),
      file: input.rows === null ? (existing?.file ?? '') : input.file,
      imported_at: input.rows === null && existing !== undefined ? existing.imported_at : Math.floor(Date.now() / 1000),
    };
    let id: number;
    if (existing === undefined) id = Number(insertPlan.run(values).lastInsertRowid);
    else {
      id = existing.id;
      updatePlan.run({ ...values, id });
    }
    if (input.rows !== null) {
      deleteRows.run(id);
      for (const r of input.rows) insertRow.run(id, r.line, r.prefix, r.destination, r.rate_e8, r.connect_e8, r.minimum, r.increment, r.effective);
    }
    bumpRatingVersion(db);
    return { plan: toPlan(planByName.get(name) as PlanDbRow, known), replaced: existing !== undefined };
  });

  /** Writes a call's new rating when it differs from the stored one; true when it did. */
  function write(callId: number, stored: StoredRating, next: Rating): boolean {
    if (stored.cost_status === next.status && stored.cost_e4 === next.cost_e4 && stored.rate_plan_id === next.plan_id && stored.rate_id === next.rate_id) {
      return false;
    }
    setCost.run(next.status, next.cost_e4, next.plan_id, next.rate_id, callId);
    return true;
  }

  return {
    list() {
      const known = names();
      return listPlans.all().map((row) => toPlan(row, known));
    },
    get(name) {
      const row = planByName.get(planName(name));
      if (row === undefined) return null;
      return { ...toPlan(row, names()), rows: rowsOf.all(row.id).map(rateRowView) };
    },
    save,
    remove(name) {
      const row = planByName.get(planName(name));
      if (row === undefined) throw new AppError('NOT_FOUND', `There is no rate plan named "${name}": see ucmcdr rates list.`, { name });
      db.transaction(() => {
        deletePlan.run(row.id);
        bumpRatingVersion(db);
      })();
    },
    state() {
      return {
        stale: ratingStale(db),
        unrated: unratedCount.get()?.n ?? 0,
        plans: listPlans.all().length,
      };
    },
    rater,
    rateCall(callId) {
      const r = rater();
      const call = callForRating.get(callId);
      if (call === undefined) return;
      if (!r.active && call.cost_status === COST_CODES.not_billable) return;
      write(callId, call, r.rate(call));
    },
    rateNew(r, callId, input) {
      if (r.active) write(callId, NEW_ROW, r.rate(input));
    },
    rerateChunk(r, afterId, limit) {
      return db.transaction(() => {
        const calls = callsForRating.all(afterId, limit);
        let changed = 0;
        for (const call of calls) if (write(call.id, call, r.rate(call))) changed++;
        const last = calls[calls.length - 1];
        return { lastId: calls.length < limit || last === undefined ? null : last.id, calls: calls.length, changed };
      })();
    },
    finishRerate(r) {
      if (version() === r.version) putSetting.run(RATED_VERSION_KEY, String(r.version));
    },
    lastCallId: () => maxId.get()?.id ?? 0,
    explain(callId) {
      const call = storedCost.get(callId);
      if (call === undefined) return null;
      const status = costStatusName(call.cost_status);
      const plan = call.rate_plan_id === null ? undefined : planById.get(call.rate_plan_id);
      const row = call.rate_id === null ? undefined : rateById.get(call.rate_id);
      const e164 = normalizeNumber(ratedNumber(call.dst, call.route), rater().dialPlan(call.pbx_id));
      let reason = '';
      if (status === 'not_billable') {
        const why = notBillableReason(call);
        reason = why !== '' ? `Not billable: ${why}.` : `Not billable: no rate plan prices calls of "${call.pbx}" by trunk "${call.dst_trunk_name}".`;
      } else if (status === 'unrated') {
        reason = `Unrated: no prefix of plan "${plan?.name ?? '?'}" matches ${e164 === '' ? `"${call.dst}"` : e164} (check the PBX's dial plan and the rate sheet).`;
      } else if (row === undefined) reason = 'The rate row that priced it was replaced: costs are being calculated again.';
      return {
        status,
        cost: call.cost_e4 === null ? null : call.cost_e4 / 10_000,
        currency: plan?.currency ?? '',
        plan: plan?.name ?? '',
        e164,
        row: row === undefined ? null : rateRowView(row),
        billed_seconds: row === undefined || status !== 'rated' ? 0 : billedSeconds(call.billsec, row),
        reason,
      };
    },
  };
}
