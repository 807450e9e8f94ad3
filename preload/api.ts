/**
 * THE contract between the UI (renderer/) and the services (main/). The desktop app carries it over
 * IPC (preload/index.ts <-> main/shell/ipc.ts), the web mode over HTTP (main/web/). Neither side may import
 * electron here: this file is shared by main, preload, renderer and tests.
 *
 * Rules: every method takes one plain JSON request object and resolves to a plain JSON response;
 * failures reject with an `ApiError` (code + human message); long work reports `ProgressEvent`s for the
 * caller-chosen `taskId` and can be cancelled with `tasks.cancel`.
 */

import type {
  CallCost,
  CostStatus,
  RateAssignRequest,
  RateImportRequest,
  RateImportResult,
  RateLookup,
  RateLookupRequest,
  RatePlan,
  RatePlanDetail,
  RatingState,
  RerateRequest,
  RerateResult,
} from './costs.js';
import type {
  Alert,
  AlertListRequest,
  AlertRuleSettings,
  AlertScanRequest,
  AlertScanResult,
  MailSettings,
  SyncSchedule,
  WatchStatus,
} from './alerts.js';
import type { Outcome, ReportRequest, ReportResult, RouteStep } from './reports.js';
import type { ContactImportRequest, ContactImportResult, ContactList, ContactListRequest, ContactRemoveRequest, ContactRemoveResult } from './contacts.js';

export * from './reports.js';
export * from './costs.js';
export * from './alerts.js';
export * from './contacts.js';

/** How a call relates to the PBX, derived once at ingest (main/cdr/derive.ts). */
export const DIRECTIONS = ['inbound', 'outbound', 'internal', 'external', 'unknown'] as const;
export type Direction = (typeof DIRECTIONS)[number];

/** The call outcomes the PBX writes in `disposition`. */
export const DISPOSITIONS = ['ANSWERED', 'NO ANSWER', 'BUSY', 'FAILED', 'CONGESTION'] as const;
export type Disposition = (typeof DISPOSITIONS)[number];

export type ApiGeneration = 'legacy' | 'ucm63xx';

/**
 * The stable error codes. main throws them (main/errors.ts), the renderer acts on them and keeps an
 * unknown one from a newer server as INTERNAL (renderer/src/transport/api-error.ts).
 */
export const API_ERROR_CODES = [
  'BAD_INPUT', // a value crossing a boundary failed validation
  'BAD_FILE', // a file is not CDR data / is corrupt
  'NOT_FOUND',
  'DB_TOO_NEW', // cache written by a newer version of the app
  'DB_ERROR',
  'AUTH_FAILED',
  'PERMISSION_DENIED',
  'PBX_UNREACHABLE',
  'TLS_UNTRUSTED',
  'TLS_FINGERPRINT_MISMATCH',
  'PROTOCOL_ERROR',
  'RATE_LIMITED',
  'RECORDING_GONE', // the PBX no longer holds the recording
  'CANCELLED',
  'INTERNAL',
  'PASSWORD_REQUIRED', // no password stored for a PBX (keychain unavailable) and none was given
  'MAIL_FAILED', // the SMTP server refused or could not be reached; what was to be sent stays pending
] as const;
export type ApiErrorCode = (typeof API_ERROR_CODES)[number];

/** What crosses the wire when a method fails. */
export interface ApiErrorPayload {
  code: ApiErrorCode;
  message: string;
  details?: Record<string, unknown>;
}

/** Wire envelope: both transports send this; the renderer transport unwraps it. */
export type ApiResult<T> = { ok: true; value: T } | { ok: false; error: ApiErrorPayload };

// ---------------------------------------------------------------------------------------------
// PBX profiles

export interface PbxProfile {
  id: number;
  name: string;
  /**
   * 'pbx' for a real/simulated PBX; 'import' for a source of history without an address: the
   * "Imported" source of files without a PBX, or a named one (a PBX that is gone or unreachable).
   */
  kind: 'pbx' | 'import';
  /** Set on the "Imported" source: where files go when no source is chosen. */
  default_source?: boolean;
  url: string;
  api: 'auto' | ApiGeneration;
  detected_api: ApiGeneration | null;
  user: string;
  /** IANA zone of the PBX's wall clock. */
  tz: string;
  model: string;
  /** Pinned certificate SHA-256 fingerprint (AA:BB:..), or null. */
  fingerprint: string | null;
  ca_file: string | null;
  /** Whether a password is stored (desktop: OS keychain). Never the password itself. */
  has_password: boolean;
  last_sync_at: string | null;
  last_sync_state: 'never' | 'ok' | 'failed' | 'cancelled' | 'running';
  last_sync_error: string | null;
  calls: number;
  /** Dial plan (docs/costs.md): how dialled numbers become E.164 digits; each '' or digits. */
  country_code: string;
  national_prefix: string;
  international_prefix: string;
  /** Minutes between automatic syncs (0 = off); by default 15 when a password is stored, else off. */
  sync_every: SyncSchedule;
  /** When the office is open, PBX wall clock: `Mon-Fri 07:00-19:00` (after-hours alerts). */
  business_hours: string;
}

/** Mail settings as the window saves them: a password given here goes to the keychain. */
export interface MailSettingsInput {
  smtp: string;
  from: string;
  to: string[];
  daily_report: string;
  /** Set to store/replace the SMTP password; omitted keeps the stored one; '' forgets it. */
  password?: string;
}

/** A dial plan change: each field absent keeps the stored value, '' clears it. */
export type DialPlanInput = Partial<Pick<PbxProfile, 'country_code' | 'national_prefix' | 'international_prefix'>>;

export interface PbxInput {
  /** Absent: create; present: update that profile. */
  id?: number;
  name: string;
  url: string;
  api: 'auto' | ApiGeneration;
  user: string;
  tz: string;
  model?: string;
  ca_file?: string | null;
  /** Set to store/replace the password; omitted keeps the stored one. */
  password?: string;
  country_code?: string;
  national_prefix?: string;
  international_prefix?: string;
  sync_every?: SyncSchedule;
  business_hours?: string;
}

/** A named source of imported history without a PBX to reach (kind 'import'). */
export interface ImportSourceInput {
  /** Absent: create; present: update that source. */
  id?: number;
  name: string;
  /** IANA zone the files' wall-clock times are in; a change re-times the source's calls. */
  tz: string;
  model?: string;
  country_code?: string;
  national_prefix?: string;
  international_prefix?: string;
  business_hours?: string;
}

export interface PbxRemoveRequest {
  id: number;
  /**
   * What happens to the profile's cached calls: removed with it, or kept as the history of an
   * import-only source of the same name. Required when it has calls (BAD_INPUT names the count).
   */
  calls?: 'delete' | 'keep';
}

export interface CertificateInfo {
  fingerprint: string;
  subject: string;
  issuer: string;
  valid_from: string;
  valid_to: string;
}

export interface PbxTestResult {
  ok: boolean;
  detected_api: ApiGeneration | null;
  /** Set when the certificate is not trusted yet: show it, let the user compare and trust it. */
  certificate: CertificateInfo | null;
  error: ApiErrorPayload | null;
}

// ---------------------------------------------------------------------------------------------
// Calls

export interface CallFilter {
  /** Profile names; empty/absent = all. */
  pbx?: string[];
  /** PBX wall clock, inclusive: `YYYY-MM-DD` or `YYYY-MM-DDTHH:MM[:SS]`. */
  from?: string;
  to?: string;
  /** Number patterns in either language (cdrapi `5300,5302-5304,_4@` or UCM page `3XXX`, `3.`). */
  caller?: string;
  callee?: string;
  answered_by?: string;
  /** Case-insensitive Unicode substring. */
  caller_name?: string;
  status?: Disposition[];
  direction?: Direction[];
  /** Action kinds, e.g. RINGGROUP, DIAL, QUEUE: a call matches when its action or any step of its route is one. */
  action_type?: string[];
  src_trunk?: string[];
  dst_trunk?: string[];
  account_code?: string[];
  min_talk?: number;
  max_talk?: number;
  min_call?: number;
  max_call?: number;
  has_recording?: boolean;
  /**
   * Free text over numbers, names and trunks, case and accents folded; a word also finds the calls
   * whose caller, callee or answering party has a phonebook name holding it, and a search of one word
   * the call whose session id it is.
   */
  search?: string;
  /** What became of the call (CallRow.outcome): answered, voicemail, unanswered, failed. */
  outcome?: Outcome[];
  /** Bounds on CallRow.cost, inclusive (a not billable call costs 0; an unrated one has no cost and never matches). */
  min_cost?: number;
  max_cost?: number;
  /** rated, not_billable, unrated (CallRow.cost_status). */
  cost_status?: CostStatus[];
}

export const SORT_FIELDS = [
  'start',
  'pbx',
  'src',
  'dst',
  'caller_name',
  'answered_by',
  'disposition',
  'direction',
  'action_type',
  'duration',
  'billsec',
  'src_trunk_name',
  'dst_trunk_name',
  'account_code',
  'cost',
] as const;
export type SortField = (typeof SORT_FIELDS)[number];

export interface CallSort {
  field: SortField;
  /** Default for start: 'desc' (newest first). */
  dir: 'asc' | 'desc';
}

export interface CallRow {
  /** Cache row id: stable handle for the UI. */
  id: number;
  session: string;
  pbx: string;
  /** PBX wall clock `YYYY-MM-DDTHH:MM:SS`. */
  start: string;
  /** ISO instant `YYYY-MM-DDTHH:MM:SSZ`. */
  start_utc: string;
  answer: string | null;
  end: string | null;
  src: string;
  dst: string;
  caller_name: string;
  clid: string;
  answered_by: string;
  disposition: Disposition | '';
  direction: Direction;
  action_type: string;
  action_kind: string;
  action_target: string;
  duration: number;
  billsec: number;
  src_trunk_name: string;
  dst_trunk_name: string;
  account_code: string;
  /** Recording paths as listed by the PBX (`2022-08/auto-...wav`). */
  recordings: string[];
  /** Number of leg records. */
  legs: number;
  nat: boolean;
  /** Where the call came from: `sync` or `import:<file name>`. */
  origin: string;
  /** When an imported call was imported (ISO 8601 UTC); null for synced calls. */
  imported_at: string | null;
  /**
   * What became of the call (docs/reports.md): answered (a person answered), voicemail, unanswered
   * (rang, queued, busy or stayed in an IVR) or failed (FAILED, CONGESTION).
   */
  outcome: Outcome;
  /** The call's path, step by step: `[{kind: 'IVR', target: '7000'}, {kind: 'RINGGROUP', target: '6400'}]`. */
  route: RouteStep[];
  /** What the call cost (docs/costs.md), in cost_currency: 0 when not billable, null when unrated. */
  cost: number | null;
  cost_status: CostStatus;
  /** The rating plan's currency; '' when no plan applies. */
  cost_currency: string;
  /** The destination of the rate row that priced it; '' when none. */
  rate_destination: string;
  /**
   * The callee in words when `dst` says nothing: a call in on an analog line has the PBX's start
   * extension `s` (or nothing) as dst and is named after the port of its decoded channel, "analog line
   * (FXO port 2)". '' for every other call (its callee is dst as it is). dst keeps the raw value.
   */
  dst_line: string;
  /** The name of dst in its PBX's phonebook (README "Names for numbers"); '' when it has none. */
  callee_name: string;
  /** The name of answered_by in its PBX's phonebook; '' when it has none. */
  answered_by_name: string;
}

export interface CallPageRequest {
  filter: CallFilter;
  sort?: CallSort;
  /** 1..1000, default 100. */
  limit?: number;
  /** Opaque keyset cursor from the previous page; absent = first page. */
  cursor?: string | null;
}

export interface CallPage {
  rows: CallRow[];
  /** null when this is the last page. */
  next_cursor: string | null;
}

export interface CallTotals {
  count: number;
  /** Sum of billsec over the filtered set, seconds. */
  talk_seconds: number;
}

export interface DecodedChannel {
  raw: string;
  kind: string;
  tech?: string;
  extension?: string;
  trunk?: string;
  number?: string;
  port?: number;
}

export interface LegView {
  acct_id: string;
  /** Every field exactly as the PBX sent it. */
  fields: Record<string, string>;
  start: string | null;
  start_utc: string | null;
  answer: string | null;
  end: string | null;
  disposition: Disposition | '';
  action_kind: string;
  action_target: string;
  channel: DecodedChannel;
  dstchannel: DecodedChannel;
  recordings: string[];
}

/**
 * A value a delivery of the call disagreed on, kept aside instead of dropped (docs: "Merges and
 * conflicts"). `kept` is what the call holds, `offered` the other value, `origin` where the other
 * value came from (`sync`, `import:<file>`).
 */
export interface ConflictView {
  /** The record's AcctId; '' for the call's summary record. */
  acct_id: string;
  field: string;
  kept: string;
  offered: string;
  origin: string;
}

export interface SessionDetail {
  call: CallRow;
  main: LegView;
  legs: LegView[];
  /** Values other deliveries offered that the cache did not take (or that a better source replaced). */
  conflicts: ConflictView[];
  /** How the call's cost was made: the plan, prefix, rate and increments, or why it has none. */
  cost: CallCost;
}

/** Distinct values for the filter panel's pickers. */
export interface FilterOptions {
  pbx: string[];
  src_trunk: string[];
  dst_trunk: string[];
  action_type: string[];
  account_code: string[];
}

// ---------------------------------------------------------------------------------------------
// Files: the renderer never names filesystem paths. It obtains opaque handles from a native dialog
// (desktop), a drop (desktop: preload resolves the dropped File) or an upload (web mode).

export interface FileRef {
  ref: string;
  name: string;
}

// ---------------------------------------------------------------------------------------------
// Long work

export interface SyncRequest {
  taskId: string;
  pbx_id: number;
  full?: boolean;
  /** Needed when no password is stored (keychain unavailable): used for this run only. */
  password?: string;
}

export interface SyncResult {
  calls_new: number;
  calls_updated: number;
  pages: number;
  seconds: number;
}

export interface ImportRequest {
  taskId: string;
  files: FileRef[];
  /** Profile name the calls belong to; absent = the "Imported" source. */
  pbx?: string;
  /** Date order for ambiguous dates like 03/04/2021. */
  date_order?: 'auto' | 'mdy' | 'dmy';
  /** Column mapping for files whose header could not be mapped: header text -> canonical field. */
  mapping?: Record<string, string>;
}

export interface RejectedRow {
  file: string;
  line: number;
  reason: string;
}

export interface ImportFileResult {
  file: string;
  format: string;
  imported: number;
  already_present: number;
  merged: number;
  /** The rejected rows; at most 10,000 are listed (the import's report file holds all of them). */
  rejected: RejectedRow[];
  /** How many rows were rejected in all (more than `rejected.length` when the list was cut). */
  rejected_total?: number;
  /** Set when the whole file was refused (not CDR data, unmappable header). */
  error: ApiErrorPayload | null;
  /** For an unmappable header: the columns that could not be mapped. */
  unknown_columns?: string[];
  /** Values the file offered that differ from the cached ones and were kept aside (the cache kept its own). */
  kept: number;
  /** Calls of the file already cached under another source, merged there instead of doubled. */
  elsewhere: { source: string; calls: number }[];
  /** The import log id (for `ucmcdr imports undo`); null when nothing was written. */
  import_id: number | null;
  /** Set when the file shows spreadsheet damage: its rows never changed a cached call. */
  spreadsheet_damage?: string;
}

export interface ImportResult {
  files: ImportFileResult[];
}

/** running: writing, or ended without finishing (the process was killed); stopped: failed or cancelled part-way. */
export type ImportState = 'running' | 'done' | 'stopped' | 'undone';

/** One imported file in the import log (`ucmcdr imports list`, the import screen's history). */
export interface ImportEntry {
  id: number;
  file: string;
  format: string;
  /** The source (profile name) its new calls went to. */
  source: string;
  /** When the import began, ISO 8601 UTC. */
  when: string;
  imported: number;
  already_present: number;
  merged: number;
  rejected: number;
  /** Values the file offered that differ from the cached ones and were kept aside, not taken. */
  kept: number;
  /** Calls of the file that were found under another source and merged there. */
  elsewhere: number;
  state: ImportState;
}

export interface ImportUndoResult {
  entry: ImportEntry;
  /** Calls the import had created, now removed. */
  removed: number;
  /** Calls it had merged into, with its values withdrawn. */
  restored: number;
}

/** The columns of the UCM's own CDR export, in its order. */
export const UCM_EXPORT_FIELDS = [
  'account_code',
  'session',
  'action_owner',
  'action_type',
  'src_trunk_name',
  'dst_trunk_name',
  'caller_name',
  'caller_number',
  'caller_id',
  'callee_number',
  'answer_by',
  'context',
  'start_time',
  'answer_time',
  'end_time',
  'call_time',
  'talk_time',
  'source_channel',
  'dest_channel',
  'last_app',
  'dest_channel_extension',
  'disposition',
  'last_data',
  'amaflags',
  'uniqueid',
  'userfield',
  'nat',
] as const;

/** The columns this app adds after the UCM's: values derived from the records; a re-import drops them. */
export const VIEWER_EXPORT_FIELDS = [
  'pbx',
  'direction',
  'recordings',
  'outcome',
  'route',
  'cost',
  'cost_status',
  'cost_currency',
  'rate_destination',
  'callee_name',
  'answer_by_name',
] as const;

export const EXPORT_FIELDS = [...UCM_EXPORT_FIELDS, ...VIEWER_EXPORT_FIELDS] as const;
export type ExportField = (typeof EXPORT_FIELDS)[number];

/** csv: the UCM's own form; json; xlsx: an Excel workbook with typed cells. */
export const EXPORT_FORMATS = ['csv', 'json', 'xlsx'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

export interface ExportRequest {
  taskId: string;
  filter: CallFilter;
  sort?: CallSort;
  format: ExportFormat;
  fields?: ExportField[];
  /** CSV only: start the file with a UTF-8 byte-order mark (Excel on Windows needs it for UTF-8). */
  bom?: boolean;
  /** Desktop: a handle from dialogs.pickSaveFile. Web mode: omitted; the result carries a download URL. */
  target?: FileRef;
}

/** What the save dialog offers to name: an export's format, or a report's (HTML page, PDF of it). */
export const SAVE_FORMATS = [...EXPORT_FORMATS, 'html', 'pdf'] as const;
export type SaveFormat = (typeof SAVE_FORMATS)[number];

/** A report as a file: the HTML page of `ucmcdr report --format html`, or (desktop only) a PDF of it. */
export interface ReportSaveRequest {
  request: ReportRequest;
  format: 'html' | 'pdf';
  /** Desktop: a handle from dialogs.pickSaveFile. Web mode: omitted; the result carries a download URL. */
  target?: FileRef;
}

export interface ReportSaveResult {
  /** Web mode: where the browser downloads the file. */
  download_url?: string;
}

export interface ExportResult {
  rows: number;
  /** Web mode: where the browser downloads the file. */
  download_url?: string;
}

export interface RecordingPlayRequest {
  call_id: number;
  /** One of the call's `recordings` entries. */
  recording: string;
  password?: string;
}

export interface RecordingPlayResult {
  /** A URL the audio player can load (desktop: app protocol; web: token-protected HTTP with ranges). */
  url: string;
  bytes: number;
}

export interface RecordingsExportRequest {
  taskId: string;
  /** One call, or the whole filtered set. */
  call_id?: number;
  filter?: CallFilter;
  /** Desktop: folder handle from dialogs.pickFolder. Web mode: omitted; the result carries a download URL (tar). */
  target?: FileRef;
  password?: string;
}

export interface RecordingsExportResult {
  copied: number;
  skipped_existing: number;
  missing: number;
  download_url?: string;
}

/** What long work is: each ProgressEvent says which (the renderer's transports drop other kinds). */
export const TASK_KINDS = ['sync', 'import', 'export', 'recordings', 'rating', 'upgrade'] as const;
export type TaskKind = (typeof TASK_KINDS)[number];

/**
 * The one task the app starts by itself, without a caller's taskId: converting the records of a cache
 * from before schema 8 (issue 16), in the background after the desktop app or `ucmcdr serve` opened
 * it. Its ProgressEvents (kind `upgrade`) carry `upgrade`; `app/upgradeStatus` answers the same.
 */
export const CACHE_UPGRADE_TASK_ID = 'cache-upgrade';

export const CACHE_UPGRADE_PHASES = ['records', 'space', 'done', 'failed'] as const;

export interface CacheUpgradeStatus {
  /**
   * records: converting, batch by batch (the cache answers meanwhile, searches more slowly);
   * space: giving the freed disk space back (a VACUUM: requests wait until it ends);
   * done: nothing (left) to do; failed: stopped with `message` (the cache works as it is, and the next
   * start goes on).
   */
  phase: (typeof CACHE_UPGRADE_PHASES)[number];
  /** Calls converted so far, of `total` to convert at the start (0 when not known yet). */
  done: number;
  total: number;
  /** failed: what stopped it and what to do. */
  message?: string;
}

export interface ProgressEvent {
  taskId: string;
  kind: TaskKind;
  /** Human one-liner: "Page 12 of ~40". */
  stage: string;
  done: number;
  /** null when unknown. */
  total: number | null;
  /** Items per second over the recent window. */
  rate: number | null;
  eta_seconds: number | null;
  bytes?: number;
  /** Kind `upgrade` only: the conversion's state, as `app/upgradeStatus` answers it. */
  upgrade?: CacheUpgradeStatus;
}

export const DATE_PRESETS = ['today', 'yesterday', 'last7', 'this_month', 'last_month'] as const;
export type DatePreset = (typeof DATE_PRESETS)[number];

export interface Settings {
  theme: 'system' | 'light' | 'dark';
  columns: string[];
  /**
   * A filter saved from a quick range (Last 7 days, ...) keeps it as `preset`, so it means the same
   * relative period whenever it is used; its from/to are the dates it had when saved.
   */
  saved_filters: { name: string; filter: CallFilter; preset?: DatePreset }[];
}

// ---------------------------------------------------------------------------------------------
// The API surface

export interface UcmApi {
  app: {
    info(): Promise<{ version: string; mode: 'desktop' | 'web'; db_path: string; keychain: boolean }>;
    /** Where converting an older cache's records stands (ProgressEvents of kind `upgrade` follow it). */
    upgradeStatus(): Promise<CacheUpgradeStatus>;
    getSettings(): Promise<Settings>;
    saveSettings(req: Settings): Promise<Settings>;
    /** Opens an http(s) link in the system browser (desktop) through the single external-link gate. */
    openExternal(req: { url: string }): Promise<void>;
  };
  pbx: {
    list(): Promise<PbxProfile[]>;
    /** Creates or updates a PBX; a changed zone re-times its cached calls; the pinned certificate stays. */
    save(req: PbxInput): Promise<PbxProfile>;
    /** Creates or updates an import-only source (no address) for history of a PBX that is gone. */
    saveImportSource(req: ImportSourceInput): Promise<PbxProfile>;
    remove(req: PbxRemoveRequest): Promise<void>;
    /** Connects, detects the API generation, checks the certificate and the credentials. */
    test(req: { id: number; password?: string }): Promise<PbxTestResult>;
    /** Pins the certificate the user compared and accepted. */
    trust(req: { id: number; fingerprint: string }): Promise<PbxProfile>;
    /** Starts the built-in simulator and adds (or reuses) a "Demo PBX" profile for it. */
    startDemo(): Promise<{ profile: PbxProfile; certificate: CertificateInfo }>;
  };
  sync: {
    run(req: SyncRequest): Promise<SyncResult>;
  };
  calls: {
    page(req: CallPageRequest): Promise<CallPage>;
    totals(req: { filter: CallFilter }): Promise<CallTotals>;
    session(req: { call_id: number }): Promise<SessionDetail>;
    filterOptions(): Promise<FilterOptions>;
  };
  recordings: {
    play(req: RecordingPlayRequest): Promise<RecordingPlayResult>;
    export(req: RecordingsExportRequest): Promise<RecordingsExportResult>;
  };
  imports: {
    run(req: ImportRequest): Promise<ImportResult>;
    /** The import log, newest first. */
    list(): Promise<ImportEntry[]>;
    /** Takes an import back (see the store's imports.undo). */
    undo(req: { id: number }): Promise<ImportUndoResult>;
  };
  reports: {
    /** One report of the calls a filter selects (docs/reports.md). */
    run(req: ReportRequest): Promise<ReportResult>;
    /** The report as a file; a PDF only where the shell can print (the desktop app). */
    save(req: ReportSaveRequest): Promise<ReportSaveResult>;
  };
  exports: {
    run(req: ExportRequest): Promise<ExportResult>;
  };
  rates: {
    /** The rate plans, by name. */
    list(): Promise<RatePlan[]>;
    show(req: { plan: string }): Promise<RatePlanDetail>;
    /** Creates or replaces a plan from a rate sheet; a sheet with a bad row is refused whole (BAD_FILE lists every line). */
    import(req: RateImportRequest): Promise<RateImportResult>;
    /** Which PBXs and destination trunks a plan prices; BAD_INPUT when that overlaps another plan. */
    assign(req: RateAssignRequest): Promise<RatePlan>;
    remove(req: { plan: string }): Promise<void>;
    /** Which plan, prefix and price would apply to a number dialled on a PBX (and trunk). */
    lookup(req: RateLookupRequest): Promise<RateLookup>;
    /** Whether costs follow the plans as they are now, and how many billable calls no prefix matched. */
    state(): Promise<RatingState>;
    /** Rates every call again after a change, in steps (progress kind 'rating', cancellable). */
    rerate(req: RerateRequest): Promise<RerateResult>;
  };
  alerts: {
    /** Open alerts (or all), newest first. */
    list(req: AlertListRequest): Promise<Alert[]>;
    /** The calls behind an alert (at most 1,000), in start order. */
    calls(req: { id: number }): Promise<CallRow[]>;
    /** Acknowledges these alerts, or every open one. */
    acknowledge(req: { ids?: number[]; all?: boolean }): Promise<{ acknowledged: number }>;
    rules(): Promise<AlertRuleSettings>;
    saveRules(req: AlertRuleSettings): Promise<AlertRuleSettings>;
    /** The rules over cached history; alerts already raised are joined, never doubled. */
    scan(req: AlertScanRequest): Promise<AlertScanResult>;
  };
  contacts: {
    /** The phonebook: every stored entry, or the names one PBX's calls show. */
    list(req: ContactListRequest): Promise<ContactList>;
    /** Imports a contacts file (name and number columns); a file with a bad line is refused whole (BAD_FILE lists every line). */
    import(req: ContactImportRequest): Promise<ContactImportResult>;
    /** Removes imported contacts (names learned or read from the PBX stay). */
    remove(req: ContactRemoveRequest): Promise<ContactRemoveResult>;
  };
  watch: {
    /** Each PBX's automatic sync: schedule, last success, next run, last error. */
    status(): Promise<WatchStatus[]>;
    /** Runs a round now for every PBX that has a password (the sidebar's "Sync all now"). */
    runNow(): Promise<WatchStatus[]>;
    mail(): Promise<MailSettings>;
    /** Saves the SMTP settings; a given password goes to the keychain (never to the cache). */
    saveMail(req: MailSettingsInput): Promise<MailSettings>;
    /** Sends a test message with the saved settings; MAIL_FAILED says what went wrong. */
    testMail(): Promise<void>;
  };
  dialogs: {
    /** Desktop: native open dialog; web mode: browser file picker + upload. Empty when cancelled. */
    pickImportFiles(): Promise<FileRef[]>;
    pickSaveFile(req: { suggested_name: string; format: SaveFormat }): Promise<FileRef | null>;
    pickFolder(): Promise<FileRef | null>;
  };
  tasks: {
    cancel(req: { taskId: string }): Promise<void>;
  };
  events: {
    /** Returns the unsubscribe function. */
    onProgress(listener: (event: ProgressEvent) => void): () => void;
  };
}

/** Method names on the wire: `area/method`, e.g. `calls/page`. */
export type ApiArea = Exclude<keyof UcmApi, 'events'>;
export type ApiMethodName = {
  [A in ApiArea]: `${A}/${Extract<keyof UcmApi[A], string>}`;
}[ApiArea];

/** The function type of a contract method, from its wire name: ApiMethod<'calls/page'> is UcmApi['calls']['page']. */
export type ApiMethod<M extends ApiMethodName> = M extends `${infer A extends ApiArea}/${infer K}`
  ? K extends keyof UcmApi[A]
    ? UcmApi[A][K]
    : never
  : never;
/** The request type of a contract method (undefined for methods without one). */
export type RequestOf<M extends ApiMethodName> = ApiMethod<M> extends (...args: infer P) => unknown ? P[0] : never;
/** The resolved response type of a contract method. */
export type ResponseOf<M extends ApiMethodName> = ApiMethod<M> extends (...args: never[]) => infer R ? Awaited<R> : never;

/**
 * Every contract method, once. IPC handlers, the preload, both renderer transports and the tests'
 * fake are built from this list (preload/client.ts), so it must match UcmApi exactly: `satisfies`
 * refuses a name that is not a method of UcmApi, and the check below refuses a method of UcmApi
 * missing here.
 */
export const API_METHODS = [
  'app/info',
  'app/upgradeStatus',
  'app/getSettings',
  'app/saveSettings',
  'app/openExternal',
  'pbx/list',
  'pbx/save',
  'pbx/saveImportSource',
  'pbx/remove',
  'pbx/test',
  'pbx/trust',
  'pbx/startDemo',
  'sync/run',
  'calls/page',
  'calls/totals',
  'calls/session',
  'calls/filterOptions',
  'recordings/play',
  'recordings/export',
  'imports/run',
  'imports/list',
  'imports/undo',
  'reports/run',
  'reports/save',
  'exports/run',
  'rates/list',
  'rates/show',
  'rates/import',
  'rates/assign',
  'rates/remove',
  'rates/lookup',
  'rates/state',
  'rates/rerate',
  'contacts/list',
  'contacts/import',
  'contacts/remove',
  'alerts/list',
  'alerts/calls',
  'alerts/acknowledge',
  'alerts/rules',
  'alerts/saveRules',
  'alerts/scan',
  'watch/status',
  'watch/runNow',
  'watch/mail',
  'watch/saveMail',
  'watch/testMail',
  'dialogs/pickImportFiles',
  'dialogs/pickSaveFile',
  'dialogs/pickFolder',
  'tasks/cancel',
] as const satisfies readonly ApiMethodName[];

// Fails to compile, naming the method, when UcmApi gains a method API_METHODS lacks.
type UnlistedMethods = Exclude<ApiMethodName, (typeof API_METHODS)[number]>;
const everyMethodListed: [UnlistedMethods] extends [never] ? true : { missing_from_API_METHODS: UnlistedMethods } = true;
void everyMethodListed;

/** IPC channel for progress events (main -> renderer). */
export const PROGRESS_CHANNEL = 'events/progress';

/**
 * IPC channel (desktop only, outside UcmApi) through which the preload's `files.fromDrop` hands the
 * paths of files dropped on the window to main, which answers `ApiResult<FileRef[]>`.
 */
export const DROP_CHANNEL = 'files/fromDrop';
