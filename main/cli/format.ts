import { describeRoute } from '../../preload/report-tables.js';
import type { CallRow, DecodedChannel } from '../../preload/api.js';

const pad2 = (n: number): string => String(n).padStart(2, '0');

/** Seconds as the UCM's CDR page shows them: `0:00:23`, `12:04:05`. */
export function hms(seconds: number): string {
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = seconds % 60;
  return `${h}:${pad2(m)}:${pad2(s)}`;
}

/**
 * An instant (ISO, UTC) in this computer's time zone, written as the calls table writes times:
 * `2024-03-01 09:15:02`. A value that is not an instant is returned as it is.
 */
export function localTime(iso: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return (
    `${date.getFullYear()}-${pad2(date.getMonth() + 1)}-${pad2(date.getDate())} ` +
    `${pad2(date.getHours())}:${pad2(date.getMinutes())}:${pad2(date.getSeconds())}`
  );
}

/** East Asian wide characters (Hangul, CJK, full-width forms) take two terminal columns. */
const WIDE = /[\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6\u{20000}-\u{3fffd}]/u;

function charWidth(ch: string): number {
  return WIDE.test(ch) ? 2 : 1;
}

function width(text: string): number {
  let w = 0;
  for (const ch of text) w += charWidth(ch);
  return w;
}

function clip(text: string, max: number): string {
  const flat = text.replace(/[\r\n\t]+/g, ' ');
  if (width(flat) <= max) return flat;
  let out = '';
  let w = 0;
  for (const ch of flat) {
    if (w + charWidth(ch) > max - 1) break;
    out += ch;
    w += charWidth(ch);
  }
  return `${out}…`;
}

export interface Column<T> {
  header: string;
  value: (item: T) => string;
  align?: 'left' | 'right';
  /**
   * Longer values are cut with an ellipsis so one long name does not widen the whole table (default
   * 40); `Infinity` never cuts, for values that are useless cut (numbers, fingerprints).
   */
  max?: number;
}

/** Rows as aligned, space-separated columns under a header line. */
export function renderTable<T>(columns: readonly Column<T>[], items: readonly T[]): string {
  const cells = items.map((item) => columns.map((c) => clip(c.value(item), c.max ?? 40)));
  const widths = columns.map((c, i) => Math.max(width(c.header), ...cells.map((row) => width(row[i]))));
  const line = (row: readonly string[]): string =>
    row
      .map((cell, i) => {
        const pad = ' '.repeat(widths[i] - width(cell));
        return columns[i].align === 'right' ? pad + cell : cell + pad;
      })
      .join('  ')
      .trimEnd();
  return [line(columns.map((c) => c.header)), ...cells.map(line)].map((l) => `${l}\n`).join('');
}

export const CALL_COLUMNS: readonly Column<CallRow>[] = [
  { header: 'START', value: (r) => r.start.replace('T', ' ') },
  { header: 'STATUS', value: (r) => r.disposition },
  // Numbers are shown whole: a cut number (a SIP URI, an international number) is a wrong number.
  { header: 'FROM', value: (r) => r.src, max: Infinity },
  { header: 'NAME', value: (r) => r.caller_name, max: 24 },
  // An analog call's `s` is named after its line; `session` and the CSV/JSON formats keep the raw dst.
  { header: 'TO', value: (r) => r.dst_line || r.dst, max: Infinity },
  { header: 'TO NAME', value: (r) => r.callee_name, max: 24 },
  { header: 'ANSWERED BY', value: (r) => r.answered_by, max: Infinity },
  { header: 'ANSWERED BY NAME', value: (r) => r.answered_by_name, max: 24 },
  { header: 'ACTION', value: (r) => (r.route.length > 0 ? describeRoute(r.route) : r.action_type), max: 40 },
  { header: 'OUTCOME', value: (r) => r.outcome },
  { header: 'DIRECTION', value: (r) => r.direction },
  { header: 'CALL', value: (r) => hms(r.duration), align: 'right' },
  { header: 'TALK', value: (r) => hms(r.billsec), align: 'right' },
  { header: 'REC', value: (r) => (r.recordings.length > 0 ? String(r.recordings.length) : ''), align: 'right' },
  { header: 'PBX', value: (r) => r.pbx, max: 16 },
  { header: 'SESSION', value: (r) => r.session, max: 60 },
];

/** What a channel string means, in words: `PJSIP/trunk_1/2000 (trunk-outbound, trunk trunk_1, number 2000)`. */
export function describeChannel(channel: DecodedChannel): string {
  if (channel.raw === '') return '';
  const facts = [channel.kind];
  if (channel.extension) facts.push(`extension ${channel.extension}`);
  if (channel.trunk) facts.push(`trunk ${channel.trunk}`);
  if (channel.number) facts.push(`number ${channel.number}`);
  if (channel.port !== undefined) facts.push(`port ${channel.port}`);
  return `${channel.raw} (${facts.join(', ')})`;
}
