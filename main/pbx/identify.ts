import type { ApiGeneration } from '../../preload/api.js';
import { AppError } from '../errors.js';
import type { PbxConnection } from './client.js';
import { excerpt } from './failures.js';
import { PbxHttp, type PbxResponse } from './http.js';
import { parseChallenge } from './legacy.js';
import { statusOf } from './ucm63xx.js';

/** Each question is one small request; a UCM answers it at once. */
const IDENTIFY_TIMEOUT_MS = 15_000;

function answered(path: string, response: PbxResponse): string {
  const shown = excerpt(response.body, 60);
  return `${path} answered HTTP ${response.status}${shown ? ` ("${shown}")` : ''}`;
}

/**
 * Asks the server at `conn.url` whether it is a UCM API, without credentials: the UCM63xx `/api`
 * must answer a login challenge request with its JSON status, the legacy `/cdrapi` must ask for HTTP
 * Digest (401). Neither sends anything secret (no password, digest answer or login token), so a
 * server that is not a UCM learns nothing; it is how trust-on-first-use makes sure the certificate it
 * pins is a PBX's. Only the generations `conn.api` allows are asked. Resolves to the generation that
 * answered; PROTOCOL_ERROR saying what each path answered otherwise. Connections use `conn`'s trust
 * settings, so with a pin they reach only the server presenting that certificate.
 */
export async function identifyUcmApi(conn: PbxConnection, signal?: AbortSignal): Promise<ApiGeneration> {
  const http = new PbxHttp(conn.url, { fingerprint: conn.fingerprint, ca_file: conn.ca_file }, { timeoutMs: IDENTIFY_TIMEOUT_MS });
  const host = http.target.host;
  const answers: string[] = [];
  try {
    if (conn.api !== 'legacy') {
      const response = await http.request({
        method: 'POST',
        path: '/api',
        headers: { 'Content-Type': 'application/json;charset=UTF-8' },
        body: JSON.stringify({ request: { action: 'challenge', user: conn.user, version: '1.0' } }),
        signal,
      });
      // Any JSON status (0 with a challenge, -47 for an IP not permitted, ...) is the UCM63xx API speaking.
      if (response.status === 200 && statusOf(response.body) !== null) return 'ucm63xx';
      answers.push(answered('/api', response));
    }
    if (conn.api !== 'ucm63xx') {
      const response = await http.request({ method: 'GET', path: '/cdrapi?format=json&numRecords=1', signal });
      if (response.status === 401) {
        try {
          parseChallenge(response.headerValues('www-authenticate'), host);
          return 'legacy';
        } catch (error) {
          answers.push(`/cdrapi asked for ${error instanceof AppError ? 'authentication other than HTTP Digest' : 'authentication'}`);
        }
      } else {
        answers.push(
          answered('/cdrapi', response) +
            (response.status === 403 ? ' (a UCM answers so when this computer is not in its API\'s Permitted IPs)' : ''),
        );
      }
    }
  } finally {
    http.close();
  }
  const asked = conn.api === 'legacy' ? 'the legacy cdrapi' : conn.api === 'ucm63xx' ? 'the UCM63xx /api' : 'neither the UCM63xx /api nor the legacy cdrapi';
  throw new AppError(
    'PROTOCOL_ERROR',
    `${host} did not answer as a UCM API (${asked}): ${answers.join('; ')}. Check the address, the port and that the API is enabled on the PBX.`,
    { host, answers },
  );
}
