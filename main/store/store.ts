import { AppError } from '../errors.js';
import { finishAbandonedLoad } from './bulk.js';
import { createCalls } from './calls.js';
import { createContacts } from './contacts.js';
import { openConnection, upgradeSchema } from './db.js';
import { SCHEMA_VERSION } from './migrations.js';
import type { Db } from './db-type.js';
import { createFieldSets } from './field-sets.js';
import { createImportLog } from './imports.js';
import { createIngest } from './ingest.js';
import { createProfiles } from './profiles.js';
import { createRates } from './rates.js';
import { createAlerts } from './alerts.js';
import { createWatchState } from './watch-state.js';
import { evaluateNewCalls, scanCalls, type DayCache } from '../alerts/engine.js';
import { createRecordings } from './recordings.js';
import { createSettings } from './settings.js';
import { createSyncState } from './sync-state.js';
import { compactRecords, compactRecordsInBackground, upgradePending, type UpgradeProgress } from './record-upgrade.js';
import type { Store } from './types.js';
import { runReport } from '../reports/reports.js';

export interface OpenStoreOptions {
  /**
   * Progress of converting the records of a cache from before schema 8, after each batch (only when
   * there is something to convert). The CLI prints it when it takes long.
   */
  onUpgrade?: (progress: UpgradeProgress) => void;
  /**
   * Open without converting those records: the store is usable at once (readers take either form) and
   * `store.upgrade.run` converts them in the background, batch by batch. The desktop app and `ucmcdr
   * serve` do this, so their window shows the progress instead of nothing for a minute.
   */
  deferUpgrade?: boolean;
  /**
   * Called before the schema steps of a cache that holds calls and was made by an earlier release
   * (`from` and `to` are schema versions): some steps rebuild an index or rewrite rows, seconds per
   * million calls, before the cache opens. The CLI says so.
   */
  onMigrate?: (from: number, to: number) => void;
  /**
   * Bytes of the file read through a memory map (default 1 GB). Mapped pages a command touches count
   * in its resident memory: `ucmcdr import`, which writes a whole file and then reads every new call
   * for the alert rules, maps nothing and keeps its memory to what it holds itself.
   */
  mapBytes?: number;
}

/**
 * Opens the cache's main connection and makes the cache ready, once: the schema brought up to date
 * (migrations.ts), then what a load whose process died left unfinished rebuilt (bulk.ts), so queries
 * find their indexes again, then the records of an older cache converted (record-upgrade.ts), unless
 * that is deferred to `store.upgrade.run`.
 */
function openReady(path: string, options: OpenStoreOptions): Db {
  const db = openConnection(path, options.mapBytes);
  try {
    const from = db.pragma('user_version', { simple: true }) as number;
    if (options.onMigrate !== undefined && from > 0 && from < SCHEMA_VERSION && db.prepare('SELECT 1 FROM calls LIMIT 1').get() !== undefined) {
      options.onMigrate(from, SCHEMA_VERSION);
    }
    upgradeSchema(db);
    finishAbandonedLoad(db);
    if (options.deferUpgrade !== true) compactRecords(db, options.onUpgrade);
    return db;
  } catch (error) {
    db.close();
    throw error;
  }
}

/** Opens (or creates) the cache at `path`: the single implementation of the Store surface. */
export function openStore(path: string, options: OpenStoreOptions = {}): Store {
  const db = openReady(path, options);
  const fieldSets = createFieldSets(db);
  const profiles = createProfiles(db);
  const rates = createRates(db);
  const alerts = createAlerts(db);
  const alertDays: DayCache = new Map();
  const ingest = createIngest(db, fieldSets, rates);
  const calls = createCalls(db, fieldSets, ingest, rates);

  let closed = false;
  let upgrading: Promise<'done' | 'stopped'> | null = null;

  function requirePbx(pbxId: number): number {
    if (profiles.get(pbxId) === null) throw new AppError('NOT_FOUND', `There is no PBX with id ${pbxId}.`, { id: pbxId });
    return pbxId;
  }

  return {
    path,
    close() {
      // A background conversion stops at its next pause: it never touches a closed connection.
      closed = true;
      calls.close();
      db.close();
    },
    transaction<T>(fn: () => T): T {
      try {
        return db.transaction(fn)();
      } catch (error) {
        // A rolled-back transaction may have taken field lists this connection had cached as stored.
        fieldSets.forget();
        throw error;
      }
    },
    profiles,
    calls,
    sync: createSyncState(db, requirePbx),
    recordings: createRecordings(db),
    settings: createSettings(db),
    imports: createImportLog(db, ingest, fieldSets, requirePbx),
    reports: { run: (request) => runReport(db, request) },
    rates,
    alerts: {
      ...alerts,
      evaluateNew: () => evaluateNewCalls(db, alerts, alertDays),
      scan: (range) => scanCalls(db, alerts, range, alertDays),
    },
    watch: createWatchState(db),
    contacts: createContacts(db, (fn) => db.transaction(fn)()),
    upgrade: {
      pending: () => !closed && upgradePending(db),
      run(options = {}) {
        upgrading ??= compactRecordsInBackground(db, { ...options, stopped: () => closed || options.stopped?.() === true }).finally(() => {
          upgrading = null;
        });
        return upgrading;
      },
    },
  };
}
