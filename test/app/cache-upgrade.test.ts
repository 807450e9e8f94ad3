import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect } from 'vitest';
import { CACHE_UPGRADE_TASK_ID, type CacheUpgradeStatus, type ProgressEvent } from '../../preload/api.js';
import { dispatch, type ApiHandlers } from '../../main/app/dispatch.js';
import { createAppApi, type AppApi, type CacheUpgradeOptions } from '../../main/app/index.js';
import { createMemorySecrets } from '../../main/secrets.js';
import { openStore } from '../../main/store/store.js';
import type { Store } from '../../main/store/types.js';
import { DownloadRegistry } from '../../main/web/downloads.js';
import { createWebShell } from '../../main/web/shell.js';
import { it } from '../support/fixtures.js';
import { cacheContent, schema7Cache } from '../store/legacy-cache.js';

/**
 * The app converts an older cache in the background (main/app/upgrade.ts): the shells open it with
 * deferUpgrade, createAppApi starts the conversion, `app/upgradeStatus` and ProgressEvents of kind
 * `upgrade` say where it stands, and the contract's requests are answered between batches.
 */

const CALLS = 1_000;

function services(store: Store, dir: string, events: ProgressEvent[], cacheUpgrade: CacheUpgradeOptions): AppApi {
  return createAppApi({
    store,
    dataDir: dir,
    secrets: createMemorySecrets(),
    shell: createWebShell(new DownloadRegistry(join(dir, 'downloads'))),
    emitProgress: (event) => events.push(event),
    cacheUpgrade,
  });
}

/** The services as a transport calls them (the dialogs are the shell's). */
function handlers(app: AppApi): ApiHandlers {
  return { ...app, dialogs: { pickImportFiles: async () => [], pickSaveFile: async () => null, pickFolder: async () => null } };
}

const turn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** Calls `ask` on every turn of the event loop until the upgrade has ended; what it answered, with the upgrade's state then. */
async function askUntilEnded<T>(app: AppApi, ask: () => Promise<T>): Promise<{ status: CacheUpgradeStatus; answer: T }[]> {
  const answers: { status: CacheUpgradeStatus; answer: T }[] = [];
  const deadline = Date.now() + 30_000;
  for (;;) {
    const status = await app.app.upgradeStatus();
    if (status.phase === 'done' || status.phase === 'failed' || Date.now() > deadline) return answers;
    answers.push({ status, answer: await ask() });
    await turn();
  }
}

describe('the cache upgrade in the app services', () => {
  it('starts after createAppApi returns, answers requests between batches, and reports each batch, the space phase and the end', async ({ dir }) => {
    const path = join(dir, 'old.sqlite');
    schema7Cache(path, CALLS);
    const store = openStore(path, { deferUpgrade: true });
    const events: ProgressEvent[] = [];
    const app = services(store, dir, events, { batchCalls: 100 });
    try {
      // Nothing converted yet: the shell opens its window (or server) first.
      expect(await app.app.upgradeStatus()).toEqual({ phase: 'records', done: 0, total: 0 });
      expect(cacheContent(path).legs.every((l) => l.type === 'text')).toBe(true);

      const answers = await askUntilEnded(app, () => dispatch(handlers(app), 'calls/totals', { filter: {} }));
      // Answered while records were in both forms, between batches.
      const meanwhile = answers.filter((a) => a.status.phase === 'records' && a.status.done > 0 && a.status.done < CALLS);
      expect(meanwhile.length).toBeGreaterThan(2);
      for (const { answer } of answers) expect(answer).toEqual({ ok: true, value: { count: CALLS, talk_seconds: expect.any(Number) } });

      expect(await app.app.upgradeStatus()).toEqual({ phase: 'done', done: CALLS, total: CALLS });
      expect(events.every((e) => e.kind === 'upgrade' && e.taskId === CACHE_UPGRADE_TASK_ID && e.upgrade !== undefined)).toBe(true);
      const states = events.map((e) => e.upgrade!);
      expect(states[0]).toEqual({ phase: 'records', done: 0, total: CALLS });
      expect(states.filter((s) => s.phase === 'records').map((s) => s.done)).toEqual([0, 100, 200, 300, 400, 500, 600, 700, 800, 900, 1000]);
      expect(states.slice(-2)).toEqual([
        { phase: 'space', done: CALLS, total: CALLS },
        { phase: 'done', done: CALLS, total: CALLS },
      ]);
      expect(events.at(-3)).toMatchObject({ stage: 'Upgrading the cache: 1,000 of 1,000 calls converted', done: CALLS, total: CALLS });
      expect(events.at(-2)?.stage).toBe('Upgrading the cache: giving disk space back');
      expect(cacheContent(path).legs.every((l) => l.type === 'blob' && l.derived === '')).toBe(true);
      expect(store.upgrade.pending()).toBe(false);
    } finally {
      await app.close();
      store.close();
    }
  });

  it('shows a failure as its state and an event with the message, and the cache keeps answering', async ({ dir }) => {
    const path = join(dir, 'old.sqlite');
    schema7Cache(path, CALLS);
    const raw = new Database(path);
    raw.prepare("UPDATE legs SET fields = '[1, \"broken' WHERE call_id = (SELECT id FROM calls ORDER BY id LIMIT 1 OFFSET 450)").run();
    raw.close();
    const store = openStore(path, { deferUpgrade: true });
    const events: ProgressEvent[] = [];
    const lines: string[] = [];
    const app = services(store, dir, events, { batchCalls: 100, log: (line) => lines.push(line) });
    try {
      await askUntilEnded(app, async () => undefined);
      const status = await app.app.upgradeStatus();
      expect(status).toMatchObject({ phase: 'failed', done: 400, total: CALLS });
      expect(status.message).toMatch(/^Converting the records of the cache .* stopped .*Nothing is lost/);
      expect(events.at(-1)).toMatchObject({ kind: 'upgrade', stage: status.message, upgrade: status });
      expect(lines.at(-1)).toBe(`Upgrading the cache stopped: ${status.message}`);
      expect(await dispatch(handlers(app), 'calls/totals', { filter: {} })).toMatchObject({ ok: true, value: { count: CALLS } });
      expect(await dispatch(handlers(app), 'calls/page', { filter: {}, limit: 5 })).toMatchObject({ ok: true });
    } finally {
      await app.close();
      store.close();
    }
  });

  it('stops after the batch in flight when the app closes; the next opening goes on', async ({ dir }) => {
    const path = join(dir, 'old.sqlite');
    schema7Cache(path, CALLS);
    const store = openStore(path, { deferUpgrade: true });
    let closing: Promise<void> | null = null;
    const events: ProgressEvent[] = [];
    const app = createAppApi({
      store,
      dataDir: dir,
      secrets: createMemorySecrets(),
      shell: createWebShell(new DownloadRegistry(join(dir, 'downloads'))),
      emitProgress: (event) => {
        events.push(event);
        // The window is closed as the third batch is reported.
        if (event.upgrade?.done === 300) closing ??= app.close();
      },
      cacheUpgrade: { batchCalls: 100 },
    });
    await expect.poll(() => closing, { timeout: 10_000 }).not.toBeNull();
    await closing;
    store.close();
    expect(events.at(-1)?.upgrade).toEqual({ phase: 'records', done: 300, total: CALLS });
    const after = cacheContent(path);
    expect(after.legs.some((l) => l.type === 'text')).toBe(true);
    expect(after.settings).toContainEqual({ key: 'records.compact_after', value: expect.stringMatching(/^[1-9]\d*$/) });
    openStore(path).close();
    expect(cacheContent(path).legs.every((l) => l.type === 'blob')).toBe(true);
  });

  it('has nothing to do on a cache of this version: done from the start, no event', async ({ store, dir }) => {
    const events: ProgressEvent[] = [];
    const app = services(store, dir, events, {});
    try {
      await turn();
      await turn();
      expect(await app.app.upgradeStatus()).toEqual({ phase: 'done', done: 0, total: 0 });
      expect(events).toEqual([]);
    } finally {
      await app.close();
    }
  });
});
