import type { Alert, AlertListRequest, AlertRule, AlertRuleSettings, Severity } from '../../preload/alerts.js';
import { readWallClockBound } from '../cdr/time.js';
import { checkRuleSettings } from '../alerts/settings.js';
import { isoUtc } from '../cdr/time.js';
import { AppError } from '../errors.js';
import type { Db } from './db-type.js';

/**
 * The alerts (schema 7, docs/watch.md): one row per rule, PBX and episode, the calls behind each in
 * alert_calls. Raising is an upsert, so evaluating the same calls again (a scan over history, a round
 * repeated after a crash) joins what is there instead of adding a second alert.
 */

const RULES_KEY = 'alerts.rules';
const WATERMARK_KEY = 'alerts.evaluated_id';
/** Sessions an alert lists; `calls` counts them all. */
const LISTED_SESSIONS = 1000;

export interface RaiseInput {
  rule: AlertRule;
  severity: Severity;
  pbx_id: number;
  /** What makes two findings the same alert: `day:2025-03-08`, `closed:2025-03-07T19:00:00`, ... */
  episode: string;
  title: string;
  /** PBX wall clock. */
  first_at: string;
  last_at: string;
  call_ids: readonly number[];
}

interface AlertDbRow {
  id: number;
  rule: AlertRule;
  severity: Severity;
  pbx: string;
  title: string;
  first_at: string;
  last_at: string;
  raised_at: number;
  acknowledged_at: number | null;
  mailed_at: number | null;
  calls: number;
}

export interface AlertsArea {
  /** Creates the episode's alert or joins the calls to it; `created` says which. */
  raise(input: RaiseInput): { id: number; created: boolean; joined: number };
  list(request?: AlertListRequest): Alert[];
  get(id: number): Alert | null;
  /** Ids of the calls behind an alert, in start order. */
  callIds(id: number, limit?: number): number[];
  /** Acknowledges these alerts (or every open one); returns how many changed. */
  acknowledge(ids: readonly number[] | 'all'): number;
  /** Open warning and critical alerts not mailed yet, oldest first (one acknowledged before its mail needs none). */
  unmailed(): Alert[];
  markMailed(ids: readonly number[]): void;
  /** Warning and critical alerts no desktop notification was shown for yet. */
  unnotified(): Alert[];
  markNotified(ids: readonly number[]): void;
  rules(): AlertRuleSettings;
  /** Changes the settings given (any rules, any keys); the others stay as they are. */
  setRules(settings: unknown): AlertRuleSettings;
  /** The highest call id the rules have seen after syncs and imports. */
  watermark(): number;
  setWatermark(callId: number): void;
}

export function createAlerts(db: Db): AlertsArea {
  const setting = db.prepare<[string], { value: string }>('SELECT value FROM settings WHERE key = ?');
  const putSetting = db.prepare('INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value');
  const findAlert = db.prepare<[string, number, string], { id: number; first_at: string; last_at: string }>(
    'SELECT id, first_at, last_at FROM alerts WHERE rule = ? AND pbx_id = ? AND episode = ?',
  );
  const insertAlert = db.prepare(
    `INSERT INTO alerts (rule, severity, pbx_id, episode, title, first_at, last_at, raised_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const widenAlert = db.prepare('UPDATE alerts SET first_at = min(first_at, ?), last_at = max(last_at, ?), title = ? WHERE id = ?');
  const addCall = db.prepare('INSERT INTO alert_calls (alert_id, call_id) VALUES (?, ?) ON CONFLICT DO NOTHING');
  const select = `SELECT a.id, a.rule, a.severity, p.name AS pbx, a.title, a.first_at, a.last_at, a.raised_at, a.acknowledged_at, a.mailed_at,
      (SELECT count(*) FROM alert_calls AS ac WHERE ac.alert_id = a.id) AS calls
    FROM alerts AS a JOIN pbx AS p ON p.id = a.pbx_id`;
  const byId = db.prepare<[number], AlertDbRow>(`${select} WHERE a.id = ?`);
  const sessionsOf = db.prepare<[number, number], { session: string }>(
    'SELECT c.session FROM alert_calls AS ac JOIN calls AS c ON c.id = ac.call_id WHERE ac.alert_id = ? ORDER BY c.start_utc, c.id LIMIT ?',
  );
  const callIdsOf = db.prepare<[number, number], { id: number }>(
    'SELECT c.id FROM alert_calls AS ac JOIN calls AS c ON c.id = ac.call_id WHERE ac.alert_id = ? ORDER BY c.start_utc, c.id LIMIT ?',
  );
  const ackOne = db.prepare('UPDATE alerts SET acknowledged_at = ? WHERE id = ? AND acknowledged_at IS NULL');
  const ackAll = db.prepare('UPDATE alerts SET acknowledged_at = ? WHERE acknowledged_at IS NULL');
  const unmailedRows = db.prepare<[], AlertDbRow>(
    `${select} WHERE a.mailed_at IS NULL AND a.acknowledged_at IS NULL AND a.severity IN ('warning', 'critical') ORDER BY a.id`,
  );
  const mailed = db.prepare('UPDATE alerts SET mailed_at = ? WHERE id = ?');
  const unnotifiedRows = db.prepare<[], AlertDbRow>(
    `${select} WHERE a.notified_at IS NULL AND a.acknowledged_at IS NULL AND a.severity IN ('warning', 'critical') ORDER BY a.id`,
  );
  const notified = db.prepare('UPDATE alerts SET notified_at = ? WHERE id = ?');

  function readRules(): AlertRuleSettings {
    const stored = setting.get(RULES_KEY);
    return checkRuleSettings(stored === undefined ? {} : JSON.parse(stored.value));
  }

  function toAlert(row: AlertDbRow): Alert {
    return {
      id: row.id,
      rule: row.rule,
      severity: row.severity,
      pbx: row.pbx,
      first_at: row.first_at,
      last_at: row.last_at,
      title: row.title,
      sessions: sessionsOf.all(row.id, LISTED_SESSIONS).map((r) => r.session),
      calls: row.calls,
      acknowledged: row.acknowledged_at !== null,
      raised_at: isoUtc(row.raised_at * 1000),
      mailed_at: row.mailed_at === null ? null : isoUtc(row.mailed_at * 1000),
    };
  }

  const now = (): number => Math.floor(Date.now() / 1000);

  function requireIds(ids: readonly number[]): void {
    for (const id of ids) {
      if (!Number.isSafeInteger(id) || id < 1) throw new AppError('BAD_INPUT', `An alert id is a positive whole number, got ${JSON.stringify(id)}.`);
    }
  }

  return {
    raise(input) {
      const found = findAlert.get(input.rule, input.pbx_id, input.episode);
      let id: number;
      if (found === undefined) {
        id = Number(insertAlert.run(input.rule, input.severity, input.pbx_id, input.episode, input.title, input.first_at, input.last_at, now()).lastInsertRowid);
      } else {
        id = found.id;
        widenAlert.run(input.first_at, input.last_at, input.title, id);
      }
      let joined = 0;
      for (const callId of input.call_ids) joined += addCall.run(id, callId).changes;
      return { id, created: found === undefined, joined };
    },
    list(request = {}) {
      const where: string[] = [];
      const params: unknown[] = [];
      if (request.all !== true) where.push('a.acknowledged_at IS NULL');
      if (request.since !== undefined && request.since !== '') {
        const read = readWallClockBound(request.since);
        if ('problem' in read) throw new AppError('BAD_INPUT', `--since "${request.since}" is not a date: write YYYY-MM-DD or YYYY-MM-DDTHH:MM.`, { field: 'since' });
        where.push('a.last_at >= ?');
        params.push(read.local);
      }
      const sql = `${select}${where.length > 0 ? ` WHERE ${where.join(' AND ')}` : ''} ORDER BY a.last_at DESC, a.id DESC`;
      return db.prepare<unknown[], AlertDbRow>(sql).all(...params).map(toAlert);
    },
    get(id) {
      const row = byId.get(id);
      return row === undefined ? null : toAlert(row);
    },
    callIds(id, limit = LISTED_SESSIONS) {
      return callIdsOf.all(id, limit).map((r) => r.id);
    },
    acknowledge(ids) {
      const at = now();
      if (ids === 'all') return ackAll.run(at).changes;
      requireIds(ids);
      return db.transaction(() => {
        let changed = 0;
        for (const id of ids) {
          if (byId.get(id) === undefined) throw new AppError('NOT_FOUND', `There is no alert ${id}: see ucmcdr alerts --all.`, { id });
          changed += ackOne.run(at, id).changes;
        }
        return changed;
      })();
    },
    unmailed: () => unmailedRows.all().map(toAlert),
    markMailed(ids) {
      const at = now();
      db.transaction(() => {
        for (const id of ids) mailed.run(at, id);
      })();
    },
    unnotified: () => unnotifiedRows.all().map(toAlert),
    markNotified(ids) {
      const at = now();
      db.transaction(() => {
        for (const id of ids) notified.run(at, id);
      })();
    },
    rules: readRules,
    setRules(settings) {
      const checked = checkRuleSettings(settings, readRules());
      putSetting.run(RULES_KEY, JSON.stringify(checked));
      return checked;
    },
    watermark: () => Number(setting.get(WATERMARK_KEY)?.value ?? '0'),
    setWatermark(callId) {
      putSetting.run(WATERMARK_KEY, String(callId));
    },
  };
}
