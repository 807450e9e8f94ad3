import { describe, expect, it } from 'vitest';
import { utcToWallClock } from '../../main/cdr/time.js';
import { PbxClock } from '../../main/simulator/clock.js';

const MINUTE = 60_000;

describe('PbxClock', () => {
  it.each([
    ['UTC', '2024-03-30T00:00:00Z'],
    ['Europe/Berlin', '2024-03-30T12:00:00Z'],
    ['Europe/Berlin', '2024-10-26T12:00:00Z'],
    ['America/New_York', '2024-11-02T12:00:00Z'],
    ['Asia/Kolkata', '2024-01-01T00:00:00Z'],
    ['Australia/Lord_Howe', '2024-04-06T00:00:00Z'],
  ])('writes the same wall clock as the shared time module in %s around %s', (tz, from) => {
    const clock = new PbxClock(tz);
    const start = Date.parse(from);
    const wrong: string[] = [];
    // Two days in 7-minute-and-13-second steps cover each transition hour at several offsets.
    for (let ms = start; ms < start + 2 * 1440 * MINUTE; ms += 7 * MINUTE + 13_000) {
      const expected = utcToWallClock(ms, tz).replace('T', ' ');
      if (clock.format(ms) !== expected) wrong.push(`${new Date(ms).toISOString()}: ${clock.format(ms)} != ${expected}`);
    }
    expect(wrong).toEqual([]);
  });

  it('rejects an unknown zone', () => {
    expect(() => new PbxClock('Atlantis/Capital')).toThrow(/Atlantis\/Capital/);
  });
});
