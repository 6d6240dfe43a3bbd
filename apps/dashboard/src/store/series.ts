// Bounded, preallocated storage for live series. Memory is fixed when a store is created
// (or when the replica count grows), so a dashboard left open for hours keeps a flat heap:
//  - scalar series: every frame (10 Hz) for the last 15 min, plus 1 s buckets for the whole
//    run that halve their resolution (merge pairs) whenever they fill up;
//  - replica × time matrices (heatmap, selected replicas): 10 Hz for 1 min, 1 s buckets for
//    15 min, then 10 s buckets halving like the scalars;
//  - convergence samples sorted by issue time, whose older half is thinned when full.
// Views are contiguous typed-array subarrays (no copies): a buffer of twice the capacity
// slides its live window back to the front when it reaches the end.

/** How a bucket combines the frames that fall into it. */
export type Aggregate = "mean" | "max" | "last";

/** Parallel Float64 columns with a sliding window of at most `capacity` rows. */
export class SlidingColumns {
  readonly columns: Float64Array[];
  private start = 0;
  private end = 0;

  constructor(
    count: number,
    readonly capacity: number,
  ) {
    this.columns = Array.from({ length: count }, () => new Float64Array(capacity * 2));
  }

  get length(): number {
    return this.end - this.start;
  }

  push(values: ArrayLike<number>): void {
    if (this.end === this.capacity * 2) {
      // Slide the newest capacity-1 rows to the front (amortised O(1) per push).
      const keep = this.capacity - 1;
      for (const c of this.columns) c.copyWithin(0, this.end - keep, this.end);
      this.start = 0;
      this.end = keep;
    }
    for (let k = 0; k < this.columns.length; k++) this.columns[k]![this.end] = values[k]!;
    this.end++;
    if (this.end - this.start > this.capacity) this.start++;
  }

  /** The live rows of column `k`, oldest first (a view, valid until the next push). */
  view(k: number): Float64Array {
    return this.columns[k]!.subarray(this.start, this.end);
  }

  /** Last value of column `k` (NaN when empty). */
  last(k: number): number {
    return this.end > this.start ? this.columns[k]![this.end - 1]! : Number.NaN;
  }

  /** Merges adjacent pairs of rows in place (time: the first; values: by `aggregates`). */
  halve(aggregates: readonly Aggregate[]): void {
    const n = this.length;
    const half = Math.floor(n / 2);
    for (let k = 0; k < this.columns.length; k++) {
      const col = this.columns[k]!;
      const agg = k === 0 ? "first" : aggregates[k - 1]!;
      for (let i = 0; i < half; i++) {
        const a = col[this.start + 2 * i]!;
        const b = col[this.start + 2 * i + 1]!;
        col[i] = agg === "first" ? a : combine(agg, a, b, 1, 1);
      }
      if (n % 2 === 1) col[half] = col[this.start + n - 1]!;
    }
    this.start = 0;
    this.end = half + (n % 2);
  }

  clear(): void {
    this.start = 0;
    this.end = 0;
  }
}

function combine(agg: Aggregate, a: number, b: number, wa: number, wb: number): number {
  if (Number.isNaN(a)) return b;
  if (Number.isNaN(b)) return a;
  switch (agg) {
    case "mean":
      return (a * wa + b * wb) / (wa + wb);
    case "max":
      return Math.max(a, b);
    case "last":
      return b;
  }
}

/** A contiguous piece of a series: x = time, one array per named column. */
export interface SeriesPart {
  xs: Float64Array;
  /** Column values by name. */
  ys: Record<string, Float64Array>;
  length: number;
  /** Bucket width in ms (0: raw frames). */
  bucketMs: number;
}

function firstAtOrAfter(xs: Float64Array, t: number): number {
  let lo = 0;
  let hi = xs.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (xs[mid]! < t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * Named scalar series in two tiers: raw frames (the last `fineCapacity` of them) and time
 * buckets (starting at `bucketMs`) over the whole run, halved when `coarseCapacity` are full.
 */
export class TieredSeries<K extends string> {
  private readonly fine: SlidingColumns;
  private readonly coarse: SlidingColumns;
  private bucketMs: number;
  private readonly open: Float64Array;
  private readonly scratch: Float64Array;
  private openCount = 0;
  private openStart = Number.NaN;

  constructor(
    readonly names: readonly K[],
    private readonly aggregates: Record<K, Aggregate>,
    private readonly opts: { fineCapacity: number; bucketMs: number; coarseCapacity: number },
  ) {
    this.fine = new SlidingColumns(names.length + 1, opts.fineCapacity);
    this.coarse = new SlidingColumns(names.length + 1, opts.coarseCapacity);
    this.bucketMs = opts.bucketMs;
    this.open = new Float64Array(names.length + 1);
    this.scratch = new Float64Array(names.length + 1);
  }

  /** Appends one frame's values at time `t` (ms, non-decreasing). */
  push(t: number, values: Record<K, number>): void {
    const row = this.scratch;
    row[0] = t;
    this.names.forEach((name, k) => (row[k + 1] = values[name]));
    this.fine.push(row);
    const bucketStart = Math.floor(t / this.bucketMs) * this.bucketMs;
    if (this.openCount > 0 && bucketStart !== this.openStart) this.flush();
    if (this.openCount === 0) {
      this.openStart = bucketStart;
      this.open.set(row);
      this.open[0] = bucketStart;
    } else {
      this.names.forEach((name, k) => {
        this.open[k + 1] = combine(this.aggregates[name], this.open[k + 1]!, row[k + 1]!, this.openCount, 1);
      });
    }
    this.openCount++;
  }

  private flush(): void {
    if (this.coarse.length >= this.coarse.capacity) {
      this.coarse.halve(this.names.map((n) => this.aggregates[n]));
      this.bucketMs *= 2;
    }
    this.coarse.push(this.open);
    this.openCount = 0;
  }

  /** Number of raw frames kept. */
  get fineLength(): number {
    return this.fine.length;
  }

  /** Current bucket width of the whole-run tier. */
  get coarseBucketMs(): number {
    return this.bucketMs;
  }

  /** Latest value of a column (NaN when empty). */
  latest(name: K): number {
    return this.fine.last(this.names.indexOf(name) + 1);
  }

  /** Time of the latest frame (NaN when empty). */
  get latestTime(): number {
    return this.fine.last(0);
  }

  /**
   * What to draw from `t0` on: the raw frames, preceded by whole-run buckets for the time
   * before the oldest raw frame when the view reaches back that far.
   */
  parts(t0: number): SeriesPart[] {
    const parts: SeriesPart[] = [];
    const fineXs = this.fine.view(0);
    const fineStart = fineXs.length > 0 ? fineXs[0]! : Infinity;
    if (t0 < fineStart && this.coarse.length > 0) {
      const xs = this.coarse.view(0);
      // Buckets end where raw frames begin, so the two parts do not overlap.
      const end = firstAtOrAfter(xs, fineStart - this.bucketMs);
      if (end > 0) parts.push(this.part(this.coarse, 0, end, this.bucketMs));
    }
    if (fineXs.length > 0) parts.push(this.part(this.fine, 0, fineXs.length, 0));
    return parts;
  }

  private part(src: SlidingColumns, from: number, to: number, bucketMs: number): SeriesPart {
    const ys = {} as Record<string, Float64Array>;
    this.names.forEach((name, k) => (ys[name] = src.view(k + 1).subarray(from, to)));
    return { xs: src.view(0).subarray(from, to), ys, length: to - from, bucketMs };
  }

  clear(): void {
    this.fine.clear();
    this.coarse.clear();
    this.bucketMs = this.opts.bucketMs;
    this.openCount = 0;
  }
}
