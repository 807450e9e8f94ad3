import type { CliIo } from './io.js';

/** On a non-terminal stderr (a log file), one line per this many ms at most. */
const LOG_INTERVAL_MS = 2000;

/** `12,345 calls  1,020/s  ETA 40 s` */
export function progressText(stage: string, rate: number | null, etaSeconds: number | null): string {
  const parts = [stage];
  if (rate !== null) parts.push(`${Math.round(rate).toLocaleString('en-US')}/s`);
  if (etaSeconds !== null) parts.push(`ETA ${Math.ceil(etaSeconds)} s`);
  return parts.join('  ');
}

/**
 * Shows progress on stderr (stdout stays for results): one self-overwriting line on a terminal,
 * sparse plain lines otherwise. `done()` ends the terminal line.
 */
export function progressPrinter(io: CliIo): { update: (line: string, always?: boolean) => void; done: () => void } {
  const tty = (io.stderr as NodeJS.WriteStream).isTTY === true;
  let lastLog = Date.now();
  let drawn = false;
  return {
    /** `always`: a change of phase, logged even within LOG_INTERVAL_MS of the previous line. */
    update(line, always = false) {
      if (tty) {
        io.stderr.write(`\r\u001b[2K${line}`);
        drawn = true;
        return;
      }
      const now = Date.now();
      if (!always && now - lastLog < LOG_INTERVAL_MS) return;
      lastLog = now;
      io.stderr.write(`${line}\n`);
    },
    done() {
      if (drawn) io.stderr.write('\n');
      drawn = false;
    },
  };
}
