import { VIEWER_EXPORT_FIELDS } from '../../preload/api.js';
import { AppError } from '../errors.js';
import { exportFieldLabel } from '../export/fields.js';

/**
 * Column headers of CDR files mapped to the cdrapi field names. UCM web-page exports use the human
 * names of the "Export File Data" list (plus older and misspelled ones the guide prints), cdrapi CSV uses
 * the field names themselves, GDMS files use either. Matching ignores case, spaces and punctuation.
 */

/** Each cdrapi field with the header spellings that mean it (already in normalized form). */
const SYNONYMS: Readonly<Record<string, readonly string[]>> = {
  AcctId: ['acctid', 'accountid'],
  accountcode: ['accountcode'],
  src: ['src', 'callernumber', 'callfrom', 'caller', 'callingnumber'],
  dst: ['dst', 'calleenumber', 'callto', 'callee', 'callednumber'],
  dcontext: ['dcontext', 'context'],
  clid: ['clid', 'callerid', 'calerid'],
  channel: ['channel', 'sourcechannel', 'srcchannel'],
  dstchannel: ['dstchannel', 'destchannel', 'destinationchannel'],
  lastapp: ['lastapp', 'lastapplication'],
  lastdata: ['lastdata'],
  start: ['start', 'starttime', 'calldate', 'callstarttime'],
  answer: ['answer', 'answertime'],
  end: ['end', 'endtime', 'hangupat', 'callendtime'],
  duration: ['duration', 'calltime', 'callduration'],
  billsec: ['billsec', 'talktime', 'talkduration'],
  disposition: ['disposition', 'callstatus', 'status'],
  amaflags: ['amaflags'],
  uniqueid: ['uniqueid', 'uiqueid'],
  userfield: ['userfield', 'calltype'],
  channel_ext: ['channelext', 'sourcechannelextension'],
  dstchannel_ext: ['dstchannelext', 'destchannelextension'],
  service: ['service'],
  caller_name: ['callername'],
  recordfiles: ['recordfiles', 'recordingfiles'],
  dstanswer: ['dstanswer', 'answerby', 'answeredby'],
  chanext: ['chanext'],
  dstchanext: ['dstchanext'],
  session: ['session', 'sessionid'],
  action_owner: ['actionowner'],
  action_type: ['actiontype'],
  src_trunk_name: ['srctrunkname', 'sourcetrunkname'],
  dst_trunk_name: ['dsttrunkname', 'desttrunkname', 'destinationtrunkname'],
  nat_call: ['natcall', 'nat'],
  nat_call_peer: ['natcallpeer'],
  video_call: ['videocall'],
  gdms_unique_code: ['gdmsuniquecode'],
  gds_call: ['gdscall'],
  gsc_call: ['gsccall'],
  wave_src_seqid: ['wavesrcseqid'],
  wave_dst_seqid: ['wavedstseqid'],
  device_info: ['deviceinfo'],
  device_info_peer: ['deviceinfopeer'],
  recordfiles_desc: ['recordfilesdesc'],
  // Marks a row as the main record (`main_cdr`) or a leg (`sub_cdr_N`) of its session.
  cdr: ['cdr'],
};

/** The fields a column can be mapped to (the targets the UI's column-mapping step offers). */
export const CANONICAL_IMPORT_FIELDS: readonly string[] = Object.freeze(Object.keys(SYNONYMS));

const canonicalSet = new Set(CANONICAL_IMPORT_FIELDS);

const byNormalizedName = new Map<string, string>();
for (const [field, names] of Object.entries(SYNONYMS)) {
  for (const name of names) byNormalizedName.set(name, field);
}

/** `Caller Number`, `caller_number`, `CALLER-NUMBER` -> `callernumber`. */
export function normalizeHeaderName(header: string): string {
  return header.normalize('NFKC').toLowerCase().replace(/[^\p{L}\p{N}]+/gu, '');
}

export interface HeaderMapping {
  /** Header text -> cdrapi field, for the columns recognised. */
  mapping: Record<string, string>;
  /** Headers no synonym matches (kept under their own text when the file is imported). */
  unknown: string[];
  /** Whether the mapping is good enough to import without asking the user. */
  confident: boolean;
}

/** What each column of a file becomes: a cdrapi field, or the header text for a column kept as is. */
export interface ColumnPlan {
  /** Per column: the record key its values go to, or null to ignore an empty, unnamed column. */
  keys: (string | null)[];
  mapped: Set<string>;
  unknown: string[];
  /** True when every recognised header is spelled exactly as the cdrapi field (a cdrapi CSV). */
  cdrapiNames: boolean;
  /** True when the user's column mapping named at least one of these headers. */
  userMapped: boolean;
}

/** A start time and a caller or callee: the least that makes a row a call. */
function hasMinimumFields(mapped: Set<string>): boolean {
  return mapped.has('start') && (mapped.has('src') || mapped.has('dst'));
}

function isConfident(mapped: Set<string>, unknownCount: number): boolean {
  return hasMinimumFields(mapped) && unknownCount <= mapped.size;
}

/**
 * Validates a user-chosen mapping (header text -> cdrapi field, or '' to keep the column under its
 * header text). Throws BAD_INPUT naming the first bad entry.
 */
export function validateUserMapping(mapping: unknown): Map<string, string> {
  if (mapping === undefined || mapping === null) return new Map();
  if (typeof mapping !== 'object' || Array.isArray(mapping)) {
    throw new AppError('BAD_INPUT', 'The column mapping must be an object of header text -> field name.');
  }
  const out = new Map<string, string>();
  for (const [header, field] of Object.entries(mapping as Record<string, unknown>)) {
    if (typeof field !== 'string' || (field !== '' && !canonicalSet.has(field))) {
      throw new AppError(
        'BAD_INPUT',
        `The column mapping sends "${header}" to ${JSON.stringify(field)}, which is not a CDR field. Use one of: ${CANONICAL_IMPORT_FIELDS.join(', ')}, or '' to keep the column as is.`,
        { header, field },
      );
    }
    out.set(normalizeHeaderName(header), field);
  }
  return out;
}

/**
 * Columns this app's own CSV export adds after the UCM's (main/export/fields.ts): values derived from
 * the records, not records. Re-importing an export must not store them as fields of the call.
 */
const DERIVED_EXPORT_COLUMNS = new Set(VIEWER_EXPORT_FIELDS.flatMap((field) => [normalizeHeaderName(field), normalizeHeaderName(exportFieldLabel(field))]));

/** The key of a column that is read but not stored (see DERIVED_EXPORT_COLUMNS). */
export const DROPPED_COLUMN = '';

/** Plans the columns of a header line; `userMapping` (from validateUserMapping) wins over the synonyms. */
export function planColumns(headers: readonly string[], userMapping: Map<string, string> = new Map()): ColumnPlan {
  const keys: (string | null)[] = [];
  const mapped = new Set<string>();
  const unknown: string[] = [];
  const taken = new Set<string>();
  let cdrapiNames = true;
  let recognised = 0;
  let userMapped = false;
  headers.forEach((header) => {
    const trimmed = header.trim();
    const normalized = normalizeHeaderName(trimmed);
    const chosen = userMapping.get(normalized);
    if (chosen !== undefined) userMapped = true;
    const field = chosen !== undefined ? chosen : byNormalizedName.get(normalized);
    if (chosen === undefined && field === undefined && DERIVED_EXPORT_COLUMNS.has(normalized)) {
      keys.push(DROPPED_COLUMN);
      recognised++;
      return;
    }
    if (field && !mapped.has(field)) {
      mapped.add(field);
      keys.push(field);
      taken.add(field);
      recognised++;
      // The guide itself writes AcctID next to AcctId: case does not make a header human.
      if (trimmed.toLowerCase() !== field.toLowerCase()) cdrapiNames = false;
      return;
    }
    if (trimmed === '') {
      keys.push(null);
      return;
    }
    // A second column meaning an already mapped field (`Status` next to `Disposition`) is kept under its text.
    if (field === undefined) unknown.push(trimmed);
    let key = trimmed;
    for (let n = 2; taken.has(key) || canonicalSet.has(key); n++) key = `${trimmed} (${n})`;
    taken.add(key);
    keys.push(key);
  });
  return { keys, mapped, unknown, cdrapiNames: cdrapiNames && recognised > 0, userMapped };
}

/** Whether a planned header can be imported; once the user mapped its columns, unknown ones no longer count. */
export function planIsConfident(plan: ColumnPlan): boolean {
  return plan.userMapped ? hasMinimumFields(plan.mapped) : isConfident(plan.mapped, plan.unknown.length);
}

/**
 * Maps a header line to cdrapi fields for the UI's column-mapping step: which columns are recognised,
 * which are not, and whether the file can be imported without asking.
 */
export function mapHeader(headers: string[]): HeaderMapping {
  const plan = planColumns(headers);
  const mapping: Record<string, string> = {};
  headers.forEach((header, index) => {
    const key = plan.keys[index];
    if (key !== null && key !== undefined && canonicalSet.has(key) && !(header.trim() in mapping)) {
      mapping[header.trim()] = key;
    }
  });
  return { mapping, unknown: plan.unknown, confident: isConfident(plan.mapped, plan.unknown.length) };
}
