import { describe, expect } from 'vitest';
import type { CdrCall } from '../../main/cdr/types.js';
import { flatCall } from '../support/calls.js';
import { it } from '../support/fixtures.js';

/**
 * failed-burst over a burst longer than the rule's look-back (6 hours): the attempts arrive in two
 * syncs, the second one's calls read without the first hours of the burst, and still make one alert.
 */

const pad = (n: number): string => String(n).padStart(2, '0');
let serial = 0;

function failed(start: string): CdrCall {
  return flatCall({
    session: `burst-${++serial}`,
    start,
    src: '1007',
    dst: '0033612345000',
    disposition: 'FAILED',
    billsec: 0,
    duration: 5,
    dst_trunk_name: 'SIP carrier',
    userfield: 'Outbound',
  });
}

describe('failed-burst', () => {
  it('raises one alert for an 8-hour burst synced in two parts (7 hours, then the last hour)', ({ store }) => {
    const id = store.profiles.save({ name: 'office', url: 'https://192.0.2.10:8443', api: 'auto', user: 'cdrapi', tz: 'UTC', business_hours: '24/7' }).id;
    // One attempt a minute from 08:00 to 15:59 (2025-03-05 is a Wednesday): 480 attempts, one burst.
    const calls = Array.from({ length: 480 }, (_, i) => failed(`2025-03-05 ${pad(8 + Math.floor(i / 60))}:${pad(i % 60)}:00`));
    store.calls.ingest(id, calls.slice(0, 420), { origin: 'sync' });
    expect(store.alerts.evaluateNew().raised).toBe(1);
    store.calls.ingest(id, calls.slice(420), { origin: 'sync' });
    const second = store.alerts.evaluateNew();
    expect(second.raised).toBe(0);

    const bursts = store.alerts.list({ all: true }).filter((a) => a.rule === 'failed-burst');
    expect(bursts).toHaveLength(1);
    expect(bursts[0]).toMatchObject({ first_at: '2025-03-05T08:00:00', last_at: '2025-03-05T15:59:00', calls: 480 });
    // Scanning the whole history again joins the one alert: nothing new.
    expect(store.alerts.scan({ pbxIds: [] })).toMatchObject({ raised: 0 });
    expect(store.alerts.list({ all: true }).filter((a) => a.rule === 'failed-burst')).toHaveLength(1);
  });
});
