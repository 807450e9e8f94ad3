import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { createServer, type AddressInfo, type Socket } from 'node:net';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import type { Alert } from '../../preload/alerts.js';
import { utcToWallClock } from '../../main/cdr/time.js';
import type { CdrCall } from '../../main/cdr/types.js';
import type { RunningSimulator, SimulatorRequest } from '../../main/simulator/index.js';
import { openStore } from '../../main/store/store.js';
import type { WatchRecord } from '../../main/store/watch-state.js';
import { cli } from '../cli/helpers.js';
import { flatCall } from './calls.js';

/**
 * What the tests of `ucmcdr watch` (test/watch/) share: the watch state of a PBX read from the cache,
 * the simulator's requests as they arrive, and the real `ucmcdr` executable as a child process.
 */

export const BIN = fileURLToPath(new URL('../../bin/ucmcdr.js', import.meta.url));

/** The watch state of a PBX, read from the cache (the CLI is not running). */
export function watchRecord(db: string, pbx: string): WatchRecord {
  const store = openStore(db);
  try {
    const profile = store.profiles.getByName(pbx);
    if (!profile) throw new Error(`no PBX ${pbx} in ${db}`);
    return store.watch.get(profile.id);
  } finally {
    store.close();
  }
}

/** Changes the watch state of a PBX as rounds before this one would have left it. */
export function patchWatch(db: string, pbx: string, patch: Partial<Omit<WatchRecord, 'pbx_id'>>): void {
  const store = openStore(db);
  try {
    const profile = store.profiles.getByName(pbx);
    if (!profile) throw new Error(`no PBX ${pbx} in ${db}`);
    store.watch.put({ ...store.watch.get(profile.id), ...patch });
  } finally {
    store.close();
  }
}

/** Makes a PBX due now, as if its schedule or back-off had run out, keeping the rest of its state. */
export function makeDue(db: string, pbx: string): void {
  patchWatch(db, pbx, { next_run: Math.floor(Date.now() / 1000) - 1 });
}

/**
 * The next try as a watch line shows it, as a pattern: `10:15 UTC`, with the date before it when that
 * is not today (`2026-12-03 10:15 UTC`; the date is allowed either way around midnight).
 */
export function nextAt(seconds: number | null): string {
  if (seconds === null) throw new Error('no next run');
  const iso = new Date(seconds * 1000).toISOString();
  const today = new Date().toISOString().slice(0, 10);
  const date = iso.slice(0, 10);
  return `${date === today ? `(?:${date} )?` : `${date} `}${iso.slice(11, 16)} UTC`;
}

/** Puts calls into the cache as a sync of this PBX would (the CLI is not running). */
export function ingestCalls(db: string, pbx: string, calls: CdrCall[]): void {
  const store = openStore(db);
  try {
    const profile = store.profiles.getByName(pbx);
    if (!profile) throw new Error(`no PBX ${pbx} in ${db}`);
    store.calls.ingest(profile.id, calls, { origin: 'sync' });
  } finally {
    store.close();
  }
}

let outboundSerial = 0;

/** An answered outbound call over a trunk, starting at `start` (`YYYY-MM-DD HH:MM:SS`, the PBX's wall clock). */
export function outboundCall(start: string, dst = '0612345678'): CdrCall {
  return flatCall({
    session: `test-outbound-${process.pid}-${++outboundSerial}`,
    start,
    src: '1001',
    dst,
    billsec: 60,
    duration: 65,
    dst_trunk_name: 'SIP carrier',
    userfield: 'Outbound',
  });
}

/**
 * The wall clock of `tz` `hours` hours ago, as a call's start; never in the minute Monday 00:00 (the
 * one minute a week the tests' business hours are open): then ten minutes earlier.
 */
export function wallClockAgo(hours: number, tz: string): string {
  const at = Date.now() - hours * 3_600_000;
  const wall = utcToWallClock(at, tz);
  const open = new Date(`${wall}Z`).getUTCDay() === 1 && wall.slice(11, 16) === '00:00';
  return utcToWallClock(open ? at - 600_000 : at, tz).replace('T', ' ');
}

/** An outbound call that started `hours` hours ago (see outboundCall, wallClockAgo). */
export function outboundCallAgo(hours: number, tz: string): CdrCall {
  return outboundCall(wallClockAgo(hours, tz));
}

export async function alertsJson(db: string, all = false): Promise<Alert[]> {
  const run = await cli(['--db', db, 'alerts', '--format', 'json', ...(all ? ['--all'] : [])]);
  if (run.code !== 0) throw new Error(`alerts failed: ${run.stderr}`);
  return JSON.parse(run.stdout) as Alert[];
}

/** One query on the cache file, read-only, after checking the file is intact. */
export function query<T>(db: string, sql: string): T[] {
  const raw = new Database(db, { readonly: true });
  try {
    const check = raw.pragma('integrity_check', { simple: true });
    if (check !== 'ok') throw new Error(`integrity_check: ${String(check)}`);
    return raw.prepare(sql).all() as T[];
  } finally {
    raw.close();
  }
}

/** A cdrapi data request (either API generation), as opposed to a login or a challenge. */
export function isCdrRequest(request: SimulatorRequest): boolean {
  return request.path === '/cdrapi' || request.action === 'cdrapi';
}

/**
 * Calls `seen` synchronously as each request reaches the simulator, in the simulator's own event loop
 * turn (before it answers): the moment a test acts on a client in the middle of a sync. Returns the
 * function that stops listening.
 */
export function onSimulatorRequest(sim: RunningSimulator, seen: (request: SimulatorRequest) => void): () => void {
  const log = sim.requests;
  log.push = (...items: SimulatorRequest[]): number => {
    const length = Array.prototype.push.apply(log, items);
    for (const item of items) seen(item);
    return length;
  };
  return () => {
    // The array's own push goes; Array.prototype.push shows through again.
    Reflect.deleteProperty(log, 'push');
  };
}

export interface Child {
  process: ChildProcess;
  stdout(): string;
  stderr(): string;
  /** Resolves with the stdout text once it matches (rejects if the process ends first). */
  waitForStdout(pattern: RegExp): Promise<string>;
  /** The exit, bounded: after `ms` the process is killed and this rejects. */
  exited(ms: number): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Kills the process if it still runs (afterEach). */
  stop(): void;
}

/** Runs the real `ucmcdr` executable as users do, with these extra environment variables. */
export function ucmcdrChild(args: string[], env: Record<string, string> = {}): Child {
  const child = spawn(process.execPath, [BIN, ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  const waiters: { pattern: RegExp; resolve: (text: string) => void }[] = [];
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
    out += chunk;
    for (const w of waiters.splice(0)) {
      if (w.pattern.test(out)) w.resolve(out);
      else waiters.push(w);
    }
  });
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (err += chunk));
  // 'close', not 'exit': once the process ended and its output is all read.
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once('close', (code: number | null, signal: NodeJS.Signals | null) => resolve({ code, signal }));
  });
  const running = () => child.exitCode === null && child.signalCode === null;
  return {
    process: child,
    stdout: () => out,
    stderr: () => err,
    waitForStdout: (pattern) =>
      pattern.test(out)
        ? Promise.resolve(out)
        : Promise.race([
            new Promise<string>((resolve) => waiters.push({ pattern, resolve })),
            exit.then(({ code, signal }) => {
              throw new Error(`ucmcdr ended (${code ?? signal}) before printing ${pattern}: ${out}${err}`);
            }),
          ]),
    exited: (ms) => {
      let timer: NodeJS.Timeout | undefined;
      const bound = new Promise<never>((_resolve, reject) => {
        timer = setTimeout(() => {
          child.kill('SIGKILL');
          reject(new Error(`ucmcdr still ran after ${ms} ms: ${out}${err}`));
        }, ms);
      });
      return Promise.race([exit, bound]).finally(() => clearTimeout(timer));
    },
    stop: () => {
      if (running()) child.kill('SIGKILL');
    },
  };
}

/** A TCP server that takes connections and never answers: a PBX that hangs mid-sync. */
export interface SilentServer {
  port: number;
  /** Connections taken so far. */
  connections(): number;
  close(): Promise<void>;
}

export async function silentServer(): Promise<SilentServer> {
  const sockets = new Set<Socket>();
  let taken = 0;
  const server = createServer((socket) => {
    taken++;
    sockets.add(socket);
    socket.on('error', () => undefined);
    socket.on('close', () => sockets.delete(socket));
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    port,
    connections: () => taken,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

/**
 * Stops a process (SIGSTOP) and returns once the kernel reports it stopped: from then on it runs no
 * code until it is continued or killed. On a system without /proc it returns after sending the signal.
 */
export function freeze(pid: number): void {
  process.kill(pid, 'SIGSTOP');
  const deadline = Date.now() + 5000;
  for (;;) {
    let state: string | undefined;
    try {
      // Field 3 of /proc/PID/stat, after the command name in parentheses.
      state = /\)\s+(\S)/.exec(readFileSync(`/proc/${pid}/stat`, 'utf8'))?.[1];
    } catch {
      return;
    }
    if (state === 'T' || state === 't') return;
    if (Date.now() > deadline) throw new Error(`process ${pid} did not stop (state ${state})`);
  }
}
