import type { Db } from '../store/db-type.js';

/**
 * Hands the rows of a query to JavaScript through a user-defined SQL aggregate, `report_fold(...)`:
 * SQLite calls it for each row within one statement step, about 0.1 µs a row, where stepping through
 * rows with better-sqlite3 costs about 0.5 µs each (half a second for a million calls). With a Map in
 * the callback it is also a GROUP BY that does not sort: SQLite's sorts every row first (0.2-0.7 µs a
 * row on the 1,000,000-call bench cache).
 */

type Step = (...values: unknown[]) => void;

/**
 * Where a connection's `report_fold` sends its rows: kept on the connection, which the function is
 * registered on, so that every copy of this module (a test runner may load two) uses the same one.
 */
const SINK = Symbol.for('ucm-cdr-viewer.report_fold');
type WithSink = Db & { [SINK]?: { step: Step | null } };

/**
 * Runs `sql`, a SELECT whose only result column is `report_fold(expressions...)`, and calls `step`
 * with the expressions' values for each row it aggregates.
 */
export function fold<A extends unknown[]>(db: Db, sql: string, params: unknown[], step: (...values: A) => void): void {
  const connection = db as WithSink;
  let sink = connection[SINK];
  if (sink === undefined) {
    const target: { step: Step | null } = { step: null };
    db.aggregate('report_fold', {
      start: null,
      varargs: true,
      directOnly: true,
      step: (_total: unknown, ...values: unknown[]) => {
        (target.step as Step)(...values);
      },
    });
    connection[SINK] = sink = target;
  }
  sink.step = step as Step;
  try {
    db.prepare(sql).get(...params);
  } finally {
    sink.step = null;
  }
}

/**
 * Folds the selected calls in start order (start_utc, then id), as a concurrency sweep needs them:
 * `step` gets start_utc, then the values of `columns`. Where the planner walks calls_by_start for the
 * selection anyway, the aggregate reads that index directly, and an index scan visits rows in index
 * order; otherwise a FROM-clause subquery sorts them, as SQLite keeps the ORDER BY of a subquery the
 * outer query neither sorts nor joins (sqlite3.c, tag-select-0230). The subquery costs its rows a
 * co-routine hop (60 ms on the 1,000,000-call bench cache), hence the direct read where it is safe.
 * The check below turns any other order into an error instead of wrong peaks.
 */
export function foldInStartOrder<A extends unknown[]>(
  db: Db,
  where: string,
  params: unknown[],
  columns: string[],
  step: (start: number, ...values: A) => void,
): void {
  const values = ['c.start_utc', 'c.id', ...columns];
  const names = values.map((_, i) => `v${i}`);
  const ordered = `FROM calls AS c WHERE ${where} ORDER BY c.start_utc, c.id`;
  const sql = walksStartIndex(db, ordered, params)
    ? `SELECT report_fold(${values.join(', ')}) FROM calls AS c INDEXED BY calls_by_start WHERE ${where}`
    : `SELECT report_fold(${names.join(', ')}) FROM (SELECT ${values.map((v, i) => `${v} AS ${names[i]}`).join(', ')} ${ordered})`;
  let lastStart = Number.NEGATIVE_INFINITY;
  let lastId = Number.NEGATIVE_INFINITY;
  fold(db, sql, params, (start: number, id: number, ...rest: A) => {
    if (start < lastStart || (start === lastStart && id <= lastId)) throw new Error('Calls did not arrive in start order.');
    lastStart = start;
    lastId = id;
    step(start, ...rest);
  });
}

/** Whether SQLite reads `FROM calls AS c ... ORDER BY c.start_utc, c.id` through calls_by_start, without sorting. */
function walksStartIndex(db: Db, ordered: string, params: unknown[]): boolean {
  const plan = db.prepare<unknown[], { detail: string }>(`EXPLAIN QUERY PLAN SELECT c.id ${ordered}`).all(...params);
  return plan.some((p) => /\bcalls_by_start\b/.test(p.detail)) && !plan.some((p) => p.detail.includes('TEMP B-TREE'));
}
