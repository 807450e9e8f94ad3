import type { CdrCall } from '../../main/cdr/types.js';
import { openStore } from '../../main/store/store.js';
import { flatCall } from '../support/calls.js';

/**
 * Five calls on two PBXs, each filter option of `ucmcdr calls` singles out a known subset of them.
 * Starts ascend a < b < c < e < d.
 */
export const CALLS: { pbx: 'office' | 'branch'; call: CdrCall }[] = [
  {
    pbx: 'office',
    call: flatCall({
      session: 'a', start: '2024-03-01 08:00:00', answer: '2024-03-01 08:00:10', end: '2024-03-01 08:00:40',
      src: '1001', dst: '1002', caller_name: 'Anna Müller', clid: '"Anna Müller" <1001>', dstanswer: '1002',
      duration: 40, billsec: 30, userfield: 'Internal', channel: 'PJSIP/1001-00000001', dstchannel: 'PJSIP/1002-00000002',
      action_owner: '',
    }),
  },
  {
    pbx: 'office',
    call: flatCall({
      session: 'b', start: '2024-03-05 12:00:00', end: '2024-03-05 12:00:20', src: '07911123456', dst: '6400',
      caller_name: 'Bob', disposition: 'NO ANSWER', userfield: 'Inbound', action_type: 'RINGGROUP[6400]',
      src_trunk_name: 'Daisy', duration: 20, billsec: 0, channel: 'PJSIP/trunk_2-00000003', dcontext: 'from-trunk',
    }),
  },
  {
    pbx: 'office',
    call: flatCall({
      session: 'c', start: '2024-03-10 09:00:00', answer: '2024-03-10 09:00:10', end: '2024-03-10 09:05:10',
      src: '1003', dst: '004930123456', caller_name: '=HYPERLINK("x")', dstanswer: '004930123456', userfield: 'Outbound',
      dst_trunk_name: 'CarrierOne', accountcode: '4711', duration: 310, billsec: 300, recordfiles: 'auto-c.wav@',
      channel: 'PJSIP/1003-00000004', dstchannel: 'PJSIP/trunk_1-00000005', dcontext: 'from-internal', lastapp: 'Dial',
    }),
  },
  {
    pbx: 'branch',
    call: flatCall({
      session: 'd', start: '2024-04-01 10:00:00', end: '2024-04-01 10:00:05', src: '2001', dst: '2002',
      caller_name: 'Dora', disposition: 'BUSY', duration: 5, billsec: 0,
    }),
  },
  {
    pbx: 'office',
    call: flatCall({
      session: 'e', start: '2024-03-20 15:00:00', end: '2024-03-20 15:00:08', src: '1004', dst: '6500',
      caller_name: 'Emil', disposition: 'FAILED', action_type: 'QUEUE[6500]', duration: 8, billsec: 0,
    }),
  },
];

/** A cache at `path` with the PBX profiles office and branch and the five calls above. */
export function seedCache(path: string): void {
  const store = openStore(path);
  try {
    const ids = {
      office: store.profiles.save({ name: 'office', url: 'https://192.0.2.10:8443', api: 'legacy', user: 'cdrapi', tz: 'UTC' }).id,
      branch: store.profiles.save({ name: 'branch', url: 'https://192.0.2.20:8443', api: 'legacy', user: 'cdrapi', tz: 'UTC' }).id,
    };
    for (const { pbx, call } of CALLS) store.calls.ingest(ids[pbx], [call], { origin: 'sync' });
  } finally {
    store.close();
  }
}
