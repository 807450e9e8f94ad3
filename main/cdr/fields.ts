/**
 * The fields of one cdrapi record, in the order the PBX writes them (the CSV header of the guide).
 * Devices add more (nat_call, gdms_unique_code, recordfiles_desc, ...); those are kept too, after these.
 */
export const CDR_FIELDS = [
  'AcctId',
  'accountcode',
  'src',
  'dst',
  'dcontext',
  'clid',
  'channel',
  'dstchannel',
  'lastapp',
  'lastdata',
  'start',
  'answer',
  'end',
  'duration',
  'billsec',
  'disposition',
  'amaflags',
  'uniqueid',
  'userfield',
  'channel_ext',
  'dstchannel_ext',
  'service',
  'caller_name',
  'recordfiles',
  'dstanswer',
  'chanext',
  'dstchanext',
  'session',
  'action_owner',
  'action_type',
  'src_trunk_name',
  'dst_trunk_name',
] as const;

export type CdrField = (typeof CDR_FIELDS)[number];

const KNOWN = new Set<string>(CDR_FIELDS);

/** True for one of the canonical cdrapi field names (exact spelling). */
export function isCdrField(name: string): name is CdrField {
  return KNOWN.has(name);
}

const BY_LOWER = new Map<string, CdrField>(CDR_FIELDS.map((name) => [name.toLowerCase(), name]));
/** Names seen so far: parsers ask for every field of every record, and responses repeat the same few. */
const seen = new Map<string, string>();
const SEEN_LIMIT = 10_000;

/**
 * The canonical spelling of a field name: the guide itself writes `<AcctID>` next to `<AcctId>`, so a
 * name differing from a canonical one only in case is that field. Other names are kept as sent.
 */
export function canonicalFieldName(name: string): string {
  const known = seen.get(name);
  if (known !== undefined) return known;
  const canonical = KNOWN.has(name) ? name : (BY_LOWER.get(name.toLowerCase()) ?? name);
  if (seen.size < SEEN_LIMIT) seen.set(name, canonical);
  return canonical;
}
