import { randomBytes } from 'node:crypto';
import { AppError } from '../errors.js';
import { digestResponse, parseDigestParams, type DigestAlgorithm } from './digest.js';
import { authFailed, permissionDenied } from './failures.js';
import type { PbxHttp, PbxStreamResponse } from './http.js';
import { drain } from './streams.js';

/** A Digest challenge as the PBX sent it, with the request counter for its nonce. */
interface Challenge {
  realm: string;
  nonce: string;
  opaque: string | undefined;
  algorithm: DigestAlgorithm;
  qop: 'auth' | undefined;
  /** Requests already sent with this nonce (the next one sends nc = count + 1). */
  count: number;
  cnonce: string;
}

const ALGORITHMS: Record<string, DigestAlgorithm> = {
  md5: 'MD5',
  'md5-sess': 'MD5-sess',
  'sha-256': 'SHA-256',
  'sha-256-sess': 'SHA-256-sess',
};

/** Strongest first, when the PBX offers several challenges (RFC 7616 section 3.7). */
const PREFERENCE: DigestAlgorithm[] = ['SHA-256', 'SHA-256-sess', 'MD5', 'MD5-sess'];

/** Splits WWW-Authenticate values into single challenges, also when a proxy joined several with ','. */
function splitChallenges(values: string[]): string[] {
  return values.flatMap((value) => value.split(/,\s*(?=[A-Za-z][\w-]*\s+[\w-]+\s*=)/));
}

type Outcome<T> = { done: true; value: T } | { done: false; status: number; challenges: string[] };

export function parseChallenge(values: string[], host: string): Challenge & { stale: boolean } {
  const offers = splitChallenges(values)
    .filter((value) => /^\s*Digest\s/i.test(value))
    .map((value) => parseDigestParams(value))
    .filter((params) => ALGORITHMS[(params.algorithm ?? 'MD5').toLowerCase()] && params.nonce && params.realm !== undefined);
  const byPreference = (params: Record<string, string>): number =>
    PREFERENCE.indexOf(ALGORITHMS[(params.algorithm ?? 'MD5').toLowerCase()]!);
  const chosen = offers.sort((a, b) => byPreference(a) - byPreference(b))[0];
  if (!chosen) {
    const schemes = values.map((value) => value.trim().split(/\s/)[0]).join(', ') || 'none';
    throw new AppError(
      'PROTOCOL_ERROR',
      `${host} asked for authentication this app does not speak (offered: ${schemes}); the UCM API uses HTTP Digest.`,
      { host, excerpt: schemes },
    );
  }
  const qops = (chosen.qop ?? '').split(',').map((q) => q.trim());
  if (chosen.qop !== undefined && !qops.includes('auth')) {
    throw new AppError('PROTOCOL_ERROR', `${host} requires Digest qop "${chosen.qop}", which is not supported.`, {
      host,
      excerpt: chosen.qop,
    });
  }
  return {
    realm: chosen.realm ?? '',
    nonce: chosen.nonce!,
    opaque: chosen.opaque,
    algorithm: ALGORITHMS[(chosen.algorithm ?? 'MD5').toLowerCase()]!,
    qop: chosen.qop !== undefined ? 'auth' : undefined,
    count: 0,
    cnonce: randomBytes(16).toString('hex'),
    stale: (chosen.stale ?? '').toLowerCase() === 'true',
  };
}

function quote(value: string): string {
  return `"${value.replace(/(["\\])/g, '\\$1')}"`;
}

/**
 * The legacy (UCM61xx/62xx/65xx) API behind HTTP Digest. The nonce is kept and counted across
 * requests, so a page costs one round trip; an expired nonce (`stale=true`) is renewed once.
 */
export class LegacyApi {
  private challenge: Challenge | null = null;

  constructor(
    private readonly http: PbxHttp,
    private readonly user: string,
    private readonly password: string,
  ) {}

  /** GET `path` (with its query) and let `handle` read any answer other than 401/403. */
  async get<T>(
    path: string,
    handle: (response: PbxStreamResponse) => Promise<T>,
    options: { signal?: AbortSignal; timeoutMs?: number } = {},
  ): Promise<T> {
    const host = this.http.target.host;
    const uri = `${this.http.target.basePath}${path}`;
    // At most: one request with a remembered nonce, one with a renewed one, one after a stale answer.
    let fresh = false;
    for (let attempt = 0; attempt < 3; attempt += 1) {
      const used = this.challenge;
      const headers: Record<string, string> = {};
      if (used) headers.Authorization = this.authorization(used, 'GET', uri);
      const outcome = await this.http.stream(
        { method: 'GET', path, headers, signal: options.signal, timeoutMs: options.timeoutMs },
        async (response): Promise<Outcome<T>> => {
          if (response.status === 401 || response.status === 403) {
            await drain(response.body);
            return { done: false, status: response.status, challenges: response.headerValues('www-authenticate') };
          }
          return { done: true, value: await handle(response) };
        },
      );
      if (outcome.done) return outcome.value;
      if (outcome.status === 403) throw permissionDenied(host, 'HTTP 403');
      const next = parseChallenge(outcome.challenges, host);
      // Rejected right after answering a challenge received in this call: the credentials are wrong,
      // unless the PBX only says the nonce went stale.
      if (used && fresh && !next.stale) throw authFailed(host, this.user);
      this.challenge = next;
      fresh = true;
    }
    throw authFailed(host, this.user);
  }

  private authorization(challenge: Challenge, method: string, uri: string): string {
    challenge.count += 1;
    const nc = challenge.count.toString(16).padStart(8, '0');
    const response = digestResponse({
      algorithm: challenge.algorithm,
      username: this.user,
      realm: challenge.realm,
      password: this.password,
      method,
      uri,
      nonce: challenge.nonce,
      ...(challenge.qop ? { qop: challenge.qop, nc, cnonce: challenge.cnonce } : {}),
    });
    const parts = [
      `username=${quote(this.user)}`,
      `realm=${quote(challenge.realm)}`,
      `nonce=${quote(challenge.nonce)}`,
      `uri=${quote(uri)}`,
      `algorithm=${challenge.algorithm}`,
      `response=${quote(response)}`,
    ];
    if (challenge.qop) parts.push(`qop=${challenge.qop}`, `nc=${nc}`, `cnonce=${quote(challenge.cnonce)}`);
    if (challenge.opaque !== undefined) parts.push(`opaque=${quote(challenge.opaque)}`);
    return `Digest ${parts.join(', ')}`;
  }
}
