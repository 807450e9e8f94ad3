import { createHash, randomBytes, randomInt, timingSafeEqual } from 'node:crypto';

const CHALLENGE_TTL_MS = 60_000;
const MAX_ENTRIES = 10_000;

function sameText(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

function capped<K, V>(map: Map<K, V>): void {
  while (map.size >= MAX_ENTRIES) map.delete(map.keys().next().value as K);
}

/**
 * The UCM63xx API login: `challenge` hands out a one-time number, `login` accepts
 * md5(challenge + password) and returns a cookie, and the cookie then authorises requests until it
 * has been idle for `cookieTtlMs`.
 */
export class UcmSessions {
  private readonly challenges = new Map<string, { user: string; issuedAt: number }>();
  private readonly cookies = new Map<string, number>();

  constructor(private readonly options: { user: string; password: string; cookieTtlMs: number }) {}

  challenge(user: string): string {
    capped(this.challenges);
    let challenge = '';
    for (let i = 0; i < 4; i++) challenge += String(randomInt(0, 10_000)).padStart(4, '0');
    this.challenges.set(challenge, { user, issuedAt: Date.now() });
    return challenge;
  }

  /** A new cookie, or null for a wrong user, token or unknown/expired challenge. */
  login(user: string, token: string): string | null {
    for (const [challenge, issued] of this.challenges) {
      if (issued.user !== user || Date.now() - issued.issuedAt > CHALLENGE_TTL_MS) continue;
      const expected = createHash('md5').update(challenge + this.options.password, 'utf8').digest('hex');
      if (user === this.options.user && sameText(expected, token.toLowerCase())) {
        this.challenges.delete(challenge);
        capped(this.cookies);
        const cookie = `sid${randomBytes(16).toString('hex')}`;
        this.cookies.set(cookie, Date.now());
        return cookie;
      }
    }
    return null;
  }

  /** Whether a cookie is live; using it keeps it alive. */
  check(cookie: string): boolean {
    const lastUsed = this.cookies.get(cookie);
    if (lastUsed === undefined) return false;
    if (Date.now() - lastUsed > this.options.cookieTtlMs) {
      this.cookies.delete(cookie);
      return false;
    }
    this.cookies.set(cookie, Date.now());
    return true;
  }

  expireAll(): void {
    this.cookies.clear();
  }
}
