import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import iconv from 'iconv-lite';
import { describe, expect } from 'vitest';
import { detectFormat } from '../../main/importers/detect.js';
import { readWhole, type ByteSource } from '../../main/importers/sources.js';
import { Readable } from 'node:stream';
import { it } from '../support/fixtures.js';
import { fixture, makeZip } from './files.js';

describe('detectFormat', () => {
  it('recognises a UCM page export and maps its header for the mapping step', async () => {
    const detected = await detectFormat(fixture('ucm-odd-order.csv'));
    expect(detected.container).toBe('file');
    expect(detected.files[0]).toMatchObject({
      name: 'ucm-odd-order.csv',
      format: 'ucm-csv',
      encoding: 'utf8',
      delimiter: ',',
      header: { confident: true, unknown: [] },
    });
    expect(detected.files[0]?.headers[0]).toBe('Start Time');
  });

  it('tells cdrapi CSV, JSON and XML apart by content, whatever the file is called', async ({ dir }) => {
    const json = join(dir, 'export.csv');
    writeFileSync(json, '{"cdr_root":[]}');
    expect((await detectFormat(json)).files[0]?.format).toBe('cdrapi-json');
    expect((await detectFormat(fixture('cdrapi.csv'))).files[0]?.format).toBe('cdrapi-csv');
    const xml = join(dir, 'export.txt');
    writeFileSync(xml, '<root><cdr session="1"><main_cdr/></cdr></root>');
    expect((await detectFormat(xml)).files[0]?.format).toBe('cdrapi-xml');
  });

  it('reports an unmappable header with its unknown columns', async () => {
    const [file] = (await detectFormat(fixture('gdms-unmappable.csv'))).files;
    expect(file?.header).toMatchObject({ confident: false, unknown: ['Anrufer', 'Ziel', 'Beginn', 'Dauer', 'Kosten', 'Notiz'] });
  });

  it('says why a file is not CDR data', async () => {
    expect((await detectFormat(fixture('not-cdr-login.html'))).files[0]).toMatchObject({ format: 'not-cdr', reason: 'it is an HTML page' });
  });

  it('lists the files inside a zip archive with their own encodings and separators', async ({ dir }) => {
    const zip = join(dir, 'gdms.zip');
    writeFileSync(zip, makeZip([
      { name: 'a.csv', data: Buffer.from('Start Time;Caller Number\n2021-03-18 15:14:33;1001\n') },
      { name: 'b.csv', data: iconv.encode('Start Time\tCallee Number\n', 'utf16be', { addBOM: true }) },
    ]));
    const detected = await detectFormat(zip);
    expect(detected.container).toBe('zip');
    expect(detected.files.map((f) => [f.name, f.format, f.encoding, f.delimiter])).toEqual([
      ['gdms.zip:a.csv', 'ucm-csv', 'utf8', ';'],
      ['gdms.zip:b.csv', 'ucm-csv', 'utf16be', '\t'],
    ]);
  });
});

describe('readWhole', () => {
  it('refuses a saved response over the size limit with a message naming the file', async () => {
    const source: ByteSource = { label: 'huge.json', size: 2048, open: async () => Readable.from([Buffer.alloc(2048)]) };
    await expect(readWhole(source, 1024)).rejects.toMatchObject({ code: 'BAD_FILE', message: expect.stringMatching(/huge\.json.*limited to/) });
  });
});
