import { createHash } from 'node:crypto';

/**
 * HTTP Digest computations (RFC 7616), shared by the client (main/pbx) and the simulator's server
 * side so both speak exactly the same arithmetic.
 */
export type DigestAlgorithm = 'MD5' | 'MD5-sess' | 'SHA-256' | 'SHA-256-sess';

export interface DigestInput {
  algorithm: DigestAlgorithm;
  username: string;
  realm: string;
  password: string;
  method: string;
  uri: string;
  nonce: string;
  /** Absent for the legacy RFC 2069 form (no qop). */
  qop?: 'auth';
  nc?: string;
  cnonce?: string;
}

function hash(algorithm: DigestAlgorithm, text: string): string {
  const name = algorithm.startsWith('SHA-256') ? 'sha256' : 'md5';
  return createHash(name).update(text, 'utf8').digest('hex');
}

/** The `response` value of an Authorization: Digest header. */
export function digestResponse(input: DigestInput): string {
  const { algorithm } = input;
  let ha1 = hash(algorithm, `${input.username}:${input.realm}:${input.password}`);
  if (algorithm.endsWith('-sess')) ha1 = hash(algorithm, `${ha1}:${input.nonce}:${input.cnonce ?? ''}`);
  const ha2 = hash(algorithm, `${input.method}:${input.uri}`);
  if (!input.qop) return hash(algorithm, `${ha1}:${input.nonce}:${ha2}`);
  return hash(algorithm, `${ha1}:${input.nonce}:${input.nc ?? ''}:${input.cnonce ?? ''}:${input.qop}:${ha2}`);
}

/** Parses the parameters of a `WWW-Authenticate: Digest ...` or `Authorization: Digest ...` header. */
export function parseDigestParams(header: string): Record<string, string> {
  const params: Record<string, string> = {};
  const body = header.replace(/^\s*Digest\s+/i, '');
  const re = /([A-Za-z0-9_-]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^\s,]*))/g;
  for (let m = re.exec(body); m; m = re.exec(body)) {
    const key = (m[1] ?? '').toLowerCase();
    params[key] = m[2] !== undefined ? m[2].replace(/\\(.)/g, '$1') : (m[3] ?? '');
  }
  return params;
}
