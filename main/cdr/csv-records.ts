/**
 * RFC 4180 records with the UCM's quirk: the device writes a caller ID such as `"GVC Test" <6039>`
 * as is, so a field may open with a quote whose closing quote is followed by more text. Such a field
 * was never quoted by the writer: it is kept verbatim, quotes included, up to the next comma or line
 * end. A properly quoted field (`"a,b"`, `"say ""hi"""`) is unquoted as usual and may span lines.
 */

export interface CsvRow {
  fields: string[];
  /** 1-based line where the record starts. */
  line: number;
}

const QUOTE = 34;
const COMMA = 44;
const CR = 13;
const LF = 10;

/** Yields the records of a CSV text; a final line break does not make an empty record. */
export function* csvRows(text: string): Generator<CsvRow> {
  const length = text.length;
  let i = 0;
  let line = 1;
  while (i < length) {
    const startLine = line;
    const fields: string[] = [];
    for (;;) {
      let value: string;
      if (text.charCodeAt(i) === QUOTE) {
        const start = i;
        let parts = '';
        let from = i + 1;
        i++;
        for (;;) {
          const quote = text.indexOf('"', i);
          if (quote < 0) {
            // Unterminated quote: the rest of the text is this field, as written.
            parts += text.slice(from);
            i = length;
            break;
          }
          if (text.charCodeAt(quote + 1) === QUOTE) {
            parts += text.slice(from, quote + 1);
            i = quote + 2;
            from = i;
            continue;
          }
          parts += text.slice(from, quote);
          i = quote + 1;
          break;
        }
        const next = text.charCodeAt(i);
        if (i >= length || next === COMMA || next === CR || next === LF) {
          value = parts;
        } else {
          let end = i;
          while (end < length) {
            const c = text.charCodeAt(end);
            if (c === COMMA || c === CR || c === LF) break;
            end++;
          }
          value = text.slice(start, end);
          i = end;
        }
        for (let k = start; k < i; k++) if (text.charCodeAt(k) === LF) line++;
      } else {
        let end = i;
        while (end < length) {
          const c = text.charCodeAt(end);
          if (c === COMMA || c === CR || c === LF) break;
          end++;
        }
        value = text.slice(i, end);
        i = end;
      }
      fields.push(value);
      const c = text.charCodeAt(i);
      if (c === COMMA) {
        i++;
        continue;
      }
      if (c === CR) i++;
      if (text.charCodeAt(i) === LF) i++;
      line++;
      break;
    }
    yield { fields, line: startLine };
  }
}
