import { describe, expect, it } from 'vitest';
import { digestResponse } from '../../main/pbx/digest.js';
import { parseChallenge } from '../../main/pbx/legacy.js';

// RFC 7616 section 3.9.1: the same request answered with MD5 and with SHA-256.
const rfcExample = {
  username: 'Mufasa',
  password: 'Circle of Life',
  realm: 'http-auth@example.org',
  method: 'GET',
  uri: '/dir/index.html',
  nonce: '7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v',
  qop: 'auth' as const,
  nc: '00000001',
  cnonce: 'f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ',
};

describe('Digest arithmetic (RFC 7616 section 3.9.1)', () => {
  it('computes the MD5 response of the RFC example', () => {
    expect(digestResponse({ ...rfcExample, algorithm: 'MD5' })).toBe('8ca523f5e9506fed4657c9700eebdbec');
  });

  it('computes the SHA-256 response of the RFC example', () => {
    expect(digestResponse({ ...rfcExample, algorithm: 'SHA-256' })).toBe(
      '753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1',
    );
  });

  it('mixes nonce and cnonce into HA1 for MD5-sess, so the response differs from plain MD5', () => {
    const plain = digestResponse({ ...rfcExample, algorithm: 'MD5' });
    const sess = digestResponse({ ...rfcExample, algorithm: 'MD5-sess' });
    const otherCnonce = digestResponse({ ...rfcExample, algorithm: 'MD5-sess', cnonce: 'another' });
    expect(sess).toMatch(/^[0-9a-f]{32}$/);
    expect(sess).not.toBe(plain);
    expect(otherCnonce).not.toBe(sess);
  });
});

describe('Digest challenge parsing', () => {
  const rfcChallenges = [
    'Digest realm="http-auth@example.org", qop="auth, auth-int", algorithm=SHA-256, nonce="7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v", opaque="FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS"',
    'Digest realm="http-auth@example.org", qop="auth, auth-int", algorithm=MD5, nonce="7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v", opaque="FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS"',
  ];

  it('prefers SHA-256 when the server offers SHA-256 and MD5, as in the RFC example', () => {
    const challenge = parseChallenge(rfcChallenges, 'pbx:8443');
    expect(challenge.algorithm).toBe('SHA-256');
    expect(challenge.qop).toBe('auth');
    expect(challenge.opaque).toBe('FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS');
    expect(challenge.stale).toBe(false);
  });

  it('splits two challenges that a proxy joined into one header line', () => {
    expect(parseChallenge([rfcChallenges.slice().reverse().join(', ')], 'pbx:8443').algorithm).toBe('SHA-256');
  });

  it('reads stale=true and defaults to MD5 without an algorithm', () => {
    const challenge = parseChallenge(['Digest realm="r", nonce="n2", qop="auth", stale=TRUE'], 'pbx:8443');
    expect(challenge).toMatchObject({ algorithm: 'MD5', stale: true, nonce: 'n2', realm: 'r' });
  });

  it('refuses a server that only offers Basic authentication', () => {
    expect(() => parseChallenge(['Basic realm="x"'], 'pbx:8443')).toThrow(/offered: Basic/);
  });
});
