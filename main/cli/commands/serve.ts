import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { type Command, Option } from 'commander';
import { AppError } from '../../errors.js';
import { type CliContext, withStore } from '../context.js';
import { projectRoot } from '../install.js';
import { untilCancelled, writeText } from '../io.js';
import { parsePort } from '../options.js';

/** Opens a URL in the system browser; the one place the CLI starts another program. */
function openBrowser(url: string): void {
  const [command, args] =
    process.platform === 'win32'
      ? ['cmd', ['/c', 'start', '', url]]
      : process.platform === 'darwin'
        ? ['open', [url]]
        : ['xdg-open', [url]];
  const child = spawn(command, args, { detached: true, stdio: 'ignore' });
  child.on('error', () => undefined);
  child.unref();
}

export function registerServe(program: Command, context: () => CliContext): void {
  program
    .command('serve')
    .description('Serve the app in a browser on 127.0.0.1 (web mode), protected by a per-start token.')
    .addOption(new Option('--port <n>', 'TCP port').argParser(parsePort).default(0, '0, a free one'))
    .option('--open', 'open the URL in the system browser')
    .option('--static-dir <dir>', 'serve the web UI built in this folder (default: out/renderer of the installation)')
    .option('--no-auto-sync', 'do not sync the PBXs on their schedule while serving (they sync on their schedule by default, as in the desktop app)')
    .addHelpText(
      'after',
      `
The printed URL carries the access token: anyone with it can use the app, so do not share it.

Examples:
  ucmcdr serve --open
  ucmcdr serve --port 8080 --db ~/cdr/cache.sqlite`,
    )
    .action(async (o: { port: number; open?: boolean; staticDir?: string; autoSync: boolean }) => {
      const ctx = context();
      const staticDir = resolve(o.staticDir ?? join(projectRoot(), 'out', 'renderer'));
      if (!existsSync(join(staticDir, 'index.html'))) {
        throw new AppError(
          'NOT_FOUND',
          o.staticDir === undefined
            ? `The web UI is not built (${staticDir} has no index.html): build it with "npx vite build --config renderer/vite.config.ts" (npm start does this on its first run).`
            : `--static-dir ${o.staticDir} holds no index.html: point it at a built renderer.`,
        );
      }
      // An older cache is converted while serving, the page showing the progress (stderr its lines).
      await withStore(ctx, 'write', async (store) => {
        const { startWebServer } = await import('../../web/server.js');
        const server = await startWebServer({
          store,
          dataDir: ctx.dataDir,
          port: o.port,
          staticDir,
          onLog: (line) => ctx.io.stderr.write(`${line}\n`),
          autoSync: o.autoSync,
        });
        try {
          await writeText(ctx.io.stdout, `Serving UCM CDR Viewer at ${server.url}\nPress Ctrl-C to stop.\n`);
          if (o.open) openBrowser(server.url);
          await untilCancelled(ctx.io.signal);
        } finally {
          await server.close();
        }
        await writeText(ctx.io.stdout, 'Stopped.\n');
      }, { deferUpgrade: true });
    });
}
