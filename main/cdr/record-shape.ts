import type { CdrRecord } from './types.js';

/**
 * V8 turns an object that gains more than a dozen properties by computed name into a slow dictionary,
 * and every later read of such a record (derive, encode, merge, search text) pays for it several times
 * over. A record copied from a template that already holds its keys keeps the template's fast shape:
 * filling existing keys does not change it. Keys keep their order (the first of a repeated key wins
 * the position, the last its value), exactly as assigning them one by one would.
 */
export function recordTemplate(keys: readonly string[]): CdrRecord {
  // JSON.parse builds objects with fast properties, unlike assignment by computed name.
  return JSON.parse(JSON.stringify(Object.fromEntries(keys.map((key) => [key, ''])))) as CdrRecord;
}

/** Field lists remembered at most; a source with ever-changing fields starts over past this. */
const MAX_SHAPES = 256;

/** Templates per field list, for sources whose records do not all have the same fields. */
export class RecordShapes {
  private readonly templates = new Map<string, CdrRecord>();

  /** An empty record (every key '') with these keys, in this order, in a fast shape. */
  blank(keys: readonly string[]): CdrRecord {
    // Field names never contain a line feed (they are JSON keys or CSV headers of one line).
    const signature = keys.join('\n');
    let template = this.templates.get(signature);
    if (template === undefined) {
      template = recordTemplate(keys);
      if (this.templates.size >= MAX_SHAPES) this.templates.clear();
      this.templates.set(signature, template);
    }
    return { ...template };
  }
}
