import { describe, expect, it } from 'vitest';
import { excerpt } from '../../main/pbx/failures.js';
import { cdrQueryParams, queryString } from '../../main/pbx/query.js';
import { checkRecordingPaths, recapiQuery } from '../../main/pbx/recapi.js';
import { normalizeFingerprint } from '../../main/pbx/tls.js';
import { parsePbxUrl } from '../../main/pbx/url.js';

describe('cdrapi parameters are validated before they are sent', () => {
  it('asks for JSON, 1000 records from offset 0 by default', () => {
    expect(cdrQueryParams({})).toEqual([
      ['format', 'json'],
      ['numRecords', '1000'],
      ['offset', '0'],
    ]);
  });

  it('sends times with the literal T and seconds, whatever form they were given in', () => {
    const params = Object.fromEntries(cdrQueryParams({ startTime: '2024-03-01', endTime: '2024-03-31 23:59' }));
    expect(params.startTime).toBe('2024-03-01T00:00:00');
    expect(params.endTime).toBe('2024-03-31T23:59:00');
  });

  it.each([
    [{ numRecords: 1001 }, /numRecords 1001/],
    [{ numRecords: -1 }, /numRecords -1/],
    [{ numRecords: 2.5 }, /numRecords 2.5/],
    [{ offset: -10 }, /offset -10/],
    [{ startTime: '2024-02-30' }, /does not exist/],
    [{ startTime: '01/03/2024' }, /YYYY-MM-DD/],
    [{ startTime: '2024-03-02', endTime: '2024-03-01' }, /before startTime/],
    [{ minDur: 10, maxDur: 5 }, /below minDur/],
    [{ caller: '5300,,5303' }, /empty alternative/],
    [{ caller: '5300-5301-5302' }, /more than one '-'/],
    [{ callee: '53 00' }, /only digits/],
  ])('refuses %j with a message naming the value', (query, message) => {
    expect(() => cdrQueryParams(query)).toThrow(message);
  });

  it('rewrites UCM page patterns into cdrapi wildcards and keeps cdrapi ones as written', () => {
    const params = Object.fromEntries(cdrQueryParams({ caller: '3XXX,5300,6300-6399', callee: '2.', answeredby: '_4@' }));
    expect(params).toMatchObject({ caller: '3___,5300,6300-6399', callee: '2@', answeredby: '_4@' });
  });

  it('leaves commas, @ and colons readable in the query string and encodes the rest', () => {
    expect(queryString([['caller', '5300,_4@'], ['startTime', '2024-03-01T00:00:00'], ['callee', '#1']])).toBe(
      'caller=5300,_4@&startTime=2024-03-01T00:00:00&callee=%231',
    );
  });
});

describe('recapi names', () => {
  it("URL-encodes the month folder's slash and the '#' of recording names", () => {
    expect(recapiQuery(['2022-08/auto-1661159747#203-01904593096-6400.wav'])).toBe(
      'filedir=monitor&filename=2022-08%2Fauto-1661159747%23203-01904593096-6400.wav',
    );
  });

  it('joins several names with @', () => {
    expect(recapiQuery(['a.wav', 'b.wav'])).toBe('filedir=monitor&filename=a.wav@b.wav');
  });

  it.each([['../etc/passwd'], ['a b.wav'], ['/abs.wav'], [''], ['x'.repeat(300)]])('refuses %j, which the PBX would skip', (name) => {
    expect(() => checkRecordingPaths([name])).toThrow(/cannot be requested|empty/);
  });
});

describe('profile values', () => {
  it('normalizes fingerprints to upper-case colon pairs', () => {
    const hex = 'ab'.repeat(32);
    expect(normalizeFingerprint(hex)).toBe(Array(32).fill('AB').join(':'));
    expect(normalizeFingerprint(`sha256 Fingerprint=${Array(32).fill('ab').join(':')}`)).toBe(Array(32).fill('AB').join(':'));
    expect(() => normalizeFingerprint('AB:CD')).toThrow(/not a SHA-256 certificate fingerprint/);
  });

  it('requires https and uses port 8443 when none is given', () => {
    expect(parsePbxUrl('https://192.168.1.2')).toMatchObject({ origin: 'https://192.168.1.2:8443', port: 8443, basePath: '' });
    expect(parsePbxUrl('https://pbx.example:9443/')).toMatchObject({ host: 'pbx.example:9443' });
    expect(() => parsePbxUrl('http://192.168.1.2:8443')).toThrow(/https/);
    expect(() => parsePbxUrl('https://admin:secret@pbx')).toThrow(/user name/);
    expect(() => parsePbxUrl('not a url')).toThrow(/not a URL/);
  });
});

describe('error excerpts', () => {
  it('never show a cookie, token or challenge the PBX put in a body, and stay short', () => {
    const body = '{"response":{"cookie":"sid0123456789abcdef","token":"t0k","challenge":"0000123"},"status":-99}';
    const shown = excerpt(body);
    expect(shown).not.toMatch(/sid0123456789abcdef|t0k|0000123/);
    expect(shown).toContain('"status":-99');
    expect(excerpt('x'.repeat(10_000)).length).toBeLessThanOrEqual(161);
  });
});
