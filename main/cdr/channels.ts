import type { DecodedChannel } from './types.js';

/**
 * Channel strings (`channel`, `dstchannel`) decoded as the guide's "Source Channel, Dest Channel"
 * section describes them:
 * - `PJSIP/1000-0000002a`: extension 1000 (the suffix is a random id);
 * - `PJSIP/trunk_1/2000`: number 2000 dialled out through trunk_1;
 * - `PJSIP/trunk_1-00000002`: a call through trunk_1. As a source channel the call came in on it; as a
 *   destination channel (`side` = 'destination') it is the call going out on it. Trunks the user named
 *   (`PJSIP/Daisy-0000001`) are recognised by a non-numeric name before the id;
 * - `SIP/...` the same; `IAX2/1000-...` an IAX extension (or trunk, when the name is not a number);
 * - `DAHDI/3-1`: analog port 3, FXO or FXS depending on the model;
 * - `Local/6400@from-internal-...`: an internal helper channel;
 * - a bare word (`Hangup`, `Playback`, `ReadExten`): a dialplan application.
 */

export type ChannelSide = 'source' | 'destination';

/** Per model, the last FXO port and the last FXS port (ports are numbered FXO first, from 1). */
const ANALOG_PORTS: Record<string, readonly [number, number]> = {
  '6102': [2, 4],
  '6202': [2, 4],
  '6510': [2, 4],
  '6104': [4, 6],
  '6204': [4, 6],
  '6108': [8, 10],
  '6208': [8, 10],
  '6116': [16, 18],
};

const NUMERIC = /^\d+$/;

/** FXO/FXS role of a DAHDI port on a model (`UCM6208`, `ucm6104`, `6510`), or 'dahdi' if unknown. */
export function analogPortKind(port: number, model: string | undefined): 'fxo' | 'fxs' | 'dahdi' {
  const series = model ? /6[125]\d\d/.exec(model)?.[0] : undefined;
  const layout = series ? ANALOG_PORTS[series] : undefined;
  if (!layout || port < 1) return 'dahdi';
  if (port <= layout[0]) return 'fxo';
  if (port <= layout[1]) return 'fxs';
  return 'dahdi';
}

function decodeSip(raw: string, tech: string, rest: string, side: ChannelSide): DecodedChannel {
  const slash = rest.indexOf('/');
  if (slash > 0) {
    const name = rest.slice(0, slash);
    const number = rest.slice(slash + 1);
    if (NUMERIC.test(name)) return { raw, kind: 'extension', tech, extension: name };
    return { raw, kind: 'trunk-outbound', tech, trunk: name, number };
  }
  const dash = rest.lastIndexOf('-');
  const name = dash > 0 ? rest.slice(0, dash) : rest;
  if (NUMERIC.test(name)) return { raw, kind: 'extension', tech, extension: name };
  return { raw, kind: side === 'destination' ? 'trunk-outbound' : 'trunk-inbound', tech, trunk: name };
}

function decodeIax(raw: string, tech: string, rest: string): DecodedChannel {
  const slash = rest.indexOf('/');
  if (slash > 0) return { raw, kind: 'iax2', tech, trunk: rest.slice(0, slash), number: rest.slice(slash + 1) };
  const dash = rest.lastIndexOf('-');
  const name = dash > 0 ? rest.slice(0, dash) : rest;
  return NUMERIC.test(name) ? { raw, kind: 'iax2', tech, extension: name } : { raw, kind: 'iax2', tech, trunk: name };
}

function decodeDahdi(raw: string, tech: string, rest: string, model: string | undefined): DecodedChannel {
  const match = /^(\d+)(?:-|$)/.exec(rest);
  if (!match) return { raw, kind: 'dahdi', tech };
  const port = Number(match[1]);
  return { raw, kind: analogPortKind(port, model), tech, port };
}

function decodeLocal(raw: string, tech: string, rest: string): DecodedChannel {
  const at = rest.indexOf('@');
  const number = at >= 0 ? rest.slice(0, at) : rest;
  return number === '' ? { raw, kind: 'local', tech } : { raw, kind: 'local', tech, number };
}

/**
 * What a channel string means. `model` (e.g. `UCM6208`) tells FXO from FXS ports; `side` says
 * whether the string was the record's source (`channel`) or destination (`dstchannel`).
 */
export function decodeChannel(raw: string, model?: string, side: ChannelSide = 'source'): DecodedChannel {
  const text = raw.trim();
  if (text === '') return { raw, kind: 'none' };
  const slash = text.indexOf('/');
  if (slash < 0) return { raw, kind: 'application' };
  const tech = text.slice(0, slash);
  const rest = text.slice(slash + 1);
  if (rest === '') return { raw, kind: 'other', tech };
  switch (tech.toUpperCase()) {
    case 'PJSIP':
    case 'SIP':
      return decodeSip(raw, tech, rest, side);
    case 'IAX2':
      return decodeIax(raw, tech, rest);
    case 'DAHDI':
      return decodeDahdi(raw, tech, rest, model);
    case 'LOCAL':
      return decodeLocal(raw, tech, rest);
    default:
      return { raw, kind: 'other', tech };
  }
}

/**
 * What to call the callee of a call whose destination says nothing: a call that came in on an analog
 * line has the PBX's start extension `s` (or nothing) as its destination, and is named after the analog
 * port of its decoded channels instead: "analog line (FXO port 2)", "analog phone (FXS port 5)",
 * "analog port 3" (a DAHDI port whose role the model does not tell). '' for any other call, whose
 * destination is its callee as it is. The raw value stays in the record's fields.
 */
export function analogCallee(dst: string, channels: readonly DecodedChannel[]): string {
  if (dst !== 's' && dst !== '') return '';
  const analog = channels.find((c) => (c.kind === 'fxo' || c.kind === 'fxs' || c.kind === 'dahdi') && c.port !== undefined);
  if (analog === undefined) return '';
  if (analog.kind === 'fxo') return `analog line (FXO port ${analog.port})`;
  if (analog.kind === 'fxs') return `analog phone (FXS port ${analog.port})`;
  return `analog port ${analog.port}`;
}
