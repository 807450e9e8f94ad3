import { ALERT_RULES, DEFAULT_RULE_SETTINGS, type AlertRule, type AlertRuleSettings, type Severity } from '../../preload/alerts.js';
import { AppError } from '../errors.js';

export const RULE_SEVERITY: Readonly<Record<AlertRule, Severity>> = {
  'premium-destination': 'critical',
  'after-hours': 'warning',
  'failed-burst': 'warning',
  'concurrency-spike': 'warning',
  'volume-drift': 'warning',
  'new-destination-long-call': 'warning',
  'sync-failing': 'warning',
};

function bad(message: string): AppError {
  return new AppError('BAD_INPUT', message, { field: 'rules' });
}

/** Each rule's settings over the defaults; refuses an unknown rule or key, or a value out of range. */
export function checkRuleSettings(value: unknown, base: AlertRuleSettings = DEFAULT_RULE_SETTINGS): AlertRuleSettings {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw bad('Alert rule settings must be an object keyed by rule.');
  const out = structuredClone(base) as unknown as Record<string, Record<string, unknown>>;
  for (const [rule, given] of Object.entries(value as Record<string, unknown>)) {
    if (!(ALERT_RULES as readonly string[]).includes(rule)) throw bad(`Unknown alert rule "${rule}": use ${ALERT_RULES.join(', ')}.`);
    if (typeof given !== 'object' || given === null || Array.isArray(given)) throw bad(`Settings of rule ${rule} must be an object.`);
    const target = out[rule] as Record<string, unknown>;
    for (const [key, v] of Object.entries(given as Record<string, unknown>)) {
      const current = target[key];
      if (current === undefined) throw bad(`Rule ${rule} has no setting "${key}": it has ${Object.keys(target).join(', ')}.`);
      if (typeof current === 'boolean') {
        if (typeof v !== 'boolean') throw bad(`${rule}.${key} is true or false.`);
      } else if (typeof current === 'number') {
        if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0 || v > 100_000) throw bad(`${rule}.${key} is a number above 0, got ${JSON.stringify(v)}.`);
      } else if (!Array.isArray(v) || v.length > 1000 || !v.every((p) => typeof p === 'string' && /^\d{1,15}$/.test(p))) {
        throw bad(`${rule}.${key} is a list of E.164 prefixes (digits, e.g. "882").`);
      }
      target[key] = v;
    }
  }
  return out as unknown as AlertRuleSettings;
}
