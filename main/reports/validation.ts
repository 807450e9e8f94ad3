import type { CallFilter } from '../../preload/api.js';
import { ACTIVITY_BUCKETS, COST_BUCKETS, REPORT_KINDS, TOP_OF, type ReportRequest } from '../../preload/reports.js';
import { AppError } from '../errors.js';

const KEYS = ['kind', 'filter', 'by', 'compare', 'of', 'limit', 'trunk'];
const MAX_LIMIT = 1000;

function bad(message: string, details?: Record<string, unknown>): AppError {
  return new AppError('BAD_INPUT', message, details);
}

/**
 * A report request as the reports service takes it. The filter's own content is checked where it is
 * compiled (main/store/filter.ts), the one place that knows every filter field.
 */
export function validateReportRequest(value: unknown): ReportRequest & { filter: CallFilter } {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw bad('A report request must be an object.');
  const r = value as Record<string, unknown>;
  for (const key of Object.keys(r)) {
    if (!KEYS.includes(key)) throw bad(`Unknown report option "${key}": use ${KEYS.join(', ')}.`, { field: key });
  }
  if (!REPORT_KINDS.includes(r.kind as never)) {
    throw bad(`Unknown report "${String(r.kind)}": use one of ${REPORT_KINDS.join(', ')}.`, { field: 'kind', value: r.kind });
  }
  const kind = r.kind as ReportRequest['kind'];
  const filter = (r.filter ?? {}) as CallFilter;
  if (typeof filter !== 'object' || filter === null || Array.isArray(filter)) throw bad('The report filter must be an object.');
  if (r.by !== undefined) {
    const allowed: readonly string[] = kind === 'concurrency' ? ['day', 'hour'] : kind === 'activity' ? ACTIVITY_BUCKETS : kind === 'costs' ? COST_BUCKETS : [];
    if (!allowed.includes(r.by as string)) {
      throw bad(
        allowed.length === 0 ? `The ${kind} report takes no --by.` : `--by for ${kind} is one of ${allowed.join(', ')}, got "${String(r.by)}".`,
        { field: 'by', value: r.by },
      );
    }
  }
  if (r.compare !== undefined && (kind !== 'activity' || r.compare !== 'previous')) {
    throw bad('--compare previous is an option of the activity report only.', { field: 'compare', value: r.compare });
  }
  if (r.of !== undefined && (kind !== 'top' || !TOP_OF.includes(r.of as never))) {
    throw bad(`--of is an option of the top report: ${TOP_OF.join(' or ')}.`, { field: 'of', value: r.of });
  }
  if (r.limit !== undefined && (kind !== 'top' || typeof r.limit !== 'number' || !Number.isSafeInteger(r.limit) || r.limit < 1 || r.limit > MAX_LIMIT)) {
    throw bad(`--limit is an option of the top report: a whole number from 1 to ${MAX_LIMIT}.`, { field: 'limit', value: r.limit });
  }
  if (r.trunk !== undefined && (kind !== 'concurrency' || typeof r.trunk !== 'string' || r.trunk.trim() === '')) {
    throw bad('--trunk is an option of the concurrency report: a trunk name.', { field: 'trunk', value: r.trunk });
  }
  return { ...(r as unknown as ReportRequest), filter };
}
