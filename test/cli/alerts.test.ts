import { join } from 'node:path';
import { describe, expect } from 'vitest';
import { openStore } from '../../main/store/store.js';
import { flatCall } from '../support/calls.js';
import { it } from '../support/fixtures.js';
import { cli } from './helpers.js';

/** `ucmcdr alerts` and its subcommands on a cache whose calls raise a premium-destination alert. */

function seed(db: string): void {
  const store = openStore(db);
  try {
    const id = store.profiles.save({ name: 'office', url: 'https://192.0.2.10:8443', api: 'auto', user: 'cdrapi', tz: 'Europe/London' }).id;
    const premium = (session: string, start: string) =>
      flatCall({ session, start, src: '1001', dst: '00881612345678', billsec: 60, dst_trunk_name: 'SIP', userfield: 'Outbound' });
    store.calls.ingest(id, [premium('p1', '2025-03-04 10:10:00'), premium('p2', '2025-03-05 10:10:00')], { origin: 'sync' });
  } finally {
    store.close();
  }
}

describe('ucmcdr alerts', () => {
  it('scans, lists, checks for monitoring, acknowledges and shows the rules as JSON', async ({ dir }) => {
    const db = join(dir, 'cache.sqlite');
    seed(db);
    expect((await cli(['--db', db, 'alerts', '--check'])).code).toBe(0);
    const scan = await cli(['--db', db, 'alerts', 'scan']);
    expect(scan.stdout).toBe('Scanned 2 calls: 2 new alerts, 0 calls joined alerts already raised.\n');
    // The same calls again join the alerts they raised: nothing new, nothing doubled.
    expect((await cli(['--db', db, 'alerts', 'scan'])).stdout).toBe('Scanned 2 calls: 0 new alerts, 0 calls joined alerts already raised.\n');
    const check = await cli(['--db', db, 'alerts', '--check']);
    expect(check.code).toBe(3);
    expect(check.stdout.trim().split('\n')).toEqual([expect.stringMatching(/^CRITICAL premium-destination office 2025-03-05 10:10: .* \(1 call, id \d+\)$/), expect.stringMatching(/^CRITICAL premium-destination office 2025-03-04/)]);
    const listed = JSON.parse((await cli(['--db', db, 'alerts', '--format', 'json'])).stdout) as { id: number; sessions: string[] }[];
    expect(listed.map((a) => a.sessions)).toEqual([['p2'], ['p1']]);
    expect((await cli(['--db', db, 'alerts', 'ack', String(listed[0]?.id)])).stdout).toBe('Acknowledged 1 alert.\n');
    expect((await cli(['--db', db, 'alerts', 'ack', '--all'])).stdout).toBe('Acknowledged 1 alert.\n');
    expect(await cli(['--db', db, 'alerts', '--check'])).toMatchObject({ code: 0, stdout: '' });
    expect((await cli(['--db', db, 'alerts', 'ack'])).stderr).toMatch(/or give --all/);
    const rules = JSON.parse((await cli(['--db', db, 'alerts', 'rules', '--set', 'failed-burst.calls=5', '--format', 'json'])).stdout) as Record<string, Record<string, unknown>>;
    expect(rules['failed-burst']).toEqual({ enabled: true, calls: 5, minutes: 10 });
    // A later change keeps the earlier one.
    const later = JSON.parse((await cli(['--db', db, 'alerts', 'rules', '--set', 'after-hours.enabled=false', '--format', 'json'])).stdout) as typeof rules;
    expect([later['after-hours'], later['failed-burst']]).toEqual([{ enabled: false }, { enabled: true, calls: 5, minutes: 10 }]);
    expect((await cli(['--db', db, 'alerts', 'rules', '--set', 'failed-burst.calls=0'])).stderr).toMatch(/above 0/);
  });
});
