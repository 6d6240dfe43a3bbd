// Per-origin index of where the live replicas stand: how many live replicas have
// VV[origin] = v, for every v > 0. It answers "the smallest VV[origin] among live
// replicas" in O(log d) (d = distinct values), which tells when the last live replica
// came to include seq s: the moment that minimum reaches s. Replicas at 0 are not
// stored; they are implied by `liveCount − nonZero`, so a new origin or a new empty
// replica costs nothing.

/** Min-heap of distinct numbers with lazy deletion (stale tops are skipped on read). */
class MinHeap {
  private readonly items: number[] = [];

  get size(): number {
    return this.items.length;
  }

  peek(): number | undefined {
    return this.items[0];
  }

  push(value: number): void {
    const items = this.items;
    items.push(value);
    let i = items.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const p = items[parent]!;
      if (p <= value) break;
      items[i] = p;
      i = parent;
    }
    items[i] = value;
  }

  pop(): number | undefined {
    const items = this.items;
    const top = items[0];
    const last = items.pop();
    if (items.length === 0 || last === undefined) return top;
    let i = 0;
    const n = items.length;
    while (true) {
      const l = 2 * i + 1;
      if (l >= n) break;
      const r = l + 1;
      const c = r < n && items[r]! < items[l]! ? r : l;
      if (items[c]! >= last) break;
      items[i] = items[c]!;
      i = c;
    }
    items[i] = last;
    return top;
  }
}

/** Counts of live replicas per VV value of one origin, with the minimum on demand. */
export class LiveSeqIndex {
  private readonly counts = new Map<number, number>();
  private readonly heap = new MinHeap();
  /** Live replicas whose VV[origin] is > 0. */
  private nonZero = 0;

  /** A live replica now has VV[origin] = value. */
  add(value: number): void {
    if (value <= 0) return;
    this.nonZero++;
    const c = this.counts.get(value);
    if (c === undefined) {
      this.counts.set(value, 1);
      this.heap.push(value);
    } else {
      this.counts.set(value, c + 1);
    }
  }

  /** A live replica no longer has VV[origin] = value (it moved, or left the live set). */
  remove(value: number): void {
    if (value <= 0) return;
    const c = this.counts.get(value);
    if (c === undefined) return; // defensive: never added
    this.nonZero--;
    if (c === 1) this.counts.delete(value);
    else this.counts.set(value, c - 1);
  }

  /** Smallest VV[origin] among `liveCount` live replicas (0 if one of them lacks the origin). */
  min(liveCount: number): number {
    if (this.nonZero < liveCount) return 0;
    while (this.heap.size > 0) {
      const top = this.heap.peek()!;
      if (this.counts.has(top)) return top;
      this.heap.pop(); // stale: that value has no replica any more
    }
    return 0;
  }

  /** Number of distinct values currently held (for tests and memory accounting). */
  get distinctValues(): number {
    return this.counts.size;
  }
}
