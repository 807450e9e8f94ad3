import { describe, expect, it } from 'vitest';
import { OPEN_END, OPEN_START, planWindows, recordStart, resumeWindows, windowFromStored } from '../../main/sync/windows.js';

describe('sync windows', () => {
  it('cover all history in contiguous months, the last one open-ended', () => {
    expect(planWindows(null, '2023-11-14T09:00:00', '2024-02-10T12:00:00')).toEqual([
      { start: null, end: '2023-11-30T23:59:59' },
      { start: '2023-12-01T00:00:00', end: '2023-12-31T23:59:59' },
      { start: '2024-01-01T00:00:00', end: '2024-01-31T23:59:59' },
      { start: '2024-02-01T00:00:00', end: null },
    ]);
  });

  it('start an incremental run at the given time and stay within its month at first', () => {
    expect(planWindows('2024-02-29T23:10:00', '2024-02-29T23:10:00', '2024-03-02T08:00:00')).toEqual([
      { start: '2024-02-29T23:10:00', end: '2024-02-29T23:59:59' },
      { start: '2024-03-01T00:00:00', end: null },
    ]);
  });

  it('are a single open window when the PBX clock is behind the first month boundary', () => {
    expect(planWindows(null, '2024-05-20T10:00:00', '2024-05-01T00:00:00')).toEqual([{ start: null, end: null }]);
  });

  it('resume with the saved window, then the following months', () => {
    expect(resumeWindows({ start: '2024-01-01T00:00:00', end: '2024-01-31T23:59:59' }, '2024-03-05T00:00:00')).toEqual([
      { start: '2024-01-01T00:00:00', end: '2024-01-31T23:59:59' },
      { start: '2024-02-01T00:00:00', end: '2024-02-29T23:59:59' },
      { start: '2024-03-01T00:00:00', end: null },
    ]);
    expect(resumeWindows({ start: '2024-03-01T00:00:00', end: null }, '2024-05-05T00:00:00')).toEqual([
      { start: '2024-03-01T00:00:00', end: null },
    ]);
  });

  it('store open bounds as wall-clock sentinels and read them back as open', () => {
    expect(windowFromStored(OPEN_START, OPEN_END)).toEqual({ start: null, end: null });
    expect(windowFromStored('2024-01-01T00:00:00', OPEN_END)).toEqual({ start: '2024-01-01T00:00:00', end: null });
  });

  it('read record start times in the cdrapi form', () => {
    expect(recordStart('2024-03-01 08:02:11')).toBe('2024-03-01T08:02:11');
    expect(recordStart('')).toBeNull();
    expect(recordStart('03/01/2024 08:02')).toBeNull();
  });
});
