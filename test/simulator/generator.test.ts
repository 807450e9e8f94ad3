import { describe, expect, it } from 'vitest';
import type { CdrCall, CdrRecord } from '../../main/cdr/types.js';
import { AppError } from '../../main/errors.js';
import { generateCalls, LEGACY_FIELDS, UCM63XX_FIELDS } from '../../main/simulator/index.js';

const START = new Date('2024-01-01T00:00:00Z');
const END = new Date('2024-03-01T00:00:00Z');

function generate(count: number, extra: Partial<Parameters<typeof generateCalls>[0]> = {}): CdrCall[] {
  return [...generateCalls({ count, seed: 42, start: START, end: END, ...extra })];
}

const calls = generate(3000);
const legs = calls.flatMap((c) => c.legs);

function seconds(wall: string): number {
  return Date.parse(`${wall.replace(' ', 'T')}Z`) / 1000;
}

describe('generateCalls', () => {
  it('gives the same calls for the same options and different ones for another seed', () => {
    expect(generate(300)).toEqual(generate(300));
    expect(generate(300)).not.toEqual(generate(300, { seed: 43 }));
    expect(generate(50, { tz: 'Asia/Tokyo' })).toEqual(generate(50, { tz: 'Asia/Tokyo' }));
  });

  it('yields calls in start order within the span, each with a unique session in the device format', () => {
    const starts = calls.map((c) => String(c.main.start));
    expect(starts).toEqual([...starts].sort());
    expect(seconds(starts[0]!)).toBeGreaterThanOrEqual(START.getTime() / 1000);
    expect(seconds(starts[starts.length - 1]!)).toBeLessThan(END.getTime() / 1000);
    expect(new Set(calls.map((c) => c.session)).size).toBe(calls.length);
    const malformed = calls.filter(
      (call) =>
        !/^\d{10}\d{1,6}-[0-9A-Za-z]*$/.test(call.session) ||
        call.session.slice(0, 10) !== String(seconds(String(call.main.start))) ||
        call.legs.some((leg) => leg.session !== call.session),
    );
    expect(malformed).toEqual([]);
  });

  it('puts most calls in office hours on weekdays, in the PBX time zone', () => {
    const berlin = generate(2000, { tz: 'Europe/Berlin' });
    const office = berlin.filter((c) => {
      const wall = new Date(`${String(c.main.start).replace(' ', 'T')}Z`);
      const day = wall.getUTCDay();
      const hour = wall.getUTCHours();
      return day >= 1 && day <= 5 && hour >= 8 && hour < 18;
    });
    expect(office.length / berlin.length).toBeGreaterThan(0.75);
    expect(berlin[0]!.main.start).not.toBe(generate(1)[0]!.main.start);
  });

  it('covers the call kinds of a real office', () => {
    const actions = new Set(legs.map((l) => l.action_type));
    for (const action of ['DIAL', 'TRANSFER', 'CALLFORWARD', 'VM', 'PARKEDCALL', 'RINGGROUP[6400]', 'QUEUE[6500]', 'IVR[7000]', 'CONFERENCE[6300]']) {
      expect(actions).toContain(action);
    }
    expect(new Set(legs.map((l) => l.userfield))).toEqual(new Set(['Internal', 'Inbound', 'Outbound', 'External']));
    expect(new Set(legs.map((l) => l.disposition))).toEqual(new Set(['ANSWERED', 'NO ANSWER', 'BUSY', 'FAILED', 'CONGESTION']));
    expect(legs.some((l) => l.lastapp === 'Park' && l.lastdata === `default:${l.dst}` && /^7\d$/.test(l.dst))).toBe(true);
    expect(legs.some((l) => l.lastapp === 'VoiceMail' && l.action_type === 'VM')).toBe(true);
  });

  it('writes trunk calls as the device does: inbound trunk channel, outbound trunk/number, trunk names', () => {
    const inbound = legs.filter((l) => l.userfield === 'Inbound' && l.channel.startsWith('PJSIP/'));
    expect(inbound.length).toBeGreaterThan(0);
    expect(inbound.filter((l) => !/^PJSIP\/trunk_2-[0-9a-f]{8}$/.test(l.channel) || l.src_trunk_name !== 'Daisy')).toEqual([]);
    expect(legs.some((l) => /^ext-did-/.test(l.dcontext))).toBe(true);
    const outbound = legs.filter((l) => l.userfield === 'Outbound' && l.action_type === 'DIAL');
    expect(outbound.every((l) => l.dst_trunk_name === 'CarrierOne SIP' && l.lastdata.startsWith(`PJSIP/${l.dst}@trunk_1`))).toBe(true);
    expect(outbound.some((l) => l.accountcode !== '')).toBe(true);
    expect(legs.filter((l) => l.accountcode !== '').every((l) => l.userfield === 'Outbound')).toBe(true);
    expect(outbound.filter((l) => l.dstchannel !== '' && !/^PJSIP\/trunk_1-[0-9a-f]{8}$/.test(l.dstchannel))).toEqual([]);
    expect(legs.some((l) => l.dstchannel === `PJSIP/trunk_1/${l.dst}`)).toBe(true);
    const external = legs.filter((l) => l.userfield === 'External');
    expect(external.every((l) => l.src_trunk_name !== '' && l.dst_trunk_name !== '')).toBe(true);
  });

  it("writes analogue (FXO) calls with an empty caller and callee 's' on a DAHDI channel", () => {
    const fxo = legs.filter((l) => l.channel.startsWith('DAHDI/'));
    expect(fxo.length).toBeGreaterThan(0);
    expect(fxo.every((l) => l.src === '' && l.dst === 's')).toBe(true);
  });

  it('uses Unicode caller names and customer names with commas and apostrophes', () => {
    const names = new Set(legs.map((l) => l.caller_name));
    for (const name of ['王伟', 'Zoë Ångström', 'Jürgen Müller', 'Анна Петрова']) expect(names).toContain(name);
    expect([...names].some((n) => n.includes(','))).toBe(true);
    expect(legs.some((l) => l.src === 'Anonymous')).toBe(true);
  });

  it('packs transfers as main_cdr plus sub records with the transferring party as action owner', () => {
    const transfers = calls.filter((c) => c.legs.some((l) => l.action_type === 'TRANSFER'));
    expect(transfers.length).toBeGreaterThan(10);
    for (const call of transfers) {
      const [first, second] = call.legs as [CdrRecord, CdrRecord];
      expect(second.action_type).toBe('TRANSFER');
      expect(second.dcontext).toBe('from-internal-xfer');
      expect(second.action_owner).toBe(first.dst);
      expect(second.channel).toBe(first.channel);
      expect(call.main).not.toBe(first);
    }
  });

  it('gives multi-record calls a summary record as the guide shows it, and flat calls their one record', () => {
    for (const call of calls) {
      if (call.legs.length === 1) {
        expect(call.main).toBe(call.legs[0]);
        continue;
      }
      expect(call.main).toMatchObject({ AcctId: '', session: call.session, src: call.legs[0]!.src, start: call.legs[0]!.start });
      expect(Number(call.main.duration)).toBe(call.legs.reduce((s, l) => s + Number(l.duration), 0));
      expect(Number(call.main.billsec)).toBe(call.legs.reduce((s, l) => s + Number(l.billsec), 0));
      expect(call.main.disposition).toBe('');
    }
  });

  it('keeps times and durations consistent on every leg', () => {
    const inconsistent = legs.filter((leg) => {
      const start = seconds(leg.start);
      const end = seconds(leg.end);
      if (Number(leg.duration) !== end - start) return true;
      if (leg.disposition === 'ANSWERED') return Number(leg.billsec) !== end - seconds(leg.answer);
      // UCM63xx stamps an unanswered leg's answer time with its end.
      return leg.billsec !== '0' || leg.answer !== (leg.disposition === 'NO ANSWER' ? leg.end : '');
    });
    expect(inconsistent).toEqual([]);
    expect(legs.filter((l) => l.disposition === 'ANSWERED').length).toBeGreaterThan(legs.length / 3);
  });

  it('numbers records with increasing AcctIds and continues from firstAcctId', () => {
    const ids = legs.map((l) => Number(l.AcctId));
    expect(ids).toEqual(ids.map((_, i) => i + 1));
    const more = generate(5, { firstAcctId: 5000 }).flatMap((c) => c.legs);
    expect(Number(more[0]!.AcctId)).toBe(5000);
  });

  it('names recordings in month folders, with # for group calls, and describes them on UCM63xx', () => {
    const recorded = legs.filter((l) => l.recordfiles !== '');
    expect(recorded.length).toBeGreaterThan(50);
    const odd = recorded.filter(
      (leg) =>
        !/^\d{4}-\d{2}\/auto-\d{10}[-#][^@]*\.wav@$/.test(leg.recordfiles) ||
        !/^duration=[1-3],size=\d+B,start-time=\d{10}@$/.test(leg.recordfiles_desc),
    );
    expect(odd).toEqual([]);
    expect(recorded.some((l) => l.recordfiles.includes('#'))).toBe(true);
  });

  it('writes the UCM63xx field set, or only the guide fields for the legacy flavour without month folders', () => {
    expect(Object.keys(legs[0]!)).toEqual([...UCM63XX_FIELDS]);
    const legacy = generate(400, { flavour: 'legacy' }).flatMap((c) => c.legs);
    expect(Object.keys(legacy[0]!)).toEqual([...LEGACY_FIELDS]);
    const files = legacy.filter((l) => l.recordfiles !== '');
    expect(files.length).toBeGreaterThan(0);
    expect(files.every((l) => /^auto-/.test(l.recordfiles))).toBe(true);
    const dialledOut = legacy.filter((l) => l.userfield === 'Outbound' && l.action_type === 'DIAL' && l.dstchannel !== '');
    expect(dialledOut.length).toBeGreaterThan(0);
    expect(dialledOut.every((l) => l.dstchannel === `PJSIP/trunk_1/${l.dst}`)).toBe(true);
  });

  it('generates 100,000 calls lazily', () => {
    let count = 0;
    let records = 0;
    for (const call of generateCalls({ count: 100_000, seed: 1, start: new Date('2020-01-01T00:00:00Z'), end: new Date('2024-01-01T00:00:00Z') })) {
      count++;
      records += call.legs.length;
    }
    expect(count).toBe(100_000);
    expect(records).toBeGreaterThan(count);
  });

  it('rejects a negative count, an empty span and an unknown zone with a message naming the value', () => {
    expect(() => generateCalls({ count: -1, seed: 1, start: START, end: END })).toThrow(/"-1"/);
    expect(() => generateCalls({ count: 1, seed: 1, start: END, end: START })).toThrow(AppError);
    expect(() => generateCalls({ count: 1, seed: 1, start: START, end: END, tz: 'Mars/Olympus' })).toThrow(/Mars\/Olympus/);
  });
});
