/**
 * How much a source of call records is trusted, the one place it is decided. A merge lets a later
 * delivery fill what the cache lacks, but a stored non-empty value is replaced only by a source ranked
 * above the one that stored it (main/cdr/merge.ts); the value that loses is kept aside as a conflict.
 *
 * - api: the PBX's own API (a sync) is the record itself.
 * - cdrapi-file: a saved cdrapi response (JSON, XML or its CSV): the API's output, but a file a person kept.
 * - page-csv: a UCM CDR page or GDMS export: the PBX's values reformatted for people (dates, durations).
 * - damaged: a file that shows spreadsheet damage (times without seconds, numbers in scientific
 *   notation): its values may be wrong in ways no one can see, so it never changes a known call.
 */
export const SOURCE_RANKS = {
  damaged: 1,
  'page-csv': 2,
  'cdrapi-file': 3,
  api: 4,
} as const;

export type SourceKind = keyof typeof SOURCE_RANKS;

/** The rank of calls stored before ranks were kept (calls.authority NULL): by their origin. */
export function rankOfOrigin(origin: string): number {
  return origin === 'sync' ? SOURCE_RANKS.api : SOURCE_RANKS['page-csv'];
}

/** The source kind of an imported file by its recognised format (`cdrapi-json`, `zip/ucm-csv`, ...). */
export function sourceKindOfFormat(format: string): SourceKind {
  return /(^|\/)cdrapi-/.test(format) ? 'cdrapi-file' : 'page-csv';
}
