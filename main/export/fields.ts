import type { CallRow, ExportField } from '../../preload/api.js';
import { EXPORT_FIELDS } from '../../preload/api.js';
import { encodeRoute } from '../cdr/outcome.js';
import type { CdrRecord } from '../cdr/types.js';

/** A value as it appears in a JSON export; CSV renders it with `csvText`. */
export type ExportValue = string | number | boolean | string[] | null;

interface FieldSpec {
  /** Column name of the UCM CDR page's "Export File Data" list (our additions after NAT). */
  label: string;
  /** Derived value from the call row, or the raw field of the call's main record that holds it. */
  value: { row: (row: CallRow) => ExportValue } | { raw: string };
}

const SPECS: Record<ExportField, FieldSpec> = {
  account_code: { label: 'Account Code', value: { row: (r) => r.account_code } },
  session: { label: 'Session', value: { row: (r) => r.session } },
  action_owner: { label: 'Action Owner', value: { raw: 'action_owner' } },
  action_type: { label: 'Action Type', value: { row: (r) => r.action_type } },
  src_trunk_name: { label: 'Source Trunk Name', value: { row: (r) => r.src_trunk_name } },
  dst_trunk_name: { label: 'Dest Trunk Name', value: { row: (r) => r.dst_trunk_name } },
  caller_name: { label: 'Caller Name', value: { row: (r) => r.caller_name } },
  caller_number: { label: 'Caller Number', value: { row: (r) => r.src } },
  caller_id: { label: 'Caller ID', value: { row: (r) => r.clid } },
  callee_number: { label: 'Callee Number', value: { row: (r) => r.dst } },
  answer_by: { label: 'Answer By', value: { row: (r) => r.answered_by } },
  context: { label: 'Context', value: { raw: 'dcontext' } },
  start_time: { label: 'Start Time', value: { row: (r) => r.start } },
  answer_time: { label: 'Answer Time', value: { row: (r) => r.answer } },
  end_time: { label: 'End Time', value: { row: (r) => r.end } },
  call_time: { label: 'Call Time', value: { row: (r) => r.duration } },
  talk_time: { label: 'Talk Time', value: { row: (r) => r.billsec } },
  source_channel: { label: 'Source Channel', value: { raw: 'channel' } },
  dest_channel: { label: 'Dest Channel', value: { raw: 'dstchannel' } },
  last_app: { label: 'Last App', value: { raw: 'lastapp' } },
  dest_channel_extension: { label: 'Dest Channel Extension', value: { raw: 'dstchannel_ext' } },
  disposition: { label: 'Disposition', value: { row: (r) => r.disposition } },
  last_data: { label: 'Last Data', value: { raw: 'lastdata' } },
  amaflags: { label: 'AMA Flags', value: { raw: 'amaflags' } },
  uniqueid: { label: 'Unique ID', value: { raw: 'uniqueid' } },
  userfield: { label: 'User Field', value: { raw: 'userfield' } },
  nat: { label: 'NAT', value: { row: (r) => r.nat } },
  pbx: { label: 'PBX', value: { row: (r) => r.pbx } },
  direction: { label: 'Direction', value: { row: (r) => r.direction } },
  recordings: { label: 'Recordings', value: { row: (r) => r.recordings } },
  outcome: { label: 'Outcome', value: { row: (r) => r.outcome } },
  route: { label: 'Route', value: { row: (r) => encodeRoute(r.route) } },
  cost: { label: 'Cost', value: { row: (r) => r.cost } },
  cost_status: { label: 'Cost Status', value: { row: (r) => r.cost_status } },
  cost_currency: { label: 'Cost Currency', value: { row: (r) => r.cost_currency } },
  rate_destination: { label: 'Rate Destination', value: { row: (r) => r.rate_destination } },
  callee_name: { label: 'Callee Name', value: { row: (r) => r.callee_name } },
  answer_by_name: { label: 'Answer By Name', value: { row: (r) => r.answered_by_name } },
};

export function exportFieldLabel(field: ExportField): string {
  return SPECS[field].label;
}

/** Whether any of these fields is only in the raw main record (costs a record lookup per call). */
export function needsRawFields(fields: readonly ExportField[]): boolean {
  return fields.some((f) => 'raw' in SPECS[f].value);
}

/** A field's value for one call; `main` is the call's raw main record when `needsRawFields`. */
export function exportValue(field: ExportField, row: CallRow, main: CdrRecord | null): ExportValue {
  const spec = SPECS[field].value;
  if ('row' in spec) return spec.row(row);
  return main?.[spec.raw] ?? '';
}

/**
 * Text of a value in a CSV cell, in the forms the UCM's own export uses so the file reads (and
 * re-imports) like one: wall-clock times as `YYYY-MM-DD HH:MM:SS`, NAT as yes/no, and the recordings
 * joined the way the PBX lists them in `recordfiles` (each entry followed by '@').
 */
export function csvText(field: ExportField, value: ExportValue): string {
  if (value === null) return '';
  if (Array.isArray(value)) return value.map((v) => `${v}@`).join('');
  if (typeof value === 'boolean') return value ? 'yes' : 'no';
  if (typeof value === 'number') return String(value);
  if (field === 'start_time' || field === 'answer_time' || field === 'end_time') return value.replace('T', ' ');
  return value;
}

const KNOWN = new Set<string>(EXPORT_FIELDS);

export function isExportField(value: string): value is ExportField {
  return KNOWN.has(value);
}
