import { CDR_FIELDS } from '../cdr/fields.js';

/**
 * The record fields a UCM sends, in the order it sends them: the guide's CSV header (the CDR model's
 * canonical list) for the legacy API, and the extra fields a UCM63xx appends (seen in a real capture,
 * not in the guide).
 */
export const LEGACY_FIELDS = CDR_FIELDS;

export const UCM63XX_EXTRA_FIELDS = [
  'nat_call',
  'nat_call_peer',
  'video_call',
  'gdms_unique_code',
  'gds_call',
  'gsc_call',
  'wave_src_seqid',
  'wave_dst_seqid',
  'device_info',
  'device_info_peer',
  'recordfiles_desc',
] as const;

export const UCM63XX_FIELDS = [...LEGACY_FIELDS, ...UCM63XX_EXTRA_FIELDS] as const;

/** Which device generation the data imitates: the field set and recording layout follow from it. */
export type Flavour = 'legacy' | 'ucm63xx';

export function fieldsOf(flavour: Flavour): readonly string[] {
  return flavour === 'legacy' ? LEGACY_FIELDS : UCM63XX_FIELDS;
}
