import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const DIR = fileURLToPath(new URL('../fixtures/cdrapi/', import.meta.url));

/** A cdrapi fixture's text (see test/fixtures/cdrapi/README.md for where each came from). */
export function fixture(name: string): string {
  return readFileSync(DIR + name, 'utf8');
}
