import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { tempDir } from '../support/fs.js';
import type { PbxProfile, ProgressEvent } from '../../preload/api.js';
import { createAppApi, type AppApi } from '../../main/app/index.js';
import { FileRefRegistry } from '../../main/app/file-refs.js';
import { createMemorySecrets, type SecretStore } from '../../main/secrets.js';
import { openStore } from '../../main/store/store.js';
import { bigBySizeCsv } from '../importers/files.js';
import type { Store } from '../../main/store/types.js';

// The desktop shell opens links through Electron's shell module, which only exists inside Electron.
// Notification: the desktop shell's notify for the alerts a sync or an import raises (none shown here).
vi.mock('electron', () => ({ shell: { openExternal: vi.fn() }, Notification: { isSupported: () => false } }));
const { desktopShell } = await import('../../main/shell/desktop.js');

/**
 * The contract's implementation on the real services: the cache, the in-process simulator behind
 * "Try the demo PBX", sync, recordings, export and import, as the desktop shell wires them.
 */
describe('createAppApi', () => {
  let dir: string;
  let removeDir: () => void;
  let store: Store;
  let secrets: SecretStore;
  let files: FileRefRegistry;
  let api: AppApi;
  let demo: PbxProfile;
  const events: ProgressEvent[] = [];

  beforeAll(async () => {
    ({ dir, cleanup: removeDir } = tempDir('ucm-appapi-'));
    store = openStore(join(dir, 'cache.sqlite'));
    secrets = createMemorySecrets();
    files = new FileRefRegistry();
    api = createAppApi({ store, dataDir: dir, secrets, shell: desktopShell, emitProgress: (e) => events.push(e), files, version: '9.9.9' });
  });

  afterAll(async () => {
    await api.close();
    store.close();
    removeDir();
  });

  it('tells its mode, version, cache path and whether a keychain keeps passwords', async () => {
    expect(await api.app.info()).toEqual({ version: '9.9.9', mode: 'desktop', db_path: store.path, keychain: false });
  });

  it('starts the demo PBX once and shows its certificate for the first contact', async () => {
    const first = await api.pbx.startDemo();
    demo = first.profile;
    expect(demo).toMatchObject({ name: 'Demo PBX', kind: 'pbx', user: 'cdrapi', has_password: true, fingerprint: null });
    expect(first.certificate.fingerprint).toMatch(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
    const again = await api.pbx.startDemo();
    expect(again.profile.id).toBe(demo.id);
    expect(again.profile.url).toBe(demo.url);
    expect(again.certificate.fingerprint).toBe(first.certificate.fingerprint);
    expect(secrets.get(demo.id)).toBe('cdrapi123');
  });

  it('tests the connection: untrusted first, then ok once the fingerprint is pinned', async () => {
    const before = await api.pbx.test({ id: demo.id });
    expect(before.ok).toBe(false);
    expect(before.error?.code).toBe('TLS_UNTRUSTED');
    const fingerprint = before.certificate?.fingerprint ?? '';
    const trusted = await api.pbx.trust({ id: demo.id, fingerprint });
    expect(trusted.fingerprint).toBe(fingerprint);
    const after = await api.pbx.test({ id: demo.id });
    expect(after).toMatchObject({ ok: true, error: null });
    expect(after.detected_api).not.toBeNull();
    expect((await api.pbx.list()).find((p) => p.id === demo.id)?.detected_api).toBe(after.detected_api);
  });

  it('reports a wrong password as AUTH_FAILED in plain words', async () => {
    const result = await api.pbx.test({ id: demo.id, password: 'not-the-password' });
    expect(result.ok).toBe(false);
    expect(result.error?.code).toBe('AUTH_FAILED');
    expect(result.error?.message).not.toContain('not-the-password');
  });

  it('cancels a sync through tasks/cancel', async () => {
    const running = api.sync.run({ taskId: 'sync-cancel', pbx_id: demo.id });
    await api.tasks.cancel({ taskId: 'sync-cancel' });
    await expect(running).rejects.toMatchObject({ code: 'CANCELLED' });
  });

  it('syncs the demo PBX with progress events for its task', async () => {
    const result = await api.sync.run({ taskId: 'sync-1', pbx_id: demo.id });
    expect(result.calls_new).toBeGreaterThan(100);
    const mine = events.filter((e) => e.taskId === 'sync-1');
    expect(mine.length).toBeGreaterThan(0);
    expect(mine.every((e) => e.kind === 'sync')).toBe(true);
    const totals = await api.calls.totals({ filter: { pbx: ['Demo PBX'] } });
    expect(totals.count).toBeGreaterThanOrEqual(result.calls_new);
    const page = await api.calls.page({ filter: {}, limit: 5 });
    expect(page.rows).toHaveLength(5);
    const detail = await api.calls.session({ call_id: page.rows[0].id });
    expect(detail.call.id).toBe(page.rows[0].id);
    await expect(api.calls.session({ call_id: 999_999_999 })).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('asks for a password (PASSWORD_REQUIRED) when none is stored or given', async () => {
    const profile = await api.pbx.save({ name: 'No password', url: demo.url.replace('127.0.0.1', 'localhost'), api: 'auto', user: 'cdrapi', tz: 'UTC' });
    expect(profile.has_password).toBe(false);
    await expect(api.sync.run({ taskId: 'sync-nopw', pbx_id: profile.id })).rejects.toMatchObject({ code: 'PASSWORD_REQUIRED' });
    await expect(api.pbx.test({ id: profile.id })).rejects.toMatchObject({ code: 'PASSWORD_REQUIRED' });
    await api.pbx.remove({ id: profile.id });
    expect((await api.pbx.list()).map((p) => p.name)).not.toContain('No password');
  });

  it('keeps the pinned certificate when the address moves: the same PBX under a new name still connects', async () => {
    const pinned = (await api.pbx.list()).find((p) => p.id === demo.id)!.fingerprint;
    const moved = await api.pbx.save({ ...demo, id: demo.id, url: demo.url.replace('127.0.0.1', 'localhost') });
    expect(moved.fingerprint).toBe(pinned);
    expect(await api.pbx.test({ id: demo.id })).toMatchObject({ ok: true, certificate: null });
    const back = await api.pbx.save({ ...demo, id: demo.id });
    expect(back.fingerprint).toBe(pinned);
  });

  it('fetches a recording on first play and plays it from the cache afterwards', async () => {
    const page = await api.calls.page({ filter: { has_recording: true }, limit: 1 });
    const call = page.rows[0];
    const played = await api.recordings.play({ call_id: call.id, recording: call.recordings[0] });
    expect(played.url).toBe(`app://ucm/recordings/${call.id}/0`);
    expect(played.bytes).toBeGreaterThan(44);
    secrets.delete(demo.id);
    try {
      expect(await api.recordings.play({ call_id: call.id, recording: call.recordings[0] })).toEqual(played);
    } finally {
      secrets.set(demo.id, 'cdrapi123');
    }
    await expect(api.recordings.play({ call_id: call.id, recording: 'other.wav' })).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('exports the filtered set to a chosen file and refuses a missing target on the desktop', async () => {
    const filter = { pbx: ['Demo PBX'], status: ['ANSWERED' as const] };
    const out = join(dir, 'answered.csv');
    const target = files.add(out, 'save');
    const result = await api.exports.run({ taskId: 'exp-1', filter, format: 'csv', fields: ['session', 'disposition'], target });
    const count = (await api.calls.totals({ filter })).count;
    expect(result).toEqual({ rows: count });
    const lines = readFileSync(out, 'utf8').trim().split(/\r?\n/);
    expect(lines).toHaveLength(count + 1);
    expect(lines.slice(1).every((l) => l.endsWith(',ANSWERED'))).toBe(true);
    await expect(api.exports.run({ taskId: 'exp-2', filter, format: 'csv' })).rejects.toMatchObject({ code: 'BAD_INPUT' });
    await expect(api.exports.run({ taskId: 'exp-3', filter, format: 'csv', target: files.add(dir, 'folder') })).rejects.toMatchObject({
      code: 'BAD_INPUT',
    });
  });

  it('replaces a chosen file only when the export is complete, and writes xlsx when asked', async () => {
    const filter = { pbx: ['Demo PBX'] };
    const out = join(dir, 'chosen.xlsx');
    writeFileSync(out, 'the old file');
    // The save dialog confirmed the replacement; a failing export must still leave the old file.
    await expect(api.exports.run({ taskId: 'exp-4', filter, format: 'xlsx', fields: [], target: files.add(out, 'save') })).rejects.toMatchObject({
      code: 'BAD_INPUT',
    });
    expect(readFileSync(out, 'utf8')).toBe('the old file');
    const result = await api.exports.run({ taskId: 'exp-5', filter, format: 'xlsx', fields: ['session', 'talk_time'], target: files.add(out, 'save') });
    expect(result.rows).toBe((await api.calls.totals({ filter })).count);
    expect(readFileSync(out).subarray(0, 4).toString('latin1')).toBe('PK\x03\x04');
    expect(readdirSync(dir).filter((name) => name.endsWith('.part'))).toEqual([]);
  });

  it("exports a call's recordings to a chosen folder", async () => {
    const call = (await api.calls.page({ filter: { has_recording: true }, limit: 1 })).rows[0];
    const folder = join(dir, 'rec-out');
    mkdirSync(folder);
    const result = await api.recordings.export({ taskId: 'rec-1', call_id: call.id, target: files.add(folder, 'folder') });
    expect(result.copied).toBe(call.recordings.length);
    expect(readdirSync(folder)).toHaveLength(call.recordings.length);
  });

  it('imports picked files into the "Imported" source', async () => {
    const csv = join(dir, 'page-export.csv');
    writeFileSync(csv, 'Caller Number,Callee Number,Start Time,Call Time,Talk Time,Status,Session\n4003,1001,2021-03-18 15:14:33,23,20,ANSWERED,app-api-s-1\n');
    const result = await api.imports.run({ taskId: 'imp-1', files: [files.add(csv, 'file')] });
    expect(result.files[0]).toMatchObject({ imported: 1, error: null });
    expect((await api.calls.totals({ filter: { pbx: [store.profiles.importSource().name] } })).count).toBe(1);
    expect((await api.calls.filterOptions()).pbx).toEqual(expect.arrayContaining(['Demo PBX']));
  });

  it('tells the window when a big import moves on to rebuilding the search indexes', async () => {
    const csv = join(dir, 'big-by-size.csv');
    writeFileSync(csv, bigBySizeCsv());
    const result = await api.imports.run({ taskId: 'imp-big', files: [files.add(csv, 'file')] });
    expect(result.files[0]).toMatchObject({ imported: 10_000, error: null });
    const stages = events.filter((e) => e.taskId === 'imp-big').map((e) => e.stage);
    expect(stages).toContain('big-by-size.csv: 10,000 rows stored, rebuilding the search indexes');
  });

  it('keeps settings and refuses two saved filters with one name', async () => {
    const defaults = await api.app.getSettings();
    expect(defaults.theme).toBe('system');
    const saved = await api.app.saveSettings({ ...defaults, theme: 'dark', saved_filters: [{ name: 'Inbound', filter: { direction: ['inbound'] } }] });
    expect(await api.app.getSettings()).toEqual(saved);
    await expect(
      api.app.saveSettings({ ...defaults, saved_filters: [{ name: 'A', filter: {} }, { name: 'A', filter: {} }] }),
    ).rejects.toMatchObject({ code: 'BAD_INPUT' });
  });

  it('stops the demo PBX on close', async () => {
    const port = Number(new URL(demo.url).port);
    const accepts = (): Promise<boolean> =>
      new Promise((resolve) => {
        const socket = connect({ host: '127.0.0.1', port }, () => {
          socket.destroy();
          resolve(true);
        });
        socket.on('error', () => resolve(false));
      });
    expect(await accepts()).toBe(true);
    await api.close();
    expect(await accepts()).toBe(false);
    expect(existsSync(join(dir, 'simulator'))).toBe(true);
  });
});
