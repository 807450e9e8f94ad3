import { z } from 'zod';
import {
  API_METHODS,
  EXPORT_FIELDS,
  EXPORT_FORMATS,
  SORT_FIELDS,
  type ApiArea,
  type ApiMethodName,
  type UcmApi,
} from '../../preload/api.js';
import { compileNumberPattern } from '../cdr/patterns.js';
import { DIRECTIONS, DISPOSITIONS } from '../cdr/types.js';
import { AppError } from '../errors.js';

/**
 * Every payload that enters through IPC or the web mode passes here first, so a service only ever
 * sees values of the contract's shape. Unknown keys are dropped (not refused): a renderer that sends
 * a whole PbxProfile as a PbxInput still works, and nothing unexpected reaches a service.
 */

type MethodFn<M extends ApiMethodName> = M extends `${infer A extends ApiArea}/${infer K}`
  ? K extends keyof UcmApi[A]
    ? UcmApi[A][K]
    : never
  : never;

/** The request type of a contract method (undefined for methods without one). */
export type RequestOf<M extends ApiMethodName> = MethodFn<M> extends (...args: infer P) => unknown ? P[0] : never;
/** The resolved response type of a contract method. */
export type ResponseOf<M extends ApiMethodName> = MethodFn<M> extends (...args: never[]) => infer R ? Awaited<R> : never;

const SHORT = 200;
const id = z.number().int().positive().max(Number.MAX_SAFE_INTEGER);
const shortText = z.string().max(SHORT);
const nameList = z.array(z.string().min(1).max(SHORT)).max(1000);
const secret = z.string().min(1, 'must not be empty').max(1024);
const taskId = z
  .string()
  .min(1)
  .max(100)
  .regex(/^[\w.:-]+$/, 'must be letters, digits, ".", ":", "_" or "-"');

const LOCAL_TIME = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2}))?)?$/;

function isRealLocalTime(value: string): boolean {
  const m = LOCAL_TIME.exec(value);
  if (!m) return false;
  const [y, mo, d, h = '0', mi = '0', s = '0'] = m.slice(1).map((part) => part ?? '0');
  const date = new Date(Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s)));
  return (
    date.getUTCFullYear() === Number(y) &&
    date.getUTCMonth() === Number(mo) - 1 &&
    date.getUTCDate() === Number(d) &&
    date.getUTCHours() === Number(h) &&
    date.getUTCMinutes() === Number(mi) &&
    date.getUTCSeconds() === Number(s)
  );
}

const localTime = z
  .string()
  .max(19)
  .refine(isRealLocalTime, 'must be a date YYYY-MM-DD or a time YYYY-MM-DDTHH:MM[:SS]');

/** An empty text field in the UI means "no filter", not "match the empty string". */
function optionalText<T extends z.ZodType<string>>(schema: T) {
  return z.preprocess((v) => (typeof v === 'string' && v.trim() === '' ? undefined : v), schema.optional());
}

const numberPattern = z
  .string()
  .max(500)
  .superRefine((value, ctx) => {
    try {
      compileNumberPattern(value);
    } catch (error) {
      ctx.addIssue({ code: 'custom', message: error instanceof Error ? error.message : 'is not a number pattern' });
    }
  });

const seconds = z.number().int().min(0).max(1e9);

export const callFilterSchema = z.object({
  pbx: nameList.optional(),
  from: optionalText(localTime),
  to: optionalText(localTime),
  caller: optionalText(numberPattern),
  callee: optionalText(numberPattern),
  answered_by: optionalText(numberPattern),
  caller_name: optionalText(shortText),
  status: z.array(z.enum(DISPOSITIONS)).max(DISPOSITIONS.length).optional(),
  direction: z.array(z.enum(DIRECTIONS)).max(DIRECTIONS.length).optional(),
  action_type: nameList.optional(),
  src_trunk: nameList.optional(),
  dst_trunk: nameList.optional(),
  account_code: nameList.optional(),
  min_talk: seconds.optional(),
  max_talk: seconds.optional(),
  min_call: seconds.optional(),
  max_call: seconds.optional(),
  has_recording: z.boolean().optional(),
  search: optionalText(shortText),
});

const callSort = z.object({ field: z.enum(SORT_FIELDS), dir: z.enum(['asc', 'desc']) });
const fileRef = z.object({ ref: z.string().min(1).max(100), name: z.string().max(1000) });
const none = z.union([z.undefined(), z.null(), z.object({}).strict()]).transform(() => undefined);

function isTimeZone(value: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: value });
    return true;
  } catch {
    return false;
  }
}

function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return (url.protocol === 'https:' || url.protocol === 'http:') && url.hostname !== '';
  } catch {
    return false;
  }
}

const settings = z.object({
  theme: z.enum(['system', 'light', 'dark']),
  columns: z.array(z.string().min(1).max(64)).max(100),
  saved_filters: z.array(z.object({ name: z.string().trim().min(1).max(SHORT), filter: callFilterSchema })).max(500),
});

const schemas: { [M in ApiMethodName]: z.ZodType<RequestOf<M>> } = {
  'app/info': none,
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
    tz: z.string().min(1).max(64).refine(isTimeZone, 'must be an IANA time zone such as Europe/Berlin'),
    model: z.string().max(100).optional(),
    ca_file: z.string().min(1).max(4096).nullable().optional(),
    password: secret.optional(),
  }),
  'pbx/saveImportSource': z.object({
    id: id.optional(),
    name: z.string().trim().min(1, 'must not be empty').max(100),
    tz: z.string().min(1).max(64).refine(isTimeZone, 'must be an IANA time zone such as Europe/Berlin'),
    model: z.string().max(100).optional(),
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
    filter: callFilterSchema,
    sort: callSort.optional(),
    limit: z.number().int().min(1).max(1000).optional(),
    cursor: z.string().max(4096).nullable().optional(),
  }),
  'calls/totals': z.object({ filter: callFilterSchema }),
  'calls/session': z.object({ call_id: id }),
  'calls/filterOptions': none,
  'recordings/play': z.object({ call_id: id, recording: z.string().min(1).max(1024), password: secret.optional() }),
  'recordings/export': z
    .object({
      taskId,
      call_id: id.optional(),
      filter: callFilterSchema.optional(),
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
  'imports/undo': z.object({ id }),
  'exports/run': z.object({
    taskId,
    filter: callFilterSchema,
    sort: callSort.optional(),
    format: z.enum(EXPORT_FORMATS),
    fields: z.array(z.enum(EXPORT_FIELDS)).min(1).max(EXPORT_FIELDS.length).optional(),
    bom: z.boolean().optional(),
    target: fileRef.optional(),
  }),
  'dialogs/pickImportFiles': none,
  'dialogs/pickSaveFile': z.object({ suggested_name: z.string().max(255), format: z.enum(EXPORT_FORMATS) }),
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
