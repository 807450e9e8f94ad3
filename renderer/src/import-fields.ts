/**
 * Canonical CDR fields a file column can be mapped to in the import's column-mapping step: the
 * cdrapi field names of the vendor guide (CSV output header), plus the NAT flag and the main/sub
 * record marker of UCM63xx exports. The importer accepts these names (main/importers/header-map.ts).
 */
export const IMPORT_FIELDS: readonly { field: string; label: string }[] = [
  { field: 'AcctId', label: 'Record id' },
  { field: 'accountcode', label: 'Account code' },
  { field: 'src', label: 'Caller number' },
  { field: 'dst', label: 'Callee number' },
  { field: 'dcontext', label: 'Context' },
  { field: 'clid', label: 'Caller ID' },
  { field: 'channel', label: 'Source channel' },
  { field: 'dstchannel', label: 'Dest channel' },
  { field: 'lastapp', label: 'Last app' },
  { field: 'lastdata', label: 'Last data' },
  { field: 'start', label: 'Start time' },
  { field: 'answer', label: 'Answer time' },
  { field: 'end', label: 'End time' },
  { field: 'duration', label: 'Call time' },
  { field: 'billsec', label: 'Talk time' },
  { field: 'disposition', label: 'Disposition / status' },
  { field: 'amaflags', label: 'AMA flags' },
  { field: 'uniqueid', label: 'Unique ID' },
  { field: 'userfield', label: 'User field / call type' },
  { field: 'channel_ext', label: 'Source channel extension' },
  { field: 'dstchannel_ext', label: 'Dest channel extension' },
  { field: 'service', label: 'Service' },
  { field: 'caller_name', label: 'Caller name' },
  { field: 'recordfiles', label: 'Recording files' },
  { field: 'dstanswer', label: 'Answered by' },
  { field: 'chanext', label: 'Channel extension' },
  { field: 'dstchanext', label: 'Dest channel extension (short)' },
  { field: 'session', label: 'Session' },
  { field: 'action_owner', label: 'Action owner' },
  { field: 'action_type', label: 'Action type' },
  { field: 'src_trunk_name', label: 'Source trunk name' },
  { field: 'dst_trunk_name', label: 'Dest trunk name' },
  { field: 'nat_call', label: 'NAT' },
  { field: 'cdr', label: 'Record marker (main/sub)' },
];

/** Mapping value that keeps a column as an extra field under its own header text. */
export const KEEP_COLUMN = '';
