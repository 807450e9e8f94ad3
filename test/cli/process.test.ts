import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedCache } from './data.js';
import { tempDir } from '../support/fs.js';

const BIN = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'bin', 'ucmcdr.js');
const tmp = tempDir('ucmcdr-process-');
const db = join(tmp.dir, 'cache.sqlite');

beforeAll(() => seedCache(db));
afterAll(() => tmp.cleanup());

/** Runs the real `ucmcdr` executable as users do. */
function ucmcdr(args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('the ucmcdr executable', () => {
  it('exits 0 and prints JSON on success', async () => {
    const run = await ucmcdr(['--db', db, 'calls', '--format', 'json', '--pbx', 'branch']);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect((JSON.parse(run.stdout) as { session: string }[]).map((c) => c.session)).toEqual(['d']);
  });

  it('exits 2 with one line on stderr, no stack trace, for a bad option value', async () => {
    const run = await ucmcdr(['--db', db, 'calls', '--limit', 'lots']);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toBe("ucmcdr: option '--limit <n>' argument 'lots' is invalid. Expected how many calls to show: a whole number from 1 to 10000000.\n");
  });

  it('exits 1 with one line on stderr when the work fails', async () => {
    const run = await ucmcdr(['--db', join(tmp.dir, 'none.sqlite'), 'session', 'x']);
    expect(run.code).toBe(1);
    expect(run.stderr.split('\n')).toHaveLength(2);
    expect(run.stderr).toMatch(/^ucmcdr: No call cache at /);
  });
});
