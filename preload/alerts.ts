/**
 * The watch part of the contract (docs/watch.md): alert rules, alerts, sync schedules and mail. JSON
 * field names are what `ucmcdr alerts --format json` prints: a contract scripts rely on.
 */

export const ALERT_RULES = [
  'premium-destination',
  'after-hours',
  'failed-burst',
  'concurrency-spike',
  'volume-drift',
  'new-destination-long-call',
  'sync-failing',
] as const;
export type AlertRule = (typeof ALERT_RULES)[number];

export const SEVERITIES = ['info', 'warning', 'critical'] as const;
export type Severity = (typeof SEVERITIES)[number];

/** One alert: a rule's episode (a night of after-hours calls, a burst, a day's spike), never two for one. */
export interface Alert {
  id: number;
  rule: AlertRule;
  severity: Severity;
  pbx: string;
  /** PBX wall clock of the first and last call (or failure) of the episode. */
  first_at: string;
  last_at: string;
  title: string;
  /** Sessions of the calls behind it (at most the first 1,000; `calls` counts them all). */
  sessions: string[];
  calls: number;
  acknowledged: boolean;
  /** ISO 8601 UTC: when the alert was raised. */
  raised_at: string;
  /** ISO 8601 UTC: when it was e-mailed; null = not (yet). */
  mailed_at: string | null;
}

/** The thresholds of each rule (defaults in docs/watch.md); a rule off raises nothing. */
export interface AlertRuleSettings {
  'premium-destination': { enabled: boolean; prefixes: string[] };
  'after-hours': { enabled: boolean };
  'failed-burst': { enabled: boolean; calls: number; minutes: number };
  'concurrency-spike': { enabled: boolean; factor: number; minimum: number; days: number };
  /** minimum_minutes: a day below it never alerts, however quiet the weeks before. */
  'volume-drift': { enabled: boolean; factor: number; weeks: number; minimum_minutes: number };
  /** learning_days: a PBX's first days of history teach it where it calls, they raise nothing. */
  'new-destination-long-call': { enabled: boolean; minutes: number; learning_days: number };
  'sync-failing': { enabled: boolean; hours: number };
}

export const SYNC_SCHEDULES = [0, 5, 15, 60] as const;
/** Minutes between automatic syncs of a PBX; 0 = off. */
export type SyncSchedule = (typeof SYNC_SCHEDULES)[number];

/** Where a PBX's automatic sync stands (the sidebar). */
export interface WatchStatus {
  pbx: string;
  schedule: SyncSchedule;
  /** ISO 8601 UTC, or null. */
  last_success: string | null;
  next_run: string | null;
  last_error: string | null;
  /** Consecutive failed rounds (the back-off grows with them). */
  failures: number;
  running: boolean;
}

export interface AlertListRequest {
  /** Include acknowledged alerts. */
  all?: boolean;
  /** PBX wall clock date or time: alerts whose last call is at or after it. */
  since?: string;
}

export interface AlertScanRequest {
  pbx?: string[];
  from?: string;
  to?: string;
}

export interface AlertScanResult {
  calls: number;
  raised: number;
  joined: number;
}

/** SMTP settings of the desktop app (the password lives in the OS keychain, never here). */
export interface MailSettings {
  /** `smtp://[user@]host[:port]` (STARTTLS when offered) or `smtps://` (TLS); '' = no mail. */
  smtp: string;
  from: string;
  to: string[];
  /** `HH:MM` local time of the daily report; '' = none. */
  daily_report: string;
  has_password: boolean;
}

/**
 * The alert rules' defaults (the window's "Reset to defaults" and the services start from them;
 * main/alerts/settings.ts checks a change). The premium list (docs/watch.md names its sources):
 * ITU-T E.164 "international networks" 881 (global mobile satellite), 882 and 883 (international
 * networks), 870 (Inmarsat), 979 (International Premium Rate Service) and 991 (ITPCS trials); the North
 * American area codes that are other countries although dialled like domestic ones (Caribbean NANP
 * members, the issue's list) and 1900/1976 (US premium rate).
 */
export const DEFAULT_PREMIUM_PREFIXES: readonly string[] = [
  '870',
  '881',
  '882',
  '883',
  '979',
  '991',
  '1242',
  '1246',
  '1264',
  '1268',
  '1284',
  '1345',
  '1441',
  '1473',
  '1649',
  '1664',
  '1758',
  '1767',
  '1784',
  '1809',
  '1829',
  '1849',
  '1868',
  '1869',
  '1876',
  '1900',
  '1976',
];

export const DEFAULT_RULE_SETTINGS: AlertRuleSettings = {
  'premium-destination': { enabled: true, prefixes: [...DEFAULT_PREMIUM_PREFIXES] },
  'after-hours': { enabled: true },
  'failed-burst': { enabled: true, calls: 10, minutes: 10 },
  'concurrency-spike': { enabled: true, factor: 2, minimum: 4, days: 28 },
  'volume-drift': { enabled: true, factor: 3, weeks: 4, minimum_minutes: 60 },
  'new-destination-long-call': { enabled: true, minutes: 20, learning_days: 7 },
  'sync-failing': { enabled: true, hours: 2 },
};

