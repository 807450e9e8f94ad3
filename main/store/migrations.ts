import Database from 'better-sqlite3';
import { judgeCachedCalls } from './judge-cached.js';
import { learnCachedNames } from './contacts.js';
import { foldText } from './text.js';

type Migration = (db: Database.Database) => void;

/**
 * Schema 1.
 *
 * calls holds one row per (PBX, session) with every value the call table filters, sorts and shows;
 * the raw records live in `legs` so calls rows stay narrow (about 200 bytes) and cheap to look up.
 * legs.seq 0 is the call's summary record (`main_cdr`, or the flat record); 1..N are the sub records;
 * legs.fields holds the raw values against a list of field names in field_sets (field-sets.ts).
 * A flat call's only leg is its summary record itself, so it is stored once, at seq 0 (calls.legs
 * still says 1). Times: `start` is the PBX wall clock as text, `start_wall` the same wall clock in
 * seconds (as if it were UTC, for exact from/to filters inside an index) and `start_utc` the instant in
 * seconds, which orders calls of PBXs in different zones correctly. disposition and direction are
 * small integer codes (main/store/codes.ts). src_num, dst_num and answered_by_num hold the numeric
 * value the cdrapi range patterns compare (extensionNumber: the digits of the value), computed once
 * at ingest, so a range such as 1000-1010 is a plain comparison instead of a function call per row.
 *
 * Indexes, from the plans of the filters (test/store/query-plan.test.ts pins them; main/store/plan.ts
 * decides per query which one may drive; a bulk load sets some aside and rebuilds them, bulk.ts):
 * - calls_by_start: (start_utc, id) first, so `ORDER BY start_utc DESC, id DESC LIMIT n` walks it
 *   without sorting; then every enumerable filter column and billsec, so PBX, date, status, direction,
 *   action kind, trunks, account code, recording, NAT, talk and call time (and, since schema 9, the
 *   outcome) are checked inside the index while looking for the first page (no table lookups), and
 *   count + sum(billsec) over any combination of them is one covering scan.
 * - calls_by_id: the same columns keyed by id, for the free-text matches, which arrive as ids: their
 *   count and talk time (with any of those filters) are read from it instead of a table row per
 *   match. Ids only grow, so ingest appends to it.
 * - (column, start_utc, id, billsec) for numbers, action kinds, trunks and account codes: an equality
 *   filter reads its rows already in default order, together with a date range, and its count + talk
 *   time without touching the table. Trunks, account codes and answered-by are empty for many calls,
 *   so those indexes are partial. The number indexes also carry the numeric value, so the count of a
 *   range or a leading wildcard scans that narrow index instead of the table.
 * - UNIQUE (session, pbx_id) serves both the ingest conflict check and findSession.
 * There is deliberately no index led by pbx_id: a PBX filter is checked inside calls_by_start, PBX
 * totals come from pbx.call_count/talk_seconds (kept by ingest), and removing a PBX may scan once.
 * Counts over the enumerable filters and whole days read call_days (call-days.ts), kept by ingest.
 *
 * Free text (numbers, names, trunks of every record of a call) and the caller-name filter use an FTS5
 * table with the trigram tokenizer: a rare substring of 3+ characters is an index lookup instead of a
 * scan of a million strings. The same folded text is kept in calls (search_text, caller_name_fold):
 * when a needle is common, walking calls newest first and testing each row with instr() finds the
 * first page sooner than collecting every FTS match, and both paths read identical text, so they
 * agree. The FTS table is contentless with contentless_delete so merges and removals can drop rows;
 * ingest writes it and a trigger removes the rows of deleted calls (also through the PBX cascade).
 */
const schema1: Migration = (db) => {
  db.exec(`
    CREATE TABLE pbx (
      id INTEGER PRIMARY KEY,
      name TEXT NOT NULL UNIQUE,
      kind TEXT NOT NULL DEFAULT 'pbx' CHECK (kind IN ('pbx', 'import')),
      url TEXT NOT NULL DEFAULT '',
      api TEXT NOT NULL DEFAULT 'auto' CHECK (api IN ('auto', 'legacy', 'ucm63xx')),
      detected_api TEXT CHECK (detected_api IN ('legacy', 'ucm63xx')),
      user TEXT NOT NULL DEFAULT '',
      tz TEXT NOT NULL,
      model TEXT NOT NULL DEFAULT '',
      fingerprint TEXT,
      ca_file TEXT,
      has_password INTEGER NOT NULL DEFAULT 0,
      last_sync_at TEXT,
      last_sync_state TEXT NOT NULL DEFAULT 'never'
        CHECK (last_sync_state IN ('never', 'ok', 'failed', 'cancelled', 'running')),
      last_sync_error TEXT,
      call_count INTEGER NOT NULL DEFAULT 0,
      talk_seconds INTEGER NOT NULL DEFAULT 0
    );

    CREATE TABLE calls (
      id INTEGER PRIMARY KEY,
      pbx_id INTEGER NOT NULL REFERENCES pbx (id) ON DELETE CASCADE,
      session TEXT NOT NULL,
      start TEXT NOT NULL,
      start_utc INTEGER NOT NULL,
      start_wall INTEGER NOT NULL,
      answer TEXT,
      end TEXT,
      src TEXT NOT NULL,
      src_num REAL NOT NULL,
      dst TEXT NOT NULL,
      dst_num REAL NOT NULL,
      caller_name TEXT NOT NULL,
      caller_name_fold TEXT NOT NULL,
      search_text TEXT NOT NULL,
      clid TEXT NOT NULL,
      answered_by TEXT NOT NULL,
      answered_by_num REAL NOT NULL,
      disposition INTEGER NOT NULL,
      direction INTEGER NOT NULL,
      action_type TEXT NOT NULL,
      action_kind TEXT NOT NULL COLLATE NOCASE,
      action_target TEXT NOT NULL,
      duration INTEGER NOT NULL,
      billsec INTEGER NOT NULL,
      src_trunk_name TEXT NOT NULL COLLATE NOCASE,
      dst_trunk_name TEXT NOT NULL COLLATE NOCASE,
      account_code TEXT NOT NULL COLLATE NOCASE,
      recordings TEXT,
      has_recording INTEGER NOT NULL,
      legs INTEGER NOT NULL,
      nat INTEGER NOT NULL,
      origin TEXT NOT NULL,
      UNIQUE (session, pbx_id)
    );

    CREATE INDEX calls_by_start ON calls (
      start_utc, id, start_wall, pbx_id, disposition, direction, action_kind, has_recording, nat, billsec, duration,
      src_trunk_name, dst_trunk_name, account_code
    );
    CREATE INDEX calls_by_id ON calls (
      id, start_wall, pbx_id, disposition, direction, action_kind, has_recording, nat, billsec, duration,
      src_trunk_name, dst_trunk_name, account_code
    );
    CREATE INDEX calls_by_src ON calls (src, start_utc, id, billsec, src_num);
    CREATE INDEX calls_by_dst ON calls (dst, start_utc, id, billsec, dst_num);
    CREATE INDEX calls_by_answered_by ON calls (answered_by, start_utc, id, billsec, answered_by_num)
      WHERE answered_by <> '';
    CREATE INDEX calls_by_action_kind ON calls (action_kind, start_utc, id, billsec);
    CREATE INDEX calls_by_src_trunk ON calls (src_trunk_name, start_utc, id, billsec) WHERE src_trunk_name <> '';
    CREATE INDEX calls_by_dst_trunk ON calls (dst_trunk_name, start_utc, id, billsec) WHERE dst_trunk_name <> '';
    CREATE INDEX calls_by_account_code ON calls (account_code, start_utc, id, billsec) WHERE account_code <> '';

    CREATE TABLE call_days (
      pbx_id INTEGER NOT NULL REFERENCES pbx (id) ON DELETE CASCADE,
      day INTEGER NOT NULL,
      disposition INTEGER NOT NULL,
      direction INTEGER NOT NULL,
      action_kind TEXT NOT NULL COLLATE NOCASE,
      src_trunk_name TEXT NOT NULL COLLATE NOCASE,
      dst_trunk_name TEXT NOT NULL COLLATE NOCASE,
      account_code TEXT NOT NULL COLLATE NOCASE,
      has_recording INTEGER NOT NULL,
      calls INTEGER NOT NULL,
      talk INTEGER NOT NULL,
      PRIMARY KEY (
        day, pbx_id, disposition, direction, action_kind, src_trunk_name, dst_trunk_name, account_code, has_recording
      )
    ) WITHOUT ROWID;

    CREATE TABLE field_sets (
      id INTEGER PRIMARY KEY,
      names TEXT NOT NULL UNIQUE
    );

    CREATE TABLE legs (
      call_id INTEGER NOT NULL REFERENCES calls (id) ON DELETE CASCADE,
      seq INTEGER NOT NULL,
      acct_id TEXT NOT NULL,
      fields TEXT NOT NULL,
      derived TEXT NOT NULL,
      PRIMARY KEY (call_id, seq)
    );

    CREATE VIRTUAL TABLE calls_fts USING fts5 (
      name, text, content = '', contentless_delete = 1, tokenize = 'trigram'
    );
    CREATE TRIGGER calls_fts_forget AFTER DELETE ON calls BEGIN
      DELETE FROM calls_fts WHERE rowid = old.id;
    END;

    CREATE TABLE recordings (
      call_id INTEGER NOT NULL REFERENCES calls (id) ON DELETE CASCADE,
      path TEXT NOT NULL,
      state TEXT NOT NULL CHECK (state IN ('unknown', 'cached', 'gone')),
      local_path TEXT,
      bytes INTEGER,
      checked_at TEXT,
      PRIMARY KEY (call_id, path)
    ) WITHOUT ROWID;

    CREATE TABLE sync_position (
      pbx_id INTEGER PRIMARY KEY REFERENCES pbx (id) ON DELETE CASCADE,
      window_start TEXT NOT NULL,
      window_end TEXT NOT NULL,
      page_offset INTEGER NOT NULL,
      newest_start TEXT,
      in_progress INTEGER NOT NULL,
      full INTEGER NOT NULL
    );

    CREATE TABLE import_log (
      id INTEGER PRIMARY KEY,
      pbx_id INTEGER NOT NULL REFERENCES pbx (id) ON DELETE CASCADE,
      file TEXT NOT NULL,
      format TEXT NOT NULL,
      imported INTEGER NOT NULL,
      already_present INTEGER NOT NULL,
      merged INTEGER NOT NULL,
      rejected INTEGER NOT NULL,
      at TEXT NOT NULL
    );
    CREATE INDEX import_log_by_pbx ON import_log (pbx_id);

    CREATE TABLE settings (
      key TEXT PRIMARY KEY,
      value TEXT NOT NULL
    ) WITHOUT ROWID;
  `);
};

/**
 * Schema 2: calls.imported_at, when an imported call was imported (seconds since the epoch, UTC; NULL
 * for synced calls and for calls imported before this column existed, whose import time is unknown).
 * Together with origin (`import:<file>`) it tells where a call came from. Like origin, a merge keeps
 * the value of the call's first delivery.
 */
const schema2: Migration = (db) => {
  db.exec('ALTER TABLE calls ADD COLUMN imported_at INTEGER');
};

/**
 * Schema 3: what makes merges and imports accountable (main/cdr/authority.ts, main/store/imports.ts).
 * - calls.authority: the rank of the best source that delivered the call (SOURCE_RANKS); NULL for calls
 *   stored before this step, whose rank follows from their origin (sync = the PBX's API, else a file).
 *   Filling it here would rewrite every row of a big cache at the first start.
 * - calls.import_id: the import that created the call, so that import can be undone; NULL for synced calls.
 *   Not indexed: an index would be written for every imported call, an undo reads the table once.
 * - import_log.state/kept/elsewhere: an import is logged when its first batch is written and kept up to
 *   date batch by batch, so a killed import still shows what it stored; `undone` once undone.
 * - call_conflicts: a value a merge did not take (or replaced), kept aside with where it came from.
 * - import_merges: a known call before and after an import merged into it, to withdraw that import's values.
 */
const schema3: Migration = (db) => {
  db.exec(`
    ALTER TABLE calls ADD COLUMN authority INTEGER;
    ALTER TABLE calls ADD COLUMN import_id INTEGER;

    ALTER TABLE import_log ADD COLUMN state TEXT NOT NULL DEFAULT 'done'
      CHECK (state IN ('running', 'done', 'stopped', 'undone'));
    ALTER TABLE import_log ADD COLUMN kept INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE import_log ADD COLUMN elsewhere INTEGER NOT NULL DEFAULT 0;

    CREATE TABLE call_conflicts (
      call_id INTEGER NOT NULL REFERENCES calls (id) ON DELETE CASCADE,
      acct_id TEXT NOT NULL,
      field TEXT NOT NULL,
      kept TEXT NOT NULL,
      offered TEXT NOT NULL,
      origin TEXT NOT NULL,
      import_id INTEGER REFERENCES import_log (id) ON DELETE SET NULL,
      at INTEGER NOT NULL,
      PRIMARY KEY (call_id, acct_id, field, offered)
    ) WITHOUT ROWID;
    CREATE INDEX call_conflicts_by_import ON call_conflicts (import_id) WHERE import_id IS NOT NULL;

    CREATE TABLE import_merges (
      import_id INTEGER NOT NULL REFERENCES import_log (id) ON DELETE CASCADE,
      call_id INTEGER NOT NULL REFERENCES calls (id) ON DELETE CASCADE,
      before TEXT NOT NULL,
      after TEXT NOT NULL,
      PRIMARY KEY (import_id, call_id)
    ) WITHOUT ROWID;
    CREATE INDEX import_merges_by_call ON import_merges (call_id);
  `);
};

/**
 * Schema 4: what became of each call and the path it took (main/cdr/outcome.ts, docs/reports.md).
 * calls.outcome holds its code (store/codes.ts: 1 answered, 2 voicemail, 3 unanswered, 4 failed) and
 * calls.route the steps as text (`IVR:7000>RINGGROUP:6400`). Calls already cached get both from their
 * stored records in the same transaction, so every report and filter sees every call the same way.
 */
const schema4: Migration = (db) => {
  db.exec(`
    ALTER TABLE calls ADD COLUMN outcome INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE calls ADD COLUMN route TEXT NOT NULL DEFAULT '';
  `);
  judgeCachedCalls(db);
};

/**
 * Schema 5: covering indexes for reports (docs/benchmarks.md, issue 12). Reports aggregate every call
 * of a period: read from the table, a million calls took 450-650 ms for summary, activity and heatmap
 * and 2.3 s for the top callers; from these indexes 210-330 ms and 100 ms. calls_for_reports is led by
 * the wall clock (what buckets and period filters read) and carries start_utc for the period terms;
 * calls_for_top is led by the caller number, so grouping by it needs no sort of the whole cache.
 */
const schema5: Migration = (db) => {
  db.exec(`
    CREATE INDEX calls_for_reports ON calls (start_wall, pbx_id, direction, outcome, billsec, duration, start_utc);
    CREATE INDEX calls_for_top ON calls (src, outcome, billsec, caller_name);
  `);
};

/**
 * Schema 6: call costs (docs/costs.md, issue 13). Each PBX gets a dial plan, which turns dialled
 * numbers into E.164 digits. A rate plan is a rate sheet (rate_rows, one row per prefix and
 * effective date) applied to the calls of some PBXs leaving by some destination trunks; its scope is
 * kept as JSON lists of PBX ids and trunk names (empty = all), so removing or renaming a PBX never
 * widens a plan to every PBX. Each call keeps what rating made of it: cost_status (0 not billable,
 * 1 rated, 2 unrated: billable but no prefix matched), cost_e4 (ten-thousandths of the plan's
 * currency, exact; NULL when unrated) and the plan and row used, whose currency, destination and
 * terms are read through them. Row ids are never reused (AUTOINCREMENT): a call not priced again yet
 * after its plan's sheet was replaced must find no row, not a row of the new sheet. Calls already cached are not billable until a plan exists, which is
 * what the defaults say, so the upgrade writes no call.
 */
const schema6: Migration = (db) => {
  db.exec(`
    ALTER TABLE pbx ADD COLUMN country_code TEXT NOT NULL DEFAULT '';
    ALTER TABLE pbx ADD COLUMN national_prefix TEXT NOT NULL DEFAULT '';
    ALTER TABLE pbx ADD COLUMN international_prefix TEXT NOT NULL DEFAULT '';
    CREATE TABLE rate_plans (
      id INTEGER PRIMARY KEY,
      name TEXT NOT NULL UNIQUE,
      currency TEXT NOT NULL,
      pbx_ids TEXT NOT NULL DEFAULT '[]',
      trunks TEXT NOT NULL DEFAULT '[]',
      file TEXT NOT NULL DEFAULT '',
      imported_at INTEGER NOT NULL
    );
    CREATE TABLE rate_rows (
      id INTEGER PRIMARY KEY AUTOINCREMENT,
      plan_id INTEGER NOT NULL REFERENCES rate_plans (id) ON DELETE CASCADE,
      line INTEGER NOT NULL,
      prefix TEXT NOT NULL,
      destination TEXT NOT NULL DEFAULT '',
      rate_e8 INTEGER NOT NULL,
      connect_e8 INTEGER NOT NULL DEFAULT 0,
      minimum INTEGER NOT NULL DEFAULT 0,
      increment INTEGER NOT NULL DEFAULT 1,
      effective TEXT NOT NULL DEFAULT '',
      UNIQUE (plan_id, prefix, effective)
    );
    ALTER TABLE calls ADD COLUMN cost_status INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE calls ADD COLUMN cost_e4 INTEGER DEFAULT 0;
    ALTER TABLE calls ADD COLUMN rate_plan_id INTEGER;
    ALTER TABLE calls ADD COLUMN rate_id INTEGER;
  `);
};

/**
 * Schema 7: keeping watch (docs/watch.md, issue 14). Each PBX gets a sync schedule (minutes; NULL =
 * the default: 15 when a password is stored, else off) and business hours (PBX wall clock). An alert is
 * one episode of one rule on one PBX (UNIQUE (rule, pbx_id, episode)), so raising it again from the
 * same calls finds it; alert_calls lists the calls behind it (a call joins once). called_countries
 * remembers, per PBX, the first call to each country code (new-destination-long-call);
 * watch_state holds what the watch loop knows of each PBX between rounds and processes.
 */
const schema7: Migration = (db) => {
  db.exec(`
    ALTER TABLE pbx ADD COLUMN sync_every INTEGER CHECK (sync_every IN (0, 5, 15, 60));
    ALTER TABLE pbx ADD COLUMN business_hours TEXT NOT NULL DEFAULT 'Mon-Fri 07:00-19:00';
    CREATE TABLE alerts (
      id INTEGER PRIMARY KEY,
      rule TEXT NOT NULL,
      severity TEXT NOT NULL CHECK (severity IN ('info', 'warning', 'critical')),
      pbx_id INTEGER NOT NULL REFERENCES pbx (id) ON DELETE CASCADE,
      episode TEXT NOT NULL,
      title TEXT NOT NULL,
      first_at TEXT NOT NULL,
      last_at TEXT NOT NULL,
      raised_at INTEGER NOT NULL,
      acknowledged_at INTEGER,
      mailed_at INTEGER,
      notified_at INTEGER,
      UNIQUE (rule, pbx_id, episode)
    );
    CREATE INDEX alerts_by_last ON alerts (last_at);
    CREATE TABLE alert_calls (
      alert_id INTEGER NOT NULL REFERENCES alerts (id) ON DELETE CASCADE,
      call_id INTEGER NOT NULL REFERENCES calls (id) ON DELETE CASCADE,
      PRIMARY KEY (alert_id, call_id)
    ) WITHOUT ROWID;
    CREATE INDEX alert_calls_by_call ON alert_calls (call_id);
    CREATE TABLE called_countries (
      pbx_id INTEGER NOT NULL REFERENCES pbx (id) ON DELETE CASCADE,
      country TEXT NOT NULL,
      first_utc INTEGER NOT NULL,
      PRIMARY KEY (pbx_id, country)
    ) WITHOUT ROWID;
    CREATE TABLE watch_state (
      pbx_id INTEGER PRIMARY KEY REFERENCES pbx (id) ON DELETE CASCADE,
      last_success INTEGER,
      last_attempt INTEGER,
      failing_since INTEGER,
      failures INTEGER NOT NULL DEFAULT 0,
      last_error TEXT,
      next_run INTEGER
    );
  `);
  // The calls cached before the rules existed are history: \`ucmcdr alerts scan\` looks at them on request,
  // the first sync after the upgrade does not.
  db.exec(`INSERT INTO settings (key, value) SELECT 'alerts.evaluated_id', CAST(coalesce(max(id), 0) AS TEXT) FROM calls`);
};

/**
 * Schema 8: records without their derived copy, values in a compact coding (issue 16, "A lean cache").
 *
 * legs.fields holds either form of a record, told apart by SQLite's type of the value (field-sets.ts):
 * TEXT is the JSON `[set id, value, ...]` of schemas 1-7, BLOB the compact coding of record-codec.ts;
 * every reader takes both. legs.derived is no longer read (a session's reading derives each record
 * again, records.ts) and holds '' in every row written since. The column stays: dropping it rewrites
 * the whole table in one transaction, minutes on a big cache, not interruptible.
 *
 * Converting a cache's rows is not done here: a step runs in one transaction, and a million calls'
 * records would hold the cache for minutes, unusable and all lost to a kill. This step only leaves the
 * marker `records.compact_after` (the call id up to which records are converted, 0 here), and only when
 * there are records. After the schema is brought up, every opening of the store converts the records
 * of the calls after the marker, 20,000 calls per transaction, and moves the marker in the same
 * transaction (record-upgrade.ts); the last batch sets it to `vacuum`, and a VACUUM gives the space
 * the smaller rows left inside their pages back to the disk, then removes it. A process killed at any
 * point leaves every row in one form or the other and the marker at the last committed batch: the
 * next opening resumes there and ends with the same records as an uninterrupted run. Rows written
 * meanwhile by ingest are compact already; the conversion rewrites only TEXT rows, so it can run again
 * over them.
 */
const schema8: Migration = (db) => {
  db.exec(`INSERT INTO settings (key, value) SELECT 'records.compact_after', '0' WHERE EXISTS (SELECT 1 FROM legs)`);
};

/**
 * Schema 9: calls_by_start also carries the outcome (issue 12). The trunks report counts answered
 * calls per trunk in the same start-ordered pass that sweeps its concurrency; without the outcome in
 * the index it read every trunk call's table row in a second pass (about 600 ms on the 1,000,000-call
 * bench cache, 265 ms with it). The outcome filter is then also checked inside the index. A code of
 * 0-4 adds about a byte per call; rebuilding the index takes about 1.3 s per million calls.
 */
const schema9: Migration = (db) => {
  db.exec(`
    DROP INDEX calls_by_start;
    CREATE INDEX calls_by_start ON calls (
      start_utc, id, start_wall, pbx_id, disposition, direction, action_kind, has_recording, nat, billsec, duration,
      src_trunk_name, dst_trunk_name, account_code, outcome
    );
  `);
};

/**
 * Schema 10 (issue 16): search folds accents, an index no query uses goes, and the top callers read
 * the caller-number index instead of one of their own.
 *
 * text.ts now also drops accents when folding ('muller' finds 'Müller'). The folded copies in calls
 * (caller_name_fold, search_text) and the text index are written anew for the calls whose folded text
 * has a character outside printable ASCII, the only ones whose fold can change: folding the stored
 * fold again gives what folding the original gives, so the records are not read. On the
 * 1,000,000-call bench cache that is one scan of the table and a few thousand rows, seconds in all,
 * so it runs in this step's transaction: a kill leaves the cache at schema 9, and the next opening
 * does the step again.
 *
 * calls_by_action_kind (28 MB on the bench cache, an insert at a random place for every call) has
 * served no query since the action filter also matches a call's route steps (schema 4), which no
 * index holds; the action kinds the filter offers are read from call_days.
 *
 * calls_for_top (schema 5: caller number, outcome, talk, name) was a second index led by the caller
 * number beside calls_by_src, so each call was inserted at a random place in both: measured in the
 * bench's ingest profile, the two report indexes made ingest 13 % slower, against the 10 % issue 12
 * allows. calls_by_src now carries the outcome and the caller name at its end and serves the top
 * callers alone (a wider entry costs far less than a second random insert); 24 MB less on the bench
 * cache. Both are built again here, in this step's transaction (a few seconds per million calls).
 */
const schema10: Migration = (db) => {
  db.exec(`
    DROP INDEX IF EXISTS calls_by_action_kind;
    DROP INDEX IF EXISTS calls_for_top;
    DROP INDEX IF EXISTS calls_by_src;
    CREATE INDEX calls_by_src ON calls (src, start_utc, id, billsec, src_num, outcome, caller_name);
  `);
  refoldStoredText(db);
};

/**
 * Schema 11: names for numbers (issue 15, "Names for numbers"; main/store/contacts.ts). One row per PBX,
 * number and source of a name: 1 learned from the calls (the latest caller name of an extension's
 * internal calls, seen_utc the call's start), 2 the PBX's own extension list (UCM63xx listAccount,
 * replaced at each fetch), 3 imported from a contacts file. Where several sources name a number, the
 * highest wins. pbx_id 0 holds contacts imported for every PBX (no profile has id 0, so it carries no
 * foreign key; a trigger drops a profile's rows with it). The key leads with the number: the call list
 * looks numbers up, a name search scans the few thousand rows. name_fold is the name as searches fold
 * it (text.ts). The names already in the cached calls are learned here, one grouped pass over calls.
 */
const schema11: Migration = (db) => {
  db.exec(`
    CREATE TABLE contacts (
      number TEXT NOT NULL,
      pbx_id INTEGER NOT NULL,
      source INTEGER NOT NULL CHECK (source IN (1, 2, 3)),
      name TEXT NOT NULL,
      name_fold TEXT NOT NULL,
      seen_utc INTEGER NOT NULL,
      PRIMARY KEY (number, pbx_id, source)
    ) WITHOUT ROWID;
    CREATE TRIGGER contacts_forget_pbx AFTER DELETE ON pbx BEGIN
      DELETE FROM contacts WHERE pbx_id = old.id;
    END;
  `);
  learnCachedNames(db);
};

/**
 * Schema steps in order; step n brings the file to `user_version = n`. A released step is frozen, as
 * literal SQL: a change (an index too, even its spacing) is a new step, so that opening a cache runs
 * only the steps it lacks and never rewrites what an earlier release built.
 */
export const MIGRATIONS: readonly Migration[] = [
  schema1, schema2, schema3, schema4, schema5, schema6, schema7, schema8, schema9, schema10, schema11,
];

export const SCHEMA_VERSION = MIGRATIONS.length;

let schemaIndexes: ReadonlyMap<string, string> | null = null;

/**
 * The SQL of every index of `calls` as the migrations create it today, read off an in-memory database
 * brought to the latest schema: the steps themselves are the one definition, so nothing restates it.
 * Used only to repair indexes an interrupted load left without a record of what it set aside.
 */
export function schemaIndexSql(): ReadonlyMap<string, string> {
  if (schemaIndexes === null) {
    const memory = new Database(':memory:');
    try {
      migrate(memory);
      const rows = memory
        .prepare<[], { name: string; sql: string }>("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'calls' AND sql IS NOT NULL")
        .all();
      schemaIndexes = new Map(rows.map((row) => [row.name, row.sql]));
    } finally {
      memory.close();
    }
  }
  return schemaIndexes;
}

/** Applies the missing steps, each in its own transaction together with its `user_version`. */
export function migrate(db: Database.Database): void {
  const current = db.pragma('user_version', { simple: true }) as number;
  for (let step = current; step < MIGRATIONS.length; step++) {
    const apply = MIGRATIONS[step] as Migration;
    db.transaction(() => {
      apply(db);
      db.pragma(`user_version = ${step + 1}`);
    })();
  }
}

/** Schema 10's rewrite of the folded text that folding accents changes (see schema10). */
function refoldStoredText(db: Database.Database): void {
  const rows = db
    .prepare<[], { id: number; caller_name_fold: string; search_text: string }>(
      "SELECT id, caller_name_fold, search_text FROM calls WHERE caller_name_fold GLOB '*[^ -~]*' OR search_text GLOB '*[^ -~]*'",
    )
    .all();
  const setText = db.prepare('UPDATE calls SET caller_name_fold = ?, search_text = ? WHERE id = ?');
  const dropIndexed = db.prepare('DELETE FROM calls_fts WHERE rowid = ?');
  const index = db.prepare('INSERT INTO calls_fts (rowid, name, text) VALUES (?, ?, ?)');
  for (const row of rows) {
    const name = foldText(row.caller_name_fold);
    const text = foldText(row.search_text);
    if (name === row.caller_name_fold && text === row.search_text) continue;
    setText.run(name, text, row.id);
    dropIndexed.run(row.id);
    index.run(row.id, name, text);
  }
}
