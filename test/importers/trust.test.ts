import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import iconv from 'iconv-lite';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CallRow, ImportEntry, SessionDetail } from '../../preload/api.js';
import { openStore } from '../../main/store/store.js';
import type { Store } from '../../main/store/types.js';
import { cli } from '../cli/helpers.js';
import { tempDir } from '../support/fs.js';
import { flatCall } from '../support/calls.js';

/**
 * The three workflows of "Trust in the cached history", as a user meets them through `ucmcdr`: a
 * spreadsheet-damaged copy of synced calls imported back, the same calls imported without --pbx, and
 * an import taken back.
 */

const CALLS = 50;
let dir: string;
let db: string;
let cleanup: () => void;

function session(i: number): string {
  return `174098${String(i).padStart(4, '0')}123456-07917330${String(i).padStart(3, '0')}`;
}

/** Synced calls with what spreadsheets damage: leading zeros, long numbers, seconds, non-Latin names. */
function seedSynced(store: Store): number {
  const pbx = store.profiles.save({ name: 'office', url: 'https://192.0.2.10:8443', api: 'auto', user: 'cdrapi', tz: 'Europe/London' }).id;
  const calls = Array.from({ length: CALLS }, (_, i) =>
    flatCall({
      session: session(i),
      start: `2025-03-03 08:${String(7 + Math.floor(i / 6)).padStart(2, '0')}:${String(20 + (i % 6) * 5).padStart(2, '0')}`,
      src: `07917330${String(i).padStart(3, '0')}`,
      dst: i % 2 === 0 ? `0044192460${String(i).padStart(4, '0')}` : '6001',
      caller_name: i % 3 === 0 ? 'Łukasz Müller' : 'Zoë Brontë',
      duration: 30 + i,
      billsec: 20 + i,
      disposition: 'ANSWERED',
      nat_call: 'no',
    }),
  );
  store.calls.ingest(pbx, calls, { origin: 'sync' });
  return pbx;
}

/** Every synced call as the cache shows it: its row and its records, conflicts aside. */
function snapshotCalls(): string {
  const store = openStore(db);
  try {
    const details = Array.from({ length: CALLS }, (_, i) => store.calls.findSession(session(i)));
    return JSON.stringify(details.map((found) => found.map(({ call, main, legs }) => ({ call, main, legs }))));
  } finally {
    store.close();
  }
}

/** What Excel does to a CSV it opens and saves: numbers as numbers, dates re-formatted, Windows-1252. */
function spreadsheetSave(csv: string, options: { delimiter?: string; dayFirst?: boolean } = {}): Buffer {
  const rows = parse(csv, { relax_column_count: true }) as string[][];
  const cell = (value: string): string => {
    const time = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})$/.exec(value);
    if (time) {
      const [, y, mo, d, h, mi] = time;
      const day = `${Number(d)}`;
      const month = `${Number(mo)}`;
      return `${options.dayFirst ? `${day}/${month}` : `${month}/${day}`}/${y} ${h}:${mi}`;
    }
    if (/^\d+$/.test(value)) {
      const number = Number(value);
      return String(number).length > 11 ? number.toExponential(5).toUpperCase() : String(number);
    }
    return value;
  };
  const delimiter = options.delimiter ?? ',';
  const quote = (value: string): string => (value.includes(delimiter) || value.includes('"') ? `"${value.replace(/"/g, '""')}"` : value);
  const text = rows.map((row, i) => (i === 0 ? row : row.map(cell)).map(quote).join(delimiter)).join('\r\n');
  return iconv.encode(text, 'win1252');
}

async function exportCsv(): Promise<string> {
  const out = join(dir, 'synced.csv');
  const run = await cli(['--db', db, 'export', '--out', out, '--format', 'csv', '--sort', 'start']);
  expect(run.stderr).toBe('');
  return readFileSync(out, 'utf8');
}

async function callsJson(args: string[]): Promise<CallRow[]> {
  const run = await cli(['--db', db, 'calls', '--format', 'json', '--limit', '1000', ...args]);
  expect(run.stderr).toBe('');
  return JSON.parse(run.stdout) as CallRow[];
}

async function imports(): Promise<ImportEntry[]> {
  return JSON.parse((await cli(['--db', db, 'imports', 'list', '--format', 'json'])).stdout) as ImportEntry[];
}

beforeEach(() => {
  ({ dir, cleanup } = tempDir('ucmcdr-trust-'));
  db = join(dir, 'cache.sqlite');
  const store = openStore(db);
  seedSynced(store);
  store.close();
});

afterEach(() => cleanup());

describe('a spreadsheet-damaged copy of synced calls, imported back into their source', () => {
  it('changes no synced value, rejects the numbers in scientific notation with how to get the original, and keeps the other values aside', async () => {
    const before = snapshotCalls();
    const damaged = spreadsheetSave(await exportCsv());
    expect(damaged.toString('latin1')).toContain('4.41925E+11');
    expect(damaged.toString('latin1')).toContain('3/3/2025 08:07,');
    writeFileSync(join(dir, 'damaged.csv'), damaged);

    // Every call is on 3/3: only --date-order can say how to read it (the file is refused without).
    const run = await cli(['--db', db, 'import', join(dir, 'damaged.csv'), '--pbx', 'office', '--date-order', 'mdy']);

    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/0 imported, \d+ already present, 0 merged, 25 rejected/);
    expect(run.stdout).toContain('scientific notation: the file was altered by a spreadsheet program');
    expect(run.stdout).toContain('Download Search Result(s)');
    expect(run.stdout).toMatch(/\d+ values kept as they were/);
    expect(run.stdout).toContain('re-saved by a spreadsheet');
    expect(snapshotCalls()).toBe(before);
    // Searches by the real number still find the calls.
    expect(await callsJson(['--caller', '07917330001'])).toHaveLength(1);
    expect(await callsJson([])).toHaveLength(CALLS);
  });

  it("lists what the file said as the call's conflicts in `ucmcdr session --format json`", async () => {
    writeFileSync(join(dir, 'damaged.csv'), spreadsheetSave(await exportCsv()));
    await cli(['--db', db, 'import', join(dir, 'damaged.csv'), '--pbx', 'office', '--date-order', 'mdy']);

    const run = await cli(['--db', db, 'session', session(3), '--format', 'json']);
    const detail = JSON.parse(run.stdout) as SessionDetail;

    expect(detail.call.src).toBe('07917330003');
    expect(detail.conflicts).toEqual(
      expect.arrayContaining([
        { acct_id: expect.any(String), field: 'src', kept: '07917330003', offered: '7917330003', origin: 'import:damaged.csv' },
        { acct_id: expect.any(String), field: 'start', kept: '2025-03-03 08:07:35', offered: '2025-03-03 08:07:00', origin: 'import:damaged.csv' },
        { acct_id: expect.any(String), field: 'caller_name', kept: 'Łukasz Müller', offered: '?ukasz Müller', origin: 'import:damaged.csv' },
      ]),
    );
  });

  it('keeps the synced values byte-identical for a re-save with ";" and day-first dates, and for a file with a column shifted by one', async () => {
    const before = snapshotCalls();
    const csv = await exportCsv();
    writeFileSync(join(dir, 'semicolon-dmy.csv'), spreadsheetSave(csv, { delimiter: ';', dayFirst: true }));
    const lines = csv.split(/\r?\n/);
    const shifted = [lines[0], ...lines.slice(1).filter((l) => l !== '').map((l) => `,${l.slice(0, l.lastIndexOf(','))}`)].join('\n');
    writeFileSync(join(dir, 'shifted.csv'), shifted);

    const first = await cli(['--db', db, 'import', join(dir, 'semicolon-dmy.csv'), '--pbx', 'office', '--date-order', 'dmy']);
    const second = await cli(['--db', db, 'import', join(dir, 'shifted.csv'), '--pbx', 'office']);

    expect(`${first.stdout}${first.stderr}`).not.toMatch(/[1-9]\d* imported/);
    expect(`${second.stdout}${second.stderr}`).not.toMatch(/[1-9]\d* merged/);
    expect(snapshotCalls()).toBe(before);
  });
});

describe('an import without --pbx of calls already synced', () => {
  it('merges them where they are cached, says so, and doubles nothing', async () => {
    writeFileSync(join(dir, 'march.csv'), await exportCsv());
    const totalsBefore = await callsJson([]);

    const run = await cli(['--db', db, 'import', join(dir, 'march.csv')]);

    expect(run.code).toBe(0);
    expect(run.stdout).toContain(`0 imported, ${CALLS} already present, 0 merged`);
    expect(run.stdout).toContain(`${CALLS} already present in office: merged there, not doubled`);
    const after = await callsJson([]);
    expect(after).toHaveLength(CALLS);
    expect(after.reduce((sum, c) => sum + c.billsec, 0)).toBe(totalsBefore.reduce((sum, c) => sum + c.billsec, 0));
    expect(new Set(after.map((c) => c.pbx))).toEqual(new Set(['office']));
  });

  it('keeps one copy of a file imported into two different sources', async () => {
    const csv = (await exportCsv()).replace(/174098/g, '999999');
    writeFileSync(join(dir, 'other.csv'), csv);
    await cli(['--db', db, 'pbx', 'add', 'old-pbx', '--import-only', '--tz', 'Europe/London']);

    const first = await cli(['--db', db, 'import', join(dir, 'other.csv')]);
    const second = await cli(['--db', db, 'import', join(dir, 'other.csv'), '--pbx', 'old-pbx']);

    expect(first.stdout).toContain(`${CALLS} imported`);
    expect(second.stdout).toContain(`${CALLS} already present in Imported`);
    const all = await callsJson([]);
    expect(all).toHaveLength(2 * CALLS);
    expect(all.filter((c) => c.pbx === 'Imported')).toHaveLength(CALLS);
  });
});

describe('ucmcdr imports list and undo', () => {
  it('removes the calls an import created and withdraws what it filled into a synced call, in one step', async () => {
    const header = 'Session,Caller Number,Callee Number,Start Time,Call Time,Talk Time,Account Code,Caller Name';
    const rows = [
      `${session(0)},07917330000,00441924600000,2025-03-03 08:07:20,30,20,ACC-7,Łukasz Müller`,
      'new-1,1001,1002,2025-03-04 09:00:00,10,5,,Nina',
      'new-2,1001,1003,2025-03-04 09:05:00,12,6,,Nina',
    ];
    writeFileSync(join(dir, 'extra.csv'), `${header}\n${rows.join('\n')}\n`);
    const before = snapshotCalls();

    const run = await cli(['--db', db, 'import', join(dir, 'extra.csv'), '--pbx', 'office']);
    expect(run.stdout).toContain('2 imported, 0 already present, 1 merged');
    expect((await callsJson(['--account-code', 'ACC-7']))[0]?.session).toBe(session(0));
    const [entry] = await imports();
    expect(entry).toMatchObject({ file: 'extra.csv', source: 'office', imported: 2, merged: 1, rejected: 0, state: 'done' });
    expect(Date.parse(entry?.when ?? '')).not.toBeNaN();
    expect((await cli(['--db', db, 'imports', 'list'])).stdout).toMatch(/extra\.csv\s+office\s+2\s+1/);

    const undo = await cli(['--db', db, 'imports', 'undo', String(entry?.id)]);

    expect(undo.stdout).toBe(`Undid import ${entry?.id} (extra.csv into office): 2 calls removed, 1 calls restored.\n`);
    expect(await callsJson([])).toHaveLength(CALLS);
    expect(snapshotCalls()).toBe(before);
    expect((await imports())[0]?.state).toBe('undone');
    const again = await cli(['--db', db, 'imports', 'undo', String(entry?.id)]);
    expect(again.code).toBe(2);
    expect(again.stderr).toContain('was undone already');
    const unknown = await cli(['--db', db, 'imports', 'undo', '999']);
    expect(unknown.stderr).toContain('There is no import with id 999');
  });
});
