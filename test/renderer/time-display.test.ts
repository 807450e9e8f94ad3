import { describe, expect, it } from 'vitest';
import { formatLocal, formatStart, spansZones, utcOffset } from '../../renderer/src/time-display.js';

describe('start times of PBXs in several zones', () => {
  it('gives the UTC offset of a PBX wall-clock time', () => {
    expect(utcOffset('2024-03-07T22:56:00', '2024-03-07T21:56:00Z')).toBe('+01:00');
    expect(utcOffset('2024-03-07T19:39:00', '2024-03-08T00:39:00Z')).toBe('-05:00');
    expect(utcOffset('2024-03-07T10:00:00', '2024-03-07T04:30:00Z')).toBe('+05:30');
  });

  it('shows the offset beside the time only when asked, and this computer\'s clock from the instant', () => {
    const row = { start: '2024-03-07T22:56:00', start_utc: '2024-03-07T21:56:00Z' };
    expect(formatStart(row, { mode: 'pbx', offsets: false })).toBe('2024-03-07 22:56:00');
    expect(formatStart(row, { mode: 'pbx', offsets: true })).toBe('2024-03-07 22:56:00 +01:00');
    expect(formatStart(row, { mode: 'local', offsets: false })).toBe(formatLocal('2024-03-07T21:56:00Z'));
  });

  it('tells when the calls come from PBXs in more than one zone', () => {
    const zones = new Map([
      ['London', 'Europe/London'],
      ['Leeds', 'Europe/London'],
      ['New York', 'America/New_York'],
    ]);
    expect(spansZones([{ pbx: 'London' }, { pbx: 'Leeds' }], zones)).toBe(false);
    expect(spansZones([{ pbx: 'London' }, { pbx: 'New York' }], zones)).toBe(true);
    expect(spansZones([], zones)).toBe(false);
  });
});
