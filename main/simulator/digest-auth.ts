import { randomBytes, timingSafeEqual } from 'node:crypto';
import { digestResponse, parseDigestParams } from '../pbx/digest.js';

export type ServerDigestAlgorithm = 'MD5' | 'MD5-sess' | 'SHA-256';

export interface DigestGuardOptions {
  realm: string;
  user: string;
  password: string;
  algorithm: ServerDigestAlgorithm;
  nonceTtlMs: number;
}

/** `ok`: let it through; `challenge`: 401 with a fresh nonce; `stale`: 401 with `stale=true`. */
export type DigestVerdict = 'ok' | 'challenge' | 'stale';

interface NonceState {
  issuedAt: number;
  /** Highest nonce count seen: a count that does not grow is a replay. */
  lastNc: number;
}

const MAX_LIVE_NONCES = 10_000;

function sameText(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

/**
 * The server half of HTTP Digest (RFC 7616) as the legacy cdrapi/recapi use it: qop=auth only, an
 * opaque value per server, nonces that expire (a correct answer to an expired nonce earns
 * `stale=true`, so clients retry without asking the user again), nonce counts checked for replay.
 */
export class DigestGuard {
  private readonly nonces = new Map<string, NonceState>();
  private readonly opaque = randomBytes(16).toString('hex');

  constructor(private readonly options: DigestGuardOptions) {}

  /** The WWW-Authenticate value of a 401, with a newly issued nonce. */
  challenge(stale: boolean): string {
    this.prune();
    const nonce = randomBytes(18).toString('base64url');
    this.nonces.set(nonce, { issuedAt: Date.now(), lastNc: 0 });
    const { realm, algorithm } = this.options;
    return (
      `Digest realm="${realm}", qop="auth", algorithm=${algorithm}, nonce="${nonce}", opaque="${this.opaque}"` +
      (stale ? ', stale=true' : '')
    );
  }

  verify(header: string | undefined, method: string, requestUri: string): DigestVerdict {
    if (!header || !/^\s*Digest\s/i.test(header)) return 'challenge';
    const p = parseDigestParams(header);
    const { realm, user, password, algorithm } = this.options;
    const claimed = p.algorithm ?? 'MD5';
    if (
      p.username !== user ||
      p.realm !== realm ||
      claimed.toUpperCase() !== algorithm.toUpperCase() ||
      p.qop !== 'auth' ||
      p.opaque !== this.opaque ||
      p.uri !== requestUri ||
      !p.nonce ||
      !p.cnonce ||
      !/^[0-9a-fA-F]{8}$/.test(p.nc ?? '') ||
      !p.response
    ) {
      return 'challenge';
    }
    const expected = digestResponse({
      algorithm,
      username: user,
      realm,
      password,
      method,
      uri: requestUri,
      nonce: p.nonce,
      qop: 'auth',
      nc: p.nc,
      cnonce: p.cnonce,
    });
    if (!sameText(expected, p.response.toLowerCase())) return 'challenge';
    const state = this.nonces.get(p.nonce);
    if (!state || Date.now() - state.issuedAt > this.options.nonceTtlMs) {
      this.nonces.delete(p.nonce);
      return 'stale';
    }
    const nc = parseInt(p.nc as string, 16);
    if (nc <= state.lastNc) return 'challenge';
    state.lastNc = nc;
    return 'ok';
  }

  /** Forgets every nonce: the next request of every client is answered `stale=true`. */
  expireAll(): void {
    this.nonces.clear();
  }

  private prune(): void {
    const now = Date.now();
    for (const [nonce, state] of this.nonces) {
      if (now - state.issuedAt > this.options.nonceTtlMs) this.nonces.delete(nonce);
    }
    // Clients that never come back must not grow the map without bound.
    while (this.nonces.size >= MAX_LIVE_NONCES) {
      const oldest = this.nonces.keys().next().value as string;
      this.nonces.delete(oldest);
    }
  }
}
