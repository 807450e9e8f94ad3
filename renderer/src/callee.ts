import type { DecodedChannel } from '../../preload/api.js';

/**
 * What to call the callee. A call that came in on an analog line has the PBX's start extension `s` as
 * its destination, which says nothing to a reader: it is named after the analog port of its decoded
 * channel instead ("analog line (FXO port 2)"). The raw value stays in the record's fields.
 */
export function calleeLabel(dst: string, channels: readonly DecodedChannel[]): string {
  if (dst !== 's' && dst !== '') return dst;
  const analog = channels.find((c) => (c.kind === 'fxo' || c.kind === 'fxs' || c.kind === 'dahdi') && c.port !== undefined);
  if (!analog) return dst;
  if (analog.kind === 'fxo') return `analog line (FXO port ${analog.port})`;
  if (analog.kind === 'fxs') return `analog phone (FXS port ${analog.port})`;
  return `analog port ${analog.port}`;
}
