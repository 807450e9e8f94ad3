import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { importFiles } from '../../main/importers/index.js';
import type { ImportProgress } from '../../main/importers/index.js';
import { BATCH_ROWS, MAX_LISTED_REJECTS } from '../../main/importers/tuning.js';
import { schemaIndexSql } from '../../main/store/migrations.js';
import { bigBySizeCsv } from './files.js';
import { dumpDatabase, fixture, makeZip } from './helpers.js';
import { tempStore } from '../support/store.js';

let ctx: ReturnType<typeof tempStore>;
beforeEach(() => {
  ctx = tempStore();
});
afterEach(() => ctx.cleanup());

function write(name: string, data: string | Buffer): string {
  const path = join(ctx.dir, name);
  writeFileSync(path, data);
  return path;
}

function count(): number {
  return ctx.store.calls.totals({}).count;
}

function generated(rows: number, session = (i: number) => `gen-${i}`): string {
  const lines = ['Caller Number,Callee Number,Start Time,Call Time,Talk Time,Disposition,Session'];
  for (let i = 0; i < rows; i++) {
    const second = String(i % 60).padStart(2, '0');
    const minute = String(Math.floor(i / 60) % 60).padStart(2, '0');
    const hour = String(Math.floor(i / 3600) % 24).padStart(2, '0');
    lines.push(`${1000 + (i % 50)},${2000 + (i % 7)},2021-03-18 ${hour}:${minute}:${second},${i % 300},${i % 200},ANSWERED,${session(i)}`);
  }
  return `${lines.join('\r\n')}\r\n`;
}

describe('importFiles: bad rows', () => {
  it('skips bad rows and reports each with its file, physical line and reason', async () => {
    const report = join(ctx.dir, 'rejected.csv');
    const result = await importFiles(ctx.store, [fixture('bad-rows.csv')], { reportPath: report });
    const [file] = result.files;
    expect(file).toMatchObject({ imported: 2, rejected_total: 3, error: null });
    expect(file?.rejected).toEqual([
      { file: 'bad-rows.csv', line: 4, reason: 'the row has 4 columns where the header has 7' },
      { file: 'bad-rows.csv', line: 5, reason: expect.stringMatching(/^Start Time: .*"2021-13-45 99:00:00"/) },
      { file: 'bad-rows.csv', line: 6, reason: 'Call Time: negative duration "-4"' },
    ]);
    expect(ctx.store.calls.findSession('s-ok-1')).toHaveLength(1);
    expect(ctx.store.calls.findSession('s-ok-2')).toHaveLength(1);
    expect(ctx.store.calls.findSession('s-negative')).toHaveLength(0);

    const lines = readFileSync(report, 'utf8').split('\r\n');
    expect(lines[0]).toBe('file,line,reason,raw');
    expect(lines[1]).toBe('bad-rows.csv,4,the row has 4 columns where the header has 7,"1001,1002,2021-03-18 15:15:00,10"');
    expect(lines[3]).toBe('bad-rows.csv,6,"Call Time: negative duration ""-4""","1001,1002,2021-03-18 15:16:00,-4,0,Negative,s-negative"');
    expect(lines).toHaveLength(5);
    const logged = Object.values(dumpDatabase(ctx.store.path))
      .flat()
      .find((row) => (row as { file?: string }).file === 'bad-rows.csv');
    expect(logged).toMatchObject({ format: 'ucm-csv', imported: 2, rejected: 3 });
  });

  it('lists at most MAX_LISTED_REJECTS rows in the result but counts and reports them all', async () => {
    const rows = ['Caller Number,Callee Number,Start Time,Call Time,Session'];
    for (let i = 0; i < MAX_LISTED_REJECTS + 5; i++) rows.push(`1001,1002,2021-03-18 15:14:33,-${i + 1},neg-${i}`);
    const report = join(ctx.dir, 'rejected.csv');
    const result = await importFiles(ctx.store, [write('negative.csv', rows.join('\n'))], { reportPath: report });
    expect(result.files[0]?.rejected).toHaveLength(MAX_LISTED_REJECTS);
    expect(result.files[0]?.rejected_total).toBe(MAX_LISTED_REJECTS + 5);
    expect(readFileSync(report, 'utf8').trimEnd().split('\r\n')).toHaveLength(MAX_LISTED_REJECTS + 6);
    expect(count()).toBe(0);
  });
});

describe('importFiles: files that are not CDR data', () => {
  const cases: [string, () => string][] = [
    ['a CSV of something else', () => fixture('not-cdr-expenses.csv')],
    ['an HTML page', () => fixture('not-cdr-login.html')],
    ['a PDF', () => write('report.csv', Buffer.from('%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n', 'latin1'))],
    ['binary data', () => write('cdr.csv', Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919) % 256)))],
    ['a JSON document without cdr_root', () => write('cdr.json', '{"status":0,"response":{}}')],
    ['a zip holding no CDR file', () => write('cdr.zip', makeZip([{ name: 'readme.txt', data: Buffer.from('Call history\n') }]))],
    ['an empty file', () => write('empty.csv', '')],
  ];
  for (const [what, path] of cases) {
    it(`refuses ${what} with a clear message and leaves the cache exactly as it was`, async () => {
      const file = path();
      const before = dumpDatabase(ctx.store.path);
      const result = await importFiles(ctx.store, [file]);
      expect(result.files).toHaveLength(1);
      expect(result.files[0]).toMatchObject({ imported: 0, error: { code: 'BAD_FILE', message: expect.stringMatching(/not CDR data/) } });
      expect(dumpDatabase(ctx.store.path)).toEqual(before);
    });
  }

  it('still imports the good files given with a refused one', async () => {
    const result = await importFiles(ctx.store, [fixture('not-cdr-login.html'), fixture('ucm-call-from-to.csv')]);
    expect(result.files.map((f) => [f.file, f.imported, f.error?.code ?? null])).toEqual([
      ['not-cdr-login.html', 0, 'BAD_FILE'],
      ['ucm-call-from-to.csv', 2, null],
    ]);
  });
});

describe('importFiles: no duplicates', () => {
  it('changes nothing when the same file is imported again', async () => {
    await importFiles(ctx.store, [fixture('ucm-odd-order.csv'), fixture('ucm-call-from-to.csv')]);
    const before = dumpDatabase(ctx.store.path);
    const again = await importFiles(ctx.store, [fixture('ucm-odd-order.csv'), fixture('ucm-call-from-to.csv')]);
    expect(again.files.map((f) => [f.imported, f.already_present, f.merged])).toEqual([
      [0, 3, 0],
      [0, 2, 0],
    ]);
    expect(count()).toBe(5);
    const after = dumpDatabase(ctx.store.path);
    const callsTable = Object.keys(before).find((name) => /call/i.test(name) && !/leg/i.test(name));
    expect(callsTable).toBeDefined();
    expect(after[callsTable as string]).toEqual(before[callsTable as string]);
  });

  it('stores a call found in two overlapping exports once', async () => {
    const text = generated(6);
    const [header, ...rows] = text.trim().split('\r\n');
    const first = write('jan.csv', [header, ...rows.slice(0, 4)].join('\r\n'));
    const second = write('jan-later.csv', [header, ...rows.slice(2)].join('\r\n'));
    await importFiles(ctx.store, [first]);
    const result = await importFiles(ctx.store, [second]);
    expect(result.files[0]).toMatchObject({ imported: 2, already_present: 2 });
    expect(count()).toBe(6);
  });

  it('marks each call with the file it came from and when that file was imported, which a later file does not change', async () => {
    const text = generated(4);
    const [header, ...rows] = text.trim().split('\r\n');
    const first = write('march.csv', [header, ...rows.slice(0, 2)].join('\r\n'));
    const second = write('march-all.csv', [header, ...rows].join('\r\n'));
    const started = Math.floor(Date.now() / 1000) * 1000;
    await importFiles(ctx.store, [first]);
    const between = Date.now();
    await importFiles(ctx.store, [second]);
    const ended = Date.now();
    const origin = (session: string) => {
      const call = ctx.store.calls.findSession(session)[0]?.call;
      return { origin: call?.origin, at: Date.parse(call?.imported_at ?? '') };
    };
    for (const session of ['gen-0', 'gen-1']) {
      const { origin: file, at } = origin(session);
      expect(file).toBe('import:march.csv');
      expect(at).toBeGreaterThanOrEqual(started);
      expect(at).toBeLessThanOrEqual(between);
    }
    for (const session of ['gen-2', 'gen-3']) {
      const { origin: file, at } = origin(session);
      expect(file).toBe('import:march-all.csv');
      expect(at).toBeGreaterThanOrEqual(Math.floor(between / 1000) * 1000);
      expect(at).toBeLessThanOrEqual(ended);
    }
  });

  it('adds what a synced call lacked and erases nothing it had', async () => {
    const office = ctx.store.profiles.save({ name: 'office', url: 'https://192.0.2.10:8443', api: 'auto', user: 'cdrapi', tz: 'UTC' });
    const synced = {
      session: '1616080473000001-4003',
      src: '4003',
      dst: '1001',
      start: '2021-03-18 15:14:33',
      duration: '25',
      billsec: '23',
      disposition: 'ANSWERED',
      userfield: 'Internal',
      recordfiles: '2021-03/auto-1616080473-4003-1001.wav@',
      caller_name: '',
    };
    ctx.store.calls.ingest(office.id, [{ session: synced.session, main: synced, legs: [synced] }], { origin: 'sync' });
    const csv = write(
      'office.csv',
      'Session,Caller Number,Callee Number,Start Time,Caller Name,User Field,Account Code\r\n' +
        '1616080473000001-4003,4003,1001,2021-03-18 15:14:33,Front Desk,,7788\r\n',
    );
    const result = await importFiles(ctx.store, [csv], { pbx: 'office' });
    expect(result.files[0]).toMatchObject({ imported: 0, merged: 1, error: null });
    const found = ctx.store.calls.findSession('1616080473000001-4003');
    expect(found).toHaveLength(1);
    expect(found[0]?.call).toMatchObject({ pbx: 'office', caller_name: 'Front Desk', account_code: '7788', recordings: ['2021-03/auto-1616080473-4003-1001.wav'] });
    expect(found[0]?.main.fields).toMatchObject({ userfield: 'Internal', duration: '25', caller_name: 'Front Desk' });
    expect(found[0]?.call).toMatchObject({ origin: 'sync', imported_at: null });
  });
});

describe('importFiles: dates', () => {
  it('infers day-first order from a value over 12 anywhere in the file', async () => {
    const result = await importFiles(ctx.store, [fixture('dates-dmy.csv')]);
    expect(result.files[0]).toMatchObject({ imported: 3, rejected: [] });
    expect(ctx.store.calls.findSession('d-1')[0]?.call.start).toBe('2021-03-01T08:00:00');
    expect(ctx.store.calls.findSession('d-3')[0]?.call.start).toBe('2021-03-13T08:00:00');
  });

  it('refuses dates that read either way unless the date order is given', async () => {
    const before = dumpDatabase(ctx.store.path);
    const refused = await importFiles(ctx.store, [fixture('dates-ambiguous.csv')]);
    expect(refused.files[0]?.error).toMatchObject({ code: 'BAD_FILE', message: expect.stringMatching(/"03\/04\/2021 08:00:00".*--date-order mdy\|dmy/) });
    expect(dumpDatabase(ctx.store.path)).toEqual(before);

    await importFiles(ctx.store, [fixture('dates-ambiguous.csv')], { dateOrder: 'dmy' });
    expect(ctx.store.calls.findSession('a-1')[0]?.call.start).toBe('2021-04-03T08:00:00');
    expect(ctx.store.calls.findSession('a-2')[0]?.call.start).toBe('2021-06-05T09:30:00');
  });

  it('reads month-first when told so', async () => {
    await importFiles(ctx.store, [fixture('dates-ambiguous.csv')], { dateOrder: 'mdy' });
    expect(ctx.store.calls.findSession('a-1')[0]?.call.start).toBe('2021-03-04T08:00:00');
  });
});

describe('importFiles: options', () => {
  it('puts the calls into the named PBX profile', async () => {
    ctx.store.profiles.save({ name: 'branch', url: 'https://192.0.2.20:8443', api: 'auto', user: 'cdrapi', tz: 'Europe/London' });
    await importFiles(ctx.store, [fixture('ucm-odd-order.csv')], { pbx: 'branch' });
    expect(ctx.store.calls.findSession('1461920017104140-1000')[0]?.call.pbx).toBe('branch');
  });

  it('refuses an unknown PBX name before reading any file', async () => {
    const before = dumpDatabase(ctx.store.path);
    await expect(importFiles(ctx.store, [fixture('ucm-odd-order.csv')], { pbx: 'nope' })).rejects.toMatchObject({
      code: 'BAD_INPUT',
      message: expect.stringMatching(/no PBX profile named "nope"/),
    });
    expect(dumpDatabase(ctx.store.path)).toEqual(before);
  });

  it('refuses a bad date order and a bad column mapping, naming the value', async () => {
    await expect(importFiles(ctx.store, [fixture('ucm-odd-order.csv')], { dateOrder: 'ymd' as 'mdy' })).rejects.toMatchObject({
      code: 'BAD_INPUT',
      message: expect.stringMatching(/"ymd"/),
    });
    await expect(importFiles(ctx.store, [fixture('ucm-odd-order.csv')], { mapping: { Anrufer: 'caller' } })).rejects.toMatchObject({
      code: 'BAD_INPUT',
      message: expect.stringMatching(/"caller"/),
    });
  });

  it('reports a file that cannot be read in its result', async () => {
    const result = await importFiles(ctx.store, [join(ctx.dir, 'missing.csv')]);
    expect(result.files[0]?.error).toMatchObject({ code: 'BAD_INPUT', message: expect.stringMatching(/missing\.csv/) });
  });
});

describe('importFiles: streaming, progress and cancel', () => {
  it('streams 50,000 rows in batches and reports progress up to the whole file', async () => {
    const path = write('big.csv', generated(50_000));
    const progress: ImportProgress[] = [];
    const result = await importFiles(ctx.store, [path], { onProgress: (p) => progress.push(p) });
    expect(result.files[0]).toMatchObject({ imported: 50_000, rejected: [], error: null });
    expect(count()).toBe(50_000);
    expect(progress.length).toBeGreaterThanOrEqual(Math.floor(50_000 / BATCH_ROWS));
    const rows = progress.map((p) => p.rows);
    expect(rows).toEqual([...rows].sort((a, b) => a - b));
    expect(progress.at(-1)).toMatchObject({ file: 'big.csv', rows: 50_000 });
    expect(progress.at(-1)?.bytes).toBe(progress.at(-1)?.total_bytes);
  });

  it('reports rebuilding the indexes of a big file as its own phase, before it starts, and leaves the real indexes', async () => {
    const path = write('big-by-size.csv', bigBySizeCsv());
    const progress: ImportProgress[] = [];
    const reportedBeforeFinish: ImportProgress[][] = [];
    const calls = Object.create(ctx.store.calls) as typeof ctx.store.calls;
    calls.beginBulkLoad = (expectedCalls) => {
      const load = ctx.store.calls.beginBulkLoad(expectedCalls);
      return {
        indexesAside: load.indexesAside,
        finish() {
          reportedBeforeFinish.push([...progress]);
          load.finish();
        },
      };
    };
    const store = Object.create(ctx.store, { calls: { value: calls } }) as typeof ctx.store;
    const result = await importFiles(store, [path], { onProgress: (p) => progress.push(p) });
    expect(result.files[0]).toMatchObject({ imported: 10_000, error: null });
    expect(reportedBeforeFinish).toHaveLength(1);
    const before = reportedBeforeFinish[0] as ImportProgress[];
    expect(before.at(-1)).toMatchObject({ file: 'big-by-size.csv', phase: 'indexing', rows: 10_000, rate: null, eta_seconds: null });
    expect(before.slice(0, -1).every((p) => p.phase === 'reading')).toBe(true);
    expect(progress).toEqual(before);
    const db = new Database(ctx.store.path, { readonly: true });
    try {
      const indexes = db.prepare<[], { name: string; sql: string }>("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL AND tbl_name = 'calls'").all();
      expect(new Map(indexes.map((index) => [index.name, index.sql]))).toEqual(schemaIndexSql());
      expect(db.prepare("SELECT count(*) AS n FROM settings WHERE key = 'bulk_load'").get()).toEqual({ n: 0 });
    } finally {
      db.close();
    }
  });

  it('has no indexing phase for a file too small for a bulk load', async () => {
    const progress: ImportProgress[] = [];
    await importFiles(ctx.store, [write('small.csv', generated(3_000))], { onProgress: (p) => progress.push(p) });
    expect(progress.length).toBeGreaterThan(0);
    expect(progress.every((p) => p.phase === 'reading')).toBe(true);
  });

  it('stops on cancel with CANCELLED, keeping only the batches already committed', async () => {
    const path = write('cancel.csv', generated(BATCH_ROWS * 3));
    const controller = new AbortController();
    await expect(
      importFiles(ctx.store, [path], { signal: controller.signal, onProgress: () => controller.abort() }),
    ).rejects.toMatchObject({ code: 'CANCELLED' });
    // The first batch is committed, less the group of its last row, which waits for the next batch.
    expect(count()).toBe(BATCH_ROWS - 1);
  });

  it('writes a batch whole or not at all: a failure inside one keeps the batches before it only', async () => {
    const path = write('failing.csv', generated(BATCH_ROWS * 3));
    let batches = 0;
    const calls = Object.create(ctx.store.calls) as typeof ctx.store.calls;
    calls.ingestPrepared = (...args) => {
      const counts = ctx.store.calls.ingestPrepared(...args);
      if (++batches === 2) throw new Database.SqliteError('database or disk is full', 'SQLITE_FULL');
      return counts;
    };
    const failing = Object.create(ctx.store, { calls: { value: calls } }) as typeof ctx.store;
    const result = await importFiles(failing, [path]);
    expect(result.files[0]).toMatchObject({
      imported: BATCH_ROWS - 1,
      error: { code: 'DB_ERROR', message: expect.stringMatching(/^The disk holding the cache is full\. Free some space .*\(SQLite: database or disk is full\)$/) },
    });
    expect(count()).toBe(BATCH_ROWS - 1);
  });

  it('merges a session whose rows are split by a batch boundary into one call', async () => {
    const path = write('split.csv', generated(BATCH_ROWS + 10, (i) => (i >= BATCH_ROWS - 3 && i < BATCH_ROWS + 3 ? 'split-session' : `gen-${i}`)));
    const result = await importFiles(ctx.store, [path]);
    expect(result.files[0]?.rejected).toEqual([]);
    expect(count()).toBe(BATCH_ROWS + 10 - 5);
    expect(ctx.store.calls.findSession('split-session')[0]?.legs).toHaveLength(6);
  });
});

describe('importFiles: a batch that fails', () => {
  it('counts and logs only the batches committed before it, even when the failure comes after its calls were written', async () => {
    const path = write('three-batches.csv', generated(BATCH_ROWS * 3));
    const { imports } = ctx.store;
    const update = imports.update.bind(imports);
    let updates = 0;
    // The second batch's calls are written, then its log update fails: the whole batch is rolled back.
    imports.update = (id, counts, state) => {
      if (state === undefined && ++updates === 2) throw new Error('disk I/O error');
      update(id, counts, state);
    };
    const [file] = (await importFiles(ctx.store, [path])).files;
    expect(file?.error?.code).toBe('INTERNAL');
    // The first batch (about BATCH_ROWS calls: a session's rows never straddle two) is all that is stored.
    const stored = count();
    expect(stored).toBeGreaterThan(BATCH_ROWS - 10);
    expect(stored).toBeLessThanOrEqual(BATCH_ROWS);
    expect(file?.imported).toBe(stored);
    expect(ctx.store.imports.list().map((e) => [e.imported, e.state])).toEqual([[stored, 'stopped']]);

    updates = 1;
    const [first] = (await importFiles(ctx.store, [write('fails-at-once.csv', generated(10, (i) => `other-${i}`))])).files;
    expect(first).toMatchObject({ imported: 0, import_id: null });
    expect(count()).toBe(stored);
    expect(ctx.store.imports.list()).toHaveLength(1);
  });
});
