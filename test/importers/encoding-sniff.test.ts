import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { createDecoder, decodeAll, detectEncoding } from '../../main/importers/encoding.js';
import { sniffBytes, sniffDelimiter, sniffText } from '../../main/importers/sniff.js';

const TEXT = 'Caller Name,Start Time\r\nRené Müller,2021-03-18 15:14:33\r\n';

describe('detectEncoding', () => {
  it('recognises UTF-8 with and without a BOM', () => {
    expect(detectEncoding(Buffer.from(`\uFEFF${TEXT}`, 'utf8'))).toBe('utf8');
    expect(detectEncoding(Buffer.from(TEXT, 'utf8'))).toBe('utf8');
  });

  it('recognises UTF-16 LE and BE by their BOM', () => {
    expect(detectEncoding(iconv.encode(TEXT, 'utf16le', { addBOM: true }))).toBe('utf16le');
    expect(detectEncoding(iconv.encode(TEXT, 'utf16be', { addBOM: true }))).toBe('utf16be');
  });

  it('recognises UTF-16 LE without a BOM from its zero bytes', () => {
    expect(detectEncoding(iconv.encode(TEXT, 'utf16le'))).toBe('utf16le');
  });

  it('falls back to Windows-1252 when the bytes are not valid UTF-8', () => {
    const bytes = iconv.encode(TEXT, 'win1252');
    expect(detectEncoding(bytes)).toBe('win1252');
    expect(decodeAll(bytes, 'win1252')).toBe(TEXT);
  });

  it('accepts a UTF-8 sample cut in the middle of a character', () => {
    const bytes = Buffer.from('name\r\nü', 'utf8');
    expect(detectEncoding(bytes.subarray(0, bytes.length - 1))).toBe('utf8');
  });

  it('decodes and drops the BOM', () => {
    expect(decodeAll(iconv.encode(TEXT, 'utf16be', { addBOM: true }), 'utf16be')).toBe(TEXT);
    expect(decodeAll(Buffer.from(`\uFEFF${TEXT}`, 'utf8'), 'utf8')).toBe(TEXT);
  });
});

describe('sniffDelimiter', () => {
  it('picks the separator that splits the header into the most columns, ignoring quoted ones', () => {
    expect(sniffDelimiter('Caller Number,Callee Number,Start Time')).toBe(',');
    expect(sniffDelimiter('Caller Number;Callee Number;"Start, Time"')).toBe(';');
    expect(sniffDelimiter('src\tdst\tstart')).toBe('\t');
    expect(sniffDelimiter('just one column')).toBeNull();
  });
});

describe('sniffText / sniffBytes', () => {
  it('recognises cdrapi JSON and XML responses', () => {
    expect(sniffText('  {"cdr_root":[]}')).toEqual({ kind: 'json' });
    expect(sniffText('<?xml version="1.0"?>\n<root>\n<cdr session="1">')).toEqual({ kind: 'xml' });
  });

  it('refuses JSON, XML and HTML that are not cdrapi responses', () => {
    expect(sniffText('{"users":[]}')).toMatchObject({ kind: 'not-cdr', why: expect.stringMatching(/cdr_root/) });
    expect(sniffText('<!DOCTYPE html><html><body>Login</body></html>')).toMatchObject({ kind: 'not-cdr', why: 'it is an HTML page' });
    expect(sniffText('<feed><entry/></feed>')).toMatchObject({ kind: 'not-cdr' });
  });

  it('gives CSV with its separator and header line', () => {
    expect(sniffText('\r\nsrc;dst;start\r\n1;2;3')).toEqual({ kind: 'csv', delimiter: ';', headerLine: 'src;dst;start' });
  });

  it('refuses binary content, PDFs and empty files', () => {
    expect(sniffBytes(Buffer.from('%PDF-1.7\n%\xe2\xe3', 'latin1'))).toEqual({ kind: 'not-cdr', why: 'it is a PDF document' });
    expect(sniffText('\u0000\u0001\u0002abc,def\u0003\u0004')).toMatchObject({ kind: 'not-cdr', why: expect.stringMatching(/binary/) });
    expect(sniffText('   \n')).toMatchObject({ kind: 'not-cdr', why: 'it is empty' });
    expect(sniffBytes(Buffer.from('src,dst\n'))).toBeNull();
  });
});

describe('createDecoder', () => {
  function decodeInChunks(bytes: Buffer, size: number): string {
    const decoder = createDecoder(detectEncoding(bytes.subarray(0, 64)));
    let text = '';
    for (let i = 0; i < bytes.length; i += size) text += decoder.write(bytes.subarray(i, i + size));
    return text + decoder.end();
  }

  it('keeps UTF-8 characters split across chunks', () => {
    const text = 'name\r\nRené Müller ✓ 😀\r\n';
    for (const size of [1, 2, 3, 5]) expect(decodeInChunks(Buffer.from(text, 'utf8'), size)).toBe(text);
  });

  it('switches to Windows-1252 at the first byte that is not UTF-8, even far after the sample', () => {
    const text = `Caller Name,Session\r\n${'Plain Name,s\r\n'.repeat(20)}René Müller,s\r\nZoë,s\r\n`;
    const bytes = iconv.encode(text, 'win1252');
    expect(detectEncoding(bytes.subarray(0, 64))).toBe('utf8');
    for (const size of [1, 7, 1024]) expect(decodeInChunks(bytes, size)).toBe(text);
  });

  it('reads a Windows-1252 character cut by the end of the file', () => {
    expect(decodeInChunks(Buffer.concat([Buffer.from('name\r\ncaf'), Buffer.from([0xe9])]), 4)).toBe('name\r\ncafé');
  });
});
