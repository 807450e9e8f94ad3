import { readFileSync } from 'node:fs';
import https from 'node:https';
import { isIP } from 'node:net';
import type { Duplex } from 'node:stream';
import tls, { type PeerCertificate, type TLSSocket } from 'node:tls';
import type { CertificateInfo } from '../../preload/api.js';
import { AppError } from '../errors.js';
import { unreachable } from './failures.js';
import { parsePbxUrl } from './url.js';

/** How a PBX's certificate is trusted: a pinned fingerprint, a CA file, or the system's CAs. */
export interface TrustSettings {
  fingerprint: string | null;
  ca_file: string | null;
}

const PROBE_TIMEOUT_MS = 10_000;

/**
 * Canonical form of a SHA-256 fingerprint: 32 upper-case hex pairs separated by ':'. Accepts the
 * usual ways people copy one (lower case, no colons, spaces).
 */
export function normalizeFingerprint(text: string): string {
  const hex = text.replace(/^sha-?256\s*(fingerprint)?\s*[=:]?\s*/i, '').replace(/[\s:]/g, '');
  if (!/^[0-9a-fA-F]{64}$/.test(hex)) {
    throw new AppError(
      'BAD_INPUT',
      `"${text}" is not a SHA-256 certificate fingerprint: expected 64 hex digits, e.g. "AB:CD:...".`,
      { fingerprint: text },
    );
  }
  return hex.toUpperCase().match(/../g)!.join(':');
}

function describeName(name: PeerCertificate['subject'] | undefined): string {
  if (!name) return '';
  return Object.entries(name)
    .map(([key, value]) => `${key}=${Array.isArray(value) ? value.join('+') : String(value)}`)
    .join(', ');
}

/** The facts a user compares before trusting a certificate. */
export function certificateInfo(cert: PeerCertificate): CertificateInfo {
  return {
    fingerprint: normalizeFingerprint(cert.fingerprint256),
    subject: describeName(cert.subject),
    issuer: describeName(cert.issuer),
    valid_from: new Date(cert.valid_from).toISOString(),
    valid_to: new Date(cert.valid_to).toISOString(),
  };
}

export function fingerprintMismatch(expected: string, actual: string): AppError {
  return new AppError(
    'TLS_FINGERPRINT_MISMATCH',
    `The PBX presented a different certificate than the trusted one (trusted ${expected}, presented ${actual}). ` +
      'If the PBX certificate was replaced on purpose, compare the new fingerprint on the PBX and trust it again; otherwise do not connect.',
    { expected, actual },
  );
}

export function untrustedCertificate(host: string, certificate: CertificateInfo): AppError {
  return new AppError(
    'TLS_UNTRUSTED',
    `The certificate of ${host} is not trusted yet (SHA-256 ${certificate.fingerprint}). ` +
      'Compare this fingerprint with the one shown on the PBX and trust it, or configure a CA file.',
    { certificate },
  );
}

function loadCaFile(path: string): Buffer {
  try {
    return readFileSync(path);
  } catch (error) {
    throw new AppError(
      'BAD_INPUT',
      `Cannot read the CA file "${path}" (${(error as NodeJS.ErrnoException).code ?? 'unreadable'}): check the path in the PBX profile.`,
      { ca_file: path },
    );
  }
}

/**
 * Reads the certificate a server presents, whether or not anything trusts it. Nothing but the TLS
 * handshake is sent, so an untrusted peer learns nothing.
 */
export function probeCertificate(url: string, signal?: AbortSignal): Promise<CertificateInfo & { trusted: boolean }> {
  const target = parsePbxUrl(url);
  return new Promise((resolve, reject) => {
    let settled = false;
    const socket = tls.connect({
      host: target.hostname,
      port: target.port,
      servername: isIP(target.hostname) ? undefined : target.hostname,
      // Only to read the certificate; this socket is closed right after the handshake.
      rejectUnauthorized: false,
      timeout: PROBE_TIMEOUT_MS,
    });
    const finish = (error: AppError | null, value?: CertificateInfo & { trusted: boolean }): void => {
      if (settled) return;
      settled = true;
      signal?.removeEventListener('abort', onAbort);
      socket.destroy();
      if (error) reject(error);
      else resolve(value!);
    };
    const onAbort = (): void => finish(new AppError('CANCELLED', 'Cancelled.'));
    if (signal?.aborted) return onAbort();
    signal?.addEventListener('abort', onAbort, { once: true });
    socket.once('secureConnect', () => {
      const cert = socket.getPeerCertificate();
      if (!cert || !cert.fingerprint256) {
        finish(new AppError('PROTOCOL_ERROR', `${target.host} completed a TLS handshake without a certificate.`));
        return;
      }
      finish(null, { ...certificateInfo(cert), trusted: socket.authorized });
    });
    socket.once('timeout', () => finish(unreachable(target.host, 'ETIMEDOUT')));
    socket.once('error', (error: NodeJS.ErrnoException) => finish(unreachable(target.host, error.code ?? error.message)));
  });
}

/**
 * An https.Agent bound to one PBX profile. Requests go one at a time (the device handles concurrency
 * poorly) over a kept-alive connection. With a pinned fingerprint, chain verification is replaced by
 * an exact comparison of the presented certificate on every new connection, before the socket is
 * handed to HTTP, so no request byte reaches a server with another certificate.
 */
export class PbxAgent extends https.Agent {
  /** Set when the last connection failed the pin check; read by the HTTP layer to report both prints. */
  lastTlsError: AppError | null = null;
  private readonly pin: string | null;

  constructor(trust: TrustSettings) {
    const pin = trust.fingerprint ? normalizeFingerprint(trust.fingerprint) : null;
    const ca = !pin && trust.ca_file ? loadCaFile(trust.ca_file) : undefined;
    super({
      keepAlive: true,
      maxSockets: 1,
      maxFreeSockets: 1,
      // Resumed sessions skip the certificate; every connection must show its certificate to be pinned.
      maxCachedSessions: pin ? 0 : 100,
      ...(ca ? { ca } : {}),
    });
    this.pin = pin;
  }

  override createConnection(
    options: https.RequestOptions,
    callback?: (error: Error | null, stream: Duplex) => void,
  ): Duplex | null | undefined {
    if (!this.pin || !callback) return super.createConnection(options, callback);
    const pin = this.pin;
    const socket: TLSSocket = tls.connect({ ...(options as tls.ConnectionOptions), rejectUnauthorized: false });
    const onError = (error: Error): void => callback(error, socket);
    socket.once('error', onError);
    socket.once('secureConnect', () => {
      socket.removeListener('error', onError);
      const actual = socket.getPeerCertificate()?.fingerprint256;
      if (actual && normalizeFingerprint(actual) === pin) {
        this.lastTlsError = null;
        callback(null, socket);
        return;
      }
      const failure = fingerprintMismatch(pin, actual ? normalizeFingerprint(actual) : '(none)');
      this.lastTlsError = failure;
      socket.destroy();
      callback(failure, socket);
    });
    return undefined;
  }
}
