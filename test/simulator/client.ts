import { createHash } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { request } from 'node:https';
import { digestResponse, parseDigestParams, type DigestAlgorithm } from '../../main/pbx/digest.js';
import type { RunningSimulator } from '../../main/simulator/index.js';

/** Test-side HTTPS helpers that trust exactly the simulator's certificate (never TLS off). */
export interface HttpResult {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

export function httpsRequest(
  sim: Pick<RunningSimulator, 'url' | 'certificatePem'>,
  path: string,
  options: { method?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<HttpResult> {
  return new Promise((resolve, reject) => {
    const req = request(
      `${sim.url}${path}`,
      { method: options.method ?? 'GET', ca: sim.certificatePem, headers: options.headers, agent: false },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('error', reject);
        res.on('close', () => {
          if (!res.complete) reject(new Error('connection cut before the whole body arrived'));
          else resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) });
        });
      },
    );
    req.on('error', reject);
    if (options.body !== undefined) req.write(options.body);
    req.end();
  });
}

export function authorization(
  challengeHeader: string,
  opts: { user: string; password: string; method?: string; uri: string; nc: number; cnonce?: string; algorithm?: DigestAlgorithm },
): string {
  const p = parseDigestParams(challengeHeader);
  const algorithm = opts.algorithm ?? ((p.algorithm ?? 'MD5') as DigestAlgorithm);
  const nc = opts.nc.toString(16).padStart(8, '0');
  const cnonce = opts.cnonce ?? 'f2d4c0ffee';
  const response = digestResponse({
    algorithm,
    username: opts.user,
    realm: p.realm ?? '',
    password: opts.password,
    method: opts.method ?? 'GET',
    uri: opts.uri,
    nonce: p.nonce ?? '',
    qop: 'auth',
    nc,
    cnonce,
  });
  return (
    `Digest username="${opts.user}", realm="${p.realm}", nonce="${p.nonce}", uri="${opts.uri}", ` +
    `algorithm=${algorithm}, qop=auth, nc=${nc}, cnonce="${cnonce}", response="${response}", opaque="${p.opaque}"`
  );
}

/** A minimal Digest client: reuses the nonce with a growing nc, answers one `stale=true` by retrying. */
export class DigestClient {
  private challenge: string | null = null;
  private nc = 0;

  constructor(
    private readonly sim: RunningSimulator,
    private readonly credentials: { user: string; password: string } = { user: 'cdrapi', password: 'cdrapi123' },
  ) {}

  async get(path: string): Promise<HttpResult> {
    for (let attempt = 0; attempt < 3; attempt++) {
      const headers: Record<string, string> = {};
      if (this.challenge) headers.Authorization = authorization(this.challenge, { ...this.credentials, uri: path, nc: ++this.nc });
      const result = await httpsRequest(this.sim, path, { headers });
      if (result.status !== 401) return result;
      const fresh = String(result.headers['www-authenticate']);
      const retry = !this.challenge || /stale=true/i.test(fresh);
      this.challenge = fresh;
      this.nc = 0;
      if (!retry) return result;
    }
    throw new Error('digest retry loop did not settle');
  }

  async text(path: string): Promise<string> {
    const result = await this.get(path);
    if (result.status !== 200) throw new Error(`GET ${path} answered ${result.status}`);
    return result.body.toString('utf8');
  }

  async json<T = { cdr_root: Record<string, unknown>[] }>(path: string): Promise<T> {
    return JSON.parse(await this.text(path)) as T;
  }
}

export type ApiResponse = { status: number; response?: Record<string, unknown>; cdr_root?: Record<string, unknown>[] };

export async function apiCall(sim: RunningSimulator, request: Record<string, unknown>): Promise<HttpResult> {
  return httpsRequest(sim, '/api', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ request }),
  });
}

export async function apiJson(sim: RunningSimulator, request: Record<string, unknown>): Promise<ApiResponse> {
  return JSON.parse((await apiCall(sim, request)).body.toString('utf8')) as ApiResponse;
}

/** challenge + login; returns the cookie or throws with the status. */
export async function login(sim: RunningSimulator, user = 'cdrapi', password = 'cdrapi123'): Promise<string> {
  const challenge = await apiJson(sim, { action: 'challenge', user, version: '1.0' });
  const token = createHash('md5').update(`${String(challenge.response?.challenge)}${password}`).digest('hex');
  const answer = await apiJson(sim, { action: 'login', user, token });
  if (answer.status !== 0) throw new Error(`login status ${answer.status}`);
  return String(answer.response?.cookie);
}
