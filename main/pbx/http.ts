import type { Readable } from 'node:stream';
import fetch, { type Response } from 'node-fetch';
import { AppError } from '../errors.js';
import { unreachable } from './failures.js';
import { PbxAgent, probeCertificate, untrustedCertificate, type TrustSettings } from './tls.js';
import { parsePbxUrl, type PbxTarget } from './url.js';

export interface PbxRequest {
  method: 'GET' | 'POST';
  /** Path and query below the base URL, starting with '/'. */
  path: string;
  headers?: Record<string, string>;
  body?: string;
  signal?: AbortSignal;
  /** Whole exchange, headers and body; defaults to the client's timeout. */
  timeoutMs?: number;
}

export interface PbxResponseHead {
  status: number;
  header(name: string): string | null;
  /** Every value of a header that may repeat (WWW-Authenticate). */
  headerValues(name: string): string[];
}

export interface PbxResponse extends PbxResponseHead {
  body: Buffer;
}

export interface PbxStreamResponse extends PbxResponseHead {
  body: Readable;
}

export const DEFAULT_TIMEOUT_MS = 60_000;

/** Certificate verification failures that mean "nobody vouches for this certificate". */
const UNTRUSTED_CODES = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_UNTRUSTED',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'CERT_SIGNATURE_FAILURE',
  'ERR_TLS_CERT_ALTNAME_INVALID',
  'HOSTNAME_MISMATCH',
]);

const tails = new Map<string, Promise<void>>();

/** Runs tasks for one PBX strictly one after another, across every client talking to it. */
function serialize<T>(key: string, task: () => Promise<T>): Promise<T> {
  const previous = tails.get(key) ?? Promise.resolve();
  const run = previous.then(task);
  const tail = run.then(
    () => undefined,
    () => undefined,
  );
  tails.set(key, tail);
  void tail.then(() => {
    if (tails.get(key) === tail) tails.delete(key);
  });
  return run;
}

function head(response: Response): PbxResponseHead {
  return {
    status: response.status,
    header: (name) => response.headers.get(name),
    headerValues: (name) => response.headers.raw()[name.toLowerCase()] ?? [],
  };
}

/**
 * HTTP to one PBX: its own agent (keep-alive, one socket, the profile's trust settings), a queue so
 * requests never overlap, timeouts, cancellation, and errors turned into AppErrors that name the host
 * and never carry request headers.
 */
export class PbxHttp {
  readonly target: PbxTarget;
  private readonly agent: PbxAgent;
  private readonly timeoutMs: number;

  constructor(url: string, trust: TrustSettings, options: { timeoutMs?: number } = {}) {
    this.target = parsePbxUrl(url);
    this.agent = new PbxAgent(trust);
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  }

  /** Sends a request and reads the whole body. */
  request(req: PbxRequest): Promise<PbxResponse> {
    return this.exchange(req, async (response) => {
      const body = Buffer.from(await response.arrayBuffer());
      return { ...head(response), body };
    });
  }

  /** Sends a request and hands the body stream to `consume`; the PBX stays reserved until it returns. */
  stream<T>(req: PbxRequest, consume: (response: PbxStreamResponse) => Promise<T>): Promise<T> {
    return this.exchange(req, (response) =>
      consume({ ...head(response), body: response.body as unknown as Readable }),
    );
  }

  close(): void {
    this.agent.destroy();
  }

  private exchange<T>(req: PbxRequest, read: (response: Response) => Promise<T>): Promise<T> {
    return serialize(this.target.origin, async () => {
      if (req.signal?.aborted) throw new AppError('CANCELLED', 'Cancelled.');
      const timeout = AbortSignal.timeout(req.timeoutMs ?? this.timeoutMs);
      const signal = req.signal ? AbortSignal.any([req.signal, timeout]) : timeout;
      try {
        const response = await fetch(`${this.target.origin}${this.target.basePath}${req.path}`, {
          method: req.method,
          headers: req.headers,
          body: req.body,
          agent: this.agent,
          signal,
          redirect: 'manual',
          compress: true,
        });
        return await read(response);
      } catch (error) {
        throw await this.explain(error, req.signal, timeout);
      }
    });
  }

  private async explain(error: unknown, user: AbortSignal | undefined, timeout: AbortSignal): Promise<AppError> {
    if (error instanceof AppError) return error;
    if (user?.aborted) return new AppError('CANCELLED', 'Cancelled.');
    if (timeout.aborted) return unreachable(this.target.host, 'ETIMEDOUT');
    const failure = error as { code?: string; message?: string; type?: string };
    const code = failure.code ?? '';
    if (code === 'TLS_FINGERPRINT_MISMATCH' && this.agent.lastTlsError) return this.agent.lastTlsError;
    if (UNTRUSTED_CODES.has(code)) {
      try {
        const certificate = await probeCertificate(this.target.origin);
        const { trusted: _trusted, ...info } = certificate;
        return untrustedCertificate(this.target.host, info);
      } catch (probeError) {
        return probeError instanceof AppError ? probeError : unreachable(this.target.host, code);
      }
    }
    if (code) return unreachable(this.target.host, code);
    if (/premature close/i.test(failure.message ?? '')) return unreachable(this.target.host, 'ERR_STREAM_PREMATURE_CLOSE');
    return unreachable(this.target.host, failure.message ?? 'unknown error');
  }
}
