import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli, tempDir } from './helpers.js';
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
        'Direction,Recordings',
    );
    expect(lines.slice(1, -1).map((l) => l.split(',')[1])).toEqual(['a', 'b', 'c', 'e']);
    expect(lines[1]).toBe(
      ',a,,DIAL,,,Anna Müller,1001,"""Anna Müller"" <1001>",1002,1002,from-internal,2024-03-01 08:00:00,' +
        '2024-03-01 08:00:10,2024-03-01 08:00:40,40,30,PJSIP/1001-00000001,PJSIP/1002-00000002,Dial,,ANSWERED,,' +
        'DOCUMENTATION,,Internal,no,office,internal,',
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
    expect(field.stderr).toMatch(/^ucmcdr: Unknown export field "colour": use any of account_code, session, .*recordings\.\n$/);
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
});
