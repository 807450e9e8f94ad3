import { AppError } from '../errors.js';
import type { PbxTarget } from './url.js';

/**
 * The errors talking to a PBX ends in, each with a message that names the PBX and says what to check.
 * None of them ever carries a password, cookie, token or request header.
 */

/** PBX_UNREACHABLE with a hint matching the low-level cause. */
export function unreachable(host: string, cause: string): AppError {
  const hints: Record<string, string> = {
    ECONNREFUSED: 'nothing accepts connections on that port: check the port and that the API is enabled on the PBX',
    ENOTFOUND: 'the host name does not resolve: check the address',
    EAI_AGAIN: 'the host name could not be resolved right now: check DNS and the network',
    ETIMEDOUT: 'it did not answer in time: check the address, the network and firewalls',
    ECONNRESET: 'the connection was cut: check the network, then try again',
    EHOSTUNREACH: 'no route to the host: check the network and the address',
    ENETUNREACH: 'the network is unreachable: check this computer\'s connection',
    ERR_STREAM_PREMATURE_CLOSE: 'the connection was cut before the answer was complete: try again',
  };
  const hint = hints[cause] ?? `the connection failed (${cause}): check the address and the network`;
  return new AppError('PBX_UNREACHABLE', `Cannot reach the PBX at ${host}: ${hint}.`, { host, cause });
}

/** Cuts a response down to a short, secret-free excerpt for PROTOCOL_ERROR messages. */
export function excerpt(body: Buffer | string, max = 160): string {
  const text = (typeof body === 'string' ? body.slice(0, max * 4) : body.subarray(0, max * 4).toString('utf8'))
    .replace(/("(?:cookie|token|challenge|password)"\s*:\s*")[^"]*"/gi, '$1…"')
    .replace(/\s+/g, ' ')
    .replace(/\p{Cc}/gu, '?')
    .trim();
  return text.length > max ? `${text.slice(0, max)}…` : text;
}

export function protocolError(target: PbxTarget, what: string, status: number, body: Buffer | string): AppError {
  const shown = excerpt(body);
  return new AppError(
    'PROTOCOL_ERROR',
    `${target.host} answered ${what} unexpectedly (HTTP ${status})${shown ? `: "${shown}"` : ''}.`,
    { host: target.host, status, excerpt: shown, transient: status >= 500 },
  );
}

export function permissionDenied(host: string, how: string): AppError {
  return new AppError(
    'PERMISSION_DENIED',
    `${host} refused access (${how}): API disabled or this computer's IP is not in Permitted IPs. ` +
      'On the PBX, enable the API (CDR and REC) and add this computer to Permitted IPs.',
    { host },
  );
}

export function authFailed(host: string, user: string): AppError {
  return new AppError(
    'AUTH_FAILED',
    `${host} rejected the user name or password for "${user}": check both in the PBX profile and on the PBX's API settings.`,
    { host, user },
  );
}

/** Recordings the PBX answered 404 (or "not found") for. */
export function recordingGone(paths: string[]): AppError {
  return new AppError('RECORDING_GONE', `The recording ${paths.join(', ')} is not on the PBX any more.`, { paths });
}
