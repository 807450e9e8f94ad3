import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportCalls } from '../../main/export/export.js';
import { openStore } from '../../main/store/store.js';
import type { Store } from '../../main/store/types.js';
import { flatCall } from '../support/calls.js';
import { tempDir } from '../support/fs.js';

const tmp = tempDir('ucm-export-');
let store: Store;
const COUNT = 1200;

/**
 * A sink with a tiny buffer that finishes each write on a later turn of the event loop, so the
 * exporter must wait for 'drain' again and again; it records the most bytes ever waiting in it.
 */
function slowSink() {
  const chunks: string[] = [];
  let maxBuffered = 0;
  const sink = new Writable({
    highWaterMark: 1024,
    write(chunk: Buffer, _encoding, callback) {
      chunks.push(chunk.toString('utf8'));
      setImmediate(callback);
    },
  });
  const write = sink.write.bind(sink);
  sink.write = ((chunk: string) => {
    const ok = write(chunk);
    maxBuffered = Math.max(maxBuffered, sink.writableLength);
    return ok;
  }) as typeof sink.write;
  return { sink, text: () => chunks.join(''), maxBuffered: () => maxBuffered };
}

beforeAll(() => {
  store = openStore(join(tmp.dir, 'cache.sqlite'));
  const pbx = store.profiles.save({ name: 'office', url: 'https://192.0.2.1:8443', api: 'legacy', user: 'u', tz: 'UTC' });
  const calls = Array.from({ length: COUNT }, (_, i) =>
    flatCall({
      session: `s-${String(i).padStart(4, '0')}`,
      start: new Date(Date.UTC(2024, 0, 1) + i * 60_000).toISOString().slice(0, 19).replace('T', ' '),
      src: String(1000 + (i % 50)),
      dst: '2000',
      dcontext: `ctx-${i}`,
      uniqueid: `u-${i}`,
      lastdata: `PJSIP/2000/sip:2000@192.0.2.1:5060,60,zb(callee-handler^s^1),${'x'.repeat(150)}`,
      billsec: i % 7,
      duration: i % 7,
    }),
  );
  store.calls.ingest(pbx.id, calls, { origin: 'sync' });
});
afterAll(() => {
  store.close();
  tmp.cleanup();
});

describe('exportCalls', () => {
  it('streams every matching call with backpressure: the sink never holds more than a flush', async () => {
    const out = slowSink();
    const progress: number[] = [];
    const { rows } = await exportCalls(store, { filter: {}, format: 'csv' }, out.sink, {
      onProgress: (n) => progress.push(n),
    });
    expect(rows).toBe(COUNT);
    const lines = out.text().split('\r\n');
    expect(lines[0]).toMatch(
      /^Account Code,Session,Action Owner,.*,NAT,PBX,Direction,Recordings,Outcome,Route,Cost,Cost Status,Cost Currency,Rate Destination,Callee Name,Answer By Name$/,
    );
    expect(lines).toHaveLength(COUNT + 2);
    expect(lines[1]).toContain(',s-1199,');
    expect(lines[1]).toContain(',ctx-1199,');
    expect(lines.at(-1)).toBe('');
    // Without waiting for 'drain' the whole export would pile up in the sink.
    expect(out.text().length).toBeGreaterThan(3 * 100 * 1024);
    expect(out.maxBuffered()).toBeLessThan(100 * 1024);
    expect(progress.at(-1)).toBe(COUNT);
    expect(progress.length).toBeGreaterThan(1);
  });

  it('takes the chosen fields only, raw ones from each call\'s main record', async () => {
    const out = slowSink();
    await exportCalls(store, { filter: { caller: '1001' }, format: 'csv', fields: ['session', 'context', 'uniqueid'] }, out.sink);
    const lines = out.text().split('\r\n');
    expect(lines[0]).toBe('Session,Context,Unique ID');
    expect(lines[1]).toBe('s-1151,ctx-1151,u-1151');
  });

  it('writes JSON as one array of objects keyed by field, in the sort asked for', async () => {
    const out = slowSink();
    await exportCalls(
      store,
      { filter: { caller: '1000' }, sort: { field: 'start', dir: 'asc' }, format: 'json', fields: ['session', 'talk_time', 'context'] },
      out.sink,
    );
    const parsed = JSON.parse(out.text()) as { session: string; talk_time: number; context: string }[];
    expect(parsed).toHaveLength(COUNT / 50);
    expect(parsed[0]).toEqual({ session: 's-0000', talk_time: 0, context: 'ctx-0' });
    expect(parsed[1]).toEqual({ session: 's-0050', talk_time: 1, context: 'ctx-50' });
  });

  it('writes an empty JSON array and a bare CSV header when nothing matches', async () => {
    const json = slowSink();
    expect((await exportCalls(store, { filter: { caller: '9999' }, format: 'json' }, json.sink)).rows).toBe(0);
    expect(JSON.parse(json.text())).toEqual([]);
    const csv = slowSink();
    await exportCalls(store, { filter: { caller: '9999' }, format: 'csv', fields: ['session', 'pbx'] }, csv.sink);
    expect(csv.text()).toBe('Session,PBX\r\n');
  });

  it('runs two exports at once while the cache takes new calls, each export keeping the calls it started with', async () => {
    const branch = store.profiles.save({ name: 'branch', url: 'https://192.0.2.2:8443', api: 'legacy', user: 'u', tz: 'UTC' });
    let wrote = false;
    const write = () => {
      if (wrote) return;
      wrote = true;
      const call = flatCall({ session: 'during-export', start: '2024-06-01 08:00:00', src: '3000', dst: '2000' });
      store.transaction(() => store.calls.ingest(branch.id, [call], { origin: 'import:late.csv' }));
    };
    try {
      const [first, second] = await Promise.all([
        exportCalls(store, { filter: {}, format: 'csv' }, slowSink().sink, { onProgress: write }),
        exportCalls(store, { filter: {}, format: 'csv' }, slowSink().sink),
      ]);
      expect(wrote).toBe(true);
      expect(first.rows).toBe(COUNT);
      expect(second.rows).toBe(COUNT);
      expect(store.calls.totals({}).count).toBe(COUNT + 1);
    } finally {
      store.profiles.remove(branch.id);
    }
  });

  it('stops with CANCELLED when its signal is aborted', async () => {
    const controller = new AbortController();
    const out = slowSink();
    const run = exportCalls(store, { filter: {}, format: 'csv' }, out.sink, {
      signal: controller.signal,
      onProgress: () => controller.abort(),
    });
    await expect(run).rejects.toMatchObject({ code: 'CANCELLED', message: 'Export cancelled.' });
    expect(out.text().split('\r\n').length).toBeLessThan(COUNT);
  });

  it('refuses a bad format or field before writing anything', async () => {
    const out = slowSink();
    await expect(exportCalls(store, { filter: {}, format: 'xml' as 'csv' }, out.sink)).rejects.toMatchObject({ code: 'BAD_INPUT' });
    await expect(
      exportCalls(store, { filter: {}, format: 'csv', fields: ['session', 'colour' as 'session'] }, out.sink),
    ).rejects.toThrow(/Unknown export field "colour"/);
    await expect(exportCalls(store, { filter: { status: ['MAYBE' as 'BUSY'] }, format: 'csv' }, out.sink)).rejects.toMatchObject({
      code: 'BAD_INPUT',
    });
    expect(out.text()).toBe('');
  });
});
