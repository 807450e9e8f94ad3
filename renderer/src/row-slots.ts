import type { CallRow } from '../../preload/api.js';
import { fillOrder, slotOf, type RowRange } from './row-window.js';
import { rowView, type RowView } from './row-view.js';
import { PBX_CLOCK, type Clock } from './time-display.js';

/**
 * Rows whose content changes in one frame while scrolling. Laying out a row's new text is most of a
 * frame's cost; twelve rows keep a frame well under 50 ms on a busy machine, while a wheel scroll (a
 * few rows a frame) never waits.
 */
export const FILL_BUDGET = 12;

/** One DOM row of the table: where it sits and what it shows. */
export interface SlotEntry {
  slot: number;
  /** The row this slot stands for now. */
  index: number;
  /** `translateY(...)` inside the table body. */
  transform: string;
  odd: boolean;
  /** The content the slot's DOM holds; a pending slot still holds an older row's (hidden) or none. */
  view: RowView | null;
  /** true until the slot's content is that of `index`. */
  pending: boolean;
}

/**
 * Decides, frame by frame, which DOM slot shows which row. The cost of a frame is the text the browser
 * has to lay out anew, so the caller can cap how many slots get new content in one go; the others move
 * into place empty (pending) and are filled by the next calls, the rows on screen first.
 *
 * Entries are reused while nothing about a slot changes, so the table's v-memo skips those rows.
 */
export class SlotFiller {
  private shown: (RowView | undefined)[] = [];
  private entries: (SlotEntry | undefined)[] = [];
  private capacity = 0;
  private clock: Clock = PBX_CLOCK;

  constructor(private readonly rowHeight: number) {}

  /** How start times show; a change draws every row again. */
  setClock(clock: Clock): void {
    if (clock.mode === this.clock.mode && clock.offsets === this.clock.offsets) return;
    this.clock = clock;
    this.shown = [];
    this.entries = [];
  }

  /**
   * The slots for `window` (clamped to the loaded rows), in slot order, giving at most `budget` slots
   * new content; `filled` counts the slots that got it, `pending` the slots still waiting for theirs.
   */
  plan(
    rows: readonly CallRow[],
    window: RowRange,
    screen: RowRange,
    capacity: number,
    budget: number,
  ): { entries: SlotEntry[]; filled: number; pending: number } {
    if (capacity !== this.capacity) {
      this.capacity = capacity;
      this.shown = [];
      this.entries = [];
    }
    const loaded: RowRange = { first: Math.min(window.first, rows.length), last: Math.min(window.last, rows.length) };
    const next: (SlotEntry | undefined)[] = new Array<SlotEntry | undefined>(capacity);
    let filled = 0;
    let pending = 0;
    for (const index of fillOrder(loaded, screen)) {
      const slot = slotOf(index, capacity);
      let view = this.shown[slot];
      if (view === undefined || view.index !== index || view.row !== rows[index]) {
        if (filled < budget) {
          view = rowView(index, rows[index], this.clock);
          this.shown[slot] = view;
          filled++;
        }
      }
      const isPending = view === undefined || view.index !== index || view.row !== rows[index];
      if (isPending) pending++;
      const before = this.entries[slot];
      next[slot] =
        before !== undefined && before.index === index && before.view === (view ?? null) && before.pending === isPending
          ? before
          : {
              slot,
              index,
              transform: `translateY(${index * this.rowHeight}px)`,
              odd: index % 2 === 1,
              view: view ?? null,
              pending: isPending,
            };
    }
    this.entries = next;
    const entries: SlotEntry[] = [];
    for (const entry of next) if (entry !== undefined) entries.push(entry);
    return { entries, filled, pending };
  }
}
