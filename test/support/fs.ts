import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * A fresh folder under the system temp folder, removed (with what is in it) by `cleanup`. For a folder
 * that lives as long as one test, the `dir` fixture of ./fixtures.ts does the cleanup itself.
 */
export function tempDir(prefix = 'ucmcdr-test-'): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}
