import { API_ERROR_CODES, type ApiErrorCode, type ApiErrorPayload } from '../../../preload/api.js';

const KNOWN_CODES: ReadonlySet<string> = new Set(API_ERROR_CODES);

function isApiErrorCode(value: unknown): value is ApiErrorCode {
  return typeof value === 'string' && KNOWN_CODES.has(value);
}

/** A failed contract call, as the renderer sees it whatever the transport. */
export class ApiError extends Error {
  readonly code: ApiErrorCode;
  readonly details?: Record<string, unknown>;

  constructor(code: ApiErrorCode, message: string, details?: Record<string, unknown>) {
    super(message);
    this.name = 'ApiError';
    this.code = code;
    this.details = details;
  }

  static fromPayload(payload: ApiErrorPayload): ApiError {
    return new ApiError(payload.code, payload.message, payload.details);
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Accepts a wire error payload; anything else is not one. */
export function parseErrorPayload(value: unknown): ApiErrorPayload | null {
  if (!isRecord(value) || typeof value.message !== 'string' || typeof value.code !== 'string') return null;
  const details = isRecord(value.details) ? value.details : undefined;
  if (isApiErrorCode(value.code)) return { code: value.code, message: value.message, details };
  // A code from a newer server: keep its words, treat it as unexpected.
  return { code: 'INTERNAL', message: value.message, details: { ...details, original_code: value.code } };
}

/**
 * Normalises whatever a transport rejected with. The desktop bridge may deliver a plain
 * `{code, message, details}` object or an Error carrying those properties (contextBridge drops the
 * prototype of thrown errors).
 */
export function toApiError(reason: unknown): ApiError {
  if (reason instanceof ApiError) return reason;
  const payload = parseErrorPayload(reason);
  if (payload) return ApiError.fromPayload(payload);
  const message = reason instanceof Error ? reason.message : String(reason);
  return new ApiError('INTERNAL', `Unexpected error: ${message}`);
}
