import { AppError } from '../errors.js';

/** A PBX base URL, checked once: where requests go and how the PBX is named in messages. */
export interface PbxTarget {
  /** `https://host:port` */
  origin: string;
  /** `host:port` for messages. */
  host: string;
  hostname: string;
  port: number;
  /** Path prefix without a trailing slash ('' for the usual base URL). */
  basePath: string;
}

const DEFAULT_PORT = 8443;

/**
 * Validates a profile's URL. Only https: the API carries credentials and call data. A URL without a
 * port uses the UCM's default API port 8443, as the guide documents.
 */
export function parsePbxUrl(url: string): PbxTarget {
  let parsed: URL;
  try {
    parsed = new URL(url.trim());
  } catch {
    throw new AppError('BAD_INPUT', `"${url}" is not a URL: write the PBX address as https://HOST:8443.`, { url });
  }
  if (parsed.protocol !== 'https:') {
    throw new AppError('BAD_INPUT', `"${url}" must start with https:// (the UCM API only speaks HTTPS).`, { url });
  }
  if (parsed.username || parsed.password) {
    throw new AppError('BAD_INPUT', 'Put the user name in the profile, not in the PBX URL.', { url: parsed.host });
  }
  if (parsed.search || parsed.hash) {
    throw new AppError('BAD_INPUT', `"${url}" must not carry a query or fragment: give only https://HOST:PORT.`, { url });
  }
  const hostname = parsed.hostname.replace(/^\[(.*)\]$/, '$1');
  const port = parsed.port ? Number(parsed.port) : DEFAULT_PORT;
  const hostForUrl = hostname.includes(':') ? `[${hostname}]` : hostname;
  return {
    origin: `https://${hostForUrl}:${port}`,
    host: `${hostForUrl}:${port}`,
    hostname,
    port,
    basePath: parsed.pathname.replace(/\/+$/, ''),
  };
}
