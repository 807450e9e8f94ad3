import { describe, expect } from 'vitest';
import type { CdrCall } from '../../main/cdr/types.js';
import type { Store } from '../../main/store/types.js';
import { isOpen, lastClosing, parseBusinessHours } from '../../main/alerts/hours.js';
import { countryCode } from '../../main/alerts/countries.js';
import { wallClockSeconds } from '../../main/cdr/time.js';
import { flatCall } from '../support/calls.js';
import { it } from '../support/fixtures.js';

/**
 * Each alert rule with traffic that must raise it and traffic that must stay silent (a normal office
 * week), raised once per episode however often the same calls are evaluated.
 */

let serial = 0;

interface Out {
  start: string;
  dst: string;
  src?: string;
  billsec?: number;
  duration?: number;
  disposition?: string;
}

function outbound(o: Out): CdrCall {
  const answered = (o.disposition ?? 'ANSWERED') === 'ANSWERED';
  const billsec = o.billsec ?? (answered ? 60 : 0);
  return flatCall({
    session: `s-${++serial}`,
    start: o.start,
    src: o.src ?? '1001',
    dst: o.dst,
    disposition: o.disposition ?? 'ANSWERED',
    billsec,
    duration: o.duration ?? billsec + 5,
    dst_trunk_name: 'SIP carrier',
    userfield: 'Outbound',
  });
}

function pad(n: number): string {
  return String(n).padStart(2, '0');
}

/** A normal office fortnight (2025-03-03 is a Monday): weekday calls 08:00-18:00 to national numbers. */
function normalWeeks(weeks = 4, from = 3): CdrCall[] {
  const calls: CdrCall[] = [];
  for (let d = 0; d < weeks * 7; d++) {
    const date = new Date(Date.UTC(2025, 2, from + d));
    const weekday = date.getUTCDay();
    if (weekday === 0 || weekday === 6) continue;
    const day = date.toISOString().slice(0, 10);
    for (let h = 8; h < 18; h++) calls.push(outbound({ start: `${day} ${pad(h)}:15:00`, dst: `0207946${pad(h)}00`, billsec: 120 + h }));
  }
  return calls;
}

function setup(store: Store, calls: CdrCall[]): number {
  const id = store.profiles.save({
    name: 'office',
    url: 'https://192.0.2.10:8443',
    api: 'auto',
    user: 'cdrapi',
    tz: 'Europe/London',
    country_code: '44',
    national_prefix: '0',
    international_prefix: '00',
  }).id;
  store.calls.ingest(id, calls, { origin: 'sync' });
  return id;
}

function rules(store: Store): string[] {
  return store.alerts.list({ all: true }).map((a) => a.rule).sort();
}

describe('alert rules', () => {
  it('stay silent on a normal office month, however often they run', ({ store }) => {
    setup(store, normalWeeks(5));
    const first = store.alerts.evaluateNew();
    expect(first.calls).toBe(250);
    expect(store.alerts.list({ all: true })).toEqual([]);
    expect(store.alerts.scan({ pbxIds: [] }).raised).toBe(0);
  });

  it('raises premium-destination for a night of premium calls, once, and joins later calls of the day to it', ({ store }) => {
    const id = setup(store, [...normalWeeks(1), outbound({ start: '2025-03-08 02:10:00', dst: '00881612345678' }), outbound({ start: '2025-03-08 02:20:00', dst: '+1 876 555 0100' })]);
    store.alerts.evaluateNew();
    const premium = store.alerts.list().filter((a) => a.rule === 'premium-destination');
    expect(premium).toHaveLength(1);
    expect(premium[0]).toMatchObject({ severity: 'critical', pbx: 'office', calls: 2, first_at: '2025-03-08T02:10:00', last_at: '2025-03-08T02:20:00', acknowledged: false });
    store.calls.ingest(id, [outbound({ start: '2025-03-08 03:00:00', dst: '0019005550100' })], { origin: 'sync' });
    store.alerts.evaluateNew();
    store.alerts.scan({ pbxIds: [] });
    const again = store.alerts.list().filter((a) => a.rule === 'premium-destination');
    expect(again).toHaveLength(1);
    expect(again[0]?.calls).toBe(3);
    expect(again[0]?.sessions).toHaveLength(3);
  });

  it('reads a number dialled with 00 as international on a PBX without a dial plan (premium-destination)', ({ store }) => {
    const id = store.profiles.save({ name: 'bare', url: 'https://192.0.2.10:8443', api: 'auto', user: 'cdrapi', tz: 'Europe/London' }).id;
    store.calls.ingest(id, [outbound({ start: '2025-03-04 10:10:00', dst: '00881612345678' }), outbound({ start: '2025-03-04 10:20:00', dst: '881612345678' })], { origin: 'sync' });
    store.alerts.evaluateNew();
    const premium = store.alerts.list().filter((a) => a.rule === 'premium-destination');
    expect(premium.map((a) => a.calls)).toEqual([2]);
  });

  it('raises after-hours once per night or weekend, listing its calls', ({ store }) => {
    setup(store, [
      ...normalWeeks(2),
      outbound({ start: '2025-03-04 22:00:00', dst: '02079460000' }),
      outbound({ start: '2025-03-05 03:00:00', dst: '02079460001' }),
      outbound({ start: '2025-03-08 11:00:00', dst: '02079460002' }),
      outbound({ start: '2025-03-09 20:00:00', dst: '02079460003' }),
    ]);
    store.alerts.evaluateNew();
    const nights = store.alerts.list().filter((a) => a.rule === 'after-hours');
    expect(nights.map((a) => [a.first_at, a.calls]).sort()).toEqual([
      ['2025-03-04T22:00:00', 2],
      ['2025-03-08T11:00:00', 2],
    ]);
  });

  it('raises failed-burst for ten failed attempts of one caller in ten minutes, not for nine or for spread-out ones', ({ store }) => {
    const burst = Array.from({ length: 12 }, (_, i) => outbound({ start: `2025-03-05 10:${pad(i)}:30`, dst: `0033612345${pad(i)}`, src: '1007', disposition: i % 2 ? 'FAILED' : 'NO ANSWER' }));
    const nine = Array.from({ length: 9 }, (_, i) => outbound({ start: `2025-03-05 11:${pad(i)}:30`, dst: '0033612345000', src: '1008', disposition: 'FAILED' }));
    const spread = Array.from({ length: 12 }, (_, i) => outbound({ start: `2025-03-05 ${pad(9 + (i >> 1))}:${i % 2 ? '05' : '50'}:00`, dst: '0033612345000', src: '1009', disposition: 'FAILED' }));
    setup(store, [...normalWeeks(1), ...burst.slice(0, 6), ...nine, ...spread]);
    store.alerts.evaluateNew();
    expect(rules(store)).toEqual([]);
    // The rest of the burst arrives with the next sync: the attempts before are read from the cache.
    store.calls.ingest(1, burst.slice(6), { origin: 'sync' });
    store.alerts.evaluateNew();
    const bursts = store.alerts.list().filter((a) => a.rule === 'failed-burst');
    expect(bursts).toHaveLength(1);
    expect(bursts[0]).toMatchObject({ calls: 12, first_at: '2025-03-05T10:00:30', title: expect.stringContaining('from 1007') });
  });

  it('raises concurrency-spike when outbound calls at once pass twice the peak of the 28 days before', ({ store }) => {
    const spike = Array.from({ length: 6 }, (_, i) => outbound({ start: `2025-04-02 10:00:${pad(i * 5)}`, dst: `020794600${pad(i)}`, billsec: 600 }));
    const busyButNormal = Array.from({ length: 2 }, (_, i) => outbound({ start: `2025-04-03 10:00:${pad(i * 5)}`, dst: `020794600${pad(i)}`, billsec: 600 }));
    setup(store, [...normalWeeks(4), ...spike, ...busyButNormal]);
    store.alerts.evaluateNew();
    const spikes = store.alerts.list().filter((a) => a.rule === 'concurrency-spike');
    expect(spikes).toHaveLength(1);
    expect(spikes[0]).toMatchObject({ first_at: '2025-04-02T10:00:00', calls: 6, title: expect.stringContaining('6 outbound calls at once') });
  });

  it('raises volume-drift for a day with three times the minutes of the same weekdays before', ({ store }) => {
    const heavy = Array.from({ length: 10 }, (_, h) => outbound({ start: `2025-04-02 ${pad(8 + h)}:30:00`, dst: '0033123456789', billsec: 1800 }));
    setup(store, [...normalWeeks(4), ...heavy]);
    store.alerts.evaluateNew();
    const drift = store.alerts.list().filter((a) => a.rule === 'volume-drift');
    expect(drift.map((a) => a.title.split(' ')[1]).sort()).toEqual(['international', 'outbound']);
    expect(drift.every((a) => a.first_at.startsWith('2025-04-02'))).toBe(true);
  });

  it('raises new-destination-long-call for the first long call to a new country, not for short ones or known countries', ({ store }) => {
    setup(store, [
      ...normalWeeks(2),
      outbound({ start: '2025-03-05 10:00:00', dst: '0049301234567', billsec: 60 }),
      outbound({ start: '2025-03-20 10:00:00', dst: '0049301234567', billsec: 1500 }),
      outbound({ start: '2025-03-20 11:00:00', dst: '00372555123', billsec: 300 }),
      outbound({ start: '2025-03-21 11:00:00', dst: '0037255512', billsec: 1300 }),
      outbound({ start: '2025-03-21 12:00:00', dst: '00506555123', billsec: 1300 }),
    ]);
    store.alerts.evaluateNew();
    const fresh = store.alerts.list().filter((a) => a.rule === 'new-destination-long-call');
    expect(fresh.map((a) => a.title)).toEqual([expect.stringContaining('+506')]);
  });

  it('follows the rule settings: a rule turned off raises nothing, thresholds can be changed', ({ store }) => {
    store.alerts.setRules({ 'premium-destination': { enabled: false }, 'failed-burst': { calls: 3 } });
    setup(store, [
      outbound({ start: '2025-03-05 10:00:00', dst: '00881612345678' }),
      ...Array.from({ length: 3 }, (_, i) => outbound({ start: `2025-03-05 10:0${i + 1}:00`, dst: '02079460000', disposition: 'FAILED' })),
    ]);
    store.alerts.evaluateNew();
    expect(rules(store)).toEqual(['failed-burst']);
    expect(() => store.alerts.setRules({ 'failed-burst': { calls: -1 } })).toThrow(/above 0/);
    expect(() => store.alerts.setRules({ nonsense: {} })).toThrow(/Unknown alert rule/);
  });

  it('acknowledges alerts one by one or all, and lists only open ones by default', ({ store }) => {
    setup(store, [outbound({ start: '2025-03-04 10:10:00', dst: '00881612345678' }), outbound({ start: '2025-03-05 10:10:00', dst: '00882612345678' })]);
    store.alerts.evaluateNew();
    const [a, b] = store.alerts.list();
    expect(store.alerts.acknowledge([a?.id as number])).toBe(1);
    expect(store.alerts.list().map((x) => x.id)).toEqual([b?.id]);
    expect(store.alerts.acknowledge('all')).toBe(1);
    expect(store.alerts.list()).toEqual([]);
    expect(store.alerts.list({ all: true })).toHaveLength(2);
    expect(() => store.alerts.acknowledge([999])).toThrow(/no alert 999/);
  });
});

describe('business hours and countries', () => {
  it('reads business hours and names the night or weekend a time belongs to', () => {
    const hours = parseBusinessHours('Mon-Fri 07:00-19:00, Sat 09:00-12:00');
    const at = (t: string) => wallClockSeconds(t);
    expect(isOpen(hours, at('2025-03-03T07:00:00'))).toBe(true);
    expect(isOpen(hours, at('2025-03-03T19:00:00'))).toBe(false);
    expect(isOpen(hours, at('2025-03-08T10:00:00'))).toBe(true);
    expect(isOpen(hours, at('2025-03-09T10:00:00'))).toBe(false);
    expect(lastClosing(hours, at('2025-03-04T03:00:00'))).toBe(at('2025-03-03T19:00:00'));
    expect(lastClosing(hours, at('2025-03-09T23:00:00'))).toBe(at('2025-03-08T12:00:00'));
    expect(isOpen(parseBusinessHours('24/7'), at('2025-03-09T03:00:00'))).toBe(true);
    expect(() => parseBusinessHours('Mon-Fri 19:00-07:00')).toThrow(/closes before it opens/);
    expect(() => parseBusinessHours('weekdays')).toThrow(/Mon-Fri 07:00-19:00/);
  });

  it('finds the country code of an E.164 number', () => {
    expect(['12125550100', '74951234567', '442079460000', '33123456789', '3725551234', '8816123456'].map(countryCode)).toEqual(['1', '7', '44', '33', '372', '881']);
    expect(countryCode('123')).toBe('');
  });
});
