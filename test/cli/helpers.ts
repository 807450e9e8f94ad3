import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Writable } from 'node:stream';
import { runCli } from '../../main/cli/run.js';

export interface CliOutcome {
  code: number;
  stdout: string;
  stderr: string;
}

/** A stream that keeps what is written to it, recorded synchronously on each write. */
export function collector(): Writable & { text: () => string } {
  const chunks: Buffer[] = [];
  const stream = new Writable({
    write(chunk: Buffer | string, _encoding, callback) {
      chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk));
      callback();
    },
  });
  return Object.assign(stream, { text: () => Buffer.concat(chunks).toString('utf8') });
}

/** Runs `ucmcdr <argv>` in-process with its own streams; stdin is not a terminal. */
export async function cli(
  argv: string[],
  options: { env?: NodeJS.ProcessEnv; signal?: AbortSignal; stdout?: ReturnType<typeof collector> } = {},
): Promise<CliOutcome> {
  const stdout = options.stdout ?? collector();
  const stderr = collector();
  const code = await runCli(argv, {
    stdout,
    stderr,
    env: options.env ?? {},
    stdin: new PassThrough(),
    signal: options.signal,
  });
  return { code, stdout: stdout.text(), stderr: stderr.text() };
}

/** A temp folder for one test file, removed by the returned cleanup. */
export function tempDir(prefix: string): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}
