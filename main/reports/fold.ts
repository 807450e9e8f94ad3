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
 * `step` gets start_utc, then the values of `columns`. SQLite keeps the ORDER BY of a FROM-clause
 * subquery when the outer query neither sorts nor joins, nor flattens it into an aggregate (sqlite3.c,
 * tag-select-0230), and reads calls_by_start for it without sorting; the check below turns any other
 * order into an error instead of wrong peaks.
 */
export function foldInStartOrder<A extends unknown[]>(
  db: Db,
  where: string,
  params: unknown[],
  columns: string[],
  step: (start: number, ...values: A) => void,
): void {
  const names = columns.map((_, i) => `v${i}`);
  let lastStart = Number.NEGATIVE_INFINITY;
  let lastId = Number.NEGATIVE_INFINITY;
  fold(
    db,
    `SELECT report_fold(start, id${names.map((n) => `, ${n}`).join('')}) FROM (
       SELECT c.start_utc AS start, c.id AS id${columns.map((c, i) => `, ${c} AS ${names[i]}`).join('')}
       FROM calls AS c WHERE ${where} ORDER BY c.start_utc, c.id)`,
    params,
    (start: number, id: number, ...values: A) => {
      if (start < lastStart || (start === lastStart && id <= lastId)) throw new Error('Calls did not arrive in start order.');
      lastStart = start;
      lastId = id;
      step(start, ...values);
    },
  );
}
