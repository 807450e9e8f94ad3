/** How the window names alerts and turns the calls behind one into a call-list filter. */
import type { Alert, AlertRule, CallFilter, CallRow, Severity } from '../../preload/api.js';

/** Each rule in words (the CLI prints the rule's id, which scripts rely on). */
export const RULE_NAMES: Readonly<Record<AlertRule, string>> = {
  'premium-destination': 'Premium destination',
  'after-hours': 'After hours',
  'failed-burst': 'Burst of failed calls',
  'concurrency-spike': 'Concurrency spike',
  'volume-drift': 'Volume drift',
  'new-destination-long-call': 'Long call to a new country',
  'sync-failing': 'Sync failing',
};

export const SEVERITY_NAMES: Readonly<Record<Severity, string>> = { info: 'Info', warning: 'Warning', critical: 'Critical' };

const RANK: Readonly<Record<Severity, number>> = { info: 0, warning: 1, critical: 2 };

/** The gravest severity among these alerts (the badge's colour), or null when there are none. */
export function worstSeverity(alerts: readonly Alert[]): Severity | null {
  let worst: Severity | null = null;
  for (const alert of alerts) if (worst === null || RANK[alert.severity] > RANK[worst]) worst = alert.severity;
  return worst;
}

/** Warning and critical alerts interrupt the user (a notification); info ones wait in the list. */
export function interrupts(alert: Alert): boolean {
  return RANK[alert.severity] >= RANK.warning;
}

/** A list of numbers longer than this is left out of the filter: the period and the other fields select enough. */
const MAX_LISTED_NUMBERS = 20;
const PLAIN_NUMBER = /^\d+$/;

/** The one value every call has for a field, or null when they differ or have none. */
function shared<K extends keyof CallRow>(calls: readonly CallRow[], key: K): CallRow[K] | null {
  const first = calls[0]?.[key];
  if (first === undefined || first === '' || !calls.every((c) => c[key] === first)) return null;
  return first;
}

/**
 * Plain numbers as exact alternatives of a number pattern (`1001,1002`). Anything else (a name, a
 * SIP address, a character the pattern languages read as a wildcard) leaves the field out.
 */
function numberList(values: readonly string[]): string | null {
  const distinct = [...new Set(values)];
  if (distinct.length === 0 || distinct.length > MAX_LISTED_NUMBERS || !distinct.every((v) => PLAIN_NUMBER.test(v))) return null;
  return distinct.join(',');
}

/**
 * A filter the call list can show that selects the calls behind an alert: its PBX and period, narrowed
 * by what all its calls share (direction, destination trunk) and by their numbers. No filter field
 * names a session, so calls of the period that share all of these would show as well. When the alert
 * holds more calls than were listed, only its PBX and period are certain.
 */
export function alertCallsFilter(alert: Alert, calls: readonly CallRow[]): CallFilter {
  const complete = calls.length > 0 && calls.length >= alert.calls;
  if (!complete) return { pbx: [alert.pbx], from: alert.first_at, to: alert.last_at };
  const starts = calls.map((c) => c.start).sort();
  const filter: CallFilter = { pbx: [alert.pbx], from: starts[0], to: starts[starts.length - 1] };
  const direction = shared(calls, 'direction');
  if (direction !== null) filter.direction = [direction];
  const trunk = shared(calls, 'dst_trunk_name');
  if (trunk !== null) filter.dst_trunk = [trunk];
  const callers = numberList(calls.map((c) => c.src));
  if (callers !== null) filter.caller = callers;
  const callees = numberList(calls.map((c) => c.dst));
  if (callees !== null) filter.callee = callees;
  return filter;
}

/** What a notification says about a new alert: the rule and PBX as its title, the alert's own title as its body. */
export function notificationText(alert: Alert): { title: string; body: string } {
  return { title: `${SEVERITY_NAMES[alert.severity]}: ${RULE_NAMES[alert.rule]} on ${alert.pbx}`, body: alert.title };
}
