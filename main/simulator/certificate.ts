import { X509Certificate } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { generate } from 'selfsigned';
import { AppError } from '../errors.js';

export interface ServerCertificate {
  keyPem: string;
  certPem: string;
  /** SHA-256 of the DER certificate, `AA:BB:...`. */
  fingerprint: string;
}

const KEY_FILE = 'simulator-key.pem';
const CERT_FILE = 'simulator-cert.pem';
const VALID_YEARS = 10;

async function createCertificate(): Promise<{ keyPem: string; certPem: string }> {
  const now = new Date();
  const notAfter = new Date(now);
  notAfter.setUTCFullYear(now.getUTCFullYear() + VALID_YEARS);
  const pems = await generate([{ name: 'commonName', value: '127.0.0.1' }], {
    keyType: 'ec',
    curve: 'P-256',
    algorithm: 'sha256',
    notBeforeDate: now,
    notAfterDate: notAfter,
    extensions: [
      { name: 'basicConstraints', cA: false },
      { name: 'keyUsage', digitalSignature: true, keyEncipherment: true },
      { name: 'extKeyUsage', serverAuth: true },
      {
        name: 'subjectAltName',
        altNames: [
          { type: 7, ip: '127.0.0.1' },
          { type: 2, value: 'localhost' },
        ],
      },
    ],
  });
  return { keyPem: pems.private, certPem: pems.cert };
}

async function readPair(dir: string): Promise<{ keyPem: string; certPem: string } | null> {
  try {
    const [keyPem, certPem] = await Promise.all([readFile(join(dir, KEY_FILE), 'utf8'), readFile(join(dir, CERT_FILE), 'utf8')]);
    return { keyPem, certPem };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw new AppError('BAD_FILE', `Cannot read the simulator's certificate in ${dir}: ${(error as Error).message}.`);
  }
}

/**
 * The simulator's self-signed certificate for 127.0.0.1 and localhost. With a folder it is created
 * there on first start and reused afterwards, so a pinned fingerprint stays valid across restarts;
 * without one it lives in memory only.
 */
export async function loadOrCreateCertificate(dir?: string): Promise<ServerCertificate> {
  let pair = dir ? await readPair(dir) : null;
  if (!pair) {
    pair = await createCertificate();
    if (dir) {
      await mkdir(dir, { recursive: true });
      await writeFile(join(dir, KEY_FILE), pair.keyPem, { mode: 0o600 });
      await writeFile(join(dir, CERT_FILE), pair.certPem);
    }
  }
  let certificate: X509Certificate;
  try {
    certificate = new X509Certificate(pair.certPem);
  } catch {
    throw new AppError('BAD_FILE', `The simulator's certificate in ${dir ?? 'memory'} is not a PEM certificate: delete ${CERT_FILE} and ${KEY_FILE} there to have a new one generated.`);
  }
  return { ...pair, fingerprint: certificate.fingerprint256.toUpperCase() };
}
