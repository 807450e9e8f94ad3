import type { CallRow } from '../../preload/api.js';

/**
 * Shares one string per distinct value of the row fields that repeat from call to call (PBX name,
 * status, direction, action, trunks, account code, origin, cost status, currency, rate destination,
 * the phonebook names of callee and answering party, an analog line).
 * Parsed JSON gives every row its own copy; with a hundred thousand rows loaded those copies are about
 * a third of the table's memory.
 */
export class StringPool {
  private readonly values = new Map<string, string>();

  /** Distinct values held. */
  get size(): number {
    return this.values.size;
  }

  private shared<T extends string>(value: T): T {
    const known = this.values.get(value);
    if (known !== undefined) return known as T;
    this.values.set(value, value);
    return value;
  }

  /** Rewrites the repeating fields of `rows` in place to the pooled strings; returns `rows`. */
  pool(rows: CallRow[]): CallRow[] {
    for (const row of rows) {
      row.pbx = this.shared(row.pbx);
      row.disposition = this.shared(row.disposition);
      row.direction = this.shared(row.direction);
      row.action_type = this.shared(row.action_type);
      row.action_kind = this.shared(row.action_kind);
      row.src_trunk_name = this.shared(row.src_trunk_name);
      row.dst_trunk_name = this.shared(row.dst_trunk_name);
      row.account_code = this.shared(row.account_code);
      row.origin = this.shared(row.origin);
      row.cost_status = this.shared(row.cost_status);
      row.cost_currency = this.shared(row.cost_currency);
      row.rate_destination = this.shared(row.rate_destination);
      row.callee_name = this.shared(row.callee_name);
      row.answered_by_name = this.shared(row.answered_by_name);
      row.dst_line = this.shared(row.dst_line);
    }
    return rows;
  }
}
