import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fileSummary } from '../../main/cli/commands/import.js';
import { bigBySizeCsv } from '../importers/files.js';
import { cli } from './helpers.js';
import { tempDir } from '../support/fs.js';

const tmp = tempDir('ucmcdr-import-');
const db = join(tmp.dir, 'cache.sqlite');
const files = {
  ucm: join(tmp.dir, 'ucm-export.csv'),
  cdrapi: join(tmp.dir, 'saved-response.json'),
  notCdr: join(tmp.dir, 'expenses.csv'),
  report: join(tmp.dir, 'rejected.csv'),
};

beforeAll(() => {
  writeFileSync(
    files.ucm,
    [
      'Caller Number,Callee Number,Start Time,Call Time,Talk Time,Caller Name,Disposition,Session',
      '1001,1002,2021-03-18 15:14:33,10,8,Anna,ANSWERED,s-1',
      '1001,1003,2021-03-18 15:20:00,12,0,Anna,NO ANSWER,s-2',
      '1002,1001,2021-03-18 99:00:00,5,5,Bad,ANSWERED,s-3',
      '1004,1001,2021-03-18 16:00:00,7,7,Dan,ANSWERED,s-4',
      '',
    ].join('\r\n'),
  );
  const record = (acct: string, start: string, extra: Record<string, string> = {}) => ({
    AcctId: acct, accountcode: '', src: '2001', dst: '2002', dcontext: 'from-internal', clid: '"Eve" <2001>',
    channel: 'PJSIP/2001-01', dstchannel: 'PJSIP/2002-02', lastapp: 'Dial', lastdata: '', start, answer: start,
    end: start, duration: '30', billsec: '25', disposition: 'ANSWERED', amaflags: 'DOCUMENTATION', uniqueid: '',
    userfield: 'Internal', caller_name: 'Eve', recordfiles: '', dstanswer: '2002', session: 'x-1',
    action_type: 'DIAL', src_trunk_name: '', dst_trunk_name: '', ...extra,
  });
  writeFileSync(
    files.cdrapi,
    JSON.stringify({
      cdr_root: [
        { cdr: 'x-1', main_cdr: record('', '2022-08-22 09:00:00'), sub_cdr_1: record('11', '2022-08-22 09:00:00'), sub_cdr_2: record('12', '2022-08-22 09:00:30') },
        { cdr: '', ...record('13', '2022-08-22 10:00:00', { session: 'x-2' }) },
      ],
    }),
  );
  writeFileSync(files.notCdr, 'Date,Amount,Category\n2021-03-18,12.50,Travel\n');
});
afterAll(() => tmp.cleanup());

async function callsJson(): Promise<unknown[]> {
  const run = await cli(['--db', db, 'calls', '--format', 'json', '--limit', '1000']);
  return JSON.parse(run.stdout) as unknown[];
}

describe('ucmcdr import', () => {
  it('says a file stopped part-way, with what it stored before, apart from a file refused whole', () => {
    const base = { file: 'big.csv', format: 'ucm-csv', already_present: 2, merged: 1, rejected: [], kept: 0, elsewhere: [], import_id: 7 };
    const error = { code: 'DB_ERROR' as const, message: 'The disk holding the cache is full.' };
    expect(fileSummary({ ...base, imported: 998, error })).toBe(
      'big.csv (ucm-csv): stopped part-way after 998 imported, 2 already present, 1 merged, 0 rejected: The disk holding the cache is full.\n',
    );
    expect(fileSummary({ ...base, imported: 0, already_present: 0, merged: 0, error: { code: 'BAD_FILE', message: 'Not CDR data.' } })).toBe(
      'big.csv: refused: Not CDR data.\n',
    );
  });

  it('says on stderr when a big file moves on to rebuilding the search indexes', async () => {
    const big = join(tmp.dir, 'big.csv');
    writeFileSync(big, bigBySizeCsv());
    const run = await cli(['--db', join(tmp.dir, 'big.sqlite'), 'import', big]);
    expect(run.code).toBe(0);
    expect(run.stderr).toMatch(/^big\.csv: 10,000 rows stored, rebuilding the search indexes$/m);
    expect(run.stdout).toMatch(/^big\.csv \(ucm-csv\): 10000 imported/m);
  });

  it('imports a UCM page export and a saved cdrapi response, reporting each file and rejected rows by line', async () => {
    const run = await cli(['--db', db, 'import', files.ucm, files.cdrapi, '--report', files.report]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^ucm-export\.csv \(.+\): 3 imported, 0 already present, 0 merged, 1 rejected$/m);
    expect(run.stdout).toMatch(/^ {2}line 4: .*99:00:00/m);
    expect(run.stdout).toMatch(/^saved-response\.json \(cdrapi-json\): 2 imported, 0 already present, 0 merged, 0 rejected$/m);
    expect(readFileSync(files.report, 'utf8')).toMatch(/ucm-export\.csv.*,4,/);
    const calls = (await callsJson()) as { session: string; pbx: string; legs: number }[];
    expect(calls.map((c) => c.session).sort()).toEqual(['s-1', 's-2', 's-4', 'x-1', 'x-2']);
    expect(calls.find((c) => c.session === 'x-1')).toMatchObject({ pbx: 'Imported', legs: 2 });
  });

  it('changes nothing when the same files are imported again', async () => {
    const before = await callsJson();
    const run = await cli(['--db', db, 'import', files.ucm, files.cdrapi]);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^ucm-export\.csv \(.+\): 0 imported, 3 already present, 0 merged, 1 rejected$/m);
    expect(run.stdout).toMatch(/^saved-response\.json \(cdrapi-json\): 0 imported, 2 already present, 0 merged, 0 rejected$/m);
    expect(await callsJson()).toEqual(before);
  });

  it('refuses a file that is not CDR data, writes nothing of it, and exits non-zero with one line', async () => {
    const before = await callsJson();
    const run = await cli(['--db', db, 'import', files.notCdr]);
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/^expenses\.csv: refused: .*not CDR data/m);
    expect(run.stderr).toMatch(/^ucmcdr: 1 of 1 files refused: expenses\.csv \(.*\)\n$/);
    expect(await callsJson()).toEqual(before);
  });

  it('puts calls under the PBX named with --pbx, which must exist', async () => {
    const missing = await cli(['--db', db, 'import', files.ucm, '--pbx', 'office']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/^ucmcdr: No PBX named "office"/);
  });

  it('refuses a missing file or a bad --date-order before importing anything', async () => {
    const gone = await cli(['--db', db, 'import', join(tmp.dir, 'nope.csv')]);
    expect(gone.code).toBe(2);
    expect(gone.stderr).toBe(`ucmcdr: Cannot import "${join(tmp.dir, 'nope.csv')}": no such file.\n`);
    const order = await cli(['--db', db, 'import', files.ucm, '--date-order', 'ymd']);
    expect(order.code).toBe(2);
    expect(order.stderr).toMatch(/^ucmcdr: option '--date-order <order>' argument 'ymd' is invalid\. Use one of: auto, mdy, dmy\.\n$/);
  });

  it('refuses a file whose dates read both ways in the command line\'s words, naming --date-order', async () => {
    const ambiguous = join(tmp.dir, 'ambiguous.csv');
    writeFileSync(
      ambiguous,
      [
        'Caller Number,Callee Number,Start Time,Call Time,Talk Time,Caller Name,Disposition,Session',
        '1001,1002,03/04/2021 10:00:00,10,8,Anna,ANSWERED,amb-1',
        '1001,1003,03/04/2021 11:00:00,12,0,Anna,NO ANSWER,amb-2',
        '',
      ].join('\r\n'),
    );
    const run = await cli(['--db', db, 'import', ambiguous]);
    expect(run.code).toBe(1);
    const why =
      'ambiguous.csv: dates such as "03/04/2021 10:00:00" can be 2021-03-04 (month first) or 2021-04-03 (day first), ' +
      'and nothing in the file decides: import it again with --date-order mdy or --date-order dmy.';
    expect(run.stdout).toBe(`ambiguous.csv: refused: ${why}\n`);
    expect(run.stderr).toBe(`ucmcdr: 1 of 1 files refused: ambiguous.csv (${why})\n`);
    expect(run.stdout + run.stderr).not.toMatch(/window|Month first|Day first/);
    const dmy = await cli(['--db', db, 'import', ambiguous, '--date-order', 'dmy']);
    expect(dmy.code).toBe(0);
    expect(dmy.stdout).toMatch(/^ambiguous\.csv \(ucm-csv\): 2 imported/);
  });

  it('keeps the "Imported" source out of PBX-only commands, and can remove it with its calls', async () => {
    const test = await cli(['--db', db, 'pbx', 'test', 'Imported', '--password-env', 'X'], { env: { X: 'x' } });
    expect(test.code).toBe(2);
    expect(test.stderr).toBe(
      'ucmcdr: "Imported" is an import-only source (history without a PBX address): it cannot be tested. ' +
        'Import files into it with "ucmcdr import --pbx Imported FILE...".\n',
    );
    const removed = await cli(['--db', db, 'pbx', 'remove', 'Imported', '--delete-calls']);
    expect(removed.stdout).toBe('Removed import-only source Imported and its 7 cached calls.\n');
    expect(await callsJson()).toEqual([]);
  });
});
