import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CdrCall, CdrRecord } from '../../main/cdr/types.js';
import { openStore } from '../../main/store/store.js';
import type { Store } from '../../main/store/types.js';

/** A fresh cache in its own temp folder; `cleanup` closes it and removes the folder. */
export function tempStore(): { store: Store; dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'ucmcdr-store-'));
  const store = openStore(join(dir, 'cache.sqlite'));
  return {
    store,
    dir,
    cleanup: () => {
      store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export function tempDir(): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'ucmcdr-store-'));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Every field of the guide's cdrapi record, empty; tests fill what they need. */
export function record(fields: Partial<CdrRecord>): CdrRecord {
  return {
    AcctId: '',
    accountcode: '',
    src: '',
    dst: '',
    dcontext: 'from-internal',
    clid: '',
    channel: '',
    dstchannel: '',
    lastapp: 'Dial',
    lastdata: '',
    start: '',
    answer: '',
    end: '',
    duration: '0',
    billsec: '0',
    disposition: '',
    amaflags: 'DOCUMENTATION',
    uniqueid: '',
    userfield: '',
    channel_ext: '',
    dstchannel_ext: '',
    service: 's',
    caller_name: '',
    recordfiles: '',
    dstanswer: '',
    chanext: '',
    dstchanext: '',
    session: '',
    action_owner: '',
    action_type: 'DIAL',
    src_trunk_name: '',
    dst_trunk_name: '',
    ...fields,
  } as CdrRecord;
}

export interface CallSpec {
  session: string;
  /** PBX wall clock `YYYY-MM-DD HH:MM:SS`. */
  start: string;
  src?: string;
  dst?: string;
  caller_name?: string;
  disposition?: string;
  /** Inbound / Outbound / Internal / External, as the PBX writes it. */
  userfield?: string;
  action_type?: string;
  duration?: number;
  billsec?: number;
  src_trunk_name?: string;
  dst_trunk_name?: string;
  accountcode?: string;
  recordfiles?: string;
  dstanswer?: string;
  nat_call?: string;
}

function addSeconds(wall: string, seconds: number): string {
  const ms = Date.parse(`${wall.replace(' ', 'T')}Z`) + seconds * 1000;
  return new Date(ms).toISOString().slice(0, 19).replace('T', ' ');
}

/** A flat call (one record, its own only leg), as cdrapi returns most calls. */
export function flatCall(spec: CallSpec): CdrCall {
  const src = spec.src ?? '1000';
  const dst = spec.dst ?? '1001';
  const disposition = spec.disposition ?? 'ANSWERED';
  const duration = spec.duration ?? 30;
  const billsec = spec.billsec ?? (disposition === 'ANSWERED' ? 20 : 0);
  const answered = disposition === 'ANSWERED';
  const rec = record({
    AcctId: '1',
    src,
    dst,
    clid: `"${spec.caller_name ?? ''}" <${src}>`,
    channel: spec.src_trunk_name ? 'PJSIP/trunk_1-00000001' : `PJSIP/${src}-00000001`,
    dstchannel: spec.dst_trunk_name ? `PJSIP/trunk_2/${dst}` : `PJSIP/${dst}-00000002`,
    start: spec.start,
    answer: answered ? addSeconds(spec.start, duration - billsec) : '',
    end: addSeconds(spec.start, duration),
    duration: String(duration),
    billsec: String(billsec),
    disposition,
    userfield: spec.userfield ?? 'Internal',
    caller_name: spec.caller_name ?? '',
    recordfiles: spec.recordfiles ?? '',
    dstanswer: spec.dstanswer ?? (answered ? dst : ''),
    session: spec.session,
    action_owner: src,
    action_type: spec.action_type ?? 'DIAL',
    src_trunk_name: spec.src_trunk_name ?? '',
    dst_trunk_name: spec.dst_trunk_name ?? '',
    accountcode: spec.accountcode ?? '',
    ...(spec.nat_call ? { nat_call: spec.nat_call } : {}),
  });
  return { session: spec.session, main: rec, legs: [rec] };
}

/** The guide's transfer example: A (1000) calls B (1001), B answers and transfers to C (1002). */
export function transferCall(session = '1461920017104140-1000'): CdrCall {
  const main = record({
    src: '1000',
    dst: '1001',
    dcontext: '',
    lastapp: '',
    amaflags: '',
    service: '',
    start: '2016-04-29 02:53:37',
    duration: '16',
    billsec: '9',
    session,
    action_type: 'DIAL',
  });
  const leg1 = record({
    AcctId: '1',
    src: '1000',
    dst: '1001',
    clid: '"John Doe" <1000>',
    channel: 'PJSIP/1000-00000003',
    dstchannel: 'PJSIP/1001-00000004',
    lastdata: 'PJSIP/1001/sip:1001@192.168.124.179:5066,60,zTtkKA(dialog-being-recorded)',
    start: '2016-04-29 02:53:37',
    answer: '2016-04-29 02:53:44',
    end: '2016-04-29 02:53:49',
    duration: '12',
    billsec: '5',
    disposition: 'ANSWERED',
    uniqueid: '1461920017.7',
    userfield: 'Internal',
    channel_ext: '1000',
    dstchannel_ext: '1001',
    caller_name: 'John Doe',
    recordfiles: 'auto-1461920017-1000-1001.wav@',
    dstanswer: '1001',
    session,
    action_owner: '1000',
    action_type: 'DIAL',
  });
  const leg2 = record({
    AcctId: '2',
    src: '1000',
    dst: '1002',
    dcontext: 'from-internal-xfer',
    clid: '"John Doe" <1000>',
    channel: 'PJSIP/1000-00000003',
    dstchannel: 'PJSIP/1002-00000005',
    lastdata: 'PJSIP/1002/sip:1002@192.168.124.136:5066,60,ztTkKb(callee-handler^s^1)',
    start: '2016-04-29 02:53:49',
    answer: '2016-04-29 02:53:49',
    end: '2016-04-29 02:53:54',
    duration: '4',
    billsec: '4',
    disposition: 'ANSWERED',
    uniqueid: '1461920017.7',
    userfield: 'Internal',
    channel_ext: '1000',
    dstchannel_ext: '1002',
    caller_name: 'John Doe',
    dstanswer: '1002',
    session,
    action_owner: '1001',
    action_type: 'TRANSFER',
  });
  return { session, main, legs: [leg1, leg2] };
}

export function addPbx(store: Store, name: string, tz = 'Europe/Berlin'): number {
  return store.profiles.save({ name, url: 'https://192.0.2.10:8443', api: 'auto', user: 'cdrapi', tz }).id;
}
