import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { extract } from 'tar-stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '../support/fs.js';
import { startSimulator, type RunningSimulator } from '../../main/simulator/index.js';
import { apiCall, DigestClient, login } from './client.js';

let sim: RunningSimulator;
let client: DigestClient;
let recordings: string[];
let folder: string;
let removeFolder: () => void;

function recordingsOf(s: RunningSimulator): string[] {
  return s.calls.flatMap((c) => c.legs.flatMap((l) => String(l.recordfiles).split('@').filter((f) => f !== '')));
}

/** The RIFF/WAVE facts a player needs: format, channels, rate, bits, and the data size that matches. */
function wavInfo(body: Buffer) {
  return {
    riff: body.toString('ascii', 0, 4),
    riffSize: body.readUInt32LE(4),
    wave: body.toString('ascii', 8, 12),
    format: body.readUInt16LE(20),
    channels: body.readUInt16LE(22),
    rate: body.readUInt32LE(24),
    bits: body.readUInt16LE(34),
    dataTag: body.toString('ascii', 36, 40),
    dataSize: body.readUInt32LE(40),
    length: body.length,
  };
}

async function untar(body: Buffer): Promise<Map<string, Buffer>> {
  const files = new Map<string, Buffer>();
  const reader = extract();
  const done = new Promise<void>((resolve, reject) => {
    reader.on('entry', (header, stream, next) => {
      const chunks: Buffer[] = [];
      stream.on('data', (c: unknown) => chunks.push(c as Buffer));
      stream.on('end', () => {
        files.set(header.name, Buffer.concat(chunks));
        next();
      });
      stream.on('error', reject);
    });
    reader.on('finish', resolve);
    reader.on('error', reject);
  });
  Readable.from([body]).pipe(reader);
  await done;
  return files;
}

function encoded(names: readonly string[]): string {
  return names.map(encodeURIComponent).join('@');
}

beforeAll(async () => {
  ({ dir: folder, cleanup: removeFolder } = tempDir('ucm-sim-rec-'));
  await mkdir(join(folder, 'monitor', '2020-01'), { recursive: true });
  await writeFile(join(folder, 'monitor', '2020-01', 'auto-1577000000-1000-1001.wav'), 'RIFF-from-disk');
  sim = await startSimulator({ calls: 400, seed: 9, recordingsDir: folder, now: new Date('2024-09-01T12:00:00Z') });
  client = new DigestClient(sim);
  recordings = recordingsOf(sim);
});
afterAll(async () => {
  await sim.close();
  removeFolder();
});

describe('recapi', () => {
  it('names recordings with month folders and group recordings with #', () => {
    expect(recordings.length).toBeGreaterThan(10);
    expect(recordings.every((r) => /^\d{4}-\d{2}\/auto-\d{10}[-#]/.test(r))).toBe(true);
    expect(recordings.some((r) => r.includes('#'))).toBe(true);
  });

  it('returns one matching file as a valid 8 kHz 16-bit mono WAV, found by its URL-encoded name', async () => {
    const name = recordings.find((r) => r.includes('#'))!;
    const result = await client.get(`/recapi?filedir=monitor&filename=${encodeURIComponent(name)}`);
    expect(result.status).toBe(200);
    expect(result.headers['content-type']).toBe('audio/x-wav');
    expect(result.headers['content-disposition']).toContain(name.split('/')[1]);
    const info = wavInfo(result.body);
    expect(info).toMatchObject({ riff: 'RIFF', wave: 'WAVE', format: 1, channels: 1, rate: 8000, bits: 16, dataTag: 'data' });
    expect(info.riffSize).toBe(info.length - 8);
    expect(info.dataSize).toBe(info.length - 44);
    expect(info.dataSize / 16000).toBeGreaterThanOrEqual(1);
    expect(info.dataSize / 16000).toBeLessThanOrEqual(3);
    expect(result.body.subarray(44).some((b) => b !== 0)).toBe(true);
  });

  it("uses 'monitor' when no directory is given and accepts the '@' that ends a recordfiles value", async () => {
    const name = recordings[0]!;
    const withDir = await client.get(`/recapi?filedir=monitor&filename=${encodeURIComponent(name)}`);
    const withoutDir = await client.get(`/recapi?filename=${encodeURIComponent(name)}@`);
    expect(withoutDir.status).toBe(200);
    expect(withoutDir.body.equals(withDir.body)).toBe(true);
  });

  it('returns several matching files as a [timestamp].tar holding each WAV under its name', async () => {
    const names = recordings.slice(0, 3);
    const result = await client.get(`/recapi?filename=${encoded(names)}`);
    expect(result.status).toBe(200);
    expect(result.headers['content-type']).toBe('application/x-tar');
    expect(result.headers['content-disposition']).toMatch(/filename="\d{10}\.tar"/);
    const files = await untar(result.body);
    expect([...files.keys()]).toEqual(names);
    for (const file of files.values()) expect(wavInfo(file)).toMatchObject({ riff: 'RIFF', wave: 'WAVE' });
  });

  it("skips names with a space or '..' and returns the rest", async () => {
    const name = recordings[1]!;
    const result = await client.get(`/recapi?filename=${encoded([`../${name}`, `x ${name}`, name])}`);
    expect(result.status).toBe(200);
    expect(result.headers['content-type']).toBe('audio/x-wav');
    const onlyBad = await client.get(`/recapi?filename=${encoded([`monitor/../${name}`, `${name} `])}`);
    expect(onlyBad.status).toBe(404);
  });

  it('answers 404 when nothing matches, for a repeated parameter and for an empty one', async () => {
    const name = encodeURIComponent(recordings[0]!);
    expect((await client.get('/recapi?filename=auto-1-2-3.wav')).status).toBe(404);
    expect((await client.get(`/recapi?filename=${name}&filename=${name}`)).status).toBe(404);
    expect((await client.get(`/recapi?filedir=monitor&filedir=monitor&filename=${name}`)).status).toBe(404);
    expect((await client.get(`/recapi?filedir=&filename=${name}`)).status).toBe(404);
    expect((await client.get(`/recapi?filedir=meetme&filename=${name}`)).status).toBe(404);
    expect((await client.get(`/recapi?filename=${name}&`)).status).toBe(404);
    expect((await client.get(`/recapi?filename=${name}&mode=fast`)).status).toBe(404);
  });

  it('lists the spool directories when no parameter is given', async () => {
    expect(await client.text('/recapi')).toBe('filedir\r\nmonitor\r\nmeetme\r\nvoicemail/default\r\n');
  });

  it("lists the files of each '@'-separated directory given alone", async () => {
    const lines = (await client.text('/recapi?filedir=monitor@meetme')).trim().split('\r\n');
    expect(lines[0]).toBe('filedir,filename');
    const monitor = lines.filter((l) => l.startsWith('monitor,')).map((l) => l.slice('monitor,'.length));
    expect(monitor).toEqual(expect.arrayContaining(recordings));
    expect(lines.some((l) => /^meetme,meetme-conf-rec-6300-\d+\.\d+-0\.wav$/.test(l))).toBe(true);
  });

  it('serves real files from the recordings folder beside the generated ones', async () => {
    const result = await client.get(`/recapi?filename=${encodeURIComponent('2020-01/auto-1577000000-1000-1001.wav')}`);
    expect(result.status).toBe(200);
    expect(result.body.toString()).toBe('RIFF-from-disk');
  });

  it('serves the same files through the UCM63xx API, and 404 with status -16 when none match', async () => {
    const cookie = await login(sim);
    const name = recordings[2]!;
    const one = await apiCall(sim, { action: 'recapi', cookie, filedir: 'monitor', filename: encodeURIComponent(name) });
    expect(one.status).toBe(200);
    expect(wavInfo(one.body).wave).toBe('WAVE');
    const decoded = await apiCall(sim, { action: 'recapi', cookie, filename: name });
    expect(decoded.body.equals(one.body)).toBe(true);
    const broken = await apiCall(sim, { action: 'recapi', cookie, filename: `${encodeURIComponent(name)}%E0%A4%A` });
    expect(broken.status).toBe(404);
    const none = await apiCall(sim, { action: 'recapi', cookie, filename: 'nothing.wav' });
    expect(none.status).toBe(404);
    expect(JSON.parse(none.body.toString())).toEqual({ status: -16 });
  });

  it('serves the same bytes for the same name every time', async () => {
    const name = encodeURIComponent(recordings[3]!);
    const a = await client.get(`/recapi?filename=${name}`);
    const b = await client.get(`/recapi?filename=${name}`);
    expect(a.body.equals(b.body)).toBe(true);
  });
});
