import { runCli } from './run.js';

// The `ucmcdr` process: the first Ctrl-C asks the running command to stop cleanly (a sync keeps its
// committed pages, servers close); a second one ends the process at once.
const controller = new AbortController();
process.on('SIGINT', () => {
  if (controller.signal.aborted) process.exit(130);
  controller.abort();
});
// `ucmcdr calls | head` closes the pipe early; that is not an error worth a stack trace.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(0);
});

const code = await runCli(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
  stdin: process.stdin,
  signal: controller.signal,
});
// Exit explicitly once output is flushed: keep-alive sockets or timers must not hold the process.
process.stdout.write('', () => process.exit(code));
