import type { Db } from './db-type.js';
import type { CompiledFilter, Term } from './filter.js';

/**
 * Which index drives a query. SQLite has no statistics here (no ANALYZE: plans stay the same as the
 * data grows, and tests can pin them), so it cannot tell `src = '1001'` (a few hundred rows) from
 * `src_trunk_name = 'trunk_1'` (half the table). We ask the data instead: each term that could drive
 * through its own index counts its matches, bounded, and the least frequent one wins; the others are
 * written so SQLite cannot use their index (unary +), and the chosen index is named with INDEXED BY.
 *
 * - First page: a term below PAGE_PROBE_LIMIT drives (sorting that few rows is cheap). Otherwise a
 *   single-value term drives only if its index yields rows already in start order; else the query
 *   walks calls_by_start newest first, checking most filters inside that index.
 * - Count + talk time: a term below COUNT_PROBE_LIMIT drives. Otherwise, when every term can be
 *   checked inside calls_by_start, one covering scan of it is cheaper than a lookup per matching row;
 *   a lone number filter that no index can seek is scanned in its own (narrower, covering) index.
 */
const PAGE_PROBE_LIMIT = 4000;
const COUNT_PROBE_LIMIT = 50_000;

export interface ProbeLimits {
  page: number;
  count: number;
}

export const DEFAULT_PROBE_LIMITS: ProbeLimits = { page: PAGE_PROBE_LIMIT, count: COUNT_PROBE_LIMIT };

export interface QueryPlan {
  where: string;
  params: unknown[];
  /** Table hint after `calls AS c`: `INDEXED BY name` or ''. */
  hint: string;
}

export type PlanPurpose = 'page' | 'count';

function probe(db: Db, term: Term, limit: number): number {
  const candidate = term.candidate as NonNullable<Term['candidate']>;
  const row = db.prepare(candidate.probeSql).get(...candidate.probeParams, limit) as { n: number };
  return row.n;
}

function chooseDriver(db: Db, terms: Term[], purpose: PlanPurpose, startSort: boolean, limits: ProbeLimits): Term | null {
  const candidates = terms.filter((t) => t.candidate !== undefined);
  if (candidates.length === 0) return null;
  const limit = limits[purpose];
  const counted = candidates.map((term) => ({ term, n: probe(db, term, limit) })).sort((a, b) => a.n - b.n);
  const best = counted[0] as (typeof counted)[number];
  if (best.n < limit) return best.term;
  if (purpose === 'page') {
    if (!startSort) return null;
    return counted.find((c) => c.term.candidate?.ordered)?.term ?? null;
  }
  if (terms.length === 1) return best.term;
  return terms.every((t) => t.inStartIndex) ? null : best.term;
}

export function planQuery(
  db: Db,
  filter: CompiledFilter,
  purpose: PlanPurpose,
  startSort: boolean,
  limits: ProbeLimits = DEFAULT_PROBE_LIMITS,
): QueryPlan {
  const driver = chooseDriver(db, filter.terms, purpose, startSort, limits);
  const parts: string[] = [];
  const params: unknown[] = [];
  for (const term of filter.terms) {
    const drives = term === driver;
    parts.push(drives ? term.sql : term.plainSql);
    params.push(...(drives ? term.params : (term.plainParams ?? term.params)));
  }
  let hint = '';
  if (driver?.candidate !== undefined) {
    hint = `INDEXED BY ${driver.candidate.index}`;
  } else if (purpose === 'count' && filter.terms.length === 1 && filter.terms[0]?.scanIndex !== undefined) {
    // A lone filter no index can seek (a range, a leading wildcard) is still cheaper on its own index.
    hint = `INDEXED BY ${filter.terms[0].scanIndex}`;
  } else if (purpose === 'count' || startSort) {
    hint = 'INDEXED BY calls_by_start';
  }
  return { where: parts.length ? parts.join(' AND ') : '1', params, hint };
}
