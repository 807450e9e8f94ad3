import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cli } from './helpers.js';
import { tempDir } from '../support/fs.js';

const tmp = tempDir('ucmcdr-usage-');
afterAll(() => tmp.cleanup());

const COMMANDS = [
  ['import'],
  ['imports', 'list'],
  ['imports', 'undo'],
  ['calls'],
  ['session'],
  ['export'],
  ['pbx', 'add'],
  ['pbx', 'list'],
  ['pbx', 'set'],
  ['pbx', 'remove'],
  ['pbx', 'test'],
  ['pbx', 'trust'],
  ['sync'],
  ['recordings'],
  ['simulator'],
  ['serve'],
];

describe('ucmcdr usage', () => {
  it.each(COMMANDS)('%s %s --help prints usage with examples and exits 0', async (...command) => {
    const run = await cli([...command.filter(Boolean), '--help']);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(new RegExp(`^Usage: ucmcdr ${command.filter(Boolean).join(' ')} `));
    expect(run.stdout).toMatch(/Examples?:\n {2}ucmcdr /);
  });

  it('lists the commands and the exit statuses in the main help', async () => {
    const run = await cli(['--help']);
    expect(run.code).toBe(0);
    for (const name of ['import', 'calls', 'session', 'export', 'pbx', 'sync', 'recordings', 'simulator', 'serve']) {
      expect(run.stdout).toMatch(new RegExp(`^ {2}${name}\\b`, 'm'));
    }
    expect(run.stdout).toContain('Exit status: 0 success, 1 failure, 2 invalid command line, 3 open alerts (alerts --check), 130 cancelled');
  });

  it('prints the version of package.json with --version and -V', async () => {
    const { version } = JSON.parse(readFileSync(join(import.meta.dirname, '..', '..', 'package.json'), 'utf8')) as { version: string };
    for (const flag of ['--version', '-V']) {
      const run = await cli([flag]);
      expect(run.code).toBe(0);
      expect(run.stderr).toBe('');
      expect(run.stdout).toBe(`${version}\n`);
    }
    expect((await cli(['--help'])).stdout).toMatch(/-V, --version\s+output the version number/);
  });

  it.each(['serve', 'watch', 'simulator', 'calls', 'export', 'import', 'sync', 'pbx add', 'report', 'alerts', 'rates import'])(
    '%s --help states each default once',
    async (command) => {
      const run = await cli([...command.split(' '), '--help']);
      expect(run.code).toBe(0);
      // An option's text is its line and the indented lines under it.
      const options = run.stdout.replace(/\n {20,}/g, ' ').split('\n').filter((line) => /^ {2}-/.test(line));
      expect(options.length).toBeGreaterThan(0);
      // commander adds "(default: X)" to an option given a default value; a description that says its
      // default in words as well shows it twice.
      for (const line of options) expect(/\(default:/.test(line) && /\(default [^)]/.test(line), line).toBe(false);
    },
  );

  it('prints the help and exits 2 when no command is given', async () => {
    const run = await cli([]);
    expect(run.code).toBe(2);
    expect(run.stdout).toMatch(/^Usage: ucmcdr /);
  });

  it('refuses an unknown command with a suggestion', async () => {
    const run = await cli(['cals']);
    expect(run.code).toBe(2);
    expect(run.stderr).toBe("ucmcdr: unknown command 'cals' (Did you mean calls?)\n");
  });

  it('reports a file that is not a cache in one line', async () => {
    const notDb = join(tmp.dir, 'notes.txt');
    writeFileSync(notDb, 'shopping list\n'.repeat(100));
    const run = await cli(['--db', notDb, 'calls']);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^ucmcdr: [^\n]*not a UCM CDR Viewer cache[^\n]*\n$/);
  });
});
