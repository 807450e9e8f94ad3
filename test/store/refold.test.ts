import Database from 'better-sqlite3';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { openStore } from '../../main/store/store.js';
import { flatCall } from '../support/calls.js';
import { tempDir } from '../support/fs.js';
import { addPbx } from '../support/store.js';

/** The fold of the releases before schema 10 (case only), switched on while "an older release" writes. */
const legacy = vi.hoisted(() => ({ on: false }));
vi.mock('../../main/store/text.js', async (importOriginal) => {
  const actual = await importOriginal<typeof import('../../main/store/text.js')>();
  return {
    ...actual,
    foldText: (text: string) => (legacy.on ? (/[^\u0020-\u007e]/.test(text) ? text.normalize('NFKC').toUpperCase().toLowerCase() : text.toLowerCase()) : actual.foldText(text)),
  };
});

const NAMES = ['Müller', 'José García', 'Zoë Ångström', 'Straße AG', 'Anna Bauer', '', 'Ｆｕｌｌ Ｗｉｄｔｈ', 'Ørsted'];

const dirs: { cleanup: () => void }[] = [];
afterEach(() => {
  legacy.on = false;
  for (const d of dirs.splice(0)) d.cleanup();
});

function cache(name: string): string {
  const dir = tempDir('ucmcdr-refold-');
  dirs.push(dir);
  return join(dir.dir, name);
}

function fill(path: string): void {
  const store = openStore(path);
  try {
    const pbx = addPbx(store, 'Office');
    const calls = Array.from({ length: 40 }, (_, i) =>
      flatCall({
        session: `17092512${String(i).padStart(2, '0')}-100${i % 10}`,
        start: `2024-03-01 09:${String(i).padStart(2, '0')}:00`,
        src: `100${i % 10}`,
        dst: `0891555${i}`,
        caller_name: NAMES[i % NAMES.length] as string,
        src_trunk_name: i % 3 === 0 ? 'Tëlekom' : '',
      }),
    );
    store.calls.ingest(pbx, calls, { origin: 'sync' });
  } finally {
    store.close();
  }
}

function folded(path: string): unknown[] {
  const db = new Database(path, { readonly: true });
  try {
    return db.prepare('SELECT session, caller_name_fold, search_text FROM calls ORDER BY session').all();
  } finally {
    db.close();
  }
}

/** The sessions each needle finds through the text index itself (FTS5 MATCH). */
function indexed(path: string, needles: string[]): Record<string, string[]> {
  const db = new Database(path, { readonly: true });
  try {
    const find = db.prepare<[string], { session: string }>(
      'SELECT c.session FROM calls_fts JOIN calls AS c ON c.id = calls_fts.rowid WHERE calls_fts MATCH ? ORDER BY c.session',
    );
    return Object.fromEntries(needles.map((n) => [n, find.all(`"${n}"`).map((r) => r.session)]));
  } finally {
    db.close();
  }
}

describe('schema 10: folded text of a cache written before accents were folded', () => {
  it('is written again as a fresh cache writes it, in the rows and in the text index, and search finds it', () => {
    const fresh = cache('fresh.sqlite');
    fill(fresh);

    const old = cache('old.sqlite');
    legacy.on = true;
    fill(old);
    legacy.on = false;
    // What an older release left: the stored fold kept accents, schema 9, the index schema 10 drops, no phonebook (schema 11).
    const raw = new Database(old);
    raw.exec(`CREATE INDEX calls_by_action_kind ON calls (action_kind, start_utc, id, billsec);
      DROP TRIGGER contacts_forget_pbx; DROP TABLE contacts; PRAGMA user_version = 9`);
    raw.close();
    expect(folded(old)).not.toEqual(folded(fresh));

    const store = openStore(old);
    try {
      expect(store.calls.totals({ caller_name: 'muller' }).count).toBe(5);
      expect(store.calls.totals({ caller_name: 'zoe angstrom' }).count).toBe(5);
      expect(store.calls.totals({ search: 'telekom' }).count).toBe(14);
    } finally {
      store.close();
    }
    expect(folded(old)).toEqual(folded(fresh));
    const needles = ['muller', 'jose garcia', 'zoe', 'angstrom', 'strasse', 'full width', 'orsted', 'telekom', 'anna', '0891555'];
    expect(indexed(old, needles)).toEqual(indexed(fresh, needles));
    const db = new Database(old, { readonly: true });
    expect(db.prepare("SELECT count(*) AS n FROM sqlite_master WHERE name = 'calls_by_action_kind'").get()).toEqual({ n: 0 });
    db.close();
  });
});
