import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect } from 'vitest';
import { it } from '../support/fixtures.js';
import { FileRefRegistry } from '../../main/app/file-refs.js';
import { parseRange } from '../../main/app/recording-files.js';
import { createKeychainSecrets, createMemorySecrets, type SafeStorageLike } from '../../main/secrets.js';

describe('FileRefRegistry', () => {
  it('resolves only refs it handed out, of the kind asked for', () => {
    const refs = new FileRefRegistry();
    const file = refs.add('/data/cdr.csv', 'file');
    expect(file.name).toBe('cdr.csv');
    expect(file.ref).not.toContain('/');
    expect(refs.resolve(file, 'file')).toBe('/data/cdr.csv');
    expect(() => refs.resolve(file, 'folder')).toThrow(/choose the folder again/);
    expect(() => refs.resolve({ ref: '/etc/passwd', name: 'passwd' }, 'file')).toThrow(/Unknown file handle for "passwd"/);
  });

  it('forgets the oldest refs beyond its capacity', () => {
    const refs = new FileRefRegistry(2);
    const a = refs.add('/a', 'file');
    refs.add('/b', 'file');
    refs.add('/c', 'file');
    expect(refs.size).toBe(2);
    expect(refs.has(a.ref)).toBe(false);
  });
});

describe('parseRange', () => {
  it('reads start-end, open-ended and suffix ranges, clamped to the file', () => {
    expect(parseRange('bytes=0-99', 1000)).toEqual({ start: 0, end: 99 });
    expect(parseRange('bytes=900-', 1000)).toEqual({ start: 900, end: 999 });
    expect(parseRange('bytes=-100', 1000)).toEqual({ start: 900, end: 999 });
    expect(parseRange('bytes=990-5000', 1000)).toEqual({ start: 990, end: 999 });
  });

  it('answers unsatisfiable past the end and ignores forms it does not serve', () => {
    expect(parseRange('bytes=1000-', 1000)).toBe('unsatisfiable');
    expect(parseRange('bytes=5-2', 1000)).toBe('unsatisfiable');
    expect(parseRange('bytes=0-1,5-6', 1000)).toBeNull();
    expect(parseRange('items=0-1', 1000)).toBeNull();
    expect(parseRange(undefined, 1000)).toBeNull();
  });
});

/** A reversible stand-in for the OS keychain: what matters here is that the file never holds plain text. */
function fakeKeychain(backend = 'gnome_libsecret'): SafeStorageLike {
  return {
    isEncryptionAvailable: () => true,
    encryptString: (text) => Buffer.from(Buffer.from(text, 'utf8').map((b) => b ^ 0x5a)),
    decryptString: (blob) => Buffer.from(blob.map((b) => b ^ 0x5a)).toString('utf8'),
    getSelectedStorageBackend: () => backend,
  };
}

describe('secrets', () => {
  it('keeps passwords encrypted in their own file across instances', ({ dir }) => {
    const file = join(dir, 'secrets.json');
    const first = createKeychainSecrets(fakeKeychain(), file);
    expect(first.available).toBe(true);
    first.set(3, 'hunter2-secret');
    expect(readFileSync(file, 'utf8')).not.toContain('hunter2');
    const second = createKeychainSecrets(fakeKeychain(), file);
    expect(second.get(3)).toBe('hunter2-secret');
    second.delete(3);
    expect(createKeychainSecrets(fakeKeychain(), file).get(3)).toBeNull();
  });

  it('falls back to session memory when the keychain is only basic_text, and says so', ({ dir }) => {
    const secrets = createKeychainSecrets(fakeKeychain('basic_text'), join(dir, 'secrets.json'));
    expect(secrets.available).toBe(false);
    secrets.set(1, 'pw');
    expect(secrets.get(1)).toBe('pw');
    expect(() => readFileSync(join(dir, 'secrets.json'))).toThrow();
  });

  it('memory secrets forget on delete', () => {
    const secrets = createMemorySecrets();
    secrets.set(1, 'a');
    secrets.delete(1);
    expect(secrets.get(1)).toBeNull();
  });
});
