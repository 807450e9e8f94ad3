import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { AppError } from '../errors.js';

/**
 * The checkout or installation root: the nearest folder above this module with a package.json. The
 * sources (main/cli/) and the build (out/main/) both sit below it.
 */
export function projectRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new AppError('INTERNAL', 'Cannot find the application folder (no package.json above the CLI).');
    dir = parent;
  }
  return dir;
}

/** The version of this installation, as package.json states it (what `ucmcdr --version` prints). */
export function appVersion(): string {
  try {
    const { version } = JSON.parse(readFileSync(join(projectRoot(), 'package.json'), 'utf8')) as { version?: unknown };
    return typeof version === 'string' ? version : 'unknown';
  } catch {
    return 'unknown';
  }
}
