import type { AlertScanResult } from '../../preload/alerts.js';
import type { AlertsArea } from './alerts.js';
import type { RatesArea } from './rates.js';
import type { WatchStateArea } from './watch-state.js';
import type { ContactsArea } from './contacts.js';
import type {
  ReportRequest,
  ReportResult,
  CallFilter,
  CallPage,
  CallPageRequest,
  CallRow,
  CallSort,
  CallTotals,
  FilterOptions,
  ImportEntry,
  PbxProfile,
  SessionDetail,
} from '../../preload/api.js';
import type { CdrCall, CdrRecord } from '../cdr/types.js';
import type { PreparedCall } from './prepare.js';
import type { SourceKind } from '../cdr/authority.js';
import type { BackgroundUpgradeOptions } from './record-upgrade.js';

/**
 * The cache's service surface, one object per area (profiles, calls, sync state, recordings, settings,
 * imports), each a small module with its own SQL. One implementation (main/store/store.ts assembles
 * it, better-sqlite3); used by the CLI, sync, importers, recordings, export, IPC and the web mode alike.
 */

/** Profile fields as stored (no secrets ever). */
export interface PbxRecordInput {
  id?: number;
  name: string;
  kind?: 'pbx' | 'import';
  url: string;
  api: 'auto' | 'legacy' | 'ucm63xx';
  detected_api?: 'legacy' | 'ucm63xx' | null;
  user: string;
  tz: string;
  model?: string;
  fingerprint?: string | null;
  ca_file?: string | null;
  /** Whether the caller keeps a password for this profile (desktop: OS keychain); never the password. */
  has_password?: boolean;
  /** Dial plan; absent keeps the stored value (a new profile: ''). A change marks costs out of date. */
  country_code?: string;
  national_prefix?: string;
  international_prefix?: string;
  /** Minutes between automatic syncs (0 = off); absent keeps the stored choice (a new profile: the default). */
  sync_every?: number;
  /** `Mon-Fri 07:00-19:00` (main/alerts/hours.ts); absent keeps the stored hours. */
  business_hours?: string;
}

export interface IngestOptions {
  /** `sync`, or `import:<file name>` */
  origin: string;
  /** For imports: when the file was imported, ms since the epoch (kept to the second). */
  imported_at?: number;
  /** How authoritative the delivery is (main/cdr/authority.ts); default api for sync, else page-csv. */
  source?: SourceKind;
  /** The import (ImportsArea.begin) delivering these calls, so it can be undone. */
  import_id?: number;
  /**
   * Look for each call's session in every source first: a call cached under another source merges
   * there instead of being stored twice (imports). Without it only the given PBX is looked at (sync).
   */
  anywhere?: boolean;
}

/** What one ingest did, per call. */
export interface IngestCounts {
  /** Calls not in the cache before. */
  inserted: number;
  /** Calls already present with nothing new. */
  unchanged: number;
  /** Calls already present that gained legs or fields (never losing any). */
  merged: number;
  /** Values a delivery offered that differ from the stored ones and were not taken (kept aside). */
  kept: number;
  /** PBX id -> calls found under that other source (merged or already present there). */
  elsewhere: Record<number, number>;
}

/** Where an incremental sync resumes. Written in the same transaction as the page it follows. */
export interface SyncPosition {
  /** Start of the time window being walked, PBX wall clock `YYYY-MM-DDTHH:MM:SS`. */
  window_start: string;
  window_end: string;
  /** Offset of the next page within the window. */
  offset: number;
  /** Newest call start seen so far (PBX wall clock), the base of the next incremental sync. */
  newest_start: string | null;
  /** true while a sync has not finished the last window. */
  in_progress: boolean;
  full: boolean;
}

export type RecordingState = 'unknown' | 'cached' | 'gone';

export interface RecordingStatus {
  call_id: number;
  path: string;
  state: RecordingState;
  /** Path of the cached file under the app's data folder, when state = cached. */
  local_path: string | null;
  bytes: number | null;
  checked_at: string | null;
}

/** An import as it begins (ImportsArea.begin): the source its new calls go to, its file and format. */
export interface ImportStart {
  pbx_id: number;
  file: string;
  format: string;
}

/** What an import has done so far: the counts of its log entry. */
export type ImportCounts = Pick<ImportEntry, 'imported' | 'already_present' | 'merged' | 'rejected' | 'kept' | 'elsewhere'>;

/** A big load in progress (CallsArea.beginBulkLoad). */
export interface BulkLoad {
  /**
   * Whether this load is big enough to have the number indexes set aside, so that finishing it (the
   * last of overlapping loads) rebuilds them: seconds on a big cache, worth telling the user first.
   */
  readonly indexesAside: boolean;
  /** Builds the query indexes again and restores the load-time settings; calling it again does nothing. */
  finish(): void;
}

/** The PBX profiles and import-only sources (main/store/profiles.ts). */
export interface ProfilesArea {
  list(): PbxProfile[];
  get(id: number): PbxProfile | null;
  getByName(name: string): PbxProfile | null;
  /**
   * Creates or updates; names are unique (BAD_INPUT when taken). A changed zone re-times the profile's
   * calls (start instants of calls and records) in the same transaction; an import-only source cannot
   * become a PBX.
   */
  save(input: PbxRecordInput): PbxProfile;
  /** Removes the profile and every call, leg and recording state that belongs to it. */
  remove(id: number): void;
  /**
   * Turns a PBX profile into an import-only source of the same name that keeps its calls: address,
   * user, certificate and sync position are forgotten (the caller forgets any stored password).
   */
  keepHistory(id: number): PbxProfile;
  /** The "Imported" source for files without a PBX (the default one), created on first use. */
  importSource(): PbxProfile;
  /** The "Imported" source if it exists (creates nothing). */
  findImportSource(): PbxProfile | null;
}

/** The calls: ingest and merge (ingest.ts), big loads (bulk.ts) and the query engine (query.ts). */
export interface CallsArea {
  /**
   * Stores calls of one PBX, in one transaction. A call already present (same pbx + session) is merged:
   * legs by AcctId, fields by "a non-empty value wins, nothing is erased"; derived values recomputed
   * with the PBX's time zone.
   */
  ingest(pbxId: number, calls: CdrCall[], options: IngestOptions): IngestCounts;
  /**
   * The same for calls prepared elsewhere (prepareCall in main/store/prepare.ts, with this PBX's time
   * zone and model), so that a big import derives them on another thread while this one writes.
   */
  ingestPrepared(pbxId: number, calls: PreparedCall[], options: IngestOptions): IngestCounts;
  /**
   * For a load of about `expectedCalls` calls (an import): lowers the memory the connection maps and
   * caches while loading and, when the load is big next to the cache (main/store/bulk.ts decides,
   * since finishing sorts every call of the cache), swaps the number indexes of `calls` for cheap
   * stand-ins (never the UNIQUE identity one, which ingest's merge relies on) so rows append cheaply
   * and defers the text index's merging. Queries stay correct meanwhile, only slower. finish() builds
   * the indexes again by sorting, restores the settings; it is idempotent. A process that dies in
   * between leaves a marker, and the next openStore rebuilds what is missing (unless the marking
   * process is still alive and loading). Loads may overlap; the indexes come back when the last one
   * finishes.
   */
  beginBulkLoad(expectedCalls: number): BulkLoad;

  page(request: CallPageRequest): CallPage;
  totals(filter: CallFilter): CallTotals;
  /**
   * Every matching call in sort order, read lazily (constant memory) for export. Runs on a second
   * connection of the store, so writes (sync, import) go on while an iterator is open; the iterator
   * sees the cache as it was when it started. Finish or return() it to end its read.
   */
  iterate(filter: CallFilter, sort?: CallSort): IterableIterator<CallRow>;
  get(callId: number): CallRow | null;
  session(callId: number): SessionDetail | null;
  /**
   * The raw summary records (every field as the PBX sent it) of these calls, by call id, in one read;
   * an id that is not cached is missing. For exports, on the connection that iterates, so the records
   * come from the same snapshot as the rows.
   */
  mainRecords(callIds: readonly number[]): Map<number, CdrRecord>;
  /** Calls with this session id (one per PBX holding it), optionally limited to one PBX. */
  findSession(session: string, pbxName?: string): SessionDetail[];
  filterOptions(): FilterOptions;
}

/** Where each PBX's sync stands (main/store/sync-state.ts). */
export interface SyncStateArea {
  position(pbxId: number): SyncPosition | null;
  setPosition(pbxId: number, position: SyncPosition | null): void;
  /** The outcome of the last sync, shown with the profile (last_sync_state, last_error, last_sync_at). */
  setOutcome(pbxId: number, outcome: { state: PbxProfile['last_sync_state']; error?: string | null; at?: string }): void;
}

/** What is known of each call's recordings (main/store/recordings.ts). */
export interface RecordingsArea {
  get(callId: number, path: string): RecordingStatus | null;
  set(status: RecordingStatus): void;
}

/** The app's key/value settings (main/store/settings.ts). */
export interface SettingsArea {
  get(key: string): string | null;
  set(key: string, value: string): void;
}

/** The import log (main/store/imports.ts). */
export interface ImportsArea {
  /** Logs an import as running; call in the transaction of its first batch. Returns its id. */
  begin(start: ImportStart): number;
  /** Brings an import's counts up to date (in each batch's transaction) and, at its end, its state. */
  update(id: number, counts: ImportCounts, state?: 'done' | 'stopped'): void;
  /** Every logged import, newest first. */
  list(): ImportEntry[];
  /**
   * Undoes an import in one transaction: removes the calls it created, withdraws the values it filled
   * into calls that were already cached, drops the conflicts it recorded. NOT_FOUND for an unknown id;
   * BAD_INPUT when it was undone already.
   */
  undo(id: number): { entry: ImportEntry; removed: number; restored: number };
}

export interface Store {
  readonly path: string;
  close(): void;
  /** Runs fn in one transaction (nestable: inner calls become savepoints). */
  transaction<T>(fn: () => T): T;
  readonly profiles: ProfilesArea;
  readonly calls: CallsArea;
  readonly sync: SyncStateArea;
  readonly recordings: RecordingsArea;
  readonly settings: SettingsArea;
  readonly imports: ImportsArea;
  readonly reports: ReportsArea;
  readonly rates: RatesArea;
  readonly alerts: AlertsArea & {
    /** The rules over the calls added since the last evaluation (after a sync or import). */
    evaluateNew(): AlertScanResult;
    /** The rules over a period of history (PBX ids, wall-clock bounds). */
    scan(range: { pbxIds: number[]; from?: string; to?: string }): AlertScanResult;
  };
  readonly watch: WatchStateArea;
  /** Each PBX's phonebook: names learned, read from the PBX or imported (main/store/contacts.ts). */
  readonly contacts: ContactsArea;
  /** Converting the records of a cache from before schema 8, when openStore was told to defer it. */
  readonly upgrade: UpgradeArea;
}

export interface UpgradeArea {
  /** Whether records are left to convert or the space they freed to give back. */
  pending(): boolean;
  /**
   * Converts them batch by batch, giving way between batches (record-upgrade.ts); a second call while
   * one runs joins it. `stopped` once the store closes (or `options.stopped` says so) before the end.
   */
  run(options?: BackgroundUpgradeOptions): Promise<'done' | 'stopped'>;
}

/** The reports of docs/reports.md over the calls a filter selects (main/reports/). */
export interface ReportsArea {
  run(request: ReportRequest): ReportResult;
}
