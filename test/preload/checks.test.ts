import { describe, expect, it } from 'vitest';
import { httpUrlProblem, isHttpUrl, isValidTimeZone } from '../../preload/checks.js';

describe('the http(s) address check', () => {
  it('accepts http and https addresses with a host', () => {
    for (const url of ['https://192.168.1.20:8089', 'http://pbx.example.com/', 'https://[2001:db8::1]:8443', 'HTTPS://PBX']) {
      expect(httpUrlProblem(url)).toBeNull();
      expect(isHttpUrl(url)).toBe(true);
    }
  });

  it('says why anything else is refused', () => {
    expect(httpUrlProblem('pbx.example.com')).toBe('not-a-url');
    expect(httpUrlProblem('')).toBe('not-a-url');
    expect(httpUrlProblem('https://')).toBe('not-a-url');
    expect(httpUrlProblem('file:///etc/passwd')).toBe('not-http');
    expect(httpUrlProblem('javascript:alert(1)')).toBe('not-http');
    expect(httpUrlProblem('ftp://pbx.example.com')).toBe('not-http');
    expect(isHttpUrl('file:///etc/passwd')).toBe(false);
  });
});

describe('the time-zone check', () => {
  it('accepts the names Intl knows and refuses the rest', () => {
    expect(isValidTimeZone('Europe/Berlin')).toBe(true);
    expect(isValidTimeZone('UTC')).toBe(true);
    // Asked twice: the second answer comes from the cache of known zones and must agree.
    expect(isValidTimeZone('America/New_York')).toBe(true);
    expect(isValidTimeZone('America/New_York')).toBe(true);
    expect(isValidTimeZone('Mars/Olympus_Mons')).toBe(false);
    expect(isValidTimeZone('Mars/Olympus_Mons')).toBe(false);
    expect(isValidTimeZone('')).toBe(false);
    expect(isValidTimeZone('   ')).toBe(false);
    expect(isValidTimeZone(' Europe/Berlin')).toBe(false);
  });
});
