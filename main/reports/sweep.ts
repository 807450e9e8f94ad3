/**
 * Concurrent calls: a call occupies [start, start + duration). Calls are fed in start order; the
 * sweep keeps the ends of the calls in progress in a binary min-heap, so each call costs O(log n).
 */
export class ConcurrencySweep {
  private readonly ends: number[] = [];
  /** Calls in progress after the last add. */
  current = 0;

  /** Adds a call starting at `start` (not before the previous one) and returns how many are then in progress. */
  add(start: number, end: number): number {
    const heap = this.ends;
    while (heap.length > 0 && (heap[0] as number) <= start) this.pop();
    this.push(end);
    this.current = heap.length;
    return this.current;
  }

  /** Drops the calls that ended at or before `time` (a bucket's start) and returns how many remain. */
  at(time: number): number {
    while (this.ends.length > 0 && (this.ends[0] as number) <= time) this.pop();
    this.current = this.ends.length;
    return this.current;
  }

  private push(value: number): void {
    const heap = this.ends;
    heap.push(value);
    let i = heap.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if ((heap[parent] as number) <= value) break;
      heap[i] = heap[parent] as number;
      i = parent;
    }
    heap[i] = value;
  }

  private pop(): void {
    const heap = this.ends;
    const last = heap.pop() as number;
    if (heap.length === 0) return;
    let i = 0;
    const n = heap.length;
    for (;;) {
      const left = 2 * i + 1;
      if (left >= n) break;
      const right = left + 1;
      const child = right < n && (heap[right] as number) < (heap[left] as number) ? right : left;
      if ((heap[child] as number) >= last) break;
      heap[i] = heap[child] as number;
      i = child;
    }
    heap[i] = last;
  }
}
