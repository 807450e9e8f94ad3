import { SaxesParser, type SaxesTagPlain } from 'saxes';
import { AppError } from '../errors.js';
import { CallCollector, type ParseProblem, type RawEntry } from './assemble.js';
import { canonicalFieldName } from './fields.js';
import type { CdrCall, CdrRecord } from './types.js';

/**
 * cdrapi XML: `<root><cdr session="..."><main_cdr>..</main_cdr><sub_cdr>..</sub_cdr></cdr></root>`, or
 * `<cdr>` rows whose children are the fields themselves. Devices write field values unescaped (the
 * guide's own example has `<clid>"John Doe" <1000></clid>`, and `lastdata` holds bare '&'), so each
 * complete `<cdr>` is repaired before the XML parser sees it; the parser is fed call by call, which
 * keeps memory flat for large files.
 */

const ROOTS = new Set(['root', 'cdr_root', 'cdr']);

/** saxes keeps going after these, with the text as written; anything else means broken structure. */
const TOLERATED = ['unquoted attribute value', 'undefined entity', 'disallowed character.', 'malformed character entity'];

const BARE_AMPERSAND = /&(?!(?:#\d+|#x[0-9A-Fa-f]+|[A-Za-z_][\w.-]*);)/g;
// An element holding only text and '<' characters that open no closing tag: a field value.
const LEAF_WITH_ANGLE = /<([A-Za-z_][\w.-]*)(\s[^<>]*)?>([^<]*<(?!\/)(?:[^<]|<(?!\/))*?)<\/\1\s*>/g;

function escapeLeafText(text: string): string {
  return text.replace(/</g, '&lt;');
}

/** Escapes what devices leave unescaped inside field values, leaving the markup alone. */
export function repairCdrXml(chunk: string): string {
  const ampersands = chunk.includes('&') ? chunk.replace(BARE_AMPERSAND, '&amp;') : chunk;
  return ampersands.replace(LEAF_WITH_ANGLE, (whole, name: string, attributes: string | undefined, content: string) => {
    // Content holding '/>' is an element of empty fields (`<main_cdr><AcctId/></main_cdr>`), not a value.
    if (content.includes('/>')) return whole;
    return `<${name}${attributes ?? ''}>${escapeLeafText(content)}</${name}>`;
  });
}

type Frame =
  | { kind: 'root' }
  | { kind: 'cdr' }
  | { kind: 'record'; record: CdrRecord; main: boolean }
  | { kind: 'field'; name: string; text: string; into: CdrRecord }
  | { kind: 'skip' };

interface OpenEntry {
  key: string;
  /** Fields written directly under <cdr> (a flat row). */
  flat: CdrRecord;
  main: CdrRecord | null;
  legs: CdrRecord[];
  position: string;
}

function badXml(reason: string): AppError {
  return new AppError('BAD_FILE', `This is not readable cdrapi XML: ${reason}.`);
}

/**
 * Streaming reader of cdrapi XML. `write` text as it arrives, then `close`; entries and per-entry
 * problems are reported as soon as each `<cdr>` closes. Throws AppError('BAD_FILE') for a document
 * that is not cdrapi XML or is broken beyond a field value.
 */
export class CdrXmlReader {
  private readonly parser = new SaxesParser({ xmlns: false });
  private readonly stack: Frame[] = [];
  private pending = '';
  private sawRoot = false;
  private entries = 0;
  private entry: OpenEntry | null = null;
  private failure: AppError | null = null;

  constructor(
    private readonly onEntry: (entry: RawEntry) => void,
    private readonly onProblem: (problem: ParseProblem) => void,
  ) {
    this.parser.on('error', (error) => {
      if (!TOLERATED.some((text) => error.message.includes(text))) this.failure ??= badXml(error.message);
    });
    this.parser.on('opentag', (tag) => this.open(tag));
    this.parser.on('closetag', () => this.closeElement());
    this.parser.on('text', (text) => this.text(text));
    this.parser.on('cdata', (text) => this.text(text));
  }

  write(chunk: string): void {
    this.pending += chunk;
    const end = this.pending.lastIndexOf('</cdr>');
    if (end < 0) return;
    this.feed(this.pending.slice(0, end + 6));
    this.pending = this.pending.slice(end + 6);
  }

  close(): void {
    this.feed(this.pending);
    this.pending = '';
    this.parser.close();
    this.check();
    if (!this.sawRoot) throw badXml('the document has no root element');
  }

  private feed(text: string): void {
    if (text === '') return;
    this.parser.write(repairCdrXml(text));
    this.check();
  }

  private check(): void {
    if (this.failure) throw this.failure;
  }

  private top(): Frame | undefined {
    return this.stack[this.stack.length - 1];
  }

  private open(tag: SaxesTagPlain): void {
    const parent = this.top();
    const name = tag.name;
    if (!parent) {
      if (!ROOTS.has(name)) {
        this.failure ??= badXml(`the root element is <${name}>, not <root> holding <cdr> elements`);
        this.stack.push({ kind: 'skip' });
        return;
      }
      this.sawRoot = true;
      if (name === 'cdr') this.openCdr(tag);
      else this.stack.push({ kind: 'root' });
      return;
    }
    switch (parent.kind) {
      case 'root':
        if (name === 'cdr') {
          this.openCdr(tag);
        } else {
          this.onProblem({ position: `line ${this.parser.line}`, reason: `unexpected element <${name}> skipped` });
          this.stack.push({ kind: 'skip' });
        }
        return;
      case 'cdr': {
        const entry = this.entry as OpenEntry;
        if (name === 'main_cdr') {
          entry.main = {};
          this.stack.push({ kind: 'record', record: entry.main, main: true });
        } else if (name === 'sub_cdr') {
          this.stack.push({ kind: 'record', record: {}, main: false });
        } else {
          this.stack.push({ kind: 'field', name: canonicalFieldName(name), text: '', into: entry.flat });
        }
        return;
      }
      case 'record':
        this.stack.push({ kind: 'field', name: canonicalFieldName(name), text: '', into: parent.record });
        return;
      case 'field':
      case 'skip':
        // Markup inside a value that escaped repair: its text still belongs to the value.
        this.stack.push({ kind: 'skip' });
        return;
    }
  }

  private openCdr(tag: SaxesTagPlain): void {
    this.entries++;
    const session = tag.attributes['session'];
    this.entry = {
      key: typeof session === 'string' ? session : '',
      flat: {},
      main: null,
      legs: [],
      position: `cdr element ${this.entries} (line ${this.parser.line})`,
    };
    this.stack.push({ kind: 'cdr' });
  }

  private text(text: string): void {
    for (let i = this.stack.length - 1; i >= 0; i--) {
      const frame = this.stack[i] as Frame;
      if (frame.kind === 'field') {
        frame.text += text;
        return;
      }
      if (frame.kind !== 'skip') return;
    }
  }

  private closeElement(): void {
    const frame = this.stack.pop();
    if (!frame) return;
    switch (frame.kind) {
      case 'field':
        frame.into[frame.name] = frame.text;
        return;
      case 'record':
        if (!frame.main) this.entry?.legs.push(frame.record);
        return;
      case 'cdr':
        this.finishCdr();
        return;
      default:
        return;
    }
  }

  private finishCdr(): void {
    const entry = this.entry;
    this.entry = null;
    if (!entry) return;
    if (entry.main === null && entry.legs.length === 0) {
      if (Object.keys(entry.flat).length === 0) {
        this.onProblem({ position: entry.position, reason: 'the <cdr> element holds no fields' });
        return;
      }
      this.onEntry({ key: entry.key, main: null, legs: [entry.flat], position: entry.position });
      return;
    }
    const main = entry.main ?? {};
    // Fields written next to <main_cdr>/<sub_cdr> still came from the PBX: keep them with the summary.
    for (const name in entry.flat) if (!(name in main)) main[name] = entry.flat[name] as string;
    this.onEntry({ key: entry.key, main, legs: entry.legs, position: entry.position });
  }
}

/** Parses a whole cdrapi XML response. Throws AppError('BAD_FILE') when the text is not one. */
export function parseCdrXml(body: string): { calls: CdrCall[]; problems: ParseProblem[] } {
  const collector = new CallCollector();
  const reader = new CdrXmlReader(
    (entry) => collector.add(entry),
    (problem) => collector.problems.push(problem),
  );
  reader.write(body);
  reader.close();
  return { calls: collector.result(), problems: collector.problems };
}
