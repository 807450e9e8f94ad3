import { createBulkLoader } from './bulk.js';
import { openConnection } from './db.js';
import type { Db } from './db-type.js';
import { createFieldSets, type FieldSets } from './field-sets.js';
import type { Ingest } from './ingest.js';
import type { RatesArea } from './rates.js';
import { createQueries, type Queries } from './query.js';
import type { CallsArea } from './types.js';

/** The calls area, and what the store does with it when it closes. */
export interface Calls extends CallsArea {
  /** Ends the export reads, leaves an unfinished load to the next opening, closes the reader. */
  close(): void;
}

/**
 * The calls: ingest writes (ingest.ts), big loads (bulk.ts) and the query engine (query.ts) on the
 * store's connection, and exports on a reader connection of their own.
 */
export function createCalls(db: Db, fieldSets: FieldSets, ingest: Ingest, rates: RatesArea): Calls {
  const explainCost = (callId: number) => rates.explain(callId);
  const queries = createQueries(db, fieldSets, explainCost);
  const bulk = createBulkLoader(db);

  /**
   * Long reads (exports) run on a connection of their own, opened on first use. better-sqlite3 refuses
   * every write on a connection while one of its statements is being iterated, and an export iterates
   * for minutes: on the shared connection a sync or import started meanwhile would fail. In WAL mode the
   * reader keeps the snapshot it started with while writes go on beside it. The store's opening has
   * brought the schema up to date already, so the reader only opens.
   */
  let reader: { db: Db; queries: Queries } | null = null;
  function readerQueries(): Queries {
    if (reader === null) {
      const readerDb = openConnection(db.name);
      // An export reads its calls once, in order: mapped pages would only add to the process's memory
      // what the main connection already maps, and a small cache is enough for a forward scan.
      readerDb.pragma('mmap_size = 0');
      readerDb.pragma('cache_size = -16384');
      reader = { db: readerDb, queries: createQueries(readerDb, createFieldSets(readerDb), explainCost) };
    }
    return reader.queries;
  }

  return {
    ingest: (pbxId, calls, options) => ingest.calls(pbxId, calls, options),
    ingestPrepared: (pbxId, calls, options) => ingest.prepared(pbxId, calls, options),
    beginBulkLoad: (expectedCalls) => bulk.begin(expectedCalls),

    page: (request) => queries.page(request),
    totals: (filter) => queries.totals(filter),
    iterate: (filter, sort) => readerQueries().iterate(filter, sort),
    get: (callId) => queries.getCall(callId),
    session: (callId) => queries.session(callId),
    mainRecords: (callIds) => readerQueries().mainRecords(callIds),
    findSession: (session, pbxName) => queries.findSession(session, pbxName),
    filterOptions: () => queries.filterOptions(),

    close() {
      bulk.abandon();
      reader?.queries.endReads();
      reader?.db.close();
      reader = null;
    },
  };
}
