import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CallFilter, CallPageRequest } from '../../preload/api.js';
import { openConnection } from '../../main/store/db.js';
import type { Db } from '../../main/store/db-type.js';
import type { ProbeLimits } from '../../main/store/plan.js';
import { buildPageQuery, buildTotalsQuery, type BuiltQuery } from '../../main/store/query.js';
import { EVERY_PBX } from '../../main/store/contacts.js';
import type { Store } from '../../main/store/types.js';
import { flatCall } from '../support/calls.js';
import { addPbx, tempStore } from '../support/store.js';

/**
 * The indexes are chosen for a million calls; these checks pin, with EXPLAIN QUERY PLAN, that each
 * key filter reaches the index meant for it. The probe bounds are scaled down with the data: 300
 * calls here play the part of a million, "rare" values stay under the bounds and "common" ones exceed
 * them.
 */
const LIMITS: ProbeLimits = { page: 20, count: 60 };

let store: Store;
let db: Db;
let cleanup: () => void;

beforeAll(() => {
  ({ store, cleanup } = tempStore());
  const pbx = addPbx(store, 'Office', 'UTC');
  addPbx(store, 'Other', 'UTC');
  const calls = Array.from({ length: 300 }, (_, i) =>
    flatCall({
      session: `plan-${i}`,
      start: new Date(Date.UTC(2024, 0, 1) + i * 3_600_000).toISOString().slice(0, 19).replace('T', ' '),
      // 1001: rare (10 calls); 1002: common.
      src: i % 30 === 0 ? '1001' : i % 2 === 0 ? '1002' : `0301${String(i).padStart(4, '0')}`,
      dst: i % 50 === 0 ? '0891555' : `2${String(i % 40).padStart(3, '0')}`,
      disposition: i % 4 === 0 ? 'NO ANSWER' : 'ANSWERED',
      userfield: i % 2 === 0 ? 'Internal' : 'Inbound',
      src_trunk_name: i % 2 === 0 ? '' : i % 47 === 1 ? 'rare_trunk' : 'trunk_a',
      action_type: i % 25 === 0 ? 'QUEUE[6500]' : 'DIAL',
      caller_name: i % 60 === 0 ? 'Zygmunt' : 'Anna',
      accountcode: i % 20 === 0 ? 'PROJ1' : '',
    }),
  );
  store.calls.ingest(pbx, calls, { origin: 'sync' });
  // A rare number with a phonebook name: a search for the name finds its calls.
  store.contacts.importContacts(EVERY_PBX, [{ number: '0891555', name: 'Quirin Xaver' }], { replace: false });
  db = openConnection(join(store.path));
});
afterAll(() => {
  db.close();
  cleanup();
});

function explain(query: BuiltQuery): string {
  const rows = db.prepare(`EXPLAIN QUERY PLAN ${query.sql}`).all(...query.params) as { detail: string }[];
  return rows.map((r) => r.detail).join(' | ');
}

function pagePlan(filter: CallFilter, extra: Partial<CallPageRequest> = {}): string {
  const query = buildPageQuery(db, { filter, ...extra }, LIMITS);
  if (query === null) throw new Error('expected a statement');
  return explain(query);
}

function countPlan(filter: CallFilter): string {
  const query = buildTotalsQuery(db, filter, LIMITS);
  if (query === null || !('sql' in query)) throw new Error('expected a statement');
  return explain(query);
}

describe('first page, newest first', () => {
  it('walks calls_by_start without sorting when nothing is filtered', () => {
    const plan = pagePlan({});
    expect(plan).toMatch(/SCAN c USING INDEX calls_by_start/);
    expect(plan).not.toMatch(/TEMP B-TREE/);
  });

  it('checks status, direction, PBX and talk time inside calls_by_start, without sorting', () => {
    const plan = pagePlan({ status: ['ANSWERED'], direction: ['inbound'], pbx: ['Office'], min_talk: 10, has_recording: false });
    expect(plan).toMatch(/SCAN c USING INDEX calls_by_start/);
    expect(plan).not.toMatch(/TEMP B-TREE/);
  });

  it('seeks a time range in calls_by_start', () => {
    const plan = pagePlan({ from: '2024-01-03', to: '2024-01-05' });
    expect(plan).toMatch(/SEARCH c USING INDEX calls_by_start \(start_utc>\? AND start_utc<\?\)/);
    expect(plan).not.toMatch(/TEMP B-TREE/);
  });

  it('reads an exact caller from calls_by_src in start order, rare or common', () => {
    for (const caller of ['1001', '1002']) {
      const plan = pagePlan({ caller, status: ['ANSWERED'] });
      expect(plan).toMatch(/SEARCH c USING INDEX calls_by_src \(src=\?\)/);
      expect(plan).not.toMatch(/TEMP B-TREE/);
    }
    expect(pagePlan({ caller: '1001', from: '2024-01-02' })).toMatch(/calls_by_src \(src=\? AND start_utc>\?\)/);
  });

  it('seeks a rare wildcard through calls_by_dst and sorts the few rows it finds', () => {
    expect(pagePlan({ callee: '0891@' })).toMatch(/SEARCH c USING INDEX calls_by_dst \(dst>\? AND dst<\?\).*TEMP B-TREE FOR ORDER BY/);
  });

  it('walks calls_by_start instead of sorting a common wildcard', () => {
    const plan = pagePlan({ callee: '2XXX' });
    expect(plan).toMatch(/SCAN c USING INDEX calls_by_start/);
    expect(plan).not.toMatch(/TEMP B-TREE/);
  });

  it('lets the rarer of two filters drive', () => {
    const plan = pagePlan({ caller: '1001', src_trunk: ['trunk_a'] });
    expect(plan).toMatch(/calls_by_src \(src=\?\)/);
    expect(plan).not.toMatch(/calls_by_src_trunk/);
    expect(pagePlan({ caller: '030@', src_trunk: ['rare_trunk'] })).toMatch(/calls_by_src_trunk \(src_trunk_name=\?\)/);
  });

  it('uses the partial indexes for trunks, account codes and answered-by', () => {
    expect(pagePlan({ src_trunk: ['trunk_a'] })).toMatch(/calls_by_src_trunk \(src_trunk_name=\?\)/);
    expect(pagePlan({ account_code: ['PROJ1'] })).toMatch(/calls_by_account_code \(account_code=\?\)/);
    expect(pagePlan({ answered_by: '2001' })).toMatch(/calls_by_answered_by \(answered_by=\?\)/);
  });

  it('walks calls_by_start newest first for action kinds, which also match any step of a route (no sort)', () => {
    for (const action_type of [['DIAL'], ['DIAL', 'QUEUE']]) {
      const plan = pagePlan({ action_type });
      expect(plan).toMatch(/SCAN c USING INDEX calls_by_start/);
      expect(plan).not.toMatch(/TEMP B-TREE/);
    }
  });

  it('finds free text and caller names through the trigram index', () => {
    expect(pagePlan({ search: 'zygmunt' })).toMatch(/calls_fts VIRTUAL TABLE INDEX/);
    const plan = pagePlan({ caller_name: 'zygm' });
    expect(plan).toMatch(/SEARCH c USING INDEX calls_by_id \(id=\?\)/);
    expect(plan).toMatch(/calls_fts VIRTUAL TABLE INDEX/);
  });

  it('finds the calls of a rare phonebook name through the number indexes and the text index, by id', () => {
    const plan = pagePlan({ search: 'quirin' });
    expect(plan).toMatch(/SEARCH c USING INDEX calls_by_id \(id=\?\)/);
    expect(plan).toMatch(/calls_fts VIRTUAL TABLE INDEX/);
    // Each number column through an index led by it (calls_for_top leads with src too).
    expect(plan).toMatch(/SEARCH calls USING (COVERING )?INDEX calls_(by_src|for_top) \(src=\?\)/);
    expect(plan).toMatch(/SEARCH calls USING (COVERING )?INDEX calls_by_dst \(dst=\?\)/);
    expect(plan).toMatch(/SEARCH calls USING (COVERING )?INDEX calls_by_answered_by \(answered_by=\?\)/);
    expect(plan).not.toMatch(/SCAN c\b|SCAN calls\b/);
    // Only PBXs with calls are looked at: Other has none.
    expect(plan.match(/calls_by_dst/g)).toHaveLength(1);
    expect(countPlan({ search: 'quirin' })).toMatch(/^SEARCH c USING COVERING INDEX calls_by_id \(id=\?\)/);
  });

  it('tests a common caller name in each row while walking newest first, instead of collecting every match', () => {
    const plan = pagePlan({ caller_name: 'anna' });
    expect(plan).toMatch(/SCAN c USING INDEX calls_by_start/);
    expect(plan).not.toMatch(/calls_fts|TEMP B-TREE/);
  });

  it('continues a page from its cursor inside the same index range', () => {
    const first = store.calls.page({ filter: { caller: '1002' }, limit: 5 });
    const plan = pagePlan({ caller: '1002' }, { cursor: first.next_cursor, limit: 5 });
    expect(plan).toMatch(/SEARCH c USING INDEX calls_by_src \(src=\? AND start_utc<\?\)/);
    expect(plan).not.toMatch(/TEMP B-TREE/);
  });
});

describe('count and talk time', () => {
  it('sums the per-day tallies for enumerable filters over whole days', () => {
    expect(countPlan({ status: ['ANSWERED'], direction: ['inbound'], src_trunk: ['trunk_a'] })).toBe('SCAN d');
    // A route step is no column of the tallies: an action kind is counted over the calls.
    expect(countPlan({ status: ['ANSWERED'], action_type: ['QUEUE'] })).not.toBe('SCAN d');
    expect(countPlan({ pbx: ['Office'], from: '2024-01-03', to: '2024-01-05', has_recording: false })).toBe(
      'SEARCH d USING PRIMARY KEY (day>? AND day<?)',
    );
  });

  it('scans only calls_by_start for filters it holds', () => {
    expect(countPlan({ status: ['ANSWERED'], direction: ['inbound'], min_talk: 1 })).toBe('SCAN c USING COVERING INDEX calls_by_start');
    expect(countPlan({ from: '2024-01-03T06:00' })).toMatch(/^SEARCH c USING COVERING INDEX calls_by_start \(start_utc>\?\)$/);
  });

  it('counts a number or a trunk from its own index without the table', () => {
    expect(countPlan({ caller: '1002' })).toBe('SEARCH c USING COVERING INDEX calls_by_src (src=?)');
    expect(countPlan({ src_trunk: ['rare_trunk'], min_talk: 1 })).toBe(
      'SEARCH c USING COVERING INDEX calls_by_src_trunk (src_trunk_name=?)',
    );
  });

  it('counts free-text matches by their ids in calls_by_id, without the table', () => {
    expect(countPlan({ search: 'zygmunt', status: ['ANSWERED'] })).toMatch(/^SEARCH c USING COVERING INDEX calls_by_id \(id=\?\)/);
  });

  it('scans calls_by_start once for a common trunk combined with other enumerable filters', () => {
    expect(countPlan({ src_trunk: ['trunk_a'], status: ['ANSWERED'], max_call: 100 })).toBe('SCAN c USING COVERING INDEX calls_by_start');
  });

  it('scans the narrow number index, not the table, for a lone range or leading wildcard', () => {
    expect(countPlan({ callee: '2000-2010' })).toBe('SCAN c USING COVERING INDEX calls_by_dst');
    expect(countPlan({ caller: '@01@' })).toBe('SCAN c USING COVERING INDEX calls_by_src');
  });

  it('answers an unfiltered or PBX-only count from the PBX totals', () => {
    expect(buildTotalsQuery(db, {}, LIMITS)).toEqual({ count: 300, talk_seconds: store.calls.totals({ min_talk: 0 }).talk_seconds });
    expect(buildTotalsQuery(db, { pbx: ['Office'] }, LIMITS)).toMatchObject({ count: 300 });
    expect(buildTotalsQuery(db, { pbx: ['Other'] }, LIMITS)).toMatchObject({ count: 0 });
  });

  it('does not scan at all for a PBX without calls', () => {
    expect(buildTotalsQuery(db, { pbx: ['Other'], status: ['BUSY'] }, LIMITS)).toBeNull();
    expect(buildPageQuery(db, { filter: { pbx: ['Other'] } }, LIMITS)).toBeNull();
  });
});

describe('either plan, the same answer', () => {
  const filters: CallFilter[] = [
    { caller_name: 'anna' },
    { caller_name: 'zygm' },
    { search: 'trunk_a' },
    { search: '0891555 zyg' },
    { search: 'quirin' },
    { search: 'xav', status: ['ANSWERED'] },
    { callee: '0891@' },
    { caller: '030@', src_trunk: ['trunk_a'] },
    { action_type: ['DIAL', 'QUEUE'], status: ['ANSWERED'] },
    { account_code: ['PROJ1'], from: '2024-01-03' },
  ];
  const eager: ProbeLimits = { page: 1_000_000, count: 1_000_000 };
  const reluctant: ProbeLimits = { page: 1, count: 1 };
  for (const filter of filters) {
    it(`finds the same calls for ${JSON.stringify(filter)} whichever index drives`, () => {
      const ids = (limits: ProbeLimits): number[] => {
        const query = buildPageQuery(db, { filter, limit: 1000 }, limits);
        if (query === null) throw new Error('expected a statement');
        return (db.prepare(query.sql).all(...query.params) as { id: number }[]).map((r) => r.id);
      };
      const totals = (limits: ProbeLimits): unknown => {
        const query = buildTotalsQuery(db, filter, limits);
        if (query === null || !('sql' in query)) throw new Error('expected a statement');
        return db.prepare(query.sql).get(...query.params);
      };
      const driven = ids(eager);
      expect(driven.length).toBeGreaterThan(0);
      expect(driven.length).toBeLessThan(300);
      expect(ids(reluctant)).toEqual(driven);
      expect(totals(reluctant)).toEqual(totals(eager));
      expect(totals(eager)).toMatchObject({ count: driven.length });
    });
  }
});
