import type { IncomingMessage, ServerResponse } from 'node:http';

/** Query parameters in order, decoded as a form would be ('+' is a space: devices want %2B). */
export interface RawQuery {
  entries: [string, string][];
  /** The device rejects the whole request: a trailing '&', an empty name or a broken %-escape. */
  malformed: boolean;
}

export function parseQuery(url: string): RawQuery {
  const q = url.indexOf('?');
  if (q < 0) return { entries: [], malformed: false };
  const text = url.slice(q + 1);
  if (text === '') return { entries: [], malformed: false };
  const entries: [string, string][] = [];
  let malformed = false;
  for (const part of text.split('&')) {
    const eq = part.indexOf('=');
    const rawName = eq < 0 ? part : part.slice(0, eq);
    const rawValue = eq < 0 ? '' : part.slice(eq + 1);
    try {
      const name = decodeURIComponent(rawName.replace(/\+/g, ' '));
      const value = decodeURIComponent(rawValue.replace(/\+/g, ' '));
      if (name === '') malformed = true;
      else entries.push([name, value]);
    } catch {
      malformed = true;
    }
  }
  return { entries, malformed };
}

export function send(
  res: ServerResponse,
  status: number,
  contentType: string,
  body: string | Buffer,
  headers: Record<string, string> = {},
): void {
  const bytes = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
  res.writeHead(status, { 'Content-Type': contentType, 'Content-Length': String(bytes.length), ...headers });
  res.end(bytes);
}

export function sendJson(res: ServerResponse, value: unknown, status = 200): void {
  send(res, status, 'application/json; charset=utf-8', JSON.stringify(value));
}

/**
 * Sends the headers promising the whole body, then part of it, then kills the connection: what a
 * client sees when a PBX or the network drops mid-response.
 */
export function sendCut(res: ServerResponse, contentType: string, body: string): void {
  const bytes = Buffer.from(body, 'utf8');
  res.writeHead(200, { 'Content-Type': contentType, 'Content-Length': String(bytes.length) });
  const part = bytes.subarray(0, Math.max(1, Math.floor(bytes.length / 2)));
  res.write(part, () => res.socket?.destroy());
}

export class BodyTooLarge extends Error {}

export async function readBody(req: IncomingMessage, limit: number): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limit) throw new BodyTooLarge(`request body over ${limit} bytes`);
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}
