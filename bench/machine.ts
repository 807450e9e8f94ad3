import { cpus, freemem, totalmem, release, type as osType } from 'node:os';
import { execFileSync } from 'node:child_process';

export interface MachineInfo {
  cpu: string;
  cores: number;
  ram_gb: number;
  free_ram_gb: number;
  os: string;
  node: string;
  sqlite3_cli: string | null;
}

export function sqliteCliVersion(): string | null {
  try {
    return execFileSync('sqlite3', ['--version'], { encoding: 'utf8' }).trim().split(' ').slice(0, 2).join(' ');
  } catch {
    return null;
  }
}

function osName(): string {
  try {
    const text = execFileSync('sh', ['-c', '. /etc/os-release && echo "$PRETTY_NAME"'], { encoding: 'utf8' }).trim();
    if (text) return `${text} (${osType()} ${release()})`;
  } catch {
    // Not a Linux with /etc/os-release: the kernel name and release are what there is.
  }
  return `${osType()} ${release()}`;
}

export function machineInfo(): MachineInfo {
  const cpuList = cpus();
  return {
    cpu: cpuList[0]?.model.trim() ?? 'unknown',
    cores: cpuList.length,
    ram_gb: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    free_ram_gb: Math.round((freemem() / 2 ** 30) * 10) / 10,
    os: osName(),
    node: process.version,
    sqlite3_cli: sqliteCliVersion(),
  };
}
