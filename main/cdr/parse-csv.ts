import { AppError } from '../errors.js';
import { CallCollector, type ParseProblem } from './assemble.js';
import { csvRows } from './csv-records.js';
import { canonicalFieldName } from './fields.js';
import { recordTemplate } from './record-shape.js';
import type { CdrCall, CdrRecord } from './types.js';

/**
 * cdrapi CSV: the header line `AcctId,accountcode,src,...` then one record per row (CSV has no sub
 * records). Every column is kept under its header name, unknown columns included; rows of one session
 * form one call.
 */

/** Columns without which a header is not the cdrapi one. */
const REQUIRED = ['AcctId', 'src', 'dst', 'start'];

/** True when a header line (already split) is the cdrapi CSV header. */
export function isCdrapiHeader(columns: string[]): boolean {
  const names = new Set(columns.map((column) => canonicalFieldName(column.trim())));
  return canonicalFieldName((columns[0] ?? '').trim()) === 'AcctId' && REQUIRED.every((name) => names.has(name));
}

function notCdr(reason: string): AppError {
  return new AppError(
    'BAD_FILE',
    `This is not cdrapi CSV: ${reason}. Expected a first line starting AcctId,accountcode,src,dst,...`,
  );
}

/** Parses a cdrapi CSV response. Throws AppError('BAD_FILE') when the header is not the cdrapi one. */
export function parseCdrCsv(body: string): { calls: CdrCall[]; problems: ParseProblem[] } {
  const rows = csvRows(body);
  const first = rows.next();
  if (first.done) throw notCdr('it is empty');
  const header = first.value.fields.map((column) => canonicalFieldName(column.trim()));
  if (!isCdrapiHeader(header)) {
    const excerpt = first.value.fields.slice(0, 4).join(',').slice(0, 60);
    throw notCdr(`its first line "${excerpt}" is not the cdrapi header`);
  }
  const collector = new CallCollector();
  const template = recordTemplate(header);
  for (const row of rows) {
    const fields = row.fields;
    if (fields.length === 1 && fields[0] === '') continue;
    const position = `line ${row.line}`;
    if (fields.length !== header.length) {
      collector.problems.push({
        position,
        reason: `the row has ${fields.length} fields where the header names ${header.length}`,
      });
      continue;
    }
    const record: CdrRecord = { ...template };
    for (let i = 0; i < header.length; i++) record[header[i] as string] = fields[i] as string;
    collector.add({ key: '', main: null, legs: [record], position });
  }
  return { calls: collector.result(), problems: collector.problems };
}
