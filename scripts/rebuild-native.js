#!/usr/bin/env node
// Builds better-sqlite3's native module for the runtime that will load it:
//   node scripts/rebuild-native.js           for Electron (npm start, npm run dev, npm run dist)
//   node scripts/rebuild-native.js --node    back to plain Node (the CLI, `ucmcdr serve`, npm test)
// Only one build can sit in node_modules at a time; a marker file remembers which one it is, so
// starting the app twice does not compile twice. Never part of `npm test`.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const moduleDir = join(root, 'node_modules', 'better-sqlite3');
const marker = join(moduleDir, 'build', '.ucm-runtime');

function currentRuntime() {
  return existsSync(marker) ? readFileSync(marker, 'utf8').trim() : 'node';
}

function remember(runtime) {
  writeFileSync(marker, `${runtime}\n`);
}

async function forElectron() {
  const electronVersion = require('electron/package.json').version;
  const wanted = `electron-${electronVersion}-${process.arch}`;
  if (currentRuntime() === wanted) return;
  console.log(`Building better-sqlite3 for Electron ${electronVersion} (one time, may take a minute)...`);
  const { rebuild } = await import('@electron/rebuild');
  await rebuild({ buildPath: root, electronVersion, onlyModules: ['better-sqlite3'], force: true });
  remember(wanted);
}

function forNode() {
  const wanted = 'node';
  if (currentRuntime() === wanted && existsSync(join(moduleDir, 'build', 'Release', 'better_sqlite3.node'))) return;
  console.log('Building better-sqlite3 for Node again...');
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const result = spawnSync(npm, ['rebuild', 'better-sqlite3'], { cwd: root, stdio: 'inherit', shell: process.platform === 'win32' });
  if (result.status !== 0) throw new Error('npm rebuild better-sqlite3 failed (see above).');
  remember(wanted);
}

try {
  if (process.argv.includes('--node')) forNode();
  else await forElectron();
} catch (error) {
  console.error(`Could not build better-sqlite3: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}
