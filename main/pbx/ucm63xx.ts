import { createHash } from 'node:crypto';
import { AppError } from '../errors.js';
import { authFailed, permissionDenied, protocolError } from './failures.js';
import type { PbxHttp, PbxStreamResponse } from './http.js';
import { readAll } from './streams.js';

/** Waits before a retry; injectable so tests never wait for real. Rejects when the signal aborts. */
export type Delay = (ms: number, signal?: AbortSignal) => Promise<void>;

export const STATUS = {
  OK: 0,
  COOKIE_INVALID: -6,
  TIMEOUT: -8,
  WRONG_CREDENTIALS: -37,
  TOO_FREQUENT: -45,
  NOT_FOUND: -16,
  TOO_FREQUENT_LOGIN: -46,
  NO_PERMISSION: -47,
} as const;

/** The PBX asks clients that call too often to wait this long. */
export const TOO_FREQUENT_WAIT_MS = 15_000;
const TIMEOUT_BASE_WAIT_MS = 2_000;
const MAX_WAIT_MS = 5 * 60_000;
export const MAX_BUSY_RETRIES = 4;

/** The wait a busy answer asks for (`retry_after` seconds in the body or a Retry-After header), bounded. */
export function retryAfterMs(seconds: unknown, fallbackMs: number): number {
  const value = typeof seconds === 'string' ? Number(seconds) : seconds;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) return fallbackMs;
  return Math.min(MAX_WAIT_MS, Math.round(value * 1000));
}

function askedWait(body: Buffer): unknown {
  try {
    return (JSON.parse(body.toString('utf8')) as { response?: { retry_after?: unknown } }).response?.retry_after;
  } catch {
    return undefined;
  }
}

/**
 * What a handler makes of one /api answer: a value, the JSON status the PBX answered instead, or an
 * HTTP status other than 200.
 */
export type ApiAnswer<T> =
  | { ok: true; value: T }
  | { ok: false; status: number; body: Buffer }
  | { ok: false; http: number; body: Buffer };

/** The answer for an HTTP status other than 200, body read so the connection stays usable. */
export async function httpFailure(response: PbxStreamResponse): Promise<{ ok: false; http: number; body: Buffer }> {
  return { ok: false, http: response.status, body: await readAll(response.body) };
}

export const sleep: Delay = (ms, signal) =>
  new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(new AppError('CANCELLED', 'Cancelled.'));
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(new AppError('CANCELLED', 'Cancelled.'));
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });

/** Reads `status` from a JSON status answer; null when the body is not one. */
export function statusOf(body: Buffer): number | null {
  try {
    const parsed = JSON.parse(body.toString('utf8')) as { status?: unknown };
    return typeof parsed.status === 'number' ? parsed.status : null;
  } catch {
    return null;
  }
}

/** Answer handler for JSON actions: the whole `{"response":..., "status":N}` body. */
export async function jsonAnswer(response: PbxStreamResponse): Promise<ApiAnswer<Record<string, unknown>>> {
  if (response.status !== 200) return httpFailure(response);
  const body = await readAll(response.body);
  let parsed: { status?: unknown; response?: unknown };
  try {
    parsed = JSON.parse(body.toString('utf8')) as typeof parsed;
  } catch {
    return { ok: false, status: Number.NaN, body };
  }
  if (parsed.status !== 0) return { ok: false, status: typeof parsed.status === 'number' ? parsed.status : Number.NaN, body };
  const value = parsed.response && typeof parsed.response === 'object' ? (parsed.response as Record<string, unknown>) : {};
  return { ok: true, value };
}

/**
 * The UCM63xx API: POST /api with `{"request": {...}}`. A session is opened with challenge/login and
 * its cookie rides in every request body; an expired cookie (-6) is renewed once per request; busy
 * answers (-8, -45, -46) are retried after the wait the PBX asks for, a bounded number of times.
 */
export class Ucm63xxApi {
  private cookie: string | null = null;

  constructor(
    private readonly http: PbxHttp,
    private readonly user: string,
    private readonly password: string,
    private readonly delay: Delay,
  ) {}

  /** Asks for a login challenge: answers whether this PBX speaks the UCM63xx API at all. */
  async challenge(signal?: AbortSignal): Promise<string> {
    const answer = await this.send({ action: 'challenge', user: this.user, version: '1.0' }, jsonAnswer, { signal });
    const challenge = answer.challenge;
    if (typeof challenge !== 'string' || challenge === '') {
      throw protocolError(this.http.target, 'the login challenge', 200, JSON.stringify(answer));
    }
    return challenge;
  }

  /** Runs one authenticated action; `handle` reads the answer (JSON, CDR data or a file). */
  async call<T>(
    action: string,
    params: Record<string, string>,
    handle: (response: PbxStreamResponse) => Promise<ApiAnswer<T>>,
    options: { signal?: AbortSignal; timeoutMs?: number } = {},
  ): Promise<T> {
    const { signal } = options;
    let renewed = false;
    for (;;) {
      const cookie = this.cookie ?? (await this.login(signal));
      try {
        return await this.send({ action, cookie, ...params }, handle, options);
      } catch (error) {
        if (!(error instanceof SessionExpired)) throw error;
        this.cookie = null;
        if (renewed) {
          throw new AppError(
            'PROTOCOL_ERROR',
            `${this.http.target.host} rejected a session it had just opened (status -6); try again later.`,
            { host: this.http.target.host, status: STATUS.COOKIE_INVALID, transient: true },
          );
        }
        renewed = true;
      }
    }
  }

  private async login(signal?: AbortSignal): Promise<string> {
    const challenge = await this.challenge(signal);
    const token = createHash('md5').update(challenge + this.password, 'utf8').digest('hex');
    const answer = await this.send({ action: 'login', user: this.user, token }, jsonAnswer, { signal });
    if (typeof answer.cookie !== 'string' || answer.cookie === '') {
      throw protocolError(this.http.target, 'the login', 200, JSON.stringify(answer));
    }
    this.cookie = answer.cookie;
    return answer.cookie;
  }

  /** One request, with the busy/backoff handling; statuses other than busy become errors. */
  private async send<T>(
    request: Record<string, string>,
    handle: (response: PbxStreamResponse) => Promise<ApiAnswer<T>>,
    { signal, timeoutMs }: { signal?: AbortSignal; timeoutMs?: number },
  ): Promise<T> {
    const target = this.http.target;
    for (let retry = 0; ; retry += 1) {
      const answer = await this.http.stream(
        {
          method: 'POST',
          path: '/api',
          headers: { 'Content-Type': 'application/json;charset=UTF-8' },
          body: JSON.stringify({ request }),
          signal,
          timeoutMs,
        },
        handle,
      );
      if (answer.ok) return answer.value;
      if ('http' in answer) {
        if (answer.http === 403) throw permissionDenied(target.host, 'HTTP 403');
        throw protocolError(target, `the ${request.action} request`, answer.http, answer.body);
      }
      const status = answer.status;
      if (status === STATUS.COOKIE_INVALID && request.action !== 'login') throw new SessionExpired();
      if (status === STATUS.WRONG_CREDENTIALS) throw authFailed(target.host, this.user);
      if (status === STATUS.NO_PERMISSION) throw permissionDenied(target.host, 'status -47');
      const busy = status === STATUS.TIMEOUT || status === STATUS.TOO_FREQUENT || status === STATUS.TOO_FREQUENT_LOGIN;
      if (!busy) throw protocolError(target, `the ${request.action} request with status ${Number.isNaN(status) ? 'missing' : status}`, 200, answer.body);
      if (retry >= MAX_BUSY_RETRIES) {
        throw new AppError(
          'RATE_LIMITED',
          `${target.host} kept answering "too busy" (status ${status}) after ${MAX_BUSY_RETRIES} retries; try again in a few minutes.`,
          { host: target.host, status },
        );
      }
      const wait = status === STATUS.TIMEOUT ? TIMEOUT_BASE_WAIT_MS * 2 ** retry : retryAfterMs(askedWait(answer.body), TOO_FREQUENT_WAIT_MS);
      await this.delay(wait, signal);
    }
  }
}

/** Internal signal from `send` to `call`: the cookie is no longer valid. */
class SessionExpired extends Error {}
