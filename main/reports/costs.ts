import type { CostBucket, CostsReport } from '../../preload/reports.js';
import { AppError } from '../errors.js';
import type { Db } from '../store/db-type.js';
import { COST_CODES, ratingStale } from '../store/rates.js';

/**
 * The costs report (docs/costs.md): rated calls of the selection grouped by `by`, with their billed
 * seconds (recomputed from the rate row that priced each call, the same rule as rating) and cost
 * (the stored exact ten-thousandths, added up before turning into the currency). A selection priced
 * in several currencies is refused: adding pounds to euros means nothing.
 */

const KEYS: Record<CostBucket, string> = {
  extension: 'c.src',
  trunk: 'c.dst_trunk_name',
  account: 'c.account_code',
  // A row replaced while costs are being calculated again has no destination until its call is rated again.
  destination: "coalesce(nullif(r.destination, ''), '+' || r.prefix, '(being calculated again)')",
  day: 'substr(c.start, 1, 10)',
  month: 'substr(c.start, 1, 7)',
};

const BILLED = 'max(r.minimum, ((c.billsec + r.increment - 1) / r.increment) * r.increment)';

export function costs(db: Db, selection: { where: string; params: unknown[] }, by: CostBucket): CostsReport {
  const { where, params } = selection;
  const currencies = db
    .prepare<unknown[], { currency: string }>(
      `SELECT DISTINCT p.currency AS currency FROM calls AS c JOIN rate_plans AS p ON p.id = c.rate_plan_id
       WHERE ${where} AND c.cost_status IN (${COST_CODES.rated}, ${COST_CODES.unrated}) ORDER BY 1`,
    )
    .all(...params)
    .map((r) => r.currency);
  if (currencies.length > 1) {
    throw new AppError(
      'BAD_INPUT',
      `These calls are priced in ${currencies.join(' and ')}: a cost report adds up one currency. Narrow the filter to the PBXs or trunks of one plan (--pbx, --dst-trunk).`,
      { currencies },
    );
  }
  const rows = db
    .prepare<unknown[], { key: string; calls: number; billed: number; cost: number }>(
      `SELECT ${KEYS[by]} AS key, count(*) AS calls, sum(coalesce(${BILLED}, 0)) AS billed, sum(c.cost_e4) AS cost
       FROM calls AS c LEFT JOIN rate_rows AS r ON r.id = c.rate_id
       WHERE ${where} AND c.cost_status = ${COST_CODES.rated}
       GROUP BY 1 ORDER BY ${by === 'day' || by === 'month' ? 'key ASC' : 'cost DESC, key ASC'}`,
    )
    .all(...params);
  const unrated = db
    .prepare<unknown[], { n: number }>(`SELECT count(*) AS n FROM calls AS c WHERE ${where} AND c.cost_status = ${COST_CODES.unrated}`)
    .get(...params);
  const total = { calls: 0, billed_seconds: 0, cost: 0 };
  let costE4 = 0;
  for (const r of rows) {
    total.calls += r.calls;
    total.billed_seconds += r.billed;
    costE4 += r.cost;
  }
  total.cost = costE4 / 10_000;
  return {
    kind: 'costs',
    by,
    currency: currencies[0] ?? '',
    rows: rows.map((r) => ({ key: r.key ?? '', calls: r.calls, billed_seconds: r.billed, cost: r.cost / 10_000 })),
    total,
    unrated: { calls: unrated?.n ?? 0 },
    stale: ratingStale(db),
  };
}
