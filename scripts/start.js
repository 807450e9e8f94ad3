#!/usr/bin/env node
// `npm start` (built app) and `npm run dev` (hot reload): the desktop app when Electron's binary is
// installed, otherwise the web mode in the system browser, said in one line.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const dev = process.argv.includes('--dev');

/** The Electron executable, or null when `npm install` skipped its download. */
function electronBinary() {
  try {
    const path = require('electron');
    return typeof path === 'string' && existsSync(path) ? path : null;
  } catch {
    return null;
  }
}

function runStep(command, args) {
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit', shell: process.platform === 'win32' });
  if (result.status !== 0) process.exit(result.status ?? 1);
}

/** Runs the long-lived child in the foreground: Ctrl-C reaches it, its exit code becomes ours. */
function runForeground(command, args) {
  const child = spawn(command, args, { cwd: root, stdio: 'inherit', shell: process.platform === 'win32' });
  for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
}

const bin = (name) => join(root, 'node_modules', '.bin', process.platform === 'win32' ? `${name}.cmd` : name);

if (electronBinary() === null) {
  console.log(
    "Electron's binary is not installed on this machine (ELECTRON_SKIP_BINARY_DOWNLOAD). " +
      'Starting the web mode instead: ucmcdr serve --open (the same app in your browser, on 127.0.0.1 only).',
  );
  runStep(process.execPath, [join(root, 'scripts', 'rebuild-native.js'), '--node']);
  if (!existsSync(join(root, 'out', 'renderer', 'index.html'))) {
    runStep(bin('vite'), ['build', '--config', join(root, 'renderer', 'vite.config.ts'), '--logLevel', 'warn']);
  }
  runForeground(process.execPath, [join(root, 'bin', 'ucmcdr.js'), 'serve', '--open']);
} else {
  runStep(process.execPath, [join(root, 'scripts', 'rebuild-native.js')]);
  runForeground(bin('electron-vite'), dev ? ['dev'] : ['preview']);
}
