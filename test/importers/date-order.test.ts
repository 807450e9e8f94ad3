import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { importFiles } from '../../main/importers/index.js';
import { dumpDatabase } from './helpers.js';
import { tempStore } from '../support/store.js';

let ctx: ReturnType<typeof tempStore>;
beforeEach(() => {
  ctx = tempStore();
  ctx.store.profiles.save({ name: 'nyc', url: 'https://192.0.2.30:8443', api: 'auto', user: 'cdrapi', tz: 'America/New_York' });
});
afterEach(() => ctx.cleanup());

/** A UCM page export whose rows start at these times, in this order; sessions are r-1, r-2, ... */
function export_(name: string, starts: string[]): string {
  const lines = ['Caller Number,Callee Number,Start Time,Talk Time,Session'];
  starts.forEach((start, i) => lines.push(`1001,1002,${start},10,r-${i + 1}`));
  const path = join(ctx.dir, name);
  writeFileSync(path, `${lines.join('\r\n')}\r\n`);
  return path;
}

function start(session: string): { start: string; start_utc: string } | undefined {
  const call = ctx.store.calls.findSession(session, 'nyc')[0]?.call;
  return call && { start: call.start, start_utc: call.start_utc };
}

describe('importFiles: the date order of a file whose dates all read either way', () => {
  it('reads month-first when the times carry AM/PM, the way US exports write them', async () => {
    // Both readings run forward in time here, so only the AM/PM marks decide.
    const file = export_('us.csv', ['03/04/2021 08:00:00 AM', '03/04/2021 1:30:00 PM', '05/06/2021 11:59:59 PM']);
    const result = await importFiles(ctx.store, [file], { pbx: 'nyc' });
    expect(result.files[0]).toMatchObject({ imported: 3, error: null });
    expect(start('r-1')).toEqual({ start: '2021-03-04T08:00:00', start_utc: '2021-03-04T13:00:00Z' });
    expect(start('r-2')).toEqual({ start: '2021-03-04T13:30:00', start_utc: '2021-03-04T18:30:00Z' });
    expect(start('r-3')).toEqual({ start: '2021-05-06T23:59:59', start_utc: '2021-05-07T03:59:59Z' });
  });

  it('reads day-first when only that reading puts the rows in time order', async () => {
    // Day-first: 10 Mar .. 12 Mar, 1 Apr, 2 Apr. Month-first would jump from 3 Dec back to 4 Jan.
    const file = export_('eu.csv', [
      '10/03/2021 08:00:00',
      '11/03/2021 09:00:00',
      '11/03/2021 09:00:00',
      '12/03/2021 17:00:00',
      '01/04/2021 08:00:00',
      '02/04/2021 08:00:00',
    ]);
    const result = await importFiles(ctx.store, [file], { pbx: 'nyc' });
    expect(result.files[0]).toMatchObject({ imported: 6, error: null });
    expect(start('r-1')?.start).toBe('2021-03-10T08:00:00');
    expect(start('r-5')).toEqual({ start: '2021-04-01T08:00:00', start_utc: '2021-04-01T12:00:00Z' });
  });

  it('reads day-first from rows listed newest first as well', async () => {
    const file = export_('eu-newest-first.csv', ['02/04/2021 08:00:00', '01/04/2021 08:00:00', '12/03/2021 17:00:00', '11/03/2021 09:00:00']);
    const result = await importFiles(ctx.store, [file], { pbx: 'nyc' });
    expect(result.files[0]).toMatchObject({ imported: 4, error: null });
    expect(start('r-1')?.start).toBe('2021-04-02T08:00:00');
    expect(start('r-4')?.start).toBe('2021-03-11T09:00:00');
  });

  it('reads month-first when only that reading puts the rows in time order', async () => {
    // Month-first: 11 Mar, 12 Mar, 1 Apr, 2 Apr. Day-first would run 3 Nov, 3 Dec, then back to 4 Jan.
    const file = export_('mdy.csv', ['03/11/2021 10:00', '03/12/2021 10:00', '04/01/2021 10:00', '04/01/2021 11:00', '04/02/2021 10:00']);
    const result = await importFiles(ctx.store, [file], { pbx: 'nyc' });
    expect(result.files[0]).toMatchObject({ imported: 5, error: null });
    expect(start('r-2')?.start).toBe('2021-03-12T10:00:00');
    expect(start('r-3')).toEqual({ start: '2021-04-01T10:00:00', start_utc: '2021-04-01T14:00:00Z' });
  });

  it.each([
    ['on one day', ['03/04/2021 08:00:00', '03/04/2021 09:00:00', '03/04/2021 10:00:00'], 'all rows are on one date'],
    ['of a single row', ['03/04/2021 08:00:00'], 'all rows are on one date'],
    ['in time order either way', ['03/04/2021 08:00:00', '05/06/2021 09:30:00', '07/08/2021 09:30:00'], 'in time order either way'],
    ['in time order neither way', ['10/03/2021 08:00:00', '01/04/2021 08:00:00', '11/03/2021 08:00:00'], 'in time order neither way'],
  ])('refuses a file with dates %s, naming --date-order, and writes nothing', async (_what, starts, why) => {
    const before = dumpDatabase(ctx.store.path);
    const result = await importFiles(ctx.store, [export_('either.csv', starts)], { pbx: 'nyc' });
    const error = result.files[0]?.error;
    expect(error?.code).toBe('BAD_FILE');
    expect(error?.message).toContain(`dates such as "${starts[0]}" can be read month-first or day-first`);
    expect(error?.message).toContain(why);
    expect(error?.message).toContain('--date-order mdy|dmy');
    const [first = '', second = ''] = starts[0]?.split('/') ?? [];
    expect(error?.details).toMatchObject({
      date_order_ambiguous: true,
      example: starts[0],
      readings: { mdy: `2021-${first}-${second}`, dmy: `2021-${second}-${first}` },
    });
    expect(dumpDatabase(ctx.store.path)).toEqual(before);
  });
});
