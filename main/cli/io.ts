import { once } from 'node:events';

/** The streams and environment a CLI run works with: the process's own, or test doubles in-process. */
export interface CliIo {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  env: NodeJS.ProcessEnv;
  stdin: NodeJS.ReadableStream & { isTTY?: boolean; setRawMode?: (mode: boolean) => unknown };
  /** Aborted on Ctrl-C: long commands stop cleanly, `simulator` and `serve` shut down. */
  signal?: AbortSignal;
}

/** Writes and waits while the stream's buffer is full, so a long listing keeps memory flat. */
export async function writeText(stream: NodeJS.WritableStream, text: string): Promise<void> {
  if (text !== '' && !stream.write(text)) await once(stream, 'drain');
}

/** An error message as the single stderr line the CLI promises. */
export function oneLine(message: string): string {
  return message.replace(/\s*[\r\n]+\s*/g, ' ').trim();
}

/** Resolves when the run is cancelled (Ctrl-C): how `simulator` and `serve` wait. */
export function untilCancelled(signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    if (!signal) return;
    if (signal.aborted) return resolve();
    signal.addEventListener('abort', () => resolve(), { once: true });
  });
}
