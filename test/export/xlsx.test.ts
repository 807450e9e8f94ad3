import { randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { join } from 'node:path';
import { PassThrough, Writable } from 'node:stream';
import { finished } from 'node:stream/promises';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportCalls } from '../../main/export/export.js';
import { XlsxCallsWriter, xlsxValue } from '../../main/export/xlsx.js';
import { openStore } from '../../main/store/store.js';
import type { Store } from '../../main/store/types.js';
import { flatCall } from '../support/calls.js';
import { tempDir } from '../support/fs.js';

const tmp = tempDir('ucm-xlsx-');
let store: Store;

const SESSION = '1710000000123456789';

beforeAll(() => {
  store = openStore(join(tmp.dir, 'cache.sqlite'));
  const pbx = store.profiles.save({ name: 'office', url: 'https://192.0.2.1:8443', api: 'legacy', user: 'u', tz: 'Europe/Berlin' });
  store.calls.ingest(
    pbx.id,
    [
      flatCall({
        session: SESSION,
        start: '2024-03-31 01:59:58',
        answer: '2024-03-31 03:00:05',
        end: '2024-03-31 03:01:05',
        src: '0049301234',
        dst: '07917330699',
        caller_name: 'Jürgen Groß 東京',
        clid: '"Jürgen Groß 東京" <0049301234>',
        accountcode: '000123',
        uniqueid: '1711846798.0042',
        src_trunk_name: '0800',
        duration: 67,
        billsec: 60,
        recordfiles: '2024-03/auto-1.wav@2024-03/auto-2.wav@',
      }),
      flatCall({
        session: 'formula',
        start: '2024-03-01 09:00:00',
        src: '+4930123456',
        dst: '2000',
        caller_name: '=HYPERLINK("http://evil.example","x")',
        disposition: 'NO ANSWER',
        duration: 12,
        billsec: 0,
      }),
    ],
    { origin: 'sync' },
  );
});
afterAll(() => {
  store.close();
  tmp.cleanup();
});

async function exportTo(name: string, fields?: Parameters<typeof exportCalls>[1]['fields']): Promise<{ path: string; rows: number }> {
  const path = join(tmp.dir, name);
  const out = createWriteStream(path);
  const { rows } = await exportCalls(store, { filter: {}, sort: { field: 'start', dir: 'desc' }, format: 'xlsx', fields }, out);
  out.end();
  await finished(out);
  return { path, rows };
}

async function readBack(path: string): Promise<ExcelJS.Workbook> {
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.readFile(path);
  return workbook;
}

/** The row of a call as cells keyed by their header label. */
function rowByLabel(sheet: ExcelJS.Worksheet, rowNumber: number): Map<string, ExcelJS.Cell> {
  const labels = sheet.getRow(1).values as (string | undefined)[];
  const cells = new Map<string, ExcelJS.Cell>();
  labels.forEach((label, column) => {
    if (label !== undefined) cells.set(label, sheet.getRow(rowNumber).getCell(column));
  });
  return cells;
}

describe('xlsx export', () => {
  it('keeps numbers as text cells, times as dates in the PBX wall clock and durations as numbers', async () => {
    const { path, rows } = await exportTo('calls.xlsx');
    expect(rows).toBe(2);
    const workbook = await readBack(path);
    expect(workbook.worksheets.map((s) => s.name)).toEqual(['Calls']);
    const sheet = workbook.worksheets[0];
    const call = rowByLabel(sheet, 2);

    for (const [label, text] of [
      ['Caller Number', '0049301234'],
      ['Callee Number', '07917330699'],
      ['Session', SESSION],
      ['Account Code', '000123'],
      ['Unique ID', '1711846798.0042'],
      ['Source Trunk Name', '0800'],
      ['Caller Name', 'Jürgen Groß 東京'],
      ['Caller ID', '"Jürgen Groß 東京" <0049301234>'],
      ['NAT', 'no'],
      ['Recordings', '2024-03/auto-1.wav@2024-03/auto-2.wav@'],
    ] as const) {
      const cell = call.get(label);
      expect(cell?.type, label).toBe(ExcelJS.ValueType.String);
      expect(cell?.value, label).toBe(text);
      expect(cell?.numFmt, label).toBe('@');
    }

    // 02:00-03:00 did not exist in Berlin that night: the cell shows the wall clock as the PBX wrote it.
    const start = call.get('Start Time');
    expect(start?.type).toBe(ExcelJS.ValueType.Date);
    expect(start?.value).toEqual(new Date(Date.UTC(2024, 2, 31, 1, 59, 58)));
    expect(start?.numFmt).toBe('yyyy-mm-dd hh:mm:ss');
    expect(call.get('Answer Time')?.value).toEqual(new Date(Date.UTC(2024, 2, 31, 3, 0, 5)));
    expect(call.get('End Time')?.value).toEqual(new Date(Date.UTC(2024, 2, 31, 3, 1, 5)));

    expect(call.get('Call Time')?.type).toBe(ExcelJS.ValueType.Number);
    expect(call.get('Call Time')?.value).toBe(67);
    expect(call.get('Talk Time')?.value).toBe(60);
  });

  it('writes a caller name that looks like a formula as a plain text cell, and no answer time as an empty cell', async () => {
    const { path } = await exportTo('formula.xlsx');
    const call = rowByLabel((await readBack(path)).worksheets[0], 3);
    expect(call.get('Caller Name')?.type).toBe(ExcelJS.ValueType.String);
    expect(call.get('Caller Name')?.value).toBe('=HYPERLINK("http://evil.example","x")');
    expect(call.get('Caller Number')?.value).toBe('+4930123456');
    expect(call.get('Answer Time')?.type).toBe(ExcelJS.ValueType.Null);
    expect(call.get('Talk Time')?.value).toBe(0);
  });

  it('freezes a bold header row of the CSV column names and puts a filter over every row', async () => {
    const { path } = await exportTo('header.xlsx');
    const sheet = (await readBack(path)).worksheets[0];
    expect(sheet.views).toEqual([expect.objectContaining({ state: 'frozen', xSplit: 0, ySplit: 1, topLeftCell: 'A2' })]);
    const header = sheet.getRow(1);
    expect(header.getCell(1).value).toBe('Account Code');
    expect(header.getCell(30).value).toBe('Recordings');
    expect(header.getCell(31).value).toBe('Outcome');
    expect(header.getCell(32).value).toBe('Route');
    expect(header.getCell(36).value).toBe('Rate Destination');
    expect(header.getCell(37).value).toBe('Callee Name');
    expect(header.getCell(38).value).toBe('Answer By Name');
    expect(header.getCell(39).value).toBeNull();
    header.eachCell((cell) => expect(cell.font?.bold).toBe(true));
    expect(sheet.autoFilter).toBe('A1:AL3');
  });

  it('has the same columns as the CSV export for a choice of fields', async () => {
    const { path } = await exportTo('chosen.xlsx', ['start_time', 'caller_number', 'talk_time']);
    const sheet = (await readBack(path)).worksheets[0];
    expect(sheet.getRow(1).values).toEqual([undefined, 'Start Time', 'Caller Number', 'Talk Time']);
    expect(sheet.getRow(2).values).toEqual([undefined, new Date(Date.UTC(2024, 2, 31, 1, 59, 58)), '0049301234', 60]);
    expect(sheet.autoFilter).toBe('A1:C3');
  });

  it('writes a workbook with only the header when nothing matches', async () => {
    const path = join(tmp.dir, 'none.xlsx');
    const out = createWriteStream(path);
    expect((await exportCalls(store, { filter: { caller: '9999' }, format: 'xlsx', fields: ['session'] }, out)).rows).toBe(0);
    out.end();
    await finished(out);
    const sheet = (await readBack(path)).worksheets[0];
    expect(sheet.rowCount).toBe(1);
    expect(sheet.getRow(1).values).toEqual([undefined, 'Session']);
  });

  it('refuses a byte-order mark for anything but CSV', async () => {
    await expect(exportCalls(store, { filter: {}, format: 'xlsx', bom: true }, new PassThrough())).rejects.toMatchObject({
      code: 'BAD_INPUT',
      message: 'A byte-order mark is for CSV files only, not xlsx.',
    });
  });
});

describe('XlsxCallsWriter', () => {
  it('continues on "Calls 2", "Calls 3" when a worksheet is full, each with its header, frozen and filtered', async () => {
    const path = join(tmp.dir, 'sheets.xlsx');
    const out = createWriteStream(path);
    const writer = new XlsxCallsWriter(['session', 'talk_time'], out, { sheetRows: 3 });
    for (let i = 1; i <= 5; i++) await writer.add([`0${i}`, i]);
    await writer.finish();
    out.end();
    await finished(out);
    const workbook = await readBack(path);
    expect(workbook.worksheets.map((s) => s.name)).toEqual(['Calls', 'Calls 2', 'Calls 3']);
    expect(workbook.worksheets.map((s) => s.getSheetValues().slice(1).map((r) => (r as unknown[]).slice(1)))).toEqual([
      [['Session', 'Talk Time'], ['01', 1], ['02', 2]],
      [['Session', 'Talk Time'], ['03', 3], ['04', 4]],
      [['Session', 'Talk Time'], ['05', 5]],
    ]);
    expect(workbook.worksheets.map((s) => s.autoFilter)).toEqual(['A1:B3', 'A1:B3', 'A1:B2']);
    expect(workbook.worksheets.every((s) => s.views[0]?.state === 'frozen' && s.views[0]?.ySplit === 1)).toBe(true);
  });

  it('answers false once a few buffers of rows wait in memory, and takes more once they drained', async () => {
    // A destination that takes nothing until released: the zip cannot move while it is held.
    let holding = true;
    let held: (() => void) | null = null;
    const chunks: Buffer[] = [];
    const destination = new Writable({
      write(chunk: Buffer, _encoding, callback) {
        chunks.push(chunk);
        if (holding) held = callback;
        else callback();
      },
    });
    const writer = new XlsxCallsWriter(['session', 'caller_name', 'start_time'], destination);
    const row = (i: number) => [String(i).padStart(19, '0'), `Caller ${randomBytes(60).toString('hex')}`, new Date(Date.UTC(2024, 0, 1, 0, 0, i % 60))];
    let rows = 0;
    // 100,000 such rows are 20 MB of sheet XML: without backpressure add() would never say stop.
    while (rows < 100_000) {
      rows++;
      if (!writer.add(row(rows))) break;
    }
    expect(rows).toBeLessThan(1000);

    const drained = writer.drained();
    holding = false;
    (held as (() => void) | null)?.();
    await drained;
    for (let i = 0; i < 5; i++) {
      rows++;
      if (!writer.add(row(rows))) await writer.drained();
    }
    await writer.finish();
    const path = join(tmp.dir, 'held.xlsx');
    const file = createWriteStream(path);
    file.end(Buffer.concat(chunks));
    await finished(file);
    const sheet = (await readBack(path)).worksheets[0];
    expect(sheet.rowCount).toBe(rows + 1);
    expect(sheet.getRow(rows + 1).getCell(1).value).toBe(String(rows).padStart(19, '0'));
  });

  it('streams through exportCalls to a slow destination, waiting for it, and stops with CANCELLED', async () => {
    const chunks: Buffer[] = [];
    const slow = () =>
      new Writable({
        highWaterMark: 1024,
        write(chunk: Buffer, _encoding, callback) {
          chunks.push(chunk);
          setImmediate(callback);
        },
      });
    const destination = slow();
    expect((await exportCalls(store, { filter: {}, format: 'xlsx', fields: ['session', 'talk_time'] }, destination)).rows).toBe(2);
    destination.end();
    await finished(destination);
    const path = join(tmp.dir, 'slow.xlsx');
    const file = createWriteStream(path);
    file.end(Buffer.concat(chunks));
    await finished(file);
    expect((await readBack(path)).worksheets[0].getColumn(1).values).toEqual([undefined, 'Session', SESSION, 'formula']);

    const controller = new AbortController();
    controller.abort();
    await expect(exportCalls(store, { filter: {}, format: 'xlsx' }, slow(), { signal: controller.signal })).rejects.toMatchObject({
      code: 'CANCELLED',
    });
  });

  it('reports a destination that fails (a full disk) instead of waiting for it to drain', async () => {
    for (const format of ['xlsx', 'csv'] as const) {
      const full = new Writable({
        highWaterMark: 64,
        write(_chunk, _encoding, callback) {
          callback(Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' }));
        },
      });
      full.on('error', () => undefined);
      await expect(exportCalls(store, { filter: {}, format }, full), format).rejects.toThrow(/no space left on device/);
    }
  });

  it('turns wall-clock text into a date cell and leaves other text alone', () => {
    expect(xlsxValue('end_time', '2024-12-31T23:59:59')).toEqual(new Date(Date.UTC(2024, 11, 31, 23, 59, 59)));
    expect(xlsxValue('answer_time', null)).toBeNull();
    expect(xlsxValue('caller_number', '0049301234')).toBe('0049301234');
    expect(xlsxValue('account_code', '')).toBeNull();
    expect(xlsxValue('talk_time', 0)).toBe(0);
    expect(xlsxValue('nat', true)).toBe('yes');
  });
});
