import { spawn } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { generateCalls } from '../../main/simulator/generator.js';
import { SCHEMA_VERSION } from '../../main/store/migrations.js';
import { openStore } from '../../main/store/store.js';
import { tempDir } from '../support/fs.js';

/**
 * The upgrade to schema 4 judges every cached call (outcome and route) and schema 5 builds two
 * indexes, inside the migrations' transactions. Killed with SIGKILL while it writes, the cache must
 * reopen as it was (schema 3, no outcome) or fully upgraded (every call judged), and then upgrade.
 */

const CALLS = 8_000;
const BIN = fileURLToPath(new URL('../../bin/ucmcdr.js', import.meta.url));

let tmp: { dir: string; cleanup: () => void };
let db: string;

/** A cache as the release before schema 4 left it: the same calls, without outcome, route, the report indexes and costs. */
function schema3Cache(): void {
  const store = openStore(db);
  try {
    const pbx = store.profiles.save({ name: 'office', url: 'https://192.0.2.10:8443', api: 'auto', user: 'cdrapi', tz: 'Europe/London' }).id;
    const calls = [...generateCalls({ count: CALLS, seed: 5, start: new Date('2024-03-01T00:00:00Z'), end: new Date('2024-04-01T00:00:00Z'), tz: 'Europe/London' })];
    store.calls.ingest(pbx, calls, { origin: 'sync' });
  } finally {
    store.close();
  }
  const raw = new Database(db);
  raw.exec(`
    DROP TRIGGER contacts_forget_pbx; DROP TABLE contacts;
    DROP TABLE alert_calls; DROP TABLE alerts; DROP TABLE called_countries; DROP TABLE watch_state;
    DELETE FROM settings WHERE key = 'alerts.evaluated_id';
    ALTER TABLE pbx DROP COLUMN sync_every; ALTER TABLE pbx DROP COLUMN business_hours;
    DROP TABLE rate_rows; DROP TABLE rate_plans;
    ALTER TABLE pbx DROP COLUMN country_code; ALTER TABLE pbx DROP COLUMN national_prefix; ALTER TABLE pbx DROP COLUMN international_prefix;
    ALTER TABLE calls DROP COLUMN cost_status; ALTER TABLE calls DROP COLUMN cost_e4;
    ALTER TABLE calls DROP COLUMN rate_plan_id; ALTER TABLE calls DROP COLUMN rate_id;
    DROP INDEX calls_for_reports; DROP INDEX IF EXISTS calls_for_top;
    DROP INDEX calls_by_start;
    CREATE INDEX calls_by_start ON calls (
      start_utc, id, start_wall, pbx_id, disposition, direction, action_kind, has_recording, nat, billsec, duration,
      src_trunk_name, dst_trunk_name, account_code
    );
    DROP INDEX calls_by_src;
    CREATE INDEX calls_by_src ON calls (src, start_utc, id, billsec, src_num);
    ALTER TABLE calls DROP COLUMN outcome; ALTER TABLE calls DROP COLUMN route;
    PRAGMA user_version = 3;
  `);
  raw.pragma('wal_checkpoint(TRUNCATE)');
  raw.close();
}

interface State {
  version: number;
  judged: number;
  calls: number;
}

function state(): State {
  const raw = new Database(db, { readonly: true });
  try {
    expect(raw.pragma('integrity_check', { simple: true })).toBe('ok');
    const version = raw.pragma('user_version', { simple: true }) as number;
    const columns = (raw.prepare("SELECT name FROM pragma_table_info('calls')").pluck().all() as string[]).includes('outcome');
    const calls = raw.prepare('SELECT count(*) FROM calls').pluck().get() as number;
    const judged = columns ? (raw.prepare('SELECT count(*) FROM calls WHERE outcome > 0 AND route <> \'\'').pluck().get() as number) : 0;
    return { version, judged, calls };
  } finally {
    raw.close();
  }
}

/** Starts a command on the cache and kills it at its first write-ahead log bytes (a busy loop: a timer would miss them). */
async function killWhileUpgrading(): Promise<NodeJS.Signals | null> {
  const wal = `${db}-wal`;
  const child = spawn(process.execPath, [BIN, '--db', db, 'pbx', 'list'], { stdio: 'ignore' });
  const exited = new Promise<NodeJS.Signals | null>((resolve) => child.once('exit', (_code, signal) => resolve(signal)));
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline && !(existsSync(wal) && (statSync(wal, { throwIfNoEntry: false })?.size ?? 0) > 0)) {
    // Spin: see above.
  }
  child.kill('SIGKILL');
  return exited;
}

beforeEach(() => {
  tmp = tempDir('ucmcdr-upgrade-kill-');
  db = join(tmp.dir, 'cache.sqlite');
  schema3Cache();
});
afterEach(() => tmp.cleanup());

describe('kill -9 while a cache is upgraded to schemas 4 and 5', () => {
  it('leaves it as it was or fully upgraded, and the next opening finishes the upgrade', async () => {
    expect(state()).toEqual({ version: 3, judged: 0, calls: CALLS });
    expect(await killWhileUpgrading()).toBe('SIGKILL');

    const after = state();
    expect(after.calls).toBe(CALLS);
    // Each step commits with its version: a cache at 4 or 5 has every call judged, one at 3 none.
    expect(after.judged).toBe(after.version >= 4 ? CALLS : 0);

    openStore(db).close();
    expect(state()).toEqual({ version: SCHEMA_VERSION, judged: CALLS, calls: CALLS });
  });
});
