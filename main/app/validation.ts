import { z } from 'zod';
import {
  ACTIVITY_BUCKETS,
  API_METHODS,
  DATE_PRESETS,
  COST_BUCKETS,
  EXPORT_FIELDS,
  EXPORT_FORMATS,
  REPORT_KINDS,
  SAVE_FORMATS,
  SORT_FIELDS,
  TOP_OF,
  type ApiMethodName,
  type CallFilter,
  type RequestOf,
} from '../../preload/api.js';
import { isHttpUrl, isValidTimeZone } from '../../preload/checks.js';
import { AppError } from '../errors.js';

/**
 * Every payload that enters through IPC or the web mode passes here first, so a service only ever
 * sees values of the contract's shape. Unknown keys are dropped (not refused): a renderer that sends
 * a whole PbxProfile as a PbxInput still works, and nothing unexpected reaches a service.
 */

const SHORT = 200;
const id = z.number().int().positive().max(Number.MAX_SAFE_INTEGER);
const secret = z.string().min(1, 'must not be empty').max(1024);
const taskId = z
  .string()
  .min(1)
  .max(100)
  .regex(/^[\w.:-]+$/, 'must be letters, digits, ".", ":", "_" or "-"');

/**
 * A call filter crosses as it is: main/store/filter.ts (compileFilter) is the one place that knows
 * its fields, refusing an unknown one or a bad value with a message naming it, for IPC, the web mode,
 * the CLI and exports alike. Here it only has to be an object of a sane size.
 */
const MAX_FILTER_CHARS = 20_000;
const callFilter = z.custom<CallFilter>(
  (value) => typeof value === 'object' && value !== null && !Array.isArray(value) && JSON.stringify(value).length <= MAX_FILTER_CHARS,
  `must be an object of filter fields (at most ${MAX_FILTER_CHARS.toLocaleString('en-US')} characters)`,
);

const callSort = z.object({ field: z.enum(SORT_FIELDS), dir: z.enum(['asc', 'desc']) });
const fileRef = z.object({ ref: z.string().min(1).max(100), name: z.string().max(1000) });
const reportRequest = z.object({
  kind: z.enum(REPORT_KINDS),
  filter: callFilter,
  by: z.enum([...ACTIVITY_BUCKETS, ...COST_BUCKETS]).optional(),
  compare: z.literal('previous').optional(),
  of: z.enum(TOP_OF).optional(),
  limit: z.number().int().min(1).max(1000).optional(),
  trunk: z.string().min(1).max(SHORT).optional(),
});
const dialPlanValue = z.string().trim().max(6).regex(/^\d*$/, 'must be digits (or empty)').optional();
const dialPlan = { country_code: dialPlanValue, national_prefix: dialPlanValue, international_prefix: dialPlanValue };
const businessHours = z.string().trim().min(1).max(SHORT).optional();
const syncEvery = z.union([z.literal(0), z.literal(5), z.literal(15), z.literal(60)]).optional();
const ruleSwitch = { enabled: z.boolean() };
const positive = z.number().positive().max(100_000);
const alertRules = z.object({
  'premium-destination': z.object({ ...ruleSwitch, prefixes: z.array(z.string().regex(/^\d{1,15}$/, 'must be E.164 digits')).max(1000) }),
  'after-hours': z.object(ruleSwitch),
  'failed-burst': z.object({ ...ruleSwitch, calls: positive, minutes: positive }),
  'concurrency-spike': z.object({ ...ruleSwitch, factor: positive, minimum: positive, days: positive }),
  'volume-drift': z.object({ ...ruleSwitch, factor: positive, weeks: positive, minimum_minutes: positive }),
  'new-destination-long-call': z.object({ ...ruleSwitch, minutes: positive, learning_days: positive }),
  'sync-failing': z.object({ ...ruleSwitch, hours: positive }),
});
const wallClock = z.string().trim().max(32).optional();
const names = z.array(z.string().trim().min(1).max(SHORT)).max(1000);
const planName = z.string().trim().min(1, 'must not be empty').max(100);
const none = z.union([z.undefined(), z.null(), z.object({}).strict()]).transform(() => undefined);

const settings = z.object({
  theme: z.enum(['system', 'light', 'dark']),
  columns: z.array(z.string().min(1).max(64)).max(100),
  saved_filters: z
    .array(
      z.object({
        name: z.string().trim().min(1).max(SHORT),
        filter: callFilter,
        // A quick range the dates came from ("last7"): the window applies it as of the day it is used.
        preset: z.enum(DATE_PRESETS).optional(),
      }),
    )
    .max(500),
});

// Keyed by every contract method: a method without its schema does not compile.
const schemas: { [M in ApiMethodName]: z.ZodType<RequestOf<M>> } = {
  'app/info': none,
  'app/upgradeStatus': none,
  'app/getSettings': none,
  'app/saveSettings': settings,
  'app/openExternal': z.object({ url: z.string().min(1).max(2048) }),
  'pbx/list': none,
  'pbx/save': z.object({
    id: id.optional(),
    name: z.string().trim().min(1, 'must not be empty').max(100),
    url: z.string().trim().max(2048).refine(isHttpUrl, 'must be an https:// (or http://) address of the PBX'),
    api: z.enum(['auto', 'legacy', 'ucm63xx']),
    user: z.string().trim().min(1, 'must not be empty').max(100),
    tz: z.string().min(1).max(64).refine(isValidTimeZone, 'must be an IANA time zone such as Europe/Berlin'),
    model: z.string().max(100).optional(),
    ca_file: z.string().min(1).max(4096).nullable().optional(),
    password: secret.optional(),
    ...dialPlan,
    sync_every: syncEvery,
    business_hours: businessHours,
  }),
  'pbx/saveImportSource': z.object({
    id: id.optional(),
    name: z.string().trim().min(1, 'must not be empty').max(100),
    tz: z.string().min(1).max(64).refine(isValidTimeZone, 'must be an IANA time zone such as Europe/Berlin'),
    model: z.string().max(100).optional(),
    ...dialPlan,
    business_hours: businessHours,
  }),
  'pbx/remove': z.object({ id, calls: z.enum(['delete', 'keep']).optional() }),
  'pbx/test': z.object({ id, password: secret.optional() }),
  'pbx/trust': z.object({
    id,
    fingerprint: z
      .string()
      .regex(/^([0-9A-Fa-f]{2}:){31}[0-9A-Fa-f]{2}$/, 'must be a SHA-256 fingerprint AA:BB:...')
      .transform((v) => v.toUpperCase()),
  }),
  'pbx/startDemo': none,
  'sync/run': z.object({ taskId, pbx_id: id, full: z.boolean().optional(), password: secret.optional() }),
  'calls/page': z.object({
    filter: callFilter,
    sort: callSort.optional(),
    limit: z.number().int().min(1).max(1000).optional(),
    cursor: z.string().max(4096).nullable().optional(),
  }),
  'calls/totals': z.object({ filter: callFilter }),
  'calls/session': z.object({ call_id: id }),
  'calls/filterOptions': none,
  'recordings/play': z.object({ call_id: id, recording: z.string().min(1).max(1024), password: secret.optional() }),
  'recordings/export': z
    .object({
      taskId,
      call_id: id.optional(),
      filter: callFilter.optional(),
      target: fileRef.optional(),
      password: secret.optional(),
    })
    .refine((r) => (r.call_id === undefined) !== (r.filter === undefined), {
      message: 'give either call_id (one call) or filter (the filtered set), not both and not neither',
      path: ['call_id'],
    }),
  'imports/run': z.object({
    taskId,
    files: z.array(fileRef).min(1, 'must name at least one file').max(1000),
    pbx: z.string().min(1).max(100).optional(),
    date_order: z.enum(['auto', 'mdy', 'dmy']).optional(),
    mapping: z.record(z.string().max(SHORT), z.string().max(64)).optional(),
  }),
  'imports/list': none,
  'reports/run': reportRequest,
  'reports/save': z.object({ request: reportRequest, format: z.enum(['html', 'pdf']), target: fileRef.optional() }),
  'imports/undo': z.object({ id }),
  'exports/run': z.object({
    taskId,
    filter: callFilter,
    sort: callSort.optional(),
    format: z.enum(EXPORT_FORMATS),
    fields: z.array(z.enum(EXPORT_FIELDS)).min(1).max(EXPORT_FIELDS.length).optional(),
    bom: z.boolean().optional(),
    target: fileRef.optional(),
  }),
  'rates/list': none,
  'rates/show': z.object({ plan: planName }),
  'rates/import': z.object({
    file: fileRef,
    plan: planName,
    currency: z.string().trim().regex(/^[A-Za-z]{3}$/, 'must be a three-letter ISO 4217 code such as GBP').optional(),
    pbx: names.optional(),
    trunks: names.optional(),
  }),
  'rates/assign': z.object({ plan: planName, pbx: names, trunks: names }),
  'rates/remove': z.object({ plan: planName }),
  'rates/lookup': z.object({
    number: z.string().trim().min(1, 'must not be empty').max(64),
    pbx: z.string().trim().min(1).max(100),
    trunk: z.string().trim().min(1).max(SHORT).optional(),
    at: z.string().trim().max(32).optional(),
  }),
  'rates/state': none,
  'rates/rerate': z.object({ taskId }),
  'contacts/list': z
    .object({
      pbx: z.string().trim().max(100).optional(),
      search: z.string().max(SHORT).optional(),
      limit: z.number().int().min(1).max(100_000).optional(),
    })
    .strict(),
  'contacts/import': z.object({ file: fileRef, pbx: z.string().trim().min(1).max(100).optional(), replace: z.boolean().optional() }),
  'contacts/remove': z
    .object({
      pbx: z.string().trim().min(1).max(100).optional(),
      numbers: z.array(z.string().trim().min(1).max(64)).max(100_000).optional(),
      all: z.boolean().optional(),
    })
    .strict()
    .refine((r) => (r.all === true) !== (r.numbers !== undefined && r.numbers.length > 0), {
      message: 'give either numbers or all: true',
      path: ['numbers'],
    }),
  // Every field optional: strict, so a request of another method's shape is refused, not taken as "all".
  'alerts/list': z.union([none, z.object({ all: z.boolean().optional(), since: wallClock }).strict()]).transform((r) => r ?? {}),
  'alerts/calls': z.object({ id }),
  'alerts/acknowledge': z.object({ ids: z.array(id).max(10_000).optional(), all: z.boolean().optional() }).strict(),
  'alerts/rules': none,
  'alerts/saveRules': alertRules,
  'alerts/scan': z.object({ pbx: names.optional(), from: wallClock, to: wallClock }).strict(),
  'watch/status': none,
  'watch/runNow': none,
  'watch/mail': none,
  'watch/saveMail': z.object({
    smtp: z.string().trim().max(500),
    from: z.string().trim().max(320),
    to: z.array(z.string().trim().min(1).max(320)).max(50),
    daily_report: z.string().trim().max(5),
    password: z.string().max(1024).optional(),
  }),
  'watch/testMail': none,
  'dialogs/pickImportFiles': none,
  'dialogs/pickSaveFile': z.object({ suggested_name: z.string().max(255), format: z.enum(SAVE_FORMATS) }),
  'dialogs/pickFolder': none,
  'tasks/cancel': z.object({ taskId }),
};

const METHOD_SET: ReadonlySet<string> = new Set(API_METHODS);

export function isApiMethod(value: string): value is ApiMethodName {
  return METHOD_SET.has(value);
}

/** The offending value for the message, unless it could be a secret or is too long to be useful. */
function describeValue(payload: unknown, path: readonly PropertyKey[]): string {
  if (path.some((key) => typeof key === 'string' && /password|token|secret/i.test(key))) return '';
  let value: unknown = payload;
  for (const key of path) {
    if (value === null || typeof value !== 'object') return '';
    value = (value as Record<PropertyKey, unknown>)[key];
  }
  if (value === undefined) return ' (missing)';
  if (typeof value === 'string') return value.length > 80 ? '' : ` (got ${JSON.stringify(value)})`;
  if (typeof value === 'number' || typeof value === 'boolean' || value === null) return ` (got ${String(value)})`;
  return '';
}

/**
 * Checks a payload against the method's schema. Throws AppError BAD_INPUT naming the method, the
 * field and the bad value (never a password) when it does not fit.
 */
export function validateRequest<M extends ApiMethodName>(method: M, payload: unknown): RequestOf<M> {
  const schema: z.ZodType<RequestOf<M>> = schemas[method];
  const result = schema.safeParse(payload);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const field = issue.path.length > 0 ? issue.path.map(String).join('.') : 'request';
  throw new AppError(
    'BAD_INPUT',
    `Refused ${method}: ${field} ${issue.message.replace(/^Invalid input: /, '')}${describeValue(payload, issue.path)}.`,
    { method, field },
  );
}
