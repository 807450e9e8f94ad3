import { AppError } from '../errors.js';
import type { ParseProblem } from './assemble.js';
import { parseCdrCsv } from './parse-csv.js';
import { parseCdrJson } from './parse-json.js';
import { parseCdrXml } from './parse-xml.js';
import type { CdrCall } from './types.js';

export type CdrFormat = 'json' | 'xml' | 'csv';

export interface ParsedCdr {
  format: CdrFormat;
  calls: CdrCall[];
  /** Entries that could not become calls (no identity, wrong shape), with where they sit. */
  problems: ParseProblem[];
}

/** A short, single-line view of the start of a text for error messages. */
function excerpt(text: string): string {
  const line = text.slice(0, 60).replace(/\s+/g, ' ').trim();
  return text.length > 60 ? `${line}...` : line;
}

/** Which format a text is, from its first characters (file names and content types lie). */
export function detectCdrFormat(text: string): CdrFormat | null {
  const start = /^\uFEFF?\s*/.exec(text)?.[0].length ?? 0;
  const head = text.slice(start, start + 200);
  if (head.startsWith('{')) return 'json';
  if (head.startsWith('<')) return /^<(!doctype\s+html|html[\s>])/i.test(head) ? null : 'xml';
  return /^"?acctid"?\s*,/i.test(head) ? 'csv' : null;
}

/**
 * Parses a cdrapi response (or a saved one) in whichever of its three formats it is. The empty answer
 * the device gives to a bad query (the bare CSV header, `{"cdr_root":[]}`, `<root></root>`) is valid
 * and holds zero calls. Throws AppError('BAD_FILE') when the text is not CDR data at all.
 */
export function parseCdrResponse(text: string): ParsedCdr {
  if (typeof text !== 'string' || text.trim() === '' || text.trim() === '\uFEFF') {
    throw new AppError('BAD_FILE', 'The response is empty: it holds no cdrapi data (JSON, XML or CSV).');
  }
  const format = detectCdrFormat(text);
  if (format === null) {
    throw new AppError(
      'BAD_FILE',
      `This is not cdrapi data: it starts "${excerpt(text.replace(/^\uFEFF/, ''))}". ` +
        'Expected JSON {"cdr_root": [...]}, XML <root><cdr>...</cdr></root>, or CSV starting AcctId,accountcode,...',
    );
  }
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const parsed = format === 'json' ? parseCdrJson(body) : format === 'xml' ? parseCdrXml(body) : parseCdrCsv(body);
  return { format, ...parsed };
}
