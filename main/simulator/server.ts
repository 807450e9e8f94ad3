import { createServer, type Server } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { CdrCall } from '../cdr/types.js';
import { AppError } from '../errors.js';
import { parseCdrRequest, type ParsedCdrRequest } from './cdrapi-query.js';
import { loadOrCreateCertificate } from './certificate.js';
import { Dataset } from './dataset.js';
import { DigestGuard } from './digest-auth.js';
import type { Flavour } from './fields.js';
import { generateCalls } from './generator.js';
import { BodyTooLarge, parseQuery, readBody, send, sendCut, sendJson } from './http-util.js';
import { resolveOptions, type ResolvedOptions, type SimulatorOptions } from './options.js';
import { answerRecapi, RecordingCatalog, type RecapiAnswer } from './recapi.js';
import { cdrRootJson, CONTENT_TYPES, serializeCdr } from './serialize.js';
import { UcmSessions } from './ucm-sessions.js';
import { EXTENSIONS } from './office.js';

export type { SimulatorOptions } from './options.js';

export type SimulatorFault =
  | 'cut-next-cdr-response'
  | 'server-error-next'
  | 'rate-limit-next'
  | 'timeout-next'
  | 'expire-sessions'
  | 'expire-nonces';

/** One request as the simulator received it, secrets (cookie, token) left out. */
export interface SimulatorRequest {
  path: string;
  action?: string;
  params: Record<string, string>;
}

export interface RunningSimulator {
  /** `https://127.0.0.1:PORT` */
  url: string;
  port: number;
  /** SHA-256 of the DER certificate, `AA:BB:...`. */
  fingerprint: string;
  certificatePem: string;
  /** The calls served, in start order (each once, though some are delivered twice per response). */
  calls: CdrCall[];
  /** Appends n new calls after the latest one (up to the simulator's clock) and returns them. */
  addCalls(n: number): CdrCall[];
  /** Arms a fault for the next data request (cdrapi/recapi) or, for expiries, applies it at once. */
  injectFault(fault: SimulatorFault): void;
  requests: SimulatorRequest[];
  close(): Promise<void>;
}

/** UCM63xx API status codes the simulator answers with. */
const STATUS = {
  ok: 0,
  invalid: -1,
  cookieExpired: -6,
  timeout: -8,
  notFound: -16,
  wrongPassword: -37,
  tooFrequent: -45,
  noPermission: -47,
} as const;

const REALM = 'Grandstream UCM CDR API';
const RETRY_AFTER_SECONDS = 15;
const MAX_BODY_BYTES = 64 * 1024;
const MAX_LOGGED_REQUESTS = 10_000;
const SECRET_FIELDS = new Set(['cookie', 'token', 'password']);

type PendingFault = 'server-error-next' | 'rate-limit-next' | 'timeout-next';

class Simulator {
  readonly dataset: Dataset;
  readonly catalog = new RecordingCatalog();
  readonly digest: DigestGuard;
  readonly sessions: UcmSessions;
  readonly flavour: Flavour;
  readonly requests: SimulatorRequest[] = [];
  private readonly startedAt = Date.now();
  private pending: PendingFault[] = [];
  private cutNextCdr = false;
  private nextAcctId = 1;
  private batches = 0;

  constructor(readonly options: ResolvedOptions) {
    this.flavour = options.api === 'legacy' ? 'legacy' : 'ucm63xx';
    this.dataset = new Dataset(options.tz);
    this.digest = new DigestGuard({
      realm: REALM,
      user: options.user,
      password: options.password,
      algorithm: options.digestAlgorithm,
      nonceTtlMs: options.nonceTtlMs,
    });
    this.sessions = new UcmSessions({ user: options.user, password: options.password, cookieTtlMs: options.cookieTtlMs });
    const end = options.now.getTime();
    this.append(
      generateCalls({
        count: options.calls,
        seed: options.seed,
        start: new Date(end - options.days * 86_400_000),
        end: new Date(end),
        tz: options.tz,
        flavour: this.flavour,
      }),
    );
  }

  /** The simulator's clock: `now` at start, running on in real time. */
  nowMs(): number {
    return this.options.now.getTime() + (Date.now() - this.startedAt);
  }

  private append(calls: Iterable<CdrCall>): CdrCall[] {
    const added = this.dataset.add(calls);
    this.catalog.add(added);
    for (const call of added) this.nextAcctId += call.legs.length;
    return added;
  }

  addCalls(n: number): CdrCall[] {
    if (!Number.isSafeInteger(n) || n < 0 || n > 1_000_000) {
      throw new AppError('BAD_INPUT', `Cannot add "${String(n)}" calls: use a whole number from 0 to 1000000.`);
    }
    if (n === 0) return [];
    const last = this.dataset.lastStart();
    const start = last === null ? this.nowMs() - 3_600_000 : last + 1000;
    // New calls end at the simulator's clock when there is room, so a sync asking up to "now" sees
    // them; a burst too large for that room is spread 10 ms apart instead.
    const end = Math.max(this.nowMs(), start + n * 10);
    this.batches++;
    return this.append(
      generateCalls({
        count: n,
        seed: (this.options.seed + this.batches * 7919) | 0,
        start: new Date(start),
        end: new Date(end),
        tz: this.options.tz,
        flavour: this.flavour,
        firstAcctId: this.nextAcctId,
      }),
    );
  }

  injectFault(fault: SimulatorFault): void {
    switch (fault) {
      case 'expire-sessions':
        this.sessions.expireAll();
        return;
      case 'expire-nonces':
        this.digest.expireAll();
        return;
      case 'cut-next-cdr-response':
        this.cutNextCdr = true;
        return;
      case 'server-error-next':
      case 'rate-limit-next':
      case 'timeout-next':
        this.pending.push(fault);
        return;
      default:
        throw new AppError('BAD_INPUT', `Unknown simulator fault "${String(fault)}".`);
    }
  }

  takeFault(): PendingFault | undefined {
    return this.pending.shift();
  }

  takeCut(): boolean {
    const cut = this.cutNextCdr;
    this.cutNextCdr = false;
    return cut;
  }

  log(entry: SimulatorRequest): void {
    if (this.requests.length >= MAX_LOGGED_REQUESTS) this.requests.shift();
    this.requests.push(entry);
  }

  cdrPage(parsed: ParsedCdrRequest): CdrCall[] {
    return parsed.query ? this.dataset.select(parsed.query) : [];
  }
}

function sendCdr(sim: Simulator, res: ServerResponse, parsed: ParsedCdrRequest, withStatus: boolean): void {
  const page = sim.cdrPage(parsed);
  const body =
    withStatus && parsed.format === 'json' ? cdrRootJson(page, sim.flavour, true) : serializeCdr(page, parsed.format, sim.flavour);
  const type = CONTENT_TYPES[parsed.format];
  if (sim.takeCut()) sendCut(res, type, body);
  else send(res, 200, type, body);
}

function sendRecapi(res: ServerResponse, answer: RecapiAnswer, notFound: () => void): void {
  switch (answer.kind) {
    case 'listing':
      send(res, 200, 'text/csv; charset=utf-8', answer.csv);
      return;
    case 'wav':
      send(res, 200, 'audio/x-wav', answer.body, { 'Content-Disposition': `attachment; filename="${answer.name}"` });
      return;
    case 'tar':
      send(res, 200, 'application/x-tar', answer.body, { 'Content-Disposition': `attachment; filename="${answer.name}"` });
      return;
    case 'not-found':
      notFound();
  }
}

async function handleLegacy(sim: Simulator, req: IncomingMessage, res: ServerResponse, path: string): Promise<void> {
  const url = req.url ?? '/';
  const query = parseQuery(url);
  sim.log({ path, params: Object.fromEntries(query.entries) });
  if (req.method !== 'GET') {
    send(res, 405, 'text/plain; charset=utf-8', 'Method Not Allowed', { Allow: 'GET' });
    return;
  }
  if (!sim.options.permitted) {
    send(res, 403, 'text/plain; charset=utf-8', 'Forbidden');
    return;
  }
  const verdict = sim.digest.verify(req.headers.authorization, req.method, url);
  if (verdict !== 'ok') {
    send(res, 401, 'text/plain; charset=utf-8', 'Unauthorized', { 'WWW-Authenticate': sim.digest.challenge(verdict === 'stale') });
    return;
  }
  const fault = sim.takeFault();
  if (fault === 'server-error-next') return send(res, 500, 'text/plain; charset=utf-8', 'Internal Server Error');
  if (fault === 'rate-limit-next') {
    return send(res, 429, 'text/plain; charset=utf-8', 'Too Many Requests', { 'Retry-After': String(RETRY_AFTER_SECONDS) });
  }
  if (fault === 'timeout-next') return send(res, 504, 'text/plain; charset=utf-8', 'Gateway Timeout');
  if (path === '/cdrapi') {
    sendCdr(sim, res, parseCdrRequest(query.entries, { tz: sim.options.tz, nowMs: sim.nowMs(), malformed: query.malformed }), false);
    return;
  }
  const notFound = () => send(res, 404, 'text/plain; charset=utf-8', 'Not Found');
  if (query.malformed) return notFound();
  sendRecapi(res, await answerRecapi(sim.catalog, query.entries, sim.nowMs()), notFound);
}

/** Request fields as strings; null when one is not a string (the request is then answered as invalid). */
function stringFields(request: Record<string, unknown>, skip: readonly string[]): [string, string][] | null {
  const entries: [string, string][] = [];
  for (const [name, value] of Object.entries(request)) {
    if (skip.includes(name)) continue;
    if (typeof value !== 'string') return null;
    entries.push([name, value]);
  }
  return entries;
}

/**
 * recapi names travel URL-encoded inside the JSON too ('#' as %23); a plain name decodes to itself.
 * null when a value is not valid percent-encoding.
 */
function decodedNames(entries: [string, string][] | null): [string, string][] | null {
  if (!entries) return null;
  try {
    return entries.map(([name, value]) => [name, decodeURIComponent(value)]);
  } catch {
    return null;
  }
}

/**
 * UCM63xx listAccount: the office's extensions (office.ts) with their full names, a page of `item_num`
 * (default 30) at `page` (from 1), sorted by `sidx` (extension or fullname) in `sord` (asc or desc);
 * `options` names the fields each account carries (default extension, fullname, account_type).
 */
function listAccount(request: Record<string, unknown>): Record<string, unknown> {
  const whole = (value: unknown, fallback: number): number => {
    const n = typeof value === 'string' || typeof value === 'number' ? Number(value) : Number.NaN;
    return Number.isSafeInteger(n) && n > 0 ? n : fallback;
  };
  const size = Math.min(whole(request.item_num, 30), 1000);
  const field = request.sidx === 'fullname' ? 'name' : 'number';
  const descending = request.sord === 'desc';
  const wanted = typeof request.options === 'string' && request.options.trim() !== '' ? request.options.split(',').map((o) => o.trim()) : ['extension', 'fullname', 'account_type'];
  const sorted = [...EXTENSIONS].sort((a, b) => (descending ? -1 : 1) * a[field].localeCompare(b[field]));
  const pages = Math.max(1, Math.ceil(sorted.length / size));
  const page = whole(request.page, 1);
  const account = sorted.slice((page - 1) * size, page * size).map((ext) => {
    const all: Record<string, string> = { extension: ext.number, fullname: ext.name, account_type: 'SIP(WebRTC)', status: 'Idle', addr: `192.168.1.${ext.host}` };
    return Object.fromEntries(wanted.filter((name) => name in all).map((name) => [name, all[name]]));
  });
  return { response: { account, total_page: pages, page, total_item: sorted.length }, status: STATUS.ok };
}

async function handleApi(sim: Simulator, req: IncomingMessage, res: ServerResponse): Promise<void> {
  if (req.method !== 'POST') {
    sim.log({ path: '/api', params: {} });
    send(res, 405, 'text/plain; charset=utf-8', 'Method Not Allowed', { Allow: 'POST' });
    return;
  }
  let request: Record<string, unknown> | null = null;
  try {
    const body = JSON.parse(await readBody(req, MAX_BODY_BYTES)) as unknown;
    const inner = (body as { request?: unknown } | null)?.request;
    if (inner && typeof inner === 'object' && !Array.isArray(inner)) request = inner as Record<string, unknown>;
  } catch (error) {
    // A body that is not JSON falls through as "no request" and is answered with status -1 below.
    if (error instanceof BodyTooLarge) {
      sim.log({ path: '/api', params: {} });
      send(res, 413, 'text/plain; charset=utf-8', 'Payload Too Large');
      return;
    }
  }
  const action = typeof request?.action === 'string' ? request.action : undefined;
  const params: Record<string, string> = {};
  for (const [name, value] of Object.entries(request ?? {})) {
    if (name !== 'action' && !SECRET_FIELDS.has(name)) params[name] = String(value);
  }
  sim.log({ path: '/api', action, params });
  if (!request || !action) return sendJson(res, { status: STATUS.invalid });
  if (!sim.options.permitted) return sendJson(res, { status: STATUS.noPermission });

  if (action === 'challenge') {
    if (typeof request.user !== 'string' || request.user === '') return sendJson(res, { status: STATUS.invalid });
    return sendJson(res, { response: { challenge: sim.sessions.challenge(request.user) }, status: STATUS.ok });
  }
  if (action === 'login') {
    if (typeof request.user !== 'string' || typeof request.token !== 'string') return sendJson(res, { status: STATUS.invalid });
    const cookie = sim.sessions.login(request.user, request.token);
    return sendJson(res, cookie ? { response: { cookie }, status: STATUS.ok } : { status: STATUS.wrongPassword });
  }
  if (action !== 'cdrapi' && action !== 'recapi' && action !== 'listAccount') return sendJson(res, { status: STATUS.invalid });
  if (typeof request.cookie !== 'string' || !sim.sessions.check(request.cookie)) {
    return sendJson(res, { status: STATUS.cookieExpired });
  }
  // Faults are armed for the next data request (cdrapi/recapi); the extension list leaves them be.
  if (action === 'listAccount') return sendJson(res, sim.options.accountList ? listAccount(request) : { status: STATUS.noPermission });
  const fault = sim.takeFault();
  if (fault === 'server-error-next') return send(res, 500, 'text/plain; charset=utf-8', 'Internal Server Error');
  if (fault === 'rate-limit-next') {
    return sendJson(res, {
      response: { retry_after: RETRY_AFTER_SECONDS, message: `Too frequent; retry after ${RETRY_AFTER_SECONDS} s.` },
      status: STATUS.tooFrequent,
    });
  }
  if (fault === 'timeout-next') return sendJson(res, { status: STATUS.timeout });

  const entries = stringFields(request, ['action', 'cookie']);
  if (action === 'cdrapi') {
    const parsed = entries
      ? parseCdrRequest(entries, { tz: sim.options.tz, nowMs: sim.nowMs() })
      : { format: 'json' as const, query: null };
    sendCdr(sim, res, parsed, true);
    return;
  }
  const notFound = () => sendJson(res, { status: STATUS.notFound }, 404);
  const names = decodedNames(entries);
  if (!names) return notFound();
  sendRecapi(res, await answerRecapi(sim.catalog, names, sim.nowMs()), notFound);
}

function route(sim: Simulator, req: IncomingMessage, res: ServerResponse): Promise<void> | void {
  const path = (req.url ?? '/').split('?')[0] as string;
  const { api } = sim.options;
  if ((path === '/cdrapi' || path === '/recapi') && api !== 'ucm63xx') return handleLegacy(sim, req, res, path);
  if (path === '/api' && api !== 'legacy') return handleApi(sim, req, res);
  sim.log({ path, params: {} });
  send(res, 404, 'text/plain; charset=utf-8', 'Not Found');
}

function listen(server: Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) => {
      const why = error.code === 'EADDRINUSE' ? `port ${port} is already in use; pick another with --port` : error.message;
      reject(new AppError('BAD_INPUT', `The simulator cannot listen on ${host}:${port}: ${why}.`));
    });
    server.listen(port, host, () => resolve((server.address() as AddressInfo).port));
  });
}

/**
 * Starts a simulated UCM: a real HTTPS server with generated calls behind the legacy Digest API
 * (/cdrapi, /recapi), the UCM63xx session API (/api) or both. It prints nothing; see
 * describeSimulator for what to show a user.
 */
export async function startSimulator(options: SimulatorOptions = {}): Promise<RunningSimulator> {
  const resolved = resolveOptions(options);
  const certificate = await loadOrCreateCertificate(resolved.certDir);
  const sim = new Simulator(resolved);
  if (resolved.recordingsDir) await sim.catalog.addFolder(resolved.recordingsDir);
  const server = createServer({ key: certificate.keyPem, cert: certificate.certPem }, (req, res) => {
    Promise.resolve(route(sim, req, res)).catch(() => {
      if (!res.headersSent) send(res, 500, 'text/plain; charset=utf-8', 'Internal Server Error');
      else res.destroy();
    });
  });
  const port = await listen(server, resolved.port, resolved.host);
  const wildcard = resolved.host === '0.0.0.0' || resolved.host === '::';
  const host = wildcard ? '127.0.0.1' : resolved.host.includes(':') ? `[${resolved.host}]` : resolved.host;
  let closing: Promise<void> | null = null;
  return {
    url: `https://${host}:${port}`,
    port,
    fingerprint: certificate.fingerprint,
    certificatePem: certificate.certPem,
    calls: sim.dataset.calls,
    addCalls: (n) => sim.addCalls(n),
    injectFault: (fault) => sim.injectFault(fault),
    requests: sim.requests,
    close: () => {
      closing ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      return closing;
    },
  };
}

/** What the CLI shows when the simulator is up: where it listens and the fingerprint to compare. */
export function describeSimulator(sim: Pick<RunningSimulator, 'url' | 'fingerprint'>): string {
  return `UCM simulator listening on ${sim.url}\nCertificate SHA-256 fingerprint: ${sim.fingerprint}`;
}
