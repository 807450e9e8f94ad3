import type { Readable } from 'node:stream';

/** Reads a response body to the end (so a kept-alive connection can carry the next request). */
export async function readAll(body: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of body) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** Discards a body; used for answers whose content does not matter (401, errors). */
export async function drain(body: Readable): Promise<void> {
  for await (const _chunk of body) {
    // Reading is the point: the bytes themselves are not needed.
  }
}
