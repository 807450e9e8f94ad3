import type { ApiGeneration, CertificateInfo, PbxTestResult } from '../../preload/api.js';
import { toAppError } from '../errors.js';
import { createPbxClient, type PbxClientOptions, type PbxConnection } from './client.js';
import { fingerprintMismatch, normalizeFingerprint, probeCertificate, untrustedCertificate } from './tls.js';
import { parsePbxUrl } from './url.js';

export interface TestConnectionOptions extends PbxClientOptions {
  signal?: AbortSignal;
}

function failed(error: unknown, certificate: CertificateInfo | null = null): PbxTestResult {
  const { code, message, details } = toAppError(error);
  return { ok: false, detected_api: null, certificate, error: { code, message, ...(details ? { details } : {}) } };
}

/**
 * Checks a profile end to end, as the "Test" button and `ucmcdr pbx test` need it: the certificate
 * (returned when it is not trusted yet, so the user can compare and trust it), the API generation, and
 * the credentials with a one-record cdrapi query. Failures are returned, not thrown.
 */
export async function testConnection(
  conn: PbxConnection,
  password: string,
  options: TestConnectionOptions = {},
): Promise<PbxTestResult> {
  let certificate: CertificateInfo;
  let trusted: boolean;
  try {
    const { trusted: byCa, ...info } = await probeCertificate(conn.url, options.signal);
    certificate = info;
    trusted = byCa;
  } catch (error) {
    return failed(error);
  }
  const host = parsePbxUrl(conn.url).host;
  if (conn.fingerprint) {
    let pin: string;
    try {
      pin = normalizeFingerprint(conn.fingerprint);
    } catch (error) {
      return failed(error);
    }
    if (pin !== certificate.fingerprint) return failed(fingerprintMismatch(pin, certificate.fingerprint), certificate);
  } else if (!conn.ca_file && !trusted) {
    return failed(untrustedCertificate(host, certificate), certificate);
  }
  const client = createPbxClient(conn, password, options);
  let detected: ApiGeneration | null = null;
  try {
    detected = await client.api(options.signal);
    await client.queryCdr({ numRecords: 1 }, options.signal);
    return { ok: true, detected_api: detected, certificate: null, error: null };
  } catch (error) {
    const appError = toAppError(error);
    const shown = appError.code === 'TLS_UNTRUSTED' ? (appError.details?.certificate as CertificateInfo) : null;
    return { ...failed(appError, shown ?? null), detected_api: detected };
  } finally {
    client.close();
  }
}
