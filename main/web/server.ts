import { randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, mkdtemp, rm, stat } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { basename, extname, join, resolve, sep } from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { ApiMethodName, FileRef, ProgressEvent } from '../../preload/api.js';
import { createAppApi, type CacheUpgradeOptions } from '../app/index.js';
import { SECURITY_HEADERS } from '../app/csp.js';
import { dispatch, type ApiHandlers } from '../app/dispatch.js';
import { FileRefRegistry } from '../app/file-refs.js';
import { cachedRecordingFile, parseRange } from '../app/recording-files.js';
import { isApiMethod } from '../app/validation.js';
import { AppError, toErrorPayload } from '../errors.js';
import { createMemorySecrets, type SecretStore } from '../secrets.js';
import type { Store } from '../store/types.js';
import { DownloadRegistry } from './downloads.js';
import { createWebShell } from './shell.js';
import {
  BodyTooLarge,
  attachmentHeader,
  contentTypeOf,
  cookieValue,
  readBody,
  sendError,
  sendJson,
  tokenMatches,
} from './http.js';

export interface WebServerOptions {
  store: Store;
  dataDir: string;
  /** 0 or absent: a free port. */
  port?: number;
  /** The built renderer (index.html + assets). */
  staticDir?: string;
  onLog?: (line: string) => void;
  /** Passwords given during this session; defaults to memory only. */
  secrets?: SecretStore;
  /** Sync the PBXs on their schedule while serving (passwords given this session only). */
  autoSync?: boolean;
  /**
   * For a store opened with `deferUpgrade` (`ucmcdr serve`): its records are converted in the
   * background and the page shows the progress (main/app/upgrade.ts); its lines go to onLog.
   */
  cacheUpgrade?: CacheUpgradeOptions;
}

export interface WebServer {
  /** `http://127.0.0.1:PORT/?token=TOKEN` */
  url: string;
  port: number;
  token: string;
  /** The bound address, for checks that it is loopback only. */
  address(): AddressInfo;
  close(): Promise<void>;
}

const API_BODY_LIMIT = 1024 * 1024;
const COOKIE = 'ucm_token';
const HEARTBEAT_MS = 25_000;

/** The browser answers the dialogs itself (file input, downloads); reaching the server is a client bug. */
const webDialogs: ApiHandlers['dialogs'] = {
  pickImportFiles: refuseDialog,
  pickSaveFile: refuseDialog,
  pickFolder: refuseDialog,
};

async function refuseDialog(): Promise<never> {
  throw new AppError('BAD_INPUT', 'In the web mode files are chosen in the browser (upload) and saved as downloads.');
}

/** A safe file name for an upload: no folders, no control characters, bounded length. */
function uploadName(raw: string | null): string {
  const name = Array.from(basename((raw ?? '').replace(/\\/g, '/')), (ch) =>
    ch.charCodeAt(0) < 0x20 || ch.charCodeAt(0) === 0x7f || '<>:"|?*'.includes(ch) ? '_' : ch,
  )
    .join('')
    .slice(0, 200)
    .trim();
  return name === '' || name === '.' || name === '..' ? 'upload' : name;
}

/**
 * The web mode: the renderer and the contract over HTTP on 127.0.0.1 only (see docs/web-mode.md).
 * Every request passes the Host check (DNS rebinding) and the token check before anything else.
 */
export async function startWebServer(opts: WebServerOptions): Promise<WebServer> {
  const token = randomBytes(32).toString('base64url');
  const log = opts.onLog ?? (() => undefined);
  const workDir = await mkdtemp(join(tmpdir(), 'ucm-web-'));
  const files = new FileRefRegistry();
  const downloads = new DownloadRegistry(join(workDir, 'downloads'));
  const listeners = new Set<ServerResponse>();
  const staticRoot = opts.staticDir ? resolve(opts.staticDir) : null;

  const broadcast = (event: ProgressEvent): void => {
    const message = `data: ${JSON.stringify(event)}\n\n`;
    for (const res of listeners) res.write(message);
  };

  const api = createAppApi({
    store: opts.store,
    dataDir: opts.dataDir,
    secrets: opts.secrets ?? createMemorySecrets(),
    shell: createWebShell(downloads),
    emitProgress: broadcast,
    files,
    autoSync: opts.autoSync === true,
    log: (line) => log(line),
    cacheUpgrade: { log: (line) => log(line), ...opts.cacheUpgrade },
  });
  const handlers: ApiHandlers = { ...api, dialogs: webDialogs };
  let allowedHosts = new Set<string>();

  const cookieOk = (req: IncomingMessage): boolean => tokenMatches(cookieValue(req, COOKIE), token);

  const onInternalError = (method: ApiMethodName, error: unknown): void => {
    log(`${method} failed unexpectedly: ${error instanceof Error ? error.message : String(error)}`);
  };

  async function callApi(req: IncomingMessage, res: ServerResponse, method: ApiMethodName): Promise<void> {
    let text: string;
    try {
      text = await readBody(req, API_BODY_LIMIT);
    } catch (error) {
      if (error instanceof BodyTooLarge) return sendError(res, 413, 'BAD_INPUT', 'The request is larger than 1 MB.');
      throw error;
    }
    let payload: unknown;
    try {
      payload = text.trim() === '' ? undefined : JSON.parse(text);
    } catch {
      return sendError(res, 400, 'BAD_INPUT', `The body of ${method} is not JSON.`);
    }
    sendJson(res, 200, await dispatch(handlers, method, payload, onInternalError));
  }

  async function upload(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    const name = uploadName(url.searchParams.get('name'));
    const dir = join(workDir, 'uploads', randomBytes(9).toString('base64url'));
    await mkdir(dir, { recursive: true });
    const path = join(dir, name);
    try {
      await pipeline(req, createWriteStream(path));
    } catch (error) {
      await rm(dir, { recursive: true, force: true });
      throw error;
    }
    const ref: FileRef = files.add(path, 'file', name);
    sendJson(res, 200, { ok: true, value: ref });
  }

  function events(req: IncomingMessage, res: ServerResponse): void {
    res.writeHead(200, {
      ...SECURITY_HEADERS,
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-store',
      Connection: 'keep-alive',
    });
    res.write(': connected\n\n');
    listeners.add(res);
    const heartbeat = setInterval(() => res.write(': keep-alive\n\n'), HEARTBEAT_MS);
    heartbeat.unref();
    req.on('close', () => {
      clearInterval(heartbeat);
      listeners.delete(res);
    });
  }

  async function sendFile(
    req: IncomingMessage,
    res: ServerResponse,
    path: string,
    headers: Record<string, string | number>,
    size: number,
  ): Promise<void> {
    res.writeHead(200, { ...SECURITY_HEADERS, ...headers, 'Content-Length': size });
    if (req.method === 'HEAD') return void res.end();
    await pipeline(createReadStream(path), res);
  }

  async function download(req: IncomingMessage, res: ServerResponse, id: string): Promise<void> {
    const ready = downloads.take(id);
    if (!ready) return sendError(res, 404, 'NOT_FOUND', 'This download was already fetched or never existed; export again.');
    try {
      const { size } = await stat(ready.path);
      await sendFile(req, res, ready.path, {
        'Content-Type': ready.contentType,
        'Content-Disposition': attachmentHeader(ready.fileName),
        'Cache-Control': 'no-store',
      }, size);
    } finally {
      await rm(ready.path, { force: true });
    }
  }

  async function recording(req: IncomingMessage, res: ServerResponse, callId: number, index: number): Promise<void> {
    let file;
    try {
      file = cachedRecordingFile(opts.store, opts.dataDir, callId, index);
    } catch (error) {
      const payload = toErrorPayload(error);
      return sendError(res, payload.code === 'NOT_FOUND' ? 404 : 500, payload.code, payload.message);
    }
    const base = { 'Content-Type': file.contentType, 'Accept-Ranges': 'bytes', 'Cache-Control': 'private, max-age=3600' };
    const range = parseRange(req.headers.range, file.size);
    if (range === 'unsatisfiable') {
      res.writeHead(416, { ...SECURITY_HEADERS, ...base, 'Content-Range': `bytes */${file.size}` });
      return void res.end();
    }
    if (range === null) return sendFile(req, res, file.path, base, file.size);
    res.writeHead(206, {
      ...SECURITY_HEADERS,
      ...base,
      'Content-Range': `bytes ${range.start}-${range.end}/${file.size}`,
      'Content-Length': range.end - range.start + 1,
    });
    if (req.method === 'HEAD') return void res.end();
    await pipeline(createReadStream(file.path, { start: range.start, end: range.end }), res);
  }

  async function page(req: IncomingMessage, res: ServerResponse, pathname: string, setCookie: boolean): Promise<void> {
    if (!staticRoot) {
      res.writeHead(503, { ...SECURITY_HEADERS, 'Content-Type': 'text/plain; charset=utf-8' });
      return void res.end('The UI is not built: run `npm run build`, then start again.\n');
    }
    let relative: string;
    try {
      relative = decodeURIComponent(pathname);
    } catch {
      return sendError(res, 400, 'BAD_INPUT', 'Malformed path.');
    }
    let path = resolve(staticRoot, `.${relative}`);
    if (path !== staticRoot && !path.startsWith(staticRoot + sep)) {
      return sendError(res, 404, 'NOT_FOUND', 'No such file.');
    }
    let info = await stat(path).catch(() => null);
    // Routes of the single-page app (no extension) all answer the app page.
    if (!info?.isFile() && extname(path) === '') {
      path = join(staticRoot, 'index.html');
      info = await stat(path).catch(() => null);
    }
    if (!info?.isFile()) return sendError(res, 404, 'NOT_FOUND', 'No such file.');
    const headers: Record<string, string> = {
      'Content-Type': contentTypeOf(extname(path)),
      'Cache-Control': extname(path) === '.html' ? 'no-store' : 'private, max-age=3600',
    };
    if (setCookie) headers['Set-Cookie'] = `${COOKIE}=${token}; HttpOnly; SameSite=Strict; Path=/`;
    await sendFile(req, res, path, headers, info.size);
  }

  async function route(req: IncomingMessage, res: ServerResponse): Promise<number> {
    if (!allowedHosts.has(req.headers.host ?? '')) {
      sendError(res, 403, 'PERMISSION_DENIED', 'Open the app through 127.0.0.1 or localhost with the port it printed.');
      return 403;
    }
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const path = url.pathname;
    const method = req.method ?? 'GET';
    const unauthorized = (): number => {
      sendError(res, 401, 'PERMISSION_DENIED', 'Missing or wrong access token: open the address `ucmcdr serve` printed.');
      return 401;
    };

    if (path === '/api/events') {
      if (method !== 'GET') return notAllowed(res);
      if (!tokenMatches(url.searchParams.get('token'), token)) return unauthorized();
      events(req, res);
      return 200;
    }
    if (path.startsWith('/api/')) {
      if (method !== 'POST') return notAllowed(res);
      if (!cookieOk(req) || !tokenMatches(headerValue(req, 'x-ucm-token'), token)) return unauthorized();
      if (path === '/api/upload') {
        await upload(req, res, url);
        return 200;
      }
      const name = path.slice('/api/'.length);
      if (!isApiMethod(name)) {
        sendError(res, 404, 'NOT_FOUND', `There is no method "${name.slice(0, 60)}".`);
        return 404;
      }
      await callApi(req, res, name);
      return res.statusCode;
    }
    if (method !== 'GET' && method !== 'HEAD') return notAllowed(res);

    const isAppPage = path === '/' || path === '/index.html';
    const queryToken = isAppPage && tokenMatches(url.searchParams.get('token'), token);
    if (!queryToken && !cookieOk(req)) return unauthorized();

    const dl = /^\/download\/([\w-]{1,64})$/.exec(path);
    if (dl) {
      await download(req, res, dl[1]);
      return res.statusCode;
    }
    const rec = /^\/recordings\/(\d{1,15})\/(\d{1,4})$/.exec(path);
    if (rec) {
      await recording(req, res, Number(rec[1]), Number(rec[2]));
      return res.statusCode;
    }
    await page(req, res, path, queryToken);
    return res.statusCode;
  }

  const server = createServer((req, res) => {
    const started = Date.now();
    // Only the path is logged: the query may carry the token.
    const shownPath = (req.url ?? '/').split('?')[0];
    route(req, res)
      .then((status) => log(`${req.method} ${shownPath} ${status} ${Date.now() - started}ms`))
      .catch((error: unknown) => {
        log(`${req.method} ${shownPath} failed: ${error instanceof Error ? error.message : String(error)}`);
        if (!res.headersSent) sendError(res, 500, 'INTERNAL', 'The server failed to answer; see its log.');
        else res.destroy();
      });
  });

  await new Promise<void>((resolvePromise, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, '127.0.0.1', () => {
      server.off('error', reject);
      resolvePromise();
    });
  });
  const port = (server.address() as AddressInfo).port;
  allowedHosts = new Set([`127.0.0.1:${port}`, `localhost:${port}`]);

  return {
    url: `http://127.0.0.1:${port}/?token=${token}`,
    port,
    token,
    address: () => server.address() as AddressInfo,
    async close() {
      for (const res of listeners) res.end();
      listeners.clear();
      await api.close();
      await new Promise<void>((resolvePromise) => {
        server.close(() => resolvePromise());
        server.closeAllConnections();
      });
      await rm(workDir, { recursive: true, force: true });
    },
  };
}

function headerValue(req: IncomingMessage, name: string): string | null {
  const value = req.headers[name];
  return typeof value === 'string' ? value : null;
}

function notAllowed(res: ServerResponse): number {
  sendError(res, 405, 'BAD_INPUT', 'Method not allowed.');
  return 405;
}
