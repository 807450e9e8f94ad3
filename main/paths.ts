import { homedir } from 'node:os';
import { join } from 'node:path';

/** The product name Electron uses for its user-data folder; the CLI shares that folder. */
export const APP_NAME = 'UCM CDR Viewer';

/**
 * The desktop app's user-data folder, computed without electron so the CLI and web mode find the
 * same cache: %APPDATA%\UCM CDR Viewer, ~/Library/Application Support/UCM CDR Viewer,
 * $XDG_CONFIG_HOME/UCM CDR Viewer (default ~/.config).
 */
export function userDataDir(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): string {
  if (platform === 'win32') return join(env.APPDATA ?? join(homedir(), 'AppData', 'Roaming'), APP_NAME);
  if (platform === 'darwin') return join(homedir(), 'Library', 'Application Support', APP_NAME);
  return join(env.XDG_CONFIG_HOME || join(homedir(), '.config'), APP_NAME);
}

/** Default cache file: the one the desktop app opens. */
export function defaultDbPath(dataDir: string = userDataDir()): string {
  return join(dataDir, 'cdr-cache.sqlite');
}

/** Where downloaded recordings are kept (`<data>/recordings/<pbx id>/...`). */
export function recordingsDir(dataDir: string): string {
  return join(dataDir, 'recordings');
}

/** Where the simulator keeps its self-signed certificate. */
export function simulatorDir(dataDir: string): string {
  return join(dataDir, 'simulator');
}
