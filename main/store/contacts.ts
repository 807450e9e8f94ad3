import type { Contact, ContactList, ContactSource } from '../../preload/contacts.js';
import { compactNumber, dialledForms, normalizeNumber, NO_DIAL_PLAN, type DialPlan } from '../cdr/dial-plan.js';
import { AppError } from '../errors.js';
import { directionCode } from './codes.js';
import type { Db } from './db-type.js';
import { foldText } from './text.js';

/**
 * Each PBX's phonebook (schema 11): names for the numbers of its calls, from three sources, highest
 * first: imported from a contacts file (3), the PBX's own extension list (2), learned from the calls (1).
 *
 * How a number of a call finds its name, the one rule the call list, exports and searches share
 * (`bestContact`): the contacts of the call's PBX and those imported for every PBX (pbx_id 0) that
 * are written like the number (separators ignored) or, when the PBX has a dial plan with a country
 * code, are the number's E.164 form (`+4930...` names `030...` and `004930...` dialled in Germany).
 * Of those, the highest source wins; between two imports the PBX's own wins over every PBX's; then a
 * contact written like the number wins over its E.164 form.
 */

export const SOURCE_CODES: Record<ContactSource, number> = { learned: 1, api: 2, imported: 3 };
const SOURCE_NAMES: Record<number, ContactSource> = { 1: 'learned', 2: 'api', 3: 'imported' };
/** pbx_id of the contacts imported for every PBX. */
export const EVERY_PBX = 0;

/** Names are learned from internal calls only: an outbound route may send the company's name instead of the extension's. */
const INTERNAL = directionCode('internal');

/** A number written in a contacts file or by the PBX, as the phonebook keys it. */
export function contactNumber(text: string): string {
  return compactNumber(text.trim());
}

interface ContactRow {
  number: string;
  pbx_id: number;
  source: number;
  name: string;
}

interface FoldedRow extends ContactRow {
  name_fold: string;
}

/** Whether `a` names a number of PBX calls better than `b` (see the module comment); `exact` is the number as written. */
function beats(a: ContactRow, b: ContactRow, exact: string): boolean {
  if (a.source !== b.source) return a.source > b.source;
  if ((a.pbx_id !== EVERY_PBX) !== (b.pbx_id !== EVERY_PBX)) return a.pbx_id !== EVERY_PBX;
  return a.number === exact && b.number !== exact;
}

/** The keys a number of a call is looked up by: as written, and its E.164 form under the PBX's dial plan. */
function lookupKeys(number: string, plan: DialPlan): string[] {
  const exact = contactNumber(number);
  if (exact === '') return [];
  if (plan.country_code === '') return [exact];
  const e164 = normalizeNumber(exact, plan);
  const plus = e164 === '' ? '' : `+${e164}`;
  return plus === '' || plus === exact ? [exact] : [exact, plus];
}

/** The contact that names `number` in PBX `pbxId`, among the rows found for its keys. */
export function bestContact<T extends ContactRow>(rowsByNumber: ReadonlyMap<string, readonly T[]>, pbxId: number, number: string, plan: DialPlan): T | null {
  const keys = lookupKeys(number, plan);
  const exact = keys[0] ?? '';
  let best: T | null = null;
  for (const key of keys) {
    for (const row of rowsByNumber.get(key) ?? []) {
      if (row.pbx_id !== pbxId && row.pbx_id !== EVERY_PBX) continue;
      if (best === null || beats(row, best, exact)) best = row;
    }
  }
  return best;
}

function groupByNumber<T extends ContactRow>(rows: readonly T[]): Map<string, T[]> {
  const map = new Map<string, T[]>();
  for (const row of rows) {
    const list = map.get(row.number);
    if (list === undefined) map.set(row.number, [row]);
    else list.push(row);
  }
  return map;
}

const PLANS_SQL = 'SELECT id, country_code, national_prefix, international_prefix, call_count FROM pbx';

/** Each PBX's dial plan, by id; `withCalls` only those of PBXs holding calls. */
function dialPlans(rows: readonly (DialPlan & { id: number; call_count: number })[], withCalls = false): Map<number, DialPlan> {
  return new Map(
    rows
      .filter((r) => !withCalls || r.call_count > 0)
      .map(({ id, country_code, national_prefix, international_prefix }) => [id, { country_code, national_prefix, international_prefix }]),
  );
}

function planRows(db: Db): (DialPlan & { id: number; call_count: number })[] {
  return db.prepare<[], DialPlan & { id: number; call_count: number }>(PLANS_SQL).all();
}

/** A number of a call of a PBX, as the name lookup takes it. */
export interface NumberOfPbx {
  pbxId: number;
  number: string;
}

/**
 * The names of the numbers of calls. `names` looks up the numbers of a page in one statement;
 * `snapshot` reads the whole phonebook once for a long read (an export), then names each number
 * from memory.
 */
export interface NameLookup {
  /** The name of each number ('' when none), in order. */
  names(numbers: readonly NumberOfPbx[]): string[];
  snapshot(): (pbxId: number, number: string) => string;
}

/** Names remembered per PBX and number by a snapshot; past this many it starts afresh (an export of many distinct numbers). */
const SNAPSHOT_MEMO = 200_000;

export function createNameLookup(db: Db): NameLookup {
  const rowsFor = db.prepare<[string], ContactRow>(
    'SELECT c.number, c.pbx_id, c.source, c.name FROM json_each(?) AS j CROSS JOIN contacts AS c ON c.number = j.value',
  );
  const everyRow = db.prepare<[], ContactRow>('SELECT number, pbx_id, source, name FROM contacts');
  const any = db.prepare<[], { one: number }>('SELECT 1 AS one FROM contacts LIMIT 1');
  const plansOf = db.prepare<[], DialPlan & { id: number; call_count: number }>(PLANS_SQL);

  return {
    names(numbers) {
      const none = numbers.map(() => '');
      if (numbers.length === 0 || any.get() === undefined) return none;
      const plans = dialPlans(plansOf.all());
      const keys = new Set<string>();
      for (const { pbxId, number } of numbers) for (const key of lookupKeys(number, plans.get(pbxId) ?? NO_DIAL_PLAN)) keys.add(key);
      if (keys.size === 0) return none;
      const byNumber = groupByNumber(rowsFor.all(JSON.stringify([...keys])));
      if (byNumber.size === 0) return none;
      return numbers.map(({ pbxId, number }) => bestContact(byNumber, pbxId, number, plans.get(pbxId) ?? NO_DIAL_PLAN)?.name ?? '');
    },

    snapshot() {
      const byNumber = groupByNumber(everyRow.all());
      if (byNumber.size === 0) return () => '';
      const plans = dialPlans(plansOf.all());
      const memo = new Map<string, string>();
      return (pbxId, number) => {
        if (number === '') return '';
        const key = `${pbxId}\u0000${number}`;
        let name = memo.get(key);
        if (name === undefined) {
          name = bestContact(byNumber, pbxId, number, plans.get(pbxId) ?? NO_DIAL_PLAN)?.name ?? '';
          if (memo.size >= SNAPSHOT_MEMO) memo.clear();
          memo.set(key, name);
        }
        return name;
      };
    },
  };
}

/**
 * The numbers, per PBX id, whose name (the one the call list shows) holds `needle` (folded), in every
 * form the PBX's calls may hold them; null when no name holds it. What a search term ORs in: calls
 * whose caller, callee or answering party is one of them (main/store/filter.ts).
 */
export type NamedNumbers = Map<number, string[]>;

export function namedNumbers(db: Db, needle: string): NamedNumbers | null {
  const matched = db
    .prepare<[string], { number: string }>('SELECT DISTINCT number FROM contacts WHERE instr(name_fold, ?) > 0')
    .all(needle)
    .map((r) => r.number);
  if (matched.length === 0) return null;
  // A PBX without calls has no call to find.
  const plans = dialPlans(planRows(db), true);
  // Every form of every matched number, per PBX, and every key those forms are looked up by.
  const candidates = new Map<number, Set<string>>();
  const keys = new Set<string>();
  for (const [pbxId, plan] of plans) {
    const forms = new Set<string>();
    for (const number of matched) {
      forms.add(number);
      if (number.startsWith('+')) for (const form of dialledForms(number.slice(1), plan)) forms.add(form);
    }
    for (const form of forms) for (const key of lookupKeys(form, plan)) keys.add(key);
    candidates.set(pbxId, forms);
  }
  const byNumber = groupByNumber(
    db
      .prepare<[string], FoldedRow>(
        'SELECT c.number, c.pbx_id, c.source, c.name, c.name_fold FROM json_each(?) AS j CROSS JOIN contacts AS c ON c.number = j.value',
      )
      .all(JSON.stringify([...keys])),
  );
  const found: NamedNumbers = new Map();
  for (const [pbxId, forms] of candidates) {
    const plan = plans.get(pbxId) ?? NO_DIAL_PLAN;
    const numbers = [...forms].filter((form) => bestContact(byNumber, pbxId, form, plan)?.name_fold.includes(needle) === true);
    if (numbers.length > 0) found.set(pbxId, numbers.sort());
  }
  return found.size === 0 ? null : found;
}

/** A call's values the learning of names reads (a prepared row has them all). */
export interface LearnableRow {
  src: unknown;
  caller_name: unknown;
  direction: unknown;
  start_utc: unknown;
}

/**
 * Learning names from calls as ingest stores them: `note` each stored call, `flush` once per batch in
 * its transaction (one upsert per extension that called, not per call), `clear` after a failed batch.
 * A name seen on an older call than the one already learned never replaces it (an old file imported
 * after newer calls). `relearn` looks the names of some extensions up again in the calls (after an
 * import is undone).
 */
export interface NameLearner {
  note(pbxId: number, row: LearnableRow): void;
  flush(): void;
  clear(): void;
  relearn(pbxId: number, sources: Iterable<string>): void;
}

const LEARN_SQL = `INSERT INTO contacts (number, pbx_id, source, name, name_fold, seen_utc) VALUES (?, ?, 1, ?, ?, ?)
  ON CONFLICT (number, pbx_id, source) DO UPDATE SET name = excluded.name, name_fold = excluded.name_fold, seen_utc = excluded.seen_utc
  WHERE excluded.seen_utc >= contacts.seen_utc`;

/** The caller name an internal call teaches for its source number, or null. */
function lesson(row: LearnableRow): { number: string; name: string; at: number } | null {
  if (row.direction !== INTERNAL || typeof row.caller_name !== 'string' || typeof row.src !== 'string') return null;
  const name = row.caller_name.trim();
  const number = contactNumber(row.src);
  if (name === '' || number === '' || name === row.src || contactNumber(name) === number) return null;
  return { number, name, at: typeof row.start_utc === 'number' ? row.start_utc : 0 };
}

export function createNameLearner(db: Db): NameLearner {
  const learn = db.prepare(LEARN_SQL);
  const latest = db.prepare<[string, number, number], { caller_name: string; start_utc: number }>(
    `SELECT caller_name, start_utc FROM calls WHERE src = ? AND pbx_id = ? AND direction = ? AND caller_name <> '' AND caller_name <> src
     ORDER BY start_utc DESC LIMIT 1`,
  );
  const forget = db.prepare('DELETE FROM contacts WHERE number = ? AND pbx_id = ? AND source = 1');
  const replace = db.prepare(
    'INSERT OR REPLACE INTO contacts (number, pbx_id, source, name, name_fold, seen_utc) VALUES (?, ?, 1, ?, ?, ?)',
  );
  const pending = new Map<string, { pbxId: number; number: string; name: string; at: number }>();

  return {
    note(pbxId, row) {
      const taught = lesson(row);
      if (taught === null) return;
      const key = `${pbxId}\u0000${taught.number}`;
      const before = pending.get(key);
      if (before === undefined || taught.at >= before.at) pending.set(key, { pbxId, ...taught });
    },
    flush() {
      for (const { pbxId, number, name, at } of pending.values()) learn.run(number, pbxId, name, foldText(name), at);
      pending.clear();
    },
    clear() {
      pending.clear();
    },
    relearn(pbxId, sources) {
      for (const src of new Set(sources)) {
        const number = contactNumber(src);
        if (number === '') continue;
        const found = latest.get(src, pbxId, INTERNAL);
        const taught = found ? lesson({ src, caller_name: found.caller_name, direction: INTERNAL, start_utc: found.start_utc }) : null;
        if (taught === null) forget.run(number, pbxId);
        else replace.run(number, pbxId, taught.name, foldText(taught.name), taught.at);
      }
    },
  };
}

/** Schema 11's step: the names the cached calls teach, learned once (one grouped pass over the calls). */
export function learnCachedNames(db: Db): void {
  const rows = db
    .prepare<[number], { pbx_id: number; src: string; caller_name: string; seen: number }>(
      `SELECT pbx_id, src, caller_name, max(start_utc) AS seen FROM calls
       WHERE direction = ? AND caller_name <> '' AND caller_name <> src GROUP BY pbx_id, src`,
    )
    .all(INTERNAL);
  const learn = db.prepare(LEARN_SQL);
  for (const row of rows) {
    const taught = lesson({ src: row.src, caller_name: row.caller_name, direction: INTERNAL, start_utc: row.seen });
    if (taught !== null) learn.run(taught.number, row.pbx_id, taught.name, foldText(taught.name), taught.at);
  }
}

/** One name for one number, as a file or the PBX gives it. */
export interface ContactInput {
  number: string;
  name: string;
}

export interface ContactWriteCounts {
  added: number;
  updated: number;
  unchanged: number;
  removed: number;
}

/** The phonebook as the CLI and the window manage it (see preload/contacts.ts). */
export interface ContactsArea {
  /** `pbxId` null: every stored entry; a PBX id: the names its calls show. */
  list(request: { pbxId: number | null; search?: string; limit?: number }): ContactList;
  /**
   * Imports contacts for one PBX or (`EVERY_PBX`) for every PBX, in one transaction: a number imported
   * before takes the new name; `replace` first drops the other contacts imported for that scope.
   */
  importContacts(scope: number, contacts: readonly ContactInput[], options: { replace: boolean }): ContactWriteCounts;
  /** Removes imported contacts of a scope: these numbers, or all. Returns how many went. */
  removeImported(scope: number, numbers: readonly string[] | 'all'): number;
  /** Replaces a PBX's names from its own extension list, in one transaction. */
  setPbxNames(pbxId: number, contacts: readonly ContactInput[]): ContactWriteCounts;
}

function checkName(name: string): string {
  const trimmed = name.trim();
  if (trimmed === '') throw new AppError('BAD_INPUT', 'A contact needs a name.');
  return trimmed;
}

export function createContacts(db: Db, transaction: <T>(fn: () => T) => T): ContactsArea {
  const stored = db.prepare<[number, number], { number: string; name: string }>('SELECT number, name FROM contacts WHERE pbx_id = ? AND source = ?');
  const put = db.prepare(
    `INSERT INTO contacts (number, pbx_id, source, name, name_fold, seen_utc) VALUES (?, ?, ?, ?, ?, ?)
     ON CONFLICT (number, pbx_id, source) DO UPDATE SET name = excluded.name, name_fold = excluded.name_fold, seen_utc = excluded.seen_utc`,
  );
  const drop = db.prepare('DELETE FROM contacts WHERE number = ? AND pbx_id = ? AND source = ?');
  const dropAll = db.prepare('DELETE FROM contacts WHERE pbx_id = ? AND source = ?');
  const allRows = db.prepare<[], FoldedRow>('SELECT number, pbx_id, source, name, name_fold FROM contacts');
  const pbxNames = db.prepare<[], { id: number; name: string }>('SELECT id, name FROM pbx');

  /** Makes the entries of one (scope, source) those given; `keepOthers` leaves the ones not given in place. */
  function write(scope: number, source: number, contacts: readonly ContactInput[], keepOthers: boolean): ContactWriteCounts {
    const counts: ContactWriteCounts = { added: 0, updated: 0, unchanged: 0, removed: 0 };
    const before = new Map(stored.all(scope, source).map((r) => [r.number, r.name]));
    const now = Math.floor(Date.now() / 1000);
    const given = new Set<string>();
    for (const contact of contacts) {
      const number = contactNumber(contact.number);
      if (number === '') throw new AppError('BAD_INPUT', `A contact needs a number (${JSON.stringify(contact.name)} has none).`);
      const name = checkName(contact.name);
      given.add(number);
      const was = before.get(number);
      if (was === name) {
        counts.unchanged++;
        continue;
      }
      if (was === undefined) counts.added++;
      else counts.updated++;
      put.run(number, scope, source, name, foldText(name), now);
      before.set(number, name);
    }
    if (!keepOthers) {
      for (const number of before.keys()) {
        if (given.has(number)) continue;
        drop.run(number, scope, source);
        counts.removed++;
      }
    }
    return counts;
  }

  return {
    list({ pbxId, search, limit }) {
      const names = new Map(pbxNames.all().map((p) => [p.id, p.name]));
      const rows = allRows.all();
      const plans = dialPlans(planRows(db));
      const byNumber = groupByNumber(rows);
      let contacts: (Contact & { rank: number })[];
      if (pbxId === null) {
        contacts = rows
          .filter((r) => r.pbx_id === EVERY_PBX || names.has(r.pbx_id))
          .map((r) => {
            const rivals = byNumber.get(r.number) ?? [];
            // Overridden: a higher source of the same PBX, or (for its learned and API names) an import for every PBX.
            const overridden = rivals.some(
              (o) => o !== r && ((o.pbx_id === r.pbx_id && o.source > r.source) || (r.pbx_id !== EVERY_PBX && o.pbx_id === EVERY_PBX && o.source > r.source)),
            );
            return { pbx: names.get(r.pbx_id) ?? '', number: r.number, name: r.name, source: SOURCE_NAMES[r.source] as ContactSource, in_use: !overridden, rank: r.source };
          });
      } else {
        const plan = plans.get(pbxId) ?? NO_DIAL_PLAN;
        contacts = [];
        for (const number of byNumber.keys()) {
          const best = bestContact(byNumber, pbxId, number, plan);
          if (best === null || best.number !== number) continue;
          contacts.push({ pbx: names.get(best.pbx_id) ?? '', number, name: best.name, source: SOURCE_NAMES[best.source] as ContactSource, in_use: true, rank: best.source });
        }
      }
      const needle = search === undefined ? '' : foldText(search.trim());
      const digits = contactNumber(search ?? '');
      if (needle !== '') contacts = contacts.filter((c) => foldText(c.name).includes(needle) || (digits !== '' && c.number.includes(digits)));
      // One PBX's names by number; every entry by PBX (those of every PBX first), then number, highest source first.
      const byPbx = (a: Contact, b: Contact): number => (pbxId === null ? a.pbx.localeCompare(b.pbx) : 0);
      contacts.sort((a, b) => byPbx(a, b) || a.number.localeCompare(b.number, 'en', { numeric: true }) || b.rank - a.rank);
      const total = contacts.length;
      const shown = limit === undefined ? contacts : contacts.slice(0, limit);
      return { contacts: shown.map(({ rank: _, ...contact }) => contact), total };
    },

    importContacts(scope, contacts, { replace }) {
      return transaction(() => write(scope, SOURCE_CODES.imported, contacts, !replace));
    },

    removeImported(scope, numbers) {
      return transaction(() => {
        if (numbers === 'all') return dropAll.run(scope, SOURCE_CODES.imported).changes;
        let removed = 0;
        for (const number of new Set(numbers.map(contactNumber))) removed += drop.run(number, scope, SOURCE_CODES.imported).changes;
        return removed;
      });
    },

    setPbxNames(pbxId, contacts) {
      return transaction(() => write(pbxId, SOURCE_CODES.api, contacts, false));
    },
  };
}
