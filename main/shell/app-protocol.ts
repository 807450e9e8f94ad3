import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { extname, join, resolve, sep } from 'node:path';
import { Readable } from 'node:stream';
import type { Store } from '../store/types.js';
import { SECURITY_HEADERS } from '../app/csp.js';
import { cachedRecordingFile, parseRange } from '../app/recording-files.js';

/** The desktop app's own scheme: the renderer at app://ucm/, recordings at app://ucm/recordings/<call>/<n>. */
export const APP_SCHEME = 'app';
export const APP_HOST = 'ucm';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;

const STATIC_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.woff': 'font/woff',
};

export interface AppProtocolContext {
  /** The built renderer (out/renderer). */
  rendererDir: string;
  store: Store;
  dataDir: string;
}

function plain(status: number, text: string): Response {
  return new Response(text, { status, headers: { ...SECURITY_HEADERS, 'Content-Type': 'text/plain; charset=utf-8' } });
}

function fileBody(path: string, range?: { start: number; end: number }): ReadableStream<Uint8Array> {
  return Readable.toWeb(createReadStream(path, range)) as ReadableStream<Uint8Array>;
}

async function serveRecording(request: Request, ctx: AppProtocolContext, callId: number, index: number): Promise<Response> {
  let file;
  try {
    file = cachedRecordingFile(ctx.store, ctx.dataDir, callId, index);
  } catch (error) {
    return plain(404, error instanceof Error ? error.message : 'Not found.');
  }
  const headers = { ...SECURITY_HEADERS, 'Content-Type': file.contentType, 'Accept-Ranges': 'bytes' };
  const range = parseRange(request.headers.get('range'), file.size);
  if (range === 'unsatisfiable') {
    return new Response(null, { status: 416, headers: { ...headers, 'Content-Range': `bytes */${file.size}` } });
  }
  if (range === null) {
    return new Response(fileBody(file.path), { status: 200, headers: { ...headers, 'Content-Length': String(file.size) } });
  }
  return new Response(fileBody(file.path, range), {
    status: 206,
    headers: {
      ...headers,
      'Content-Range': `bytes ${range.start}-${range.end}/${file.size}`,
      'Content-Length': String(range.end - range.start + 1),
    },
  });
}

async function serveStatic(url: URL, ctx: AppProtocolContext): Promise<Response> {
  const root = resolve(ctx.rendererDir);
  let relative: string;
  try {
    relative = decodeURIComponent(url.pathname);
  } catch {
    return plain(400, 'Malformed path.');
  }
  let path = resolve(root, `.${relative}`);
  if (path !== root && !path.startsWith(root + sep)) return plain(404, 'Not found.');
  let info = await stat(path).catch(() => null);
  if (!info?.isFile() && extname(path) === '') {
    path = join(root, 'index.html');
    info = await stat(path).catch(() => null);
  }
  if (!info?.isFile()) return plain(404, 'Not found.');
  return new Response(fileBody(path), {
    status: 200,
    headers: {
      ...SECURITY_HEADERS,
      'Content-Type': STATIC_TYPES[extname(path).toLowerCase()] ?? 'application/octet-stream',
      'Content-Length': String(info.size),
    },
  });
}

/**
 * Answers a request on the app scheme (protocol.handle): the renderer's files with the security
 * headers, and cached recordings with byte ranges so the player can seek. Nothing outside the
 * renderer folder and the recordings folder is reachable.
 */
export async function handleAppRequest(request: Request, ctx: AppProtocolContext): Promise<Response> {
  const url = new URL(request.url);
  if (`${url.protocol}//${url.host}` !== APP_ORIGIN) return plain(404, 'Not found.');
  if (request.method !== 'GET' && request.method !== 'HEAD') return plain(405, 'Method not allowed.');
  const rec = /^\/recordings\/(\d{1,15})\/(\d{1,4})$/.exec(url.pathname);
  if (rec) return serveRecording(request, ctx, Number(rec[1]), Number(rec[2]));
  return serveStatic(url, ctx);
}
