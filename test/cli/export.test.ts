import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli } from './helpers.js';
import { tempDir } from '../support/fs.js';
import { seedCache } from './data.js';

const tmp = tempDir('ucmcdr-export-');
const db = join(tmp.dir, 'cache.sqlite');

beforeAll(() => seedCache(db));
afterAll(() => tmp.cleanup());

describe('ucmcdr export', () => {
  it('writes the filtered calls as CSV with the "Export File Data" header names', async () => {
    const out = join(tmp.dir, 'office.csv');
    const run = await cli(['--db', db, 'export', '--out', out, '--pbx', 'office', '--sort', 'start']);
    expect(run.code).toBe(0);
    expect(run.stdout).toBe(`Exported 4 calls to ${out} (csv).\n`);
    const lines = readFileSync(out, 'utf8').split('\r\n');
    expect(lines[0]).toBe(
      'Account Code,Session,Action Owner,Action Type,Source Trunk Name,Dest Trunk Name,Caller Name,Caller Number,' +
        'Caller ID,Callee Number,Answer By,Context,Start Time,Answer Time,End Time,Call Time,Talk Time,Source Channel,' +
        'Dest Channel,Last App,Dest Channel Extension,Disposition,Last Data,AMA Flags,Unique ID,User Field,NAT,PBX,' +
        'Direction,Recordings,Outcome,Route,Cost,Cost Status,Cost Currency,Rate Destination,Callee Name,Answer By Name',
    );
    expect(lines.slice(1, -1).map((l) => l.split(',')[1])).toEqual(['a', 'b', 'c', 'e']);
    expect(lines[1]).toBe(
      ',a,,DIAL,,,Anna Müller,1001,"""Anna Müller"" <1001>",1002,1002,from-internal,2024-03-01 08:00:00,' +
        '2024-03-01 08:00:10,2024-03-01 08:00:40,40,30,PJSIP/1001-00000001,PJSIP/1002-00000002,Dial,,ANSWERED,,' +
        'DOCUMENTATION,,Internal,no,office,internal,,answered,DIAL:,0,not_billable,,,,',
    );
  });

  it('keeps only the chosen fields, in the order given, and neutralizes formulas but not phone numbers', async () => {
    const out = join(tmp.dir, 'chosen.csv');
    const run = await cli(['--db', db, 'export', '--out', out, '--has-recording', '--fields', 'caller_name,callee_number,talk_time,recordings']);
    expect(run.code).toBe(0);
    expect(readFileSync(out, 'utf8')).toBe(
      'Caller Name,Callee Number,Talk Time,Recordings\r\n' + `"'=HYPERLINK(""x"")",004930123456,300,auto-c.wav@\r\n`,
    );
  });

  it('writes JSON when asked or when the file ends in .json', async () => {
    const out = join(tmp.dir, 'calls.json');
    const run = await cli(['--db', db, 'export', '--out', out, '--status', 'BUSY,FAILED', '--fields', 'session,pbx,call_time,nat']);
    expect(run.stdout).toBe(`Exported 2 calls to ${out} (json).\n`);
    expect(JSON.parse(readFileSync(out, 'utf8'))).toEqual([
      { session: 'd', pbx: 'branch', call_time: 5, nat: false },
      { session: 'e', pbx: 'office', call_time: 8, nat: false },
    ]);
    const forced = await cli(['--db', db, 'export', '--out', '-', '--format', 'json', '--search', 'Dora', '--fields', 'session']);
    expect(JSON.parse(forced.stdout)).toEqual([{ session: 'd' }]);
  });

  it('refuses unknown fields, a missing folder or a folder as --out, writing nothing', async () => {
    const field = await cli(['--db', db, 'export', '--out', join(tmp.dir, 'x.csv'), '--fields', 'session,colour']);
    expect(field.code).toBe(2);
    expect(field.stderr).toMatch(/^ucmcdr: Unknown export field "colour": use any of account_code, session, .*recordings, outcome, route, cost, cost_status, cost_currency, rate_destination, callee_name, answer_by_name\.\n$/);
    expect(existsSync(join(tmp.dir, 'x.csv'))).toBe(false);
    const folder = await cli(['--db', db, 'export', '--out', join(tmp.dir, 'no', 'x.csv')]);
    expect(folder.code).toBe(2);
    expect(folder.stderr).toMatch(/^ucmcdr: --out .*x\.csv: the folder .* does not exist; create it first\.\n$/);
    mkdirSync(join(tmp.dir, 'dir.csv'));
    const dir = await cli(['--db', db, 'export', '--out', join(tmp.dir, 'dir.csv')]);
    expect(dir.stderr).toMatch(/is a folder: give a file name/);
    const none = await cli(['--db', db, 'export']);
    expect(none.code).toBe(2);
    expect(none.stderr).toBe("ucmcdr: required option '--out <file>' not specified\n");
  });

  it('writes an Excel workbook for --format xlsx or a .xlsx file, numbers kept as text', async () => {
    const out = join(tmp.dir, 'office.xlsx');
    const run = await cli(['--db', db, 'export', '--out', out, '--pbx', 'office', '--sort', 'start', '--fields', 'session,caller_number,callee_number,start_time,talk_time']);
    expect(run.code).toBe(0);
    expect(run.stdout).toBe(`Exported 4 calls to ${out} (xlsx).\n`);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.readFile(out);
    const sheet = workbook.getWorksheet('Calls');
    expect(sheet?.getSheetValues().slice(1, 4).map((r) => (r as unknown[]).slice(1))).toEqual([
      ['Session', 'Caller Number', 'Callee Number', 'Start Time', 'Talk Time'],
      ['a', '1001', '1002', new Date(Date.UTC(2024, 2, 1, 8)), 30],
      ['b', '07911123456', '6400', new Date(Date.UTC(2024, 2, 5, 12)), 0],
    ]);
    expect(sheet?.getRow(4).getCell(3).value).toBe('004930123456');

    const named = join(tmp.dir, 'named.data');
    expect((await cli(['--db', db, 'export', '--out', named, '--format', 'xlsx', '--fields', 'session'])).code).toBe(0);
    expect(readFileSync(named).subarray(0, 4)).toEqual(Buffer.from('PK\x03\x04', 'latin1'));
  });

  it('starts the CSV with a UTF-8 byte-order mark for --bom, and refuses --bom for other formats', async () => {
    const withBom = join(tmp.dir, 'bom.csv');
    expect((await cli(['--db', db, 'export', '--out', withBom, '--bom', '--search', 'Anna', '--fields', 'session,caller_name'])).code).toBe(0);
    const bytes = readFileSync(withBom);
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(bytes.subarray(3).toString('utf8')).toBe('Session,Caller Name\r\na,Anna Müller\r\n');
    const plain = join(tmp.dir, 'plain.csv');
    await cli(['--db', db, 'export', '--out', plain, '--search', 'Anna', '--fields', 'session']);
    expect(readFileSync(plain, 'utf8')).toBe('Session\r\na\r\n');

    const json = await cli(['--db', db, 'export', '--out', join(tmp.dir, 'bom.json'), '--bom']);
    expect(json.code).toBe(2);
    expect(json.stderr).toBe('ucmcdr: --bom is for CSV files (Excel on Windows reads UTF-8 CSV with it), not json.\n');
    expect(existsSync(join(tmp.dir, 'bom.json'))).toBe(false);
  });

  it('refuses to replace an existing --out file without --force, leaving it byte for byte, and replaces it with --force', async () => {
    const out = join(tmp.dir, 'existing.csv');
    const before = Buffer.from('keep me\r\n\u00ff', 'latin1');
    writeFileSync(out, before);
    const refused = await cli(['--db', db, 'export', '--out', out, '--fields', 'session']);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toBe(`ucmcdr: --out ${out} already exists: add --force to replace it, or choose another file name.\n`);
    expect(readFileSync(out).equals(before)).toBe(true);

    const forced = await cli(['--db', db, 'export', '--out', out, '--force', '--status', 'BUSY', '--fields', 'session']);
    expect(forced.code).toBe(0);
    expect(readFileSync(out, 'utf8')).toBe('Session\r\nd\r\n');
    expect(readdirSync(tmp.dir).filter((name) => name.endsWith('.part'))).toEqual([]);
  });

  it('leaves the existing file as it was when an export with --force is cancelled', async () => {
    const out = join(tmp.dir, 'kept.xlsx');
    writeFileSync(out, 'the old workbook');
    const controller = new AbortController();
    controller.abort();
    const run = await cli(['--db', db, 'export', '--out', out, '--force'], { signal: controller.signal });
    expect(run.code).toBe(130);
    expect(run.stderr).toBe('ucmcdr: Export cancelled.\n');
    expect(readFileSync(out, 'utf8')).toBe('the old workbook');
    expect(readdirSync(tmp.dir).filter((name) => name.endsWith('.part'))).toEqual([]);
  });
});
