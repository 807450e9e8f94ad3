#!/usr/bin/env node
// Draws build/icon.png (512x512 RGBA): a blue rounded tile with a call-list motif. Re-run after
// changing the drawing: `node build/make-icon.js`. Plain zlib + CRC32, no image library needed.
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { deflateSync } from 'node:zlib';

const SIZE = 512;
const pixels = Buffer.alloc(SIZE * SIZE * 4);

/** Coverage (0..1) of a rounded rectangle at pixel centre (x, y), with a one-pixel soft edge. */
function roundedRect(x, y, left, top, right, bottom, radius) {
  const cx = Math.min(Math.max(x, left + radius), right - radius);
  const cy = Math.min(Math.max(y, top + radius), bottom - radius);
  const distance = Math.hypot(x - cx, y - cy) - radius;
  return Math.min(1, Math.max(0, 0.5 - distance));
}

function blend(i, [r, g, b], alpha) {
  const a0 = pixels[i + 3] / 255;
  const a = alpha + a0 * (1 - alpha);
  if (a === 0) return;
  pixels[i] = Math.round((r * alpha + pixels[i] * a0 * (1 - alpha)) / a);
  pixels[i + 1] = Math.round((g * alpha + pixels[i + 1] * a0 * (1 - alpha)) / a);
  pixels[i + 2] = Math.round((b * alpha + pixels[i + 2] * a0 * (1 - alpha)) / a);
  pixels[i + 3] = Math.round(a * 255);
}

const WHITE = [255, 255, 255];
const GREEN = [46, 204, 113];
const rows = [150, 236, 322];

for (let y = 0; y < SIZE; y++) {
  for (let x = 0; x < SIZE; x++) {
    const i = (y * SIZE + x) * 4;
    const px = x + 0.5;
    const py = y + 0.5;
    // Tile: a vertical gradient from a light to a deep blue.
    const t = py / SIZE;
    blend(i, [Math.round(40 - 20 * t), Math.round(120 - 60 * t), Math.round(230 - 60 * t)], roundedRect(px, py, 24, 24, 488, 488, 96));
    for (const top of rows) {
      // A status dot, then a "number" bar and a shorter "duration" bar: one row of the call list.
      blend(i, top === rows[1] ? GREEN : WHITE, roundedRect(px, py, 96, top, 148, top + 52, 26));
      blend(i, WHITE, roundedRect(px, py, 176, top + 6, 344, top + 46, 20) * 0.95);
      blend(i, WHITE, roundedRect(px, py, 364, top + 6, 416, top + 46, 20) * 0.6);
    }
  }
}

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(buffer) {
  let c = 0xffffffff;
  for (const byte of buffer) c = CRC_TABLE[(c ^ byte) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type, data) {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

const header = Buffer.alloc(13);
header.writeUInt32BE(SIZE, 0);
header.writeUInt32BE(SIZE, 4);
header[8] = 8; // bit depth
header[9] = 6; // RGBA
const raw = Buffer.alloc((SIZE * 4 + 1) * SIZE);
for (let y = 0; y < SIZE; y++) {
  raw[y * (SIZE * 4 + 1)] = 0; // filter: none
  pixels.copy(raw, y * (SIZE * 4 + 1) + 1, y * SIZE * 4, (y + 1) * SIZE * 4);
}
const png = Buffer.concat([
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
  chunk('IHDR', header),
  chunk('IDAT', deflateSync(raw, { level: 9 })),
  chunk('IEND', Buffer.alloc(0)),
]);
writeFileSync(join(dirname(fileURLToPath(import.meta.url)), 'icon.png'), png);
