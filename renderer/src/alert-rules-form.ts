/** The alert rules screen's fields, their check and their conversion, before anything is sent to the service. */
import { ALERT_RULES, type AlertRule, type AlertRuleSettings } from '../../preload/api.js';

/** The settings of rule R that are numbers (thresholds). */
type NumberKey<R extends AlertRule> = {
  [K in keyof AlertRuleSettings[R]]: AlertRuleSettings[R][K] extends number ? K : never;
}[keyof AlertRuleSettings[R]] &
  string;

/** A number setting of a rule: what the form calls it and what it counts. */
export interface RuleNumberField<R extends AlertRule = AlertRule> {
  key: NumberKey<R>;
  label: string;
  /** Whole numbers only (counts of calls, days, weeks); otherwise a decimal such as a factor of 1.5. */
  whole: boolean;
}

export interface RuleDescription<R extends AlertRule = AlertRule> {
  summary: string;
  numbers: RuleNumberField<R>[];
}

/** What each rule watches for and its thresholds in words (docs of the rules: main/alerts/engine.ts). */
export const RULE_DESCRIPTIONS: { readonly [R in AlertRule]: RuleDescription<R> } = {
  'premium-destination': {
    summary: 'Outbound calls to numbers starting with one of these international prefixes (satellite, international networks, premium rate).',
    numbers: [],
  },
  'after-hours': {
    summary: "Outbound calls over a trunk outside the PBX's business hours (set them per PBX under PBXs → Edit).",
    numbers: [],
  },
  'failed-burst': {
    summary: 'One caller making many failed or unanswered outbound calls in a short time.',
    numbers: [
      { key: 'calls', label: 'Failed calls', whole: true },
      { key: 'minutes', label: 'Within (minutes)', whole: false },
    ],
  },
  'concurrency-spike': {
    summary: "More outbound calls at once than a multiple of the highest peak of the days before.",
    numbers: [
      { key: 'factor', label: 'Times the highest peak', whole: false },
      { key: 'minimum', label: 'At least (calls at once)', whole: true },
      { key: 'days', label: 'Over the past (days)', whole: true },
    ],
  },
  'volume-drift': {
    summary: "A day's outbound minutes (and international minutes) far above the same weekday in the weeks before.",
    numbers: [
      { key: 'factor', label: 'Times the mean', whole: false },
      { key: 'weeks', label: 'Weeks compared', whole: true },
      { key: 'minimum_minutes', label: 'Ignore days under (minutes)', whole: false },
    ],
  },
  'new-destination-long-call': {
    summary: "A long call to a country the PBX never called before (needs the PBX's country code in its dial plan).",
    numbers: [
      { key: 'minutes', label: 'Calls of at least (minutes)', whole: false },
      { key: 'learning_days', label: 'Learning period (days)', whole: true },
    ],
  },
  'sync-failing': {
    summary: "A PBX's automatic sync failing for a while, or its certificate changing.",
    numbers: [{ key: 'hours', label: 'Failing for (hours)', whole: false }],
  },
};

/** The service's bounds (main/app/validation.ts): every threshold above 0 and at most this. */
const MAX_THRESHOLD = 100_000;
const MAX_PREFIXES = 1000;

export interface RuleFormValues {
  enabled: boolean;
  /** Number settings as typed, by key. */
  numbers: Record<string, string>;
}

export interface RulesFormValues {
  rules: Record<AlertRule, RuleFormValues>;
  /** Premium prefixes as typed: one per line, or separated by commas or spaces. */
  prefixes: string;
}

/** Problems by field: `${rule}.${key}`, or `premium-destination.prefixes`. */
export type RulesFormErrors = Record<string, string>;

type RuleRecord = Record<string, unknown>;

export function rulesForm(settings: AlertRuleSettings): RulesFormValues {
  const rules = {} as Record<AlertRule, RuleFormValues>;
  for (const rule of ALERT_RULES) {
    const stored = settings[rule] as RuleRecord;
    const numbers: Record<string, string> = {};
    for (const { key } of RULE_DESCRIPTIONS[rule].numbers) numbers[key] = String(stored[key]);
    rules[rule] = { enabled: settings[rule].enabled, numbers };
  }
  return { rules, prefixes: settings['premium-destination'].prefixes.join('\n') };
}

/** The prefixes typed, in order and once each; a leading + is taken as the user's way of writing E.164. */
export function parsePrefixes(text: string): { prefixes: string[]; bad: string[] } {
  const items = text
    .split(/[\s,;]+/)
    .map((item) => item.replace(/^\+/, ''))
    .filter((item) => item !== '');
  const bad = items.filter((item) => !/^\d{1,15}$/.test(item));
  return { prefixes: [...new Set(items.filter((item) => !bad.includes(item)))], bad };
}

function numberProblem(text: string, field: Pick<RuleNumberField, 'label' | 'whole'>): string | null {
  const value = Number(text.trim());
  if (text.trim() === '' || !Number.isFinite(value)) return `${field.label}: enter a number.`;
  if (value <= 0 || value > MAX_THRESHOLD) return `${field.label}: enter a number above 0 and at most ${MAX_THRESHOLD.toLocaleString('en-US')}.`;
  if (field.whole && !Number.isInteger(value)) return `${field.label}: enter a whole number.`;
  return null;
}

export function validateRulesForm(values: RulesFormValues): RulesFormErrors {
  const errors: RulesFormErrors = {};
  for (const rule of ALERT_RULES) {
    for (const field of RULE_DESCRIPTIONS[rule].numbers) {
      const problem = numberProblem(values.rules[rule].numbers[field.key] ?? '', field);
      if (problem !== null) errors[`${rule}.${field.key}`] = problem;
    }
  }
  const { prefixes, bad } = parsePrefixes(values.prefixes);
  if (bad.length > 0) {
    errors['premium-destination.prefixes'] = `Not a prefix: ${bad.slice(0, 5).map((b) => `"${b}"`).join(', ')}. Prefixes are digits of an international number without the 00, e.g. 882.`;
  } else if (prefixes.length > MAX_PREFIXES) {
    errors['premium-destination.prefixes'] = `At most ${MAX_PREFIXES} prefixes (${prefixes.length} given).`;
  }
  return errors;
}

/** The settings as the service takes them; call only on values that passed validateRulesForm. */
export function toRuleSettings(values: RulesFormValues): AlertRuleSettings {
  const out: Record<string, RuleRecord> = {};
  for (const rule of ALERT_RULES) {
    const entry: RuleRecord = { enabled: values.rules[rule].enabled };
    for (const { key } of RULE_DESCRIPTIONS[rule].numbers) entry[key] = Number(values.rules[rule].numbers[key]);
    out[rule] = entry;
  }
  (out['premium-destination'] as RuleRecord).prefixes = parsePrefixes(values.prefixes).prefixes;
  return out as unknown as AlertRuleSettings;
}
