import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import iconv from 'iconv-lite';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { SessionDetail } from '../../preload/api.js';
import { importFiles } from '../../main/importers/index.js';
import { dumpDatabase, fixture, makeZip } from './helpers.js';
import { tempStore } from '../support/store.js';

let ctx: ReturnType<typeof tempStore>;
beforeEach(() => {
  ctx = tempStore();
});
afterEach(() => ctx.cleanup());

function session(id: string): SessionDetail {
  const found = ctx.store.calls.findSession(id);
  expect(found, `session ${id}`).toHaveLength(1);
  return found[0] as SessionDetail;
}

function allCalls() {
  return ctx.store.calls.page({ filter: {}, sort: { field: 'start', dir: 'asc' }, limit: 1000 }).rows;
}

function write(name: string, data: string | Buffer): string {
  const path = join(ctx.dir, name);
  writeFileSync(path, data);
  return path;
}

describe('importFiles: UCM CDR page exports', () => {
  it('maps human column names in any order, CRLF, and H:MM:SS durations', async () => {
    expect(readFileSync(fixture('ucm-odd-order.csv'), 'latin1')).toContain('\r\n');
    const result = await importFiles(ctx.store, [fixture('ucm-odd-order.csv')]);
    expect(result.files).toEqual([
      expect.objectContaining({ file: 'ucm-odd-order.csv', format: 'ucm-csv', imported: 3, already_present: 0, merged: 0, rejected: [], error: null }),
    ]);
    const call = session('1616080473000001-4003');
    expect(call.main.fields).toMatchObject({
      src: '4003',
      dst: '1001',
      start: '2021-03-18 15:14:33',
      answer: '2021-03-18 15:14:35',
      end: '2021-03-18 15:14:58',
      billsec: '23',
      duration: '25',
      disposition: 'ANSWERED',
      caller_name: 'Front Desk',
      clid: '"Front Desk" <4003>',
      channel: 'PJSIP/4003-00000001',
      dstchannel: 'PJSIP/1001-00000002',
      dcontext: 'from-internal',
      userfield: 'Internal',
      uniqueid: '1616080473.101',
    });
    expect(call.call.origin).toBe('import:ucm-odd-order.csv');
    expect(call.call.pbx).toBe(ctx.store.profiles.importSource().name);
    const long = session('1461920017104140-1000');
    expect(long.call).toMatchObject({ start: '2016-04-29T02:53:37', duration: 3605, billsec: 62, account_code: '7788', dst_trunk_name: 'Daisy' });
    expect(session('1616080364000002-0441234567').call).toMatchObject({ disposition: 'NO ANSWER', src_trunk_name: 'Daisy', action_type: 'RINGGROUP[6400]' });
  });

  it('reads the older Call From / Call To / Status names and US dates with AM/PM', async () => {
    const result = await importFiles(ctx.store, [fixture('ucm-call-from-to.csv')]);
    expect(result.files[0]).toMatchObject({ imported: 2, rejected: [], error: null });
    const calls = allCalls();
    expect(calls.map((c) => [c.src, c.dst, c.start, c.duration, c.billsec, c.disposition])).toEqual([
      ['1001', '4003', '2018-07-13T09:05:00', 5, 0, 'NO ANSWER'],
      ['4003', '1001', '2018-07-13T12:00:12', 23, 20, 'ANSWERED'],
    ]);
    expect(calls.every((c) => /^imp-[0-9a-f]{40}$/.test(c.session))).toBe(true);
  });

  it('reads dates without seconds and keeps an empty answer time empty', async () => {
    await importFiles(ctx.store, [fixture('ucm-no-seconds.csv')]);
    const calls = allCalls();
    expect(calls.map((c) => [c.dst, c.start, c.answer, c.answered_by])).toEqual([
      ['1002', '2016-11-23T10:47:00', '2016-11-23T10:47:00', '1002'],
      ['6400', '2016-11-23T10:49:00', null, '6400'],
    ]);
  });

  it('rebuilds a call with its legs from a cdr column of main_cdr / sub_cdr_N rows', async () => {
    const result = await importFiles(ctx.store, [fixture('cdr-main-sub.csv')]);
    expect(result.files[0]).toMatchObject({ format: 'cdrapi-csv', imported: 2, error: null });
    const parked = session('1661157236570719-07917330699');
    expect(parked.main.fields).toMatchObject({ duration: '65', dst: '01924600401' });
    expect(parked.main.fields).not.toHaveProperty('cdr');
    expect(parked.legs.map((leg) => [leg.acct_id, leg.fields.dst])).toEqual([
      ['71047', '71'],
      ['71048', '203'],
    ]);
    expect(parked.call.legs).toBe(2);
    expect(session('166115730767640-203').legs).toHaveLength(1);
  });

  it('reads quoted separators, doubled quotes, line breaks in quotes and "Name" <number> caller ids', async () => {
    const result = await importFiles(ctx.store, [fixture('ucm-quoting.csv')]);
    expect(result.files[0]).toMatchObject({ imported: 2, rejected: [], error: null });
    expect(session('1447207127558984-6039').main.fields).toMatchObject({
      caller_name: 'Smith, John',
      clid: '"GVC Test" <6039>',
      lastdata: 'PJSIP/6011/sip:6011@10.0.0.2:5062,30',
    });
    expect(session('1447207200000000-6040').main.fields).toMatchObject({
      caller_name: 'The "Boss"',
      clid: '"The Boss" <6040>',
      lastdata: 'line one\r\nline two',
    });
  });
});

describe('importFiles: cdrapi CSV', () => {
  it('takes a header of cdrapi field names as is and keeps fields the guide does not list', async () => {
    const result = await importFiles(ctx.store, [fixture('cdrapi.csv')]);
    expect(result.files[0]).toMatchObject({ format: 'cdrapi-csv', imported: 1, error: null });
    const call = session('1447207127558984-6039');
    expect(call.main.fields).toMatchObject({ AcctId: '1201', clid: '"GVC Test" <6039>', disposition: 'NO ANSWER', nat_call: 'no', service: 's' });
  });
});

describe('importFiles: saved cdrapi JSON and XML responses', () => {
  it('imports a JSON response with main_cdr/sub_cdr calls and flat ones, rejecting a call without a readable start', async () => {
    const result = await importFiles(ctx.store, [fixture('cdrapi-response.json')]);
    expect(result.files[0]).toMatchObject({ file: 'cdrapi-response.json', format: 'cdrapi-json', imported: 2, error: null });
    expect(result.files[0]?.rejected).toEqual([
      { file: 'cdrapi-response.json', line: 0, reason: expect.stringMatching(/^call 1700002900300003-1001: .*"not a date"/) },
    ]);
    const transferred = session('1700000000100001-2001');
    expect(transferred.main.fields).toMatchObject({ duration: '95', action_type: 'RINGGROUP[6400]' });
    expect(transferred.legs.map((leg) => leg.acct_id)).toEqual(['501', '502']);
    expect(transferred.call.recordings).toEqual(['2023-11/auto-1700000040-1003-1005.wav']);
    expect(session('1700002800200002-1001').main.fields).toMatchObject({ nat_call: 'no', userfield: 'Internal' });
  });

  it('imports an XML response, entities decoded', async () => {
    const result = await importFiles(ctx.store, [fixture('cdrapi-response.xml')]);
    expect(result.files[0]).toMatchObject({ format: 'cdrapi-xml', imported: 2, rejected: [], error: null });
    expect(session('1700000000100001-2001').legs[1]?.fields.clid).toBe('"Sales & Support" <1003>');
  });

  it('recognises a JSON response from its content under any file name', async () => {
    const path = write('calls.csv', readFileSync(fixture('cdrapi-response.json')));
    expect((await importFiles(ctx.store, [path])).files[0]).toMatchObject({ format: 'cdrapi-json', imported: 2 });
  });
});

describe('importFiles: encodings and separators', () => {
  const text = 'Caller Number,Callee Number,Start Time,Caller Name,Session\r\n1001,1002,2021-03-18 15:14:33,René Müller,enc-1\r\n';
  const variants: [string, Buffer][] = [
    ['UTF-8 with BOM', Buffer.from(`\uFEFF${text}`, 'utf8')],
    ['UTF-8 without BOM', Buffer.from(text, 'utf8')],
    ['UTF-16 LE with BOM', iconv.encode(text, 'utf16le', { addBOM: true })],
    ['UTF-16 BE with BOM', iconv.encode(text, 'utf16be', { addBOM: true })],
    ['Windows-1252', iconv.encode(text, 'win1252')],
    ['semicolons', Buffer.from(text.replace(/,/g, ';'), 'utf8')],
    ['tabs', Buffer.from(text.replace(/,/g, '\t'), 'utf8')],
    ['old Mac line ends (CR alone)', Buffer.from(text.replace(/\r\n/g, '\r'), 'utf8')],
  ];
  for (const [name, bytes] of variants) {
    it(`reads ${name}`, async () => {
      const result = await importFiles(ctx.store, [write('export.csv', bytes)]);
      expect(result.files[0]).toMatchObject({ imported: 1, rejected: [], error: null });
      expect(session('enc-1').main.fields).toMatchObject({ src: '1001', caller_name: 'René Müller', start: '2021-03-18 15:14:33' });
    });
  }
});

describe('importFiles: GDMS downloads', () => {
  it('imports every CSV of a zip archive, each with its own header', async () => {
    const march = 'Caller Number,Callee Number,Start Time,Talk Time,Session\n4003,1001,2021-03-18 15:14:33,0:00:23,g-1\n';
    const april = 'Session;Start Time;Call From;Call To\ng-2;2021-04-01 09:00:00;1001;4003\ng-3;2021-04-02 10:00:00;1002;4003\n';
    const zip = write('gdms-cdr.zip', makeZip([
      { name: 'cdr/2021-03.csv', data: Buffer.from(march) },
      { name: 'cdr/2021-04.csv', data: iconv.encode(april, 'utf16le', { addBOM: true }) },
      { name: '__MACOSX/cdr/._2021-03.csv', data: Buffer.from([0, 5, 22, 7, 0, 2, 0, 0]) },
    ]));
    const result = await importFiles(ctx.store, [zip]);
    expect(result.files.map((f) => [f.file, f.format, f.imported, f.error])).toEqual([
      ['gdms-cdr.zip:cdr/2021-03.csv', 'zip/ucm-csv', 1, null],
      ['gdms-cdr.zip:cdr/2021-04.csv', 'zip/ucm-csv', 2, null],
    ]);
    expect(session('g-1').main.fields).toMatchObject({ billsec: '23' });
    expect(session('g-3').call).toMatchObject({ src: '1002', dst: '4003', origin: 'import:gdms-cdr.zip:cdr/2021-04.csv' });
  });

  it('refuses a header it cannot map with confidence, listing the unknown columns, and writes nothing', async () => {
    const before = dumpDatabase(ctx.store.path);
    const result = await importFiles(ctx.store, [fixture('gdms-unmappable.csv')]);
    expect(result.files[0]).toMatchObject({
      imported: 0,
      error: { code: 'BAD_FILE', message: expect.stringMatching(/Unknown columns: Anrufer, Ziel, Beginn, Dauer, Kosten, Notiz\..*map its columns by hand/) },
      unknown_columns: ['Anrufer', 'Ziel', 'Beginn', 'Dauer', 'Kosten', 'Notiz'],
    });
    expect(dumpDatabase(ctx.store.path)).toEqual(before);
  });

  it('refuses a header with a start time but no caller or callee, naming what is missing', async () => {
    const path = write('gdms-partial.csv', 'Start Time,Talk Time,Extension,Trunk\r\n2021-03-18 15:14:33,12,1001,Daisy\r\n');
    const result = await importFiles(ctx.store, [path]);
    expect(result.files[0]).toMatchObject({
      error: { code: 'BAD_FILE', message: expect.stringMatching(/cannot be mapped .*no column holds a caller or callee number/) },
      unknown_columns: ['Extension', 'Trunk'],
    });
  });

  it('imports that file once the user maps its columns, keeping the columns left unmapped', async () => {
    const mapping = { Anrufer: 'src', Ziel: 'dst', Beginn: 'start', Dauer: 'duration' };
    const result = await importFiles(ctx.store, [fixture('gdms-unmappable.csv')], { mapping });
    expect(result.files[0]).toMatchObject({ imported: 1, error: null });
    const [call] = allCalls();
    expect(call).toMatchObject({ src: '4003', dst: '1001', start: '2021-03-18T15:14:33', duration: 23 });
    const [detail] = ctx.store.calls.findSession(call?.session ?? '');
    expect(detail?.main.fields).toMatchObject({ Kosten: '0.05', Notiz: 'Rückruf' });
  });
});
