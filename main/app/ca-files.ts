import { copyFileSync, mkdirSync, readFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { AppError } from '../errors.js';

/**
 * Keeps a copy of a CA certificate the user picked (or uploaded) under the data folder, so the
 * profile does not depend on a temp upload or a file the user later moves. Returns the copy's path.
 */
export function storeCaFile(dataDir: string, source: string): string {
  let text: string;
  try {
    text = readFileSync(source, 'latin1');
  } catch {
    throw new AppError('BAD_FILE', 'The CA certificate file cannot be read; choose it again.');
  }
  if (!text.includes('-----BEGIN CERTIFICATE-----')) {
    throw new AppError('BAD_FILE', 'The CA file is not a PEM certificate (no "BEGIN CERTIFICATE" block); export it as PEM/CRT.');
  }
  const dir = join(dataDir, 'ca');
  mkdirSync(dir, { recursive: true });
  const target = join(dir, `ca-${randomBytes(6).toString('hex')}.pem`);
  copyFileSync(source, target);
  return target;
}
