import { describe, expect, it } from 'vitest';
import { countCdrRootEntries } from '../../main/pbx/entries.js';

describe('countCdrRootEntries', () => {
  it('counts flat and main_cdr entries, duplicates included', () => {
    const flat = { cdr: '1', src: '1000', lastdata: 'a,b[c]{d}' };
    const nested = { cdr: '', main_cdr: { src: '1' }, sub_cdr_1: { src: '1', clid: '"Bob" <1>' } };
    const text = JSON.stringify({ cdr_root: [flat, nested, flat], status: 0 });
    expect(countCdrRootEntries(text)).toBe(3);
  });

  it('reads pretty-printed answers and escaped quotes inside values', () => {
    const text = '{\n  "cdr_root": [\n    {"cdr": "x", "clid": "\\"A, B\\" <1>\\\\"},\n    {"cdr": "y"}\n  ]\n}';
    expect(countCdrRootEntries(text)).toBe(2);
  });

  it('returns 0 for the empty container and null without cdr_root', () => {
    expect(countCdrRootEntries('{"cdr_root": [ ]}')).toBe(0);
    expect(countCdrRootEntries('{"status": -6}')).toBeNull();
    expect(countCdrRootEntries('{"cdr_root": [{"cdr": "1"}')).toBeNull();
  });
});
