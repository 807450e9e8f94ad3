import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

/**
 * PBX passwords, by profile id. They never reach SQLite, logs or the renderer: the desktop keeps them
 * encrypted by the OS keychain (Electron safeStorage) in a file of their own; the web mode and the CLI
 * keep the ones given during the session in memory.
 */
export interface SecretStore {
  /** true when passwords survive a restart (OS keychain); false = this session only. */
  readonly available: boolean;
  get(pbxId: number): string | null;
  set(pbxId: number, password: string): void;
  delete(pbxId: number): void;
}

/** The part of Electron's safeStorage we use (injected, so this module never loads electron). */
export interface SafeStorageLike {
  isEncryptionAvailable(): boolean;
  encryptString(plainText: string): Buffer;
  decryptString(encrypted: Buffer): string;
  /** Linux only: 'basic_text' means no keyring, just a hard-coded key. */
  getSelectedStorageBackend?(): string;
}

export function createMemorySecrets(): SecretStore {
  const secrets = new Map<number, string>();
  return {
    available: false,
    get: (pbxId) => secrets.get(pbxId) ?? null,
    set: (pbxId, password) => void secrets.set(pbxId, password),
    delete: (pbxId) => void secrets.delete(pbxId),
  };
}

interface SecretsFile {
  version: 1;
  /** profile id -> base64 of the keychain-encrypted password */
  secrets: Record<string, string>;
}

function readSecretsFile(file: string): SecretsFile {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return { version: 1, secrets: {} };
  }
  try {
    const parsed = JSON.parse(text) as Partial<SecretsFile>;
    if (parsed.version === 1 && parsed.secrets && typeof parsed.secrets === 'object') {
      return { version: 1, secrets: { ...parsed.secrets } };
    }
  } catch {
    // A damaged file only costs the stored passwords: the user is asked again.
  }
  return { version: 1, secrets: {} };
}

function keychainUsable(safeStorage: SafeStorageLike): boolean {
  if (!safeStorage.isEncryptionAvailable()) return false;
  // basic_text "encrypts" with a key compiled into Chromium: no better than plain text on disk.
  return safeStorage.getSelectedStorageBackend?.() !== 'basic_text';
}

/**
 * Desktop: passwords encrypted by the OS keychain in `file` (mode 0600, replaced atomically). Where
 * the keychain is unusable, falls back to memory and says so through `available`.
 */
export function createKeychainSecrets(safeStorage: SafeStorageLike, file: string): SecretStore {
  if (!keychainUsable(safeStorage)) return createMemorySecrets();
  let data = readSecretsFile(file);

  const save = (): void => {
    mkdirSync(dirname(file), { recursive: true });
    const tmp = `${file}.tmp`;
    writeFileSync(tmp, JSON.stringify(data), { mode: 0o600 });
    renameSync(tmp, file);
  };

  return {
    available: true,
    get(pbxId) {
      const blob = data.secrets[String(pbxId)];
      if (blob === undefined) return null;
      try {
        return safeStorage.decryptString(Buffer.from(blob, 'base64'));
      } catch {
        // Encrypted under another keychain (profile copied between machines): ask again.
        return null;
      }
    },
    set(pbxId, password) {
      data = { version: 1, secrets: { ...data.secrets, [String(pbxId)]: safeStorage.encryptString(password).toString('base64') } };
      save();
    },
    delete(pbxId) {
      if (!(String(pbxId) in data.secrets)) return;
      const rest = { ...data.secrets };
      delete rest[String(pbxId)];
      data = { version: 1, secrets: rest };
      save();
    },
  };
}
