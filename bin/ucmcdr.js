#!/usr/bin/env node
// Entry point of the `ucmcdr` command. In a checkout (sources and tsx present) it runs the TypeScript
// sources, so it never lags behind them; an installation holding only the build (npm run build)
// runs out/main/cli.js.
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const source = join(root, 'main', 'cli', 'index.ts');
const built = join(root, 'out', 'main', 'cli.js');

function hasTsx() {
  try {
    createRequire(import.meta.url).resolve('tsx/esm/api');
    return true;
  } catch {
    return false;
  }
}

if (existsSync(source) && hasTsx()) {
  const { register } = await import('tsx/esm/api');
  register();
  await import(pathToFileURL(source).href);
} else if (existsSync(built)) {
  await import(pathToFileURL(built).href);
} else {
  console.error('ucmcdr: the CLI is not built: run "npm run build" in the project folder first.');
  process.exit(1);
}
