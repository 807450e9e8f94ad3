import { SYNC_SCHEDULES, type PbxProfile, type SyncSchedule } from '../../preload/api.js';
import { parseBusinessHours } from '../alerts/hours.js';
import { defaultTimeZone, isValidTimeZone } from '../cdr/time.js';
import { AppError } from '../errors.js';
import type { Db } from './db-type.js';
import { retimeCalls } from './retime.js';
import { bumpRatingVersion } from './rates.js';
import { checkDialPlan } from '../cdr/dial-plan.js';
import type { PbxRecordInput, ProfilesArea } from './types.js';

const APIS: readonly PbxRecordInput['api'][] = ['auto', 'legacy', 'ucm63xx'];
const DETECTED: readonly string[] = ['legacy', 'ucm63xx'];
const IMPORT_SOURCE_NAME = 'Imported';
const MAX_NAME = 100;
/**
 * Settings key holding the id of the "Imported" source, where files go when no source is named. Named
 * import-only sources share its kind, so the kind alone cannot tell it apart; '0' = none made yet.
 * A cache from before named sources has no key: its only import-kind profile is the default.
 */
const DEFAULT_SOURCE_KEY = 'pbx.default_import_source';

interface PbxDbRow {
  id: number;
  name: string;
  kind: 'pbx' | 'import';
  url: string;
  api: PbxProfile['api'];
  detected_api: PbxProfile['detected_api'];
  user: string;
  tz: string;
  model: string;
  fingerprint: string | null;
  ca_file: string | null;
  has_password: number;
  last_sync_at: string | null;
  last_sync_state: PbxProfile['last_sync_state'];
  last_sync_error: string | null;
  call_count: number;
  country_code: string;
  national_prefix: string;
  international_prefix: string;
  sync_every: number | null;
  business_hours: string;
}

/** Without a schedule of its own, a PBX with a stored password syncs every 15 minutes; one without never does. */
const DEFAULT_SYNC_EVERY = 15;

const DIAL_PLAN_FIELDS = ['country_code', 'national_prefix', 'international_prefix'] as const;

function toProfile(row: PbxDbRow, defaultId: number | null): PbxProfile {
  const profile: PbxProfile = {
    id: row.id,
    name: row.name,
    kind: row.kind,
    url: row.url,
    api: row.api,
    detected_api: row.detected_api,
    user: row.user,
    tz: row.tz,
    model: row.model,
    fingerprint: row.fingerprint,
    ca_file: row.ca_file,
    has_password: row.has_password === 1,
    last_sync_at: row.last_sync_at,
    last_sync_state: row.last_sync_state,
    last_sync_error: row.last_sync_error,
    calls: row.call_count,
    country_code: row.country_code,
    national_prefix: row.national_prefix,
    international_prefix: row.international_prefix,
    sync_every: (row.sync_every ?? (row.has_password === 1 && row.kind === 'pbx' ? DEFAULT_SYNC_EVERY : 0)) as SyncSchedule,
    business_hours: row.business_hours,
  };
  if (row.id === defaultId) profile.default_source = true;
  return profile;
}

function bad(message: string, details?: Record<string, unknown>): AppError {
  return new AppError('BAD_INPUT', message, details);
}

function requireString(value: unknown, field: string, allowEmpty: boolean): string {
  if (typeof value !== 'string') {
    throw bad(`PBX ${field} must be text, got ${JSON.stringify(value) ?? String(value)}.`, { field });
  }
  if (!allowEmpty && value.trim() === '') throw bad(`PBX ${field} must not be empty.`, { field });
  return value;
}

function optionalText(value: unknown, field: string): string | null {
  if (value === undefined || value === null || value === '') return null;
  return requireString(value, field, false);
}

type SavedColumns = Omit<PbxDbRow, 'id' | 'last_sync_at' | 'last_sync_state' | 'last_sync_error' | 'call_count'>;

/** The dial plan to store: each field given is checked, each absent one keeps `before`'s value. */
function dialPlanOf(input: PbxRecordInput, before: PbxDbRow | undefined): Pick<PbxDbRow, (typeof DIAL_PLAN_FIELDS)[number]> {
  const plan = {
    country_code: input.country_code ?? before?.country_code ?? '',
    national_prefix: input.national_prefix ?? before?.national_prefix ?? '',
    international_prefix: input.international_prefix ?? before?.international_prefix ?? '',
  };
  checkDialPlan(plan);
  return plan;
}

function validate(input: PbxRecordInput, before: PbxDbRow | undefined): SavedColumns {
  const name = requireString(input.name, 'name', false).trim();
  if (name.length > MAX_NAME) throw bad(`PBX name "${name.slice(0, 40)}..." is longer than ${MAX_NAME} characters.`, { name });
  const kind = input.kind ?? 'pbx';
  if (kind !== 'pbx' && kind !== 'import') throw bad(`Unknown PBX kind "${String(kind)}": use pbx or import.`, { kind });
  if (!APIS.includes(input.api)) {
    throw bad(`Unknown API generation "${String(input.api)}" for PBX "${name}": use auto, legacy or ucm63xx.`, { api: input.api });
  }
  const detected = input.detected_api ?? null;
  if (detected !== null && !DETECTED.includes(detected)) {
    throw bad(`Unknown detected API "${String(detected)}" for PBX "${name}": use legacy or ucm63xx.`, { detected_api: detected });
  }
  const tz = requireString(input.tz, 'time zone', false);
  if (!isValidTimeZone(tz)) {
    throw bad(`Unknown time zone "${tz}" for PBX "${name}": use an IANA name such as Europe/Berlin.`, { tz });
  }
  const url = requireString(input.url, 'URL', kind === 'import');
  if (kind === 'pbx') {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      throw bad(`PBX URL "${url}" is not a URL: write it as https://host:8443.`, { url });
    }
    if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') {
      throw bad(`PBX URL "${url}" must start with https:// (or http://).`, { url });
    }
  }
  const hasPassword = input.has_password ?? false;
  if (typeof hasPassword !== 'boolean') throw bad('has_password must be true or false.');
  return {
    name,
    kind,
    url,
    api: input.api,
    detected_api: detected,
    user: requireString(input.user, 'user', true),
    tz,
    model: input.model === undefined ? '' : requireString(input.model, 'model', true),
    fingerprint: optionalText(input.fingerprint, 'fingerprint'),
    ca_file: optionalText(input.ca_file, 'CA file'),
    has_password: hasPassword ? 1 : 0,
    ...dialPlanOf(input, before),
    sync_every: syncEveryOf(input, before),
    business_hours: input.business_hours === undefined ? (before?.business_hours ?? DEFAULT_BUSINESS_HOURS) : parseBusinessHours(input.business_hours).text,
  };
}

const DEFAULT_BUSINESS_HOURS = 'Mon-Fri 07:00-19:00';

/** The schedule to store: given, else the stored one (NULL keeps following the default). */
function syncEveryOf(input: PbxRecordInput, before: PbxDbRow | undefined): number | null {
  if (input.sync_every === undefined) return before?.sync_every ?? null;
  if (!(SYNC_SCHEDULES as readonly number[]).includes(input.sync_every)) {
    throw bad(`A sync schedule is one of ${SYNC_SCHEDULES.join(', ')} minutes (0 = off), got ${JSON.stringify(input.sync_every)}.`, { field: 'sync_every' });
  }
  return input.sync_every;
}

/** The profiles area (see ProfilesArea), and the name lookup the query engine uses. */
export interface Profiles extends ProfilesArea {
  /** Name -> profile for every profile; the query engine resolves PBX names through it. */
  byName(): Map<string, PbxProfile>;
}

export function createProfiles(db: Db): Profiles {
  const listStmt = db.prepare<[], PbxDbRow>('SELECT * FROM pbx ORDER BY name');
  const getStmt = db.prepare<[number], PbxDbRow>('SELECT * FROM pbx WHERE id = ?');
  const byNameStmt = db.prepare<[string], PbxDbRow>('SELECT * FROM pbx WHERE name = ?');
  const firstImportStmt = db.prepare<[], PbxDbRow>("SELECT * FROM pbx WHERE kind = 'import' ORDER BY id LIMIT 1");
  const getDefaultStmt = db.prepare<[string], { value: string }>('SELECT value FROM settings WHERE key = ?');
  const putDefaultStmt = db.prepare(
    'INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value',
  );
  const dropPositionStmt = db.prepare('DELETE FROM sync_position WHERE pbx_id = ?');
  const insertStmt = db.prepare(
    `INSERT INTO pbx (name, kind, url, api, detected_api, user, tz, model, fingerprint, ca_file, has_password,
       country_code, national_prefix, international_prefix, sync_every, business_hours)
     VALUES (@name, @kind, @url, @api, @detected_api, @user, @tz, @model, @fingerprint, @ca_file, @has_password,
       @country_code, @national_prefix, @international_prefix, @sync_every, @business_hours)`,
  );
  const updateStmt = db.prepare(
    `UPDATE pbx SET name = @name, kind = @kind, url = @url, api = @api, detected_api = @detected_api, user = @user,
       tz = @tz, model = @model, fingerprint = @fingerprint, ca_file = @ca_file, has_password = @has_password,
       country_code = @country_code, national_prefix = @national_prefix, international_prefix = @international_prefix,
       sync_every = @sync_every, business_hours = @business_hours
     WHERE id = @id`,
  );
  const deleteStmt = db.prepare('DELETE FROM pbx WHERE id = ?');

  function defaultRow(): PbxDbRow | null {
    const setting = getDefaultStmt.get(DEFAULT_SOURCE_KEY);
    if (setting === undefined) return firstImportStmt.get() ?? null;
    const row = getStmt.get(Number(setting.value));
    return row && row.kind === 'import' ? row : null;
  }

  function defaultId(): number | null {
    return defaultRow()?.id ?? null;
  }

  /** Before a second import-kind profile appears, the default one is written down (see DEFAULT_SOURCE_KEY). */
  function pinDefault(): void {
    if (getDefaultStmt.get(DEFAULT_SOURCE_KEY) !== undefined) return;
    putDefaultStmt.run(DEFAULT_SOURCE_KEY, String(firstImportStmt.get()?.id ?? 0));
  }

  function get(id: number): PbxProfile | null {
    const row = getStmt.get(id);
    return row ? toProfile(row, defaultId()) : null;
  }

  function requireId(id: unknown): number {
    if (typeof id !== 'number' || !Number.isSafeInteger(id) || id < 1) {
      throw bad(`PBX id must be a positive whole number, got ${JSON.stringify(id) ?? String(id)}.`, { id });
    }
    return id;
  }

  /**
   * One transaction: a changed zone re-times the profile's calls together with the profile, so the
   * cache never holds instants computed with a zone the profile no longer has.
   */
  const save = db.transaction((input: PbxRecordInput): PbxProfile => {
    if (typeof input !== 'object' || input === null) throw bad('A PBX profile must be an object.');
    const stored = input.id === undefined ? undefined : getStmt.get(requireId(input.id));
    const values = validate(input, stored);
    const taken = byNameStmt.get(values.name);
    if (values.kind === 'import') pinDefault();
    if (input.id === undefined) {
      if (taken) throw bad(`A PBX named "${values.name}" already exists: choose another name.`, { name: values.name });
      const id = Number(insertStmt.run(values).lastInsertRowid);
      return get(id) as PbxProfile;
    }
    const id = requireId(input.id);
    const before = getStmt.get(id);
    if (!before) throw new AppError('NOT_FOUND', `There is no PBX with id ${id}.`, { id });
    if (taken && taken.id !== id) {
      throw bad(`A PBX named "${values.name}" already exists: choose another name.`, { name: values.name });
    }
    if (before.kind === 'import' && values.kind === 'pbx') {
      throw bad(`"${before.name}" is an import-only source: it cannot become a PBX. Add the PBX as a new profile.`, { id });
    }
    updateStmt.run({ ...values, id });
    if (before.tz !== values.tz && before.call_count > 0) retimeCalls(db, id, values.tz);
    if (DIAL_PLAN_FIELDS.some((field) => before[field] !== values[field])) bumpRatingVersion(db);
    // An import-only source is never synced: a resume position would only mislead.
    if (values.kind === 'import') dropPositionStmt.run(id);
    return get(id) as PbxProfile;
  });

  return {
    list() {
      const defaultSource = defaultId();
      return listStmt.all().map((row) => toProfile(row, defaultSource));
    },
    get: (id) => get(requireId(id)),
    getByName(name) {
      const row = byNameStmt.get(requireString(name, 'name', false));
      return row ? toProfile(row, defaultId()) : null;
    },
    save,
    remove(id) {
      // The FK cascade removes calls, legs, recording states, sync position and import log; a trigger
      // on calls removes their free-text rows.
      if (deleteStmt.run(requireId(id)).changes === 0) {
        throw new AppError('NOT_FOUND', `There is no PBX with id ${id}.`, { id });
      }
    },
    keepHistory(id) {
      const profile = get(requireId(id));
      if (!profile) throw new AppError('NOT_FOUND', `There is no PBX with id ${id}.`, { id });
      if (profile.kind === 'import') return profile;
      return save({
        id: profile.id,
        name: profile.name,
        kind: 'import',
        url: '',
        api: 'auto',
        detected_api: null,
        user: '',
        tz: profile.tz,
        model: profile.model,
        fingerprint: null,
        ca_file: null,
        has_password: false,
      });
    },
    findImportSource() {
      const row = defaultRow();
      return row ? toProfile(row, row.id) : null;
    },
    importSource() {
      const existing = this.findImportSource();
      if (existing) return existing;
      return db.transaction(() => {
        pinDefault();
        let name = IMPORT_SOURCE_NAME;
        for (let n = 1; byNameStmt.get(name); n++) name = n === 1 ? `${IMPORT_SOURCE_NAME} files` : `${IMPORT_SOURCE_NAME} files ${n}`;
        const created = save({ name, kind: 'import', url: '', api: 'auto', user: '', tz: defaultTimeZone() });
        putDefaultStmt.run(DEFAULT_SOURCE_KEY, String(created.id));
        return { ...created, default_source: true };
      })();
    },
    byName() {
      const defaultSource = defaultId();
      return new Map(listStmt.all().map((row) => [row.name, toProfile(row, defaultSource)]));
    },
  };
}
