import type { ApiGeneration } from '../../preload/api.js';
import { parseCdrResponse, type ParsedCdr } from '../cdr/parse.js';
import type { CdrCall } from '../cdr/types.js';
import { AppError, toAppError } from '../errors.js';
import { countCdrRootEntries } from './entries.js';
import { excerpt, protocolError, recordingGone } from './failures.js';
import { PbxHttp, type PbxStreamResponse } from './http.js';
import { LegacyApi } from './legacy.js';
import { cdrQueryParams, queryString, type CdrQuery } from './query.js';
import { checkRecordingPaths, readRecordingBody, recapiFilename, recapiQuery, RECORDINGS_FILEDIR, type RecordingPayload } from './recapi.js';
import { readAll } from './streams.js';
import {
  jsonAnswer,
  httpFailure,
  MAX_BUSY_RETRIES,
  retryAfterMs,
  sleep,
  STATUS,
  statusOf,
  TOO_FREQUENT_WAIT_MS,
  Ucm63xxApi,
  type ApiAnswer,
  type Delay,
} from './ucm63xx.js';

/** What a client needs from a PBX profile (a PbxProfile fits). The password is passed separately. */
export interface PbxConnection {
  url: string;
  api: 'auto' | ApiGeneration;
  user: string;
  fingerprint: string | null;
  ca_file: string | null;
}

export interface PbxClientOptions {
  /** Per request, headers and body; default 60 s. */
  timeoutMs?: number;
  /** Recordings can be large: their own limit; default 10 min. */
  recordingTimeoutMs?: number;
  /** Waits before a UCM63xx busy retry (the PBX asks for 15 s); tests inject an instant one. */
  delay?: Delay;
}

/** One cdrapi page. */
export interface CdrPage {
  calls: CdrCall[];
  /** Top-level entries the PBX returned (offsets count these). */
  entries: number;
  /** Bytes of the response body. */
  bytes: number;
  /** Records the parser could not use, with its reasons. */
  problems: number;
}

export interface PbxClient {
  readonly host: string;
  /** The API generation: the profile's, or detected on first use (POST /api challenge, else legacy). */
  api(signal?: AbortSignal): Promise<ApiGeneration>;
  queryCdr(query: CdrQuery, signal?: AbortSignal): Promise<CdrPage>;
  /** Fetches `recordfiles` entries (month folder included); RECORDING_GONE when the PBX has none of them. */
  fetchRecording(paths: string | string[], signal?: AbortSignal): Promise<RecordingPayload>;
  /**
   * The PBX's extensions with their full names (UCM63xx `listAccount`, page by page); null on the
   * legacy API, which has no such list. PERMISSION_DENIED (or another error) when the API user may not
   * read it; PROTOCOL_ERROR past EXTENSION_PAGES pages (the list would be incomplete).
   */
  listExtensions(signal?: AbortSignal): Promise<PbxExtension[] | null>;
  /** Closes kept-alive connections. */
  close(): void;
}

const RECORDING_TIMEOUT_MS = 10 * 60_000;

/** One extension of the PBX's list. */
export interface PbxExtension {
  extension: string;
  fullname: string;
}

/**
 * listAccount pages: 500 extensions each, at most 20 pages. A UCM63xx holds up to a few thousand
 * extensions; a list that does not end within 10,000 is not read (never half of one).
 */
export const EXTENSION_PAGE_SIZE = 500;
export const EXTENSION_PAGES = 20;

/** Whether an error from the /api challenge means "this PBX has no UCM63xx API" (so: legacy). */
function meansNoNewApi(error: unknown): boolean {
  if (!(error instanceof AppError) || error.code !== 'PROTOCOL_ERROR') return false;
  const status = error.details?.status;
  return typeof status === 'number' && status !== 200 && status < 500;
}

function parsePage(text: string, bytes: number, host: string): CdrPage {
  let parsed: ParsedCdr;
  try {
    parsed = parseCdrResponse(text);
  } catch (error) {
    // A page cut short or garbled on the way is worth asking for again.
    throw new AppError('PROTOCOL_ERROR', `${host} sent a cdrapi answer that cannot be read: ${toAppError(error).message}`, {
      host,
      excerpt: excerpt(text),
      transient: true,
    });
  }
  if (parsed.format !== 'json') {
    throw new AppError('PROTOCOL_ERROR', `${host} answered a JSON cdrapi query with ${parsed.format} data.`, {
      host,
      excerpt: excerpt(text),
    });
  }
  const entries = countCdrRootEntries(text) ?? parsed.calls.length;
  return { calls: parsed.calls, entries, bytes, problems: parsed.problems.length };
}

class Client implements PbxClient {
  readonly host: string;
  private readonly http: PbxHttp;
  private readonly legacy: LegacyApi;
  private readonly ucm: Ucm63xxApi;
  private generation: ApiGeneration | null;
  private readonly recordingTimeoutMs: number;
  private readonly delay: Delay;

  constructor(conn: PbxConnection, password: string, options: PbxClientOptions) {
    this.http = new PbxHttp(conn.url, { fingerprint: conn.fingerprint, ca_file: conn.ca_file }, { timeoutMs: options.timeoutMs });
    this.host = this.http.target.host;
    this.legacy = new LegacyApi(this.http, conn.user, password);
    this.delay = options.delay ?? sleep;
    this.ucm = new Ucm63xxApi(this.http, conn.user, password, this.delay);
    this.generation = conn.api === 'auto' ? null : conn.api;
    this.recordingTimeoutMs = options.recordingTimeoutMs ?? RECORDING_TIMEOUT_MS;
  }

  async api(signal?: AbortSignal): Promise<ApiGeneration> {
    if (this.generation) return this.generation;
    try {
      await this.ucm.challenge(signal);
      this.generation = 'ucm63xx';
    } catch (error) {
      if (!meansNoNewApi(error)) throw error;
      this.generation = 'legacy';
    }
    return this.generation;
  }

  async queryCdr(query: CdrQuery, signal?: AbortSignal): Promise<CdrPage> {
    const params = cdrQueryParams(query);
    if ((await this.api(signal)) === 'legacy') {
      const path = `/cdrapi?${queryString(params)}`;
      const body = await this.legacyBusyRetry(() => this.legacy.get(path, (response) => this.cdrBody(response), { signal }), signal);
      return parsePage(body.toString('utf8'), body.length, this.host);
    }
    const body = await this.ucm.call('cdrapi', Object.fromEntries(params), (response) => this.cdrAnswer(response), { signal });
    return parsePage(body.toString('utf8'), body.length, this.host);
  }

  async fetchRecording(paths: string | string[], signal?: AbortSignal): Promise<RecordingPayload> {
    const list = typeof paths === 'string' ? [paths] : paths;
    checkRecordingPaths(list);
    const timeoutMs = this.recordingTimeoutMs;
    if ((await this.api(signal)) === 'legacy') {
      const path = `/recapi?${recapiQuery(list)}`;
      return this.legacyBusyRetry(() => this.legacy.get(path, (response) => this.legacyRecording(response, list), { signal, timeoutMs }), signal);
    }
    return this.ucm.call(
      'recapi',
      { filedir: RECORDINGS_FILEDIR, filename: recapiFilename(list) },
      (response) => this.ucmRecording(response, list),
      { signal, timeoutMs },
    );
  }

  async listExtensions(signal?: AbortSignal): Promise<PbxExtension[] | null> {
    if ((await this.api(signal)) === 'legacy') return null;
    const extensions: PbxExtension[] = [];
    for (let page = 1; page <= EXTENSION_PAGES; page += 1) {
      const answer = await this.ucm.call(
        'listAccount',
        { item_num: String(EXTENSION_PAGE_SIZE), page: String(page), options: 'extension,fullname', sidx: 'extension', sord: 'asc' },
        jsonAnswer,
        { signal },
      );
      const accounts = answer.account;
      if (!Array.isArray(accounts)) throw protocolError(this.http.target, 'the extension list (listAccount)', 200, JSON.stringify(answer));
      for (const account of accounts as unknown[]) {
        if (typeof account !== 'object' || account === null) continue;
        const { extension, fullname } = account as Record<string, unknown>;
        if (typeof extension !== 'string' && typeof extension !== 'number') continue;
        extensions.push({ extension: String(extension), fullname: typeof fullname === 'string' ? fullname : '' });
      }
      const pages = Number(answer.total_page);
      if (accounts.length === 0 || !Number.isFinite(pages) || page >= pages) return extensions;
    }
    throw new AppError('PROTOCOL_ERROR', `${this.host} lists more than ${EXTENSION_PAGES * EXTENSION_PAGE_SIZE} extensions; their names were not read.`, {
      host: this.host,
    });
  }

  close(): void {
    this.http.close();
  }

  /** Legacy answers 429 with Retry-After when called too often: wait as asked, a bounded number of times. */
  private async legacyBusyRetry<T>(send: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    for (let retry = 0; ; retry += 1) {
      try {
        return await send();
      } catch (error) {
        if (!(error instanceof AppError) || error.code !== 'RATE_LIMITED' || retry >= MAX_BUSY_RETRIES) throw error;
        await this.delay(retryAfterMs(error.details?.retry_after, TOO_FREQUENT_WAIT_MS), signal);
      }
    }
  }

  private async cdrBody(response: PbxStreamResponse): Promise<Buffer> {
    const body = await readAll(response.body);
    if (response.status === 200) return body;
    if (response.status === 429) throw this.rateLimited(response);
    throw protocolError(this.http.target, 'a cdrapi query', response.status, body);
  }

  /** cdrapi on /api: the records sit at the top level next to `status`; any other answer is a status. */
  private async cdrAnswer(response: PbxStreamResponse): Promise<ApiAnswer<Buffer>> {
    if (response.status !== 200) return httpFailure(response);
    const body = await readAll(response.body);
    // Looking for the key first spares a second parse of large pages.
    if (body.includes('"cdr_root"')) {
      const tail = body.subarray(Math.max(0, body.length - 64)).toString('utf8');
      const status = /"status"\s*:\s*(-?\d+)\s*\}\s*$/.exec(tail);
      if (!status || Number(status[1]) === 0) return { ok: true, value: body };
    }
    const status = statusOf(body);
    return { ok: false, status: status ?? Number.NaN, body };
  }

  private async legacyRecording(response: PbxStreamResponse, paths: string[]): Promise<RecordingPayload> {
    if (response.status === 404) {
      await readAll(response.body);
      throw recordingGone(paths);
    }
    if (response.status === 429) {
      await readAll(response.body);
      throw this.rateLimited(response);
    }
    if (response.status !== 200) throw protocolError(this.http.target, 'a recapi request', response.status, await readAll(response.body));
    const payload = await readRecordingBody(response);
    if ('other' in payload) throw protocolError(this.http.target, `a recapi request with ${payload.type || 'unknown content'}`, 200, payload.other);
    return payload;
  }

  private async ucmRecording(response: PbxStreamResponse, paths: string[]): Promise<ApiAnswer<RecordingPayload>> {
    if (response.status === 404) {
      await readAll(response.body);
      throw recordingGone(paths);
    }
    if (response.status !== 200) return httpFailure(response);
    const payload = await readRecordingBody(response);
    if (!('other' in payload)) return { ok: true, value: payload };
    const status = statusOf(payload.other);
    if (status === null) return { ok: false, status: Number.NaN, body: payload.other };
    if (status === STATUS.NOT_FOUND) throw recordingGone(paths);
    return { ok: false, status, body: payload.other };
  }

  private rateLimited(response: PbxStreamResponse): AppError {
    return new AppError('RATE_LIMITED', `${this.host} asks to slow down (HTTP 429); try again in a minute.`, {
      host: this.host,
      retry_after: response.header('retry-after'),
    });
  }
}

/** A client for one PBX profile: its own agent and trust settings, requests one at a time. */
export function createPbxClient(conn: PbxConnection, password: string, options: PbxClientOptions = {}): PbxClient {
  return new Client(conn, password, options);
}
