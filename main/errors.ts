import type { ApiErrorPayload } from '../preload/api.js';

/**
 * Errors are values with a stable code and a human message. Every layer (CLI, IPC, web mode) shows
 * `message` as is, so it must say what was wrong and what to do, and never contain a secret.
 */
export const ERROR_CODES = [
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
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

export class AppError extends Error {
  readonly code: ErrorCode;
  /** Structured, secret-free extra facts (fingerprints, positions, excerpts). */
  readonly details?: Record<string, unknown>;

  constructor(code: ErrorCode, message: string, details?: Record<string, unknown>) {
    super(message);
    this.name = 'AppError';
    this.code = code;
    this.details = details;
  }
}

export function isAppError(value: unknown): value is AppError {
  return value instanceof AppError;
}

/** Turns anything thrown into an AppError without leaking stack traces to users. */
export function toAppError(value: unknown): AppError {
  if (value instanceof AppError) return value;
  if (value instanceof Error && value.name === 'AbortError') return new AppError('CANCELLED', 'Cancelled.');
  const message = value instanceof Error ? value.message : String(value);
  return new AppError('INTERNAL', `Unexpected error: ${message}`);
}

/** Anything thrown, as the error half of the contract's ApiResult (and of import results). */
export function toErrorPayload(error: unknown): ApiErrorPayload {
  const appError = toAppError(error);
  const payload: ApiErrorPayload = { code: appError.code, message: appError.message };
  if (appError.details !== undefined) payload.details = appError.details;
  return payload;
}
