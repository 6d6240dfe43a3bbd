// Per-origin index of where the live replicas stand: how many live replicas have
// VV[origin] = v, for every v > 0. It answers "the smallest VV[origin] among live
// replicas", which tells when the last live replica came to include seq s: the moment
// that minimum reaches s. Replicas at 0 are not stored; they are implied by
// `liveCount − nonZero`, so a new origin or a new empty replica costs nothing.
//
// Every VV change moves one count (two per vv entry that changed, the hottest path of
// ingest), and live replicas of one origin stand within a narrow band of values: the band
// is counted in a small circular array (an index, not a hash lookup); values too far from
// it go to a map with a lazy min-heap.

/** Band widths: start small (thousands of origins each have one), grow to at most this. */
const FIRST_BAND = 16;
const MAX_BAND = 4096;

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
  /** Counts of values in [lo, lo + band.length), at slot `value & (band.length − 1)`. */
  private band = new Int32Array(FIRST_BAND);
  private lo = 0;
  /** No value in the band is below it (a lower bound of the band's minimum). */
  private cursor = 0;
  /** No value in the band is above it. */
  private hi = 0;
  private inBand = 0;
  /** Values outside the band when they came, and their min-heap. A value is counted in one place only. */
  private readonly far = new Map<number, number>();
  /** `far.size`, kept here: add and remove read it for every vv change, and the map is another object to fetch. */
  private farSize = 0;
  private readonly heap = new MinHeap();
  /** Live replicas whose VV[origin] is > 0. */
  private nonZero = 0;

  /** A live replica now has VV[origin] = value. */
  add(value: number): void {
    if (value <= 0) return;
    this.nonZero++;
    if (this.farSize > 0) {
      const c = this.far.get(value);
      if (c !== undefined) {
        this.far.set(value, c + 1);
        return;
      }
    }
    if (!this.fits(value)) {
      this.far.set(value, 1);
      this.farSize++;
      this.heap.push(value);
      return;
    }
    this.band[value & (this.band.length - 1)]!++;
    this.inBand++;
    if (value < this.cursor) this.cursor = value;
    if (value > this.hi) this.hi = value;
  }

  /** A live replica no longer has VV[origin] = value (it moved, or left the live set). */
  remove(value: number): void {
    if (value <= 0) return;
    if (this.farSize > 0) {
      const c = this.far.get(value);
      if (c !== undefined) {
        this.nonZero--;
        if (c === 1) {
          this.far.delete(value);
          this.farSize--;
        } else this.far.set(value, c - 1);
        return;
      }
    }
    const slot = value & (this.band.length - 1);
    if (value < this.lo || value >= this.lo + this.band.length || this.band[slot] === 0) return; // defensive: never added
    this.band[slot]!--;
    this.inBand--;
    this.nonZero--;
  }

  /** Smallest VV[origin] among `liveCount` live replicas (0 if one of them lacks the origin). */
  min(liveCount: number): number {
    if (this.nonZero < liveCount) return 0;
    let min = this.inBand > 0 ? this.bandMin() : Infinity;
    while (this.heap.size > 0) {
      const top = this.heap.peek()!;
      if (this.far.has(top)) {
        if (top < min) min = top;
        break;
      }
      this.heap.pop(); // stale: that value has no replica any more
    }
    return min === Infinity ? 0 : min;
  }

  /** Number of distinct values currently held (for tests and memory accounting). */
  get distinctValues(): number {
    let n = this.far.size;
    for (const c of this.band) if (c > 0) n++;
    return n;
  }

  /** The band's smallest value (the band is not empty): the cursor moves up past empty slots. */
  private bandMin(): number {
    const mask = this.band.length - 1;
    while (this.band[this.cursor & mask] === 0) this.cursor++;
    return this.cursor;
  }

  /** Whether `value` can be counted in the band, moving or widening it if needed. */
  private fits(value: number): boolean {
    const width = this.band.length;
    if (this.inBand === 0) {
      // Empty (every slot 0): the band starts at the value.
      this.lo = this.cursor = this.hi = value;
      return true;
    }
    if (value >= this.lo && value < this.lo + width) return true;
    // The band may start anywhere from its new lowest value as long as its highest fits:
    // slots leaving the band hold only values nobody has.
    const low = Math.min(value, this.bandMin());
    const high = Math.max(value, this.hi);
    if (high - low < width) {
      this.lo = low;
      return true;
    }
    if (high - low >= MAX_BAND) return false;
    let wider = width * 2;
    while (high - low >= wider) wider *= 2;
    const band = new Int32Array(wider);
    for (let v = this.bandMin(); v <= this.hi; v++) band[v & (wider - 1)] = this.band[v & (width - 1)]!;
    this.band = band;
    this.lo = low;
    return true;
  }
}
