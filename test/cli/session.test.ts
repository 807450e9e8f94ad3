import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SessionDetail } from '../../preload/api.js';
import { openStore } from '../../main/store/store.js';
import { cli } from './helpers.js';
import { tempDir } from '../support/fs.js';
import { seedCache } from './data.js';
import { flatCall } from '../support/calls.js';

const tmp = tempDir('ucmcdr-session-');
const db = join(tmp.dir, 'cache.sqlite');

/** A transfer: main_cdr plus two legs, as cdrapi delivers it. */
function transfer() {
  const main = flatCall({
    session: 't1', start: '2024-05-02 10:00:00', end: '2024-05-02 10:03:00', src: '07911123456', dst: '1001',
    userfield: 'Inbound', duration: 180, billsec: 170, dstanswer: '1002', AcctId: '',
  }).main;
  const leg1 = flatCall({
    session: 't1', AcctId: '501', start: '2024-05-02 10:00:00', answer: '2024-05-02 10:00:05', end: '2024-05-02 10:01:00',
    src: '07911123456', dst: '1001', channel: 'PJSIP/trunk_2-0000000a', dstchannel: 'PJSIP/1001-0000000b',
    userfield: 'Inbound', duration: 60, billsec: 55, dstanswer: '1001', src_trunk_name: 'Daisy',
  }).main;
  const leg2 = flatCall({
    session: 't1', AcctId: '502', start: '2024-05-02 10:01:00', answer: '2024-05-02 10:01:02', end: '2024-05-02 10:03:00',
    src: '1001', dst: '1002', channel: 'PJSIP/1001-0000000c', dstchannel: 'PJSIP/trunk_1/2000',
    duration: 120, billsec: 118, dstanswer: '1002', dcontext: 'from-internal-xfer',
  }).main;
  return { session: 't1', main, legs: [leg1, leg2] };
}

beforeAll(() => {
  seedCache(db);
  const store = openStore(db);
  try {
    const office = store.profiles.getByName('office');
    const branch = store.profiles.getByName('branch');
    store.calls.ingest(office!.id, [transfer()], { origin: 'sync' });
    store.calls.ingest(branch!.id, [flatCall({ session: 'a', start: '2024-06-01 09:00:00', src: '2005', dst: '2006' })], { origin: 'sync' });
  } finally {
    store.close();
  }
});
afterAll(() => tmp.cleanup());

describe('ucmcdr session', () => {
  it('prints the call, its main record and its legs in order as JSON, every field and decoded channels', async () => {
    const run = await cli(['--db', db, 'session', 't1', '--format', 'json']);
    expect(run.code).toBe(0);
    const detail = JSON.parse(run.stdout) as SessionDetail;
    expect(detail.call).toMatchObject({ session: 't1', pbx: 'office', legs: 2, answered_by: '1002' });
    expect(detail.main.fields.src).toBe('07911123456');
    expect(detail.legs.map((l) => l.acct_id)).toEqual(['501', '502']);
    expect(detail.legs[0].fields).toMatchObject({ channel: 'PJSIP/trunk_2-0000000a', src_trunk_name: 'Daisy', billsec: '55' });
    expect(detail.legs[0].channel).toMatchObject({ kind: 'trunk-inbound', trunk: 'trunk_2' });
    expect(detail.legs[1].dstchannel).toMatchObject({ kind: 'trunk-outbound', trunk: 'trunk_1', number: '2000' });
  });

  it('prints every field and the decoded channels as text', async () => {
    const run = await cli(['--db', db, 'session', 't1']);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^Session\s+t1$/m);
    expect(run.stdout).toMatch(/^Main record \(main\)$/m);
    expect(run.stdout).toMatch(/^Leg 1 of 2 \(AcctId 501\)$/m);
    expect(run.stdout).toMatch(/^Leg 2 of 2 \(AcctId 502\)$/m);
    expect(run.stdout).toMatch(/^ {2}dcontext\s+from-internal-xfer$/m);
    expect(run.stdout).toMatch(/^ {2}dstchannel \(decoded\)\s+PJSIP\/trunk_1\/2000 \(trunk-outbound, trunk trunk_1, number 2000\)$/m);
    expect(run.stdout.indexOf('AcctId 501')).toBeLessThan(run.stdout.indexOf('AcctId 502'));
  });

  it('asks for --pbx when several PBXs hold the session, and uses it', async () => {
    const ambiguous = await cli(['--db', db, 'session', 'a']);
    expect(ambiguous.code).toBe(2);
    expect(ambiguous.stderr).toBe('ucmcdr: Session "a" exists on several PBXs (office, branch): choose one with --pbx NAME.\n');
    const chosen = await cli(['--db', db, 'session', 'a', '--pbx', 'branch', '--format', 'json']);
    expect((JSON.parse(chosen.stdout) as SessionDetail).call.src).toBe('2005');
  });

  it('fails with one line for an unknown session or PBX', async () => {
    const unknown = await cli(['--db', db, 'session', 'zzz']);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toBe('ucmcdr: No call with session "zzz" in the cache.\n');
    const pbx = await cli(['--db', db, 'session', 'a', '--pbx', 'nowhere']);
    expect(pbx.code).toBe(1);
    expect(pbx.stderr).toMatch(/^ucmcdr: No PBX named "nowhere" \(known: .*office.*\)/);
  });
});
