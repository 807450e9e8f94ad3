import { describe, expect, it } from 'vitest';
import { AppError } from '../../main/errors.js';
import {
  defaultTimeZone,
  inferDateOrder,
  isValidTimeZone,
  isoUtc,
  parseDuration,
  parsePbxDateTime,
  readTypedDateTime,
  readWallClockBound,
  toPbxTime,
  utcToWallClock,
  wallClockSeconds,
  wallClockToUtc,
} from '../../main/cdr/time.js';

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (error) {
    return error instanceof AppError ? error.code : 'not an AppError';
  }
  return undefined;
}

describe('parsePbxDateTime', () => {
  it.each([
    ['2021-03-18 15:14:33', '2021-03-18T15:14:33'],
    ['2021-03-18T15:14:33', '2021-03-18T15:14:33'],
    ['2016-04-29 02:53', '2016-04-29T02:53:00'],
    ['2016-04-29', '2016-04-29T00:00:00'],
    ['2013-01-23T00:00:00.123', '2013-01-23T00:00:00'],
    ['7/13/2018 12:00:12 PM', '2018-07-13T12:00:12'],
    ['7/13/2018 12:00:12 AM', '2018-07-13T00:00:12'],
    ['7/13/2018 1:05:09 pm', '2018-07-13T13:05:09'],
    ['11/23/2016 10:47', '2016-11-23T10:47:00'],
    ['11/23/2016 22:47:05', '2016-11-23T22:47:05'],
    ['  2021-03-18 15:14:33  ', '2021-03-18T15:14:33'],
    ['2024-02-29 23:59:59', '2024-02-29T23:59:59'],
  ])('reads %j as %s', (text, expected) => {
    expect(parsePbxDateTime(text)).toBe(expected);
  });

  it('reads slashed dates day-first when told so', () => {
    expect(parsePbxDateTime('13/7/2018 12:00:12 PM', 'dmy')).toBe('2018-07-13T12:00:12');
    expect(parsePbxDateTime('03/04/2020 08:00', 'dmy')).toBe('2020-04-03T08:00:00');
    expect(parsePbxDateTime('03/04/2020 08:00')).toBe('2020-03-04T08:00:00');
  });

  it('returns null for an empty value', () => {
    expect(parsePbxDateTime('')).toBeNull();
    expect(parsePbxDateTime('   ')).toBeNull();
  });

  it.each([
    'yesterday',
    '2021-13-01 00:00:00',
    '2023-02-29 10:00:00',
    '2021-03-18 24:00:00',
    '2021-03-18 10:60:00',
    '13/13/2018 10:00',
    '7/13/2018 13:00 PM',
    '7/13/2018 0:10 AM',
    '2021-03-18 15:14:33+01:00',
  ])('rejects %j with BAD_INPUT naming the value', (text) => {
    expect(() => parsePbxDateTime(text)).toThrow(text);
    expect(codeOf(() => parsePbxDateTime(text))).toBe('BAD_INPUT');
  });
});

describe('readWallClockBound', () => {
  it('fills a missing time from the start of the day or minute, or from its end for an upper bound', () => {
    expect(readWallClockBound('2024-03-01')).toEqual({ local: '2024-03-01T00:00:00' });
    expect(readWallClockBound('2024-03-01', { end: true })).toEqual({ local: '2024-03-01T23:59:59' });
    expect(readWallClockBound('2024-03-01T08:15', { end: true })).toEqual({ local: '2024-03-01T08:15:59' });
    expect(readWallClockBound(' 2024-03-01T08:15:07 ', { end: true })).toEqual({ local: '2024-03-01T08:15:07' });
  });

  it('takes a space for the T only when asked', () => {
    expect(readWallClockBound('2024-03-01 08:15')).toEqual({ problem: 'form' });
    expect(readWallClockBound('2024-03-01 08:15', { space: true })).toEqual({ local: '2024-03-01T08:15:00' });
  });

  it('tells a text in another form from a date or time that does not exist', () => {
    for (const text of ['1/3/2024', '2024-3-1', '2024-03-01T8:15', '']) expect(readWallClockBound(text)).toEqual({ problem: 'form' });
    for (const text of ['2023-02-29', '2024-02-30', '2024-13-01', '2024-03-01T24:00', '2024-03-01T23:60', '0099-01-01']) {
      expect(readWallClockBound(text)).toEqual({ problem: 'nonexistent' });
    }
    expect(readWallClockBound('2024-02-29')).toEqual({ local: '2024-02-29T00:00:00' });
  });

  it('gives seconds as if the wall clock were UTC', () => {
    expect(wallClockSeconds('2024-03-01T08:15:07')).toBe(Date.UTC(2024, 2, 1, 8, 15, 7) / 1000);
  });
});

describe('inferDateOrder', () => {
  it('decides day-first when a first number is over 12', () => {
    expect(inferDateOrder(['03/04/2020 08:00', '25/04/2020 08:00'])).toBe('dmy');
  });
  it('decides month-first when a second number is over 12', () => {
    expect(inferDateOrder(['7/13/2018 12:00:12 PM', '7/1/2018 12:00:12 PM'])).toBe('mdy');
  });
  it('returns null when nothing decides or samples contradict each other', () => {
    expect(inferDateOrder(['03/04/2020', '2021-03-18 15:14:33', ''])).toBeNull();
    expect(inferDateOrder(['25/04/2020', '04/25/2020'])).toBeNull();
    expect(inferDateOrder([])).toBeNull();
  });
  it('decides month-first from AM/PM when no number is over 12, and day-first when one is', () => {
    expect(inferDateOrder(['03/04/2020 08:00 AM', '03/04/2020 1:00 PM'])).toBe('mdy');
    expect(inferDateOrder(['01/02/2021 1:00 PM', '13/01/2021 1:00 PM'])).toBe('dmy');
  });
  it('decides the reading under which the rows run in time order, either way round, when the other does not', () => {
    const dayFirst = ['10/03/2021', '12/03/2021', '12/03/2021', '01/04/2021'];
    expect(inferDateOrder(dayFirst)).toBe('dmy');
    expect(inferDateOrder([...dayFirst].reverse())).toBe('dmy');
    expect(inferDateOrder(['03/11/2021', '03/12/2021', '04/01/2021'])).toBe('mdy');
    expect(inferDateOrder(['03/04/2021', '03/04/2021'])).toBeNull();
    expect(inferDateOrder(['01/02/2021', '03/01/2021'])).toBeNull();
    expect(inferDateOrder(['10/03/2021', '01/04/2021', '11/03/2021'])).toBeNull();
  });
});

describe('readTypedDateTime', () => {
  it.each([
    ['2026-09-10', '2026-09-10'],
    ['2026-09-10T08:30', '2026-09-10T08:30:00'],
    ['2026-09-10 08:30:05', '2026-09-10T08:30:05'],
    ['25/10/2026', '2026-10-25'],
    ['10/25/2026 1:00 PM', '2026-10-25T13:00:00'],
    ['9/9/2026', '2026-09-09'],
  ])('reads %j as %s', (text, expected) => {
    expect(readTypedDateTime(text)).toEqual({ value: expected });
  });

  it('gives both readings of a slashed date that reads either way, unless the order is given', () => {
    expect(readTypedDateTime('9/10/2026')).toEqual({ ambiguous: { mdy: '2026-09-10', dmy: '2026-10-09' } });
    expect(readTypedDateTime('9/10/2026 08:00')).toEqual({ ambiguous: { mdy: '2026-09-10T08:00:00', dmy: '2026-10-09T08:00:00' } });
    expect(readTypedDateTime('9/10/2026', 'dmy')).toEqual({ value: '2026-10-09' });
    expect(readTypedDateTime('9/10/2026', 'mdy')).toEqual({ value: '2026-09-10' });
  });

  it.each(['', 'yesterday', '2026-02-30', '31/31/2026'])('refuses %j with BAD_INPUT', (text) => {
    expect(codeOf(() => readTypedDateTime(text))).toBe('BAD_INPUT');
  });
});

describe('time zones', () => {
  it('validates zone names', () => {
    expect(isValidTimeZone('Europe/London')).toBe(true);
    expect(isValidTimeZone('UTC')).toBe(true);
    expect(isValidTimeZone('Mars/Olympus_Mons')).toBe(false);
    expect(isValidTimeZone('')).toBe(false);
    expect(isValidTimeZone(defaultTimeZone())).toBe(true);
  });

  it('rejects an unknown zone naming it', () => {
    expect(() => wallClockToUtc('2021-03-18T15:14:33', 'Mars/Olympus_Mons')).toThrow('Mars/Olympus_Mons');
    expect(codeOf(() => wallClockToUtc('2021-03-18T15:14:33', 'Mars/Olympus_Mons'))).toBe('BAD_INPUT');
  });

  it('rejects a wall clock that is not canonical', () => {
    expect(codeOf(() => wallClockToUtc('18/03/2021', 'UTC'))).toBe('BAD_INPUT');
  });

  it.each([
    ['2021-01-15T12:00:00', 'Europe/London', '2021-01-15T12:00:00Z'],
    ['2021-07-15T12:00:00', 'Europe/London', '2021-07-15T11:00:00Z'],
    ['2021-01-15T12:00:00', 'America/New_York', '2021-01-15T17:00:00Z'],
    ['2021-07-15T12:00:00', 'America/New_York', '2021-07-15T16:00:00Z'],
    ['2021-07-15T12:00:00', 'Asia/Kolkata', '2021-07-15T06:30:00Z'],
    ['2021-07-15T12:00:00', 'Asia/Kathmandu', '2021-07-15T06:15:00Z'],
    ['2021-07-15T12:00:00', 'UTC', '2021-07-15T12:00:00Z'],
    ['1999-12-31T23:59:59', 'Australia/Sydney', '1999-12-31T12:59:59Z'],
  ])('converts %s in %s to %s', (local, tz, expected) => {
    expect(isoUtc(wallClockToUtc(local, tz))).toBe(expected);
  });

  it('shifts a time in the spring-forward gap forward (Europe/London)', () => {
    // 2021-03-28: clocks go from 01:00 GMT to 02:00 BST; 01:30 does not exist.
    expect(isoUtc(wallClockToUtc('2021-03-28T01:30:00', 'Europe/London'))).toBe('2021-03-28T01:30:00Z');
    expect(utcToWallClock(wallClockToUtc('2021-03-28T01:30:00', 'Europe/London'), 'Europe/London')).toBe(
      '2021-03-28T02:30:00',
    );
    expect(isoUtc(wallClockToUtc('2021-03-28T00:59:59', 'Europe/London'))).toBe('2021-03-28T00:59:59Z');
    expect(isoUtc(wallClockToUtc('2021-03-28T02:00:00', 'Europe/London'))).toBe('2021-03-28T01:00:00Z');
  });

  it('takes the earlier instant of a repeated time (Europe/London)', () => {
    // 2021-10-31: 01:00-02:00 happens twice, first in BST (UTC+1) then in GMT.
    expect(isoUtc(wallClockToUtc('2021-10-31T01:30:00', 'Europe/London'))).toBe('2021-10-31T00:30:00Z');
    expect(isoUtc(wallClockToUtc('2021-10-31T02:00:00', 'Europe/London'))).toBe('2021-10-31T02:00:00Z');
    expect(isoUtc(wallClockToUtc('2021-10-31T00:59:59', 'Europe/London'))).toBe('2021-10-30T23:59:59Z');
  });

  it('shifts a time in the spring-forward gap forward (America/New_York)', () => {
    // 2021-03-14: 02:00 EST becomes 03:00 EDT.
    expect(isoUtc(wallClockToUtc('2021-03-14T02:15:00', 'America/New_York'))).toBe('2021-03-14T07:15:00Z');
    expect(utcToWallClock(wallClockToUtc('2021-03-14T02:15:00', 'America/New_York'), 'America/New_York')).toBe(
      '2021-03-14T03:15:00',
    );
    expect(isoUtc(wallClockToUtc('2021-03-14T01:59:59', 'America/New_York'))).toBe('2021-03-14T06:59:59Z');
    expect(isoUtc(wallClockToUtc('2021-03-14T03:00:00', 'America/New_York'))).toBe('2021-03-14T07:00:00Z');
  });

  it('takes the earlier instant of a repeated time (America/New_York)', () => {
    // 2021-11-07: 01:00-02:00 happens in EDT (UTC-4), then again in EST (UTC-5).
    expect(isoUtc(wallClockToUtc('2021-11-07T01:30:00', 'America/New_York'))).toBe('2021-11-07T05:30:00Z');
    expect(isoUtc(wallClockToUtc('2021-11-07T02:00:00', 'America/New_York'))).toBe('2021-11-07T07:00:00Z');
  });

  it('maps the wall clock of every 17th minute of a DST year back to its instant', () => {
    const tz = 'America/New_York';
    const start = Date.UTC(2021, 0, 1);
    const end = Date.UTC(2022, 0, 1);
    let mismatches = 0;
    let checked = 0;
    for (let t = start; t < end; t += 17 * 60_000) {
      const local = utcToWallClock(t, tz);
      const back = wallClockToUtc(local, tz);
      // In the repeated hour the earlier instant wins, so a later instant maps back one hour early.
      if (back !== t && !(t - back === 3_600_000 && local.startsWith('2021-11-07T01:'))) mismatches++;
      checked++;
    }
    expect(checked).toBeGreaterThan(30_000);
    expect(mismatches).toBe(0);
  });

  it('round-trips wall clock and instant', () => {
    const ms = Date.UTC(2022, 7, 22, 8, 33, 56);
    expect(utcToWallClock(ms, 'Europe/London')).toBe('2022-08-22T09:33:56');
    expect(wallClockToUtc('2022-08-22T09:33:56', 'Europe/London')).toBe(ms);
    expect(utcToWallClock(ms, 'UTC')).toBe('2022-08-22T08:33:56');
  });

  it('toPbxTime gives wall clock and instant, null for empty', () => {
    expect(toPbxTime('2022-08-22 09:33:56', 'Europe/London')).toEqual({
      local: '2022-08-22T09:33:56',
      utc: Date.UTC(2022, 7, 22, 8, 33, 56),
    });
    expect(toPbxTime('13/7/2018 12:00:12 PM', 'UTC', 'dmy')?.local).toBe('2018-07-13T12:00:12');
    expect(toPbxTime('', 'Europe/London')).toBeNull();
  });

  it('isoUtc prints seconds precision with Z', () => {
    expect(isoUtc(Date.UTC(2021, 2, 18, 15, 14, 33, 999))).toBe('2021-03-18T15:14:33Z');
  });
});

describe('parseDuration', () => {
  it.each([
    ['23', 23],
    ['0', 0],
    ['0:00:23', 23],
    ['1:02:03', 3723],
    ['26:00:00', 93600],
    ['2:05', 125],
    [' 19 ', 19],
  ])('reads %j as %d seconds', (text, seconds) => {
    expect(parseDuration(text)).toBe(seconds);
  });

  it.each(['-5', '', 'abc', '1:2:3:4', '0:61', '1:60:00', '12.5', '0:00:-1'])('rejects %j', (text) => {
    expect(codeOf(() => parseDuration(text))).toBe('BAD_INPUT');
  });
});
