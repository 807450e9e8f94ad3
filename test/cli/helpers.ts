import { PassThrough, Writable } from 'node:stream';
import { runCli } from '../../main/cli/run.js';

export interface CliOutcome {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * A stream that keeps what is written to it, recorded synchronously on each write; `onText` sees the
 * whole text so far after every write (how a test reacts to a line the command printed).
 */
export function collector(onText?: (text: string) => void): Writable & { text: () => string } {
  const chunks: Buffer[] = [];
  const text = (): string => Buffer.concat(chunks).toString('utf8');
  const stream = new Writable({
    write(chunk: Buffer | string, _encoding, callback) {
      chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk));
      onText?.(text());
      callback();
    },
  });
  return Object.assign(stream, { text });
}

/** Runs `ucmcdr <argv>` in-process with its own streams; stdin is not a terminal. */
export async function cli(
  argv: string[],
  options: {
    env?: NodeJS.ProcessEnv;
    signal?: AbortSignal;
    stdout?: ReturnType<typeof collector>;
    stderr?: ReturnType<typeof collector>;
  } = {},
): Promise<CliOutcome> {
  const stdout = options.stdout ?? collector();
  const stderr = options.stderr ?? collector();
  const code = await runCli(argv, {
    stdout,
    stderr,
    env: options.env ?? {},
    stdin: new PassThrough(),
    signal: options.signal,
  });
  return { code, stdout: stdout.text(), stderr: stderr.text() };
}

// test/reports imports tempDir from here; it lives in test/support/fs.ts.
export { tempDir } from '../support/fs.js';
