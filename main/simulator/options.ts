import { isValidTimeZone } from '../cdr/time.js';
import { AppError } from '../errors.js';
import type { ServerDigestAlgorithm } from './digest-auth.js';

export type SimulatorApi = 'legacy' | 'ucm63xx' | 'both';

export interface SimulatorOptions {
  /** Address to listen on; default 127.0.0.1. */
  host?: string;
  /** 0 picks a free port (the default here; the CLI defaults to 8443). */
  port?: number;
  /** Which API generation(s) to serve; default both. */
  api?: SimulatorApi;
  /** Default 'cdrapi'. */
  user?: string;
  /** Default 'cdrapi123'. */
  password?: string;
  /** Calls generated at start; default 2000. */
  calls?: number;
  /** Default 1. */
  seed?: number;
  /** Length of the span of history ending at `now`, in days; default 90. */
  days?: number;
  /** The simulator's clock at start; it runs on from there. Default: the real time. */
  now?: Date;
  /** Folder where the certificate is kept across restarts; absent = a new one in memory. */
  certDir?: string;
  /** The PBX's IANA zone for its wall-clock times; default UTC. */
  tz?: string;
  /** Lifetime of a digest nonce; default 5 minutes. */
  nonceTtlMs?: number;
  /** Idle lifetime of a UCM63xx cookie; default 10 minutes. */
  cookieTtlMs?: number;
  /** Default MD5. */
  digestAlgorithm?: ServerDigestAlgorithm;
  /** false = the caller's address is not among the PBX's Permitted IPs; default true. */
  permitted?: boolean;
  /**
   * false = the API user may not read the extension list: UCM63xx listAccount answers "no permission"
   * (-47) while cdrapi and recapi work; default true.
   */
  accountList?: boolean;
  /**
   * A folder of real recordings laid out like the PBX's spool (`monitor/2024-03/x.wav`,
   * `meetme/...`): served by recapi beside the generated ones, and preferred when names collide.
   */
  recordingsDir?: string;
}

export type ResolvedOptions = Required<Omit<SimulatorOptions, 'certDir' | 'recordingsDir' | 'now'>> & {
  certDir?: string;
  recordingsDir?: string;
  now: Date;
};

/**
 * The simulator keeps every call in memory (about 3 KB each); beyond this a benchmark should stream
 * generateCalls instead.
 */
export const MAX_CALLS = 500_000;

function bad(option: string, value: unknown, expected: string): AppError {
  return new AppError('BAD_INPUT', `Invalid simulator option ${option} "${String(value)}": ${expected}.`, { option });
}

function wholeNumber(option: string, value: number, min: number, max: number): number {
  if (!Number.isSafeInteger(value) || value < min || value > max) {
    throw bad(option, value, `use a whole number from ${min} to ${max}`);
  }
  return value;
}

function positive(option: string, value: number): number {
  if (!Number.isFinite(value) || value <= 0) throw bad(option, value, 'use a number above 0');
  return value;
}

/** Fills in defaults and rejects values the simulator cannot honour, naming the option. */
export function resolveOptions(options: SimulatorOptions): ResolvedOptions {
  const api = options.api ?? 'both';
  if (!['legacy', 'ucm63xx', 'both'].includes(api)) throw bad('api', api, 'use legacy, ucm63xx or both');
  const digestAlgorithm = options.digestAlgorithm ?? 'MD5';
  if (!['MD5', 'MD5-sess', 'SHA-256'].includes(digestAlgorithm)) {
    throw bad('digestAlgorithm', digestAlgorithm, 'use MD5, MD5-sess or SHA-256');
  }
  const user = options.user ?? 'cdrapi';
  if (typeof user !== 'string' || user.trim() === '' || /[\s"\\]/.test(user)) {
    throw bad('user', user, 'use a non-empty name without spaces, quotes or backslashes');
  }
  const password = options.password ?? 'cdrapi123';
  if (typeof password !== 'string' || password === '') {
    throw new AppError('BAD_INPUT', 'Invalid simulator option password: it must not be empty.', { option: 'password' });
  }
  const tz = options.tz ?? 'UTC';
  if (!isValidTimeZone(tz)) throw bad('tz', tz, 'use an IANA zone name such as Europe/London, or UTC');
  const now = options.now ?? new Date();
  if (!(now instanceof Date) || Number.isNaN(now.getTime())) throw bad('now', now, 'use a valid date');
  const host = options.host ?? '127.0.0.1';
  if (typeof host !== 'string' || host.trim() === '') throw bad('host', host, 'use an IP address or host name');
  return {
    host,
    port: wholeNumber('port', options.port ?? 0, 0, 65535),
    api,
    user,
    password,
    calls: wholeNumber('calls', options.calls ?? 2000, 0, MAX_CALLS),
    seed: wholeNumber('seed', options.seed ?? 1, -(2 ** 31), 2 ** 32 - 1),
    days: positive('days', options.days ?? 90),
    now,
    certDir: options.certDir,
    tz,
    nonceTtlMs: positive('nonceTtlMs', options.nonceTtlMs ?? 5 * 60_000),
    cookieTtlMs: positive('cookieTtlMs', options.cookieTtlMs ?? 10 * 60_000),
    digestAlgorithm,
    permitted: options.permitted ?? true,
    accountList: options.accountList ?? true,
    recordingsDir: options.recordingsDir,
  };
}
