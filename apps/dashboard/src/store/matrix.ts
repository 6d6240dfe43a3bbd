// Replica × time matrices for the heatmap and per-replica lines, in three preallocated
// tiers: raw frames (10 Hz, ~70 s), 1 s buckets (15 min) and 10 s buckets over the whole
// run (halving when full). A bucket column is the max of the frames in it, and the newest
// column is updated in place, so the current second is visible at once.

import type { MatrixColumns } from "../viz/heatmap.js";

/** Maps replica ids to stable row indices (rows are never reused within a store). */
export class RowRegistry {
  private readonly rows = new Map<string, number>();
  readonly ids: string[] = [];

  constructor(readonly maxRows = 4096) {}

  /** Row of `id`, assigning the next one on first sight; -1 once `maxRows` are taken. */
  rowOf(id: string): number {
    const known = this.rows.get(id);
    if (known !== undefined) return known;
    if (this.ids.length >= this.maxRows) return -1;
    this.rows.set(id, this.ids.length);
    this.ids.push(id);
    return this.ids.length - 1;
  }

  /** Row of `id` or -1, without assigning. */
  find(id: string): number {
    return this.rows.get(id) ?? -1;
  }

  get size(): number {
    return this.ids.length;
  }
}

/** One tier: a ring of columns, each `rowsCap` values per metric. */
export class MatrixRing {
  private times: Float64Array;
  private data: Float32Array[];
  private head = 0;
  private count = 0;
  /** True once a column was dropped or merged: the tier no longer holds everything since it began. */
  lossy = false;

  constructor(
    readonly metrics: number,
    readonly capacity: number,
    private rowsCap: number,
    /** 0: one column per frame; otherwise frames in the same bucket merge by max. */
    public bucketMs: number,
    private readonly halveWhenFull: boolean,
  ) {
    this.times = new Float64Array(capacity);
    this.data = Array.from({ length: metrics }, () => new Float32Array(capacity * rowsCap).fill(Number.NaN));
  }

  get length(): number {
    return this.count;
  }

  get rowCapacity(): number {
    return this.rowsCap;
  }

  private slot(i: number): number {
    return (this.head + i) % this.capacity;
  }

  time(i: number): number {
    return this.times[this.slot(i)]!;
  }

  values(metric: number, i: number): Float32Array {
    const s = this.slot(i) * this.rowsCap;
    return this.data[metric]!.subarray(s, s + this.rowsCap);
  }

  /** Makes room for `rows` rows (copying what is kept); a no-op when there is room. */
  ensureRows(rows: number): void {
    if (rows <= this.rowsCap) return;
    const cap = Math.ceil(rows / 64) * 64;
    this.data = this.data.map((old) => {
      const next = new Float32Array(this.capacity * cap).fill(Number.NaN);
      for (let s = 0; s < this.capacity; s++) next.set(old.subarray(s * this.rowsCap, (s + 1) * this.rowsCap), s * cap);
      return next;
    });
    this.rowsCap = cap;
  }

  /**
   * Adds one frame: `write(metric, column)` fills the column for each metric (NaN = no
   * value). In a bucketed tier, a frame in the newest column's bucket merges into it by max.
   */
  add(t: number, columns: readonly Float32Array[]): void {
    const bucketStart = this.bucketMs > 0 ? Math.floor(t / this.bucketMs) * this.bucketMs : t;
    if (this.bucketMs > 0 && this.count > 0 && this.time(this.count - 1) === bucketStart) {
      for (let m = 0; m < this.metrics; m++) maxInto(this.values(m, this.count - 1), columns[m]!);
      return;
    }
    if (this.count === this.capacity) {
      this.lossy = true;
      if (this.halveWhenFull) this.halve();
      else {
        this.head = (this.head + 1) % this.capacity;
        this.count--;
      }
    }
    const s = this.slot(this.count);
    this.times[s] = bucketStart;
    for (let m = 0; m < this.metrics; m++) {
      const dst = this.data[m]!.subarray(s * this.rowsCap, (s + 1) * this.rowsCap);
      dst.fill(Number.NaN);
      dst.set(columns[m]!.subarray(0, Math.min(columns[m]!.length, this.rowsCap)));
    }
    this.count++;
  }

  /** Merges adjacent pairs of columns (max), doubling the bucket width; frees half the ring. */
  private halve(): void {
    const times = new Float64Array(this.capacity);
    for (let m = 0; m < this.metrics; m++) {
      const next = new Float32Array(this.capacity * this.rowsCap).fill(Number.NaN);
      for (let i = 0; i < this.count; i++) {
        const j = Math.floor(i / 2);
        maxInto(next.subarray(j * this.rowsCap, (j + 1) * this.rowsCap), this.values(m, i));
      }
      this.data[m] = next;
    }
    for (let j = 0; j < Math.ceil(this.count / 2); j++) times[j] = this.time(2 * j);
    this.times = times;
    this.head = 0;
    this.count = Math.ceil(this.count / 2);
    this.bucketMs *= 2;
  }

  /** A heatmap source for one metric. */
  columns(metric: number): MatrixColumns {
    return { count: this.count, time: (i) => this.time(i), values: (i) => this.values(metric, i) };
  }

  clear(): void {
    this.head = 0;
    this.count = 0;
    this.lossy = false;
  }
}

function maxInto(dst: Float32Array, src: Float32Array): void {
  const n = Math.min(dst.length, src.length);
  for (let r = 0; r < n; r++) {
    const v = src[r]!;
    if (Number.isNaN(v)) continue;
    const d = dst[r]!;
    if (Number.isNaN(d) || v > d) dst[r] = v;
  }
}

/** The tier sizes: raw ~70 s at 10 Hz, 15 min of 1 s buckets, whole run in ≤ 720 buckets. */
export const MATRIX_TIERS = [
  { capacity: 700, bucketMs: 0, halve: false },
  { capacity: 900, bucketMs: 1000, halve: false },
  { capacity: 720, bucketMs: 10_000, halve: true },
] as const;

/** All tiers of a replica × time matrix with `metrics` values per cell. */
export class MatrixTiers {
  readonly tiers: MatrixRing[];

  constructor(metrics: number, rows: number, tiers: readonly { capacity: number; bucketMs: number; halve: boolean }[] = MATRIX_TIERS) {
    const cap = Math.max(64, Math.ceil(rows / 64) * 64);
    this.tiers = tiers.map((t) => new MatrixRing(metrics, t.capacity, cap, t.bucketMs, t.halve));
  }

  ensureRows(rows: number): void {
    for (const t of this.tiers) t.ensureRows(rows);
  }

  get rowCapacity(): number {
    return this.tiers[0]!.rowCapacity;
  }

  add(t: number, columns: readonly Float32Array[]): void {
    for (const tier of this.tiers) tier.add(t, columns);
  }

  /**
   * The finest tier that reaches back to `t0`, or that still holds everything it was given
   * (then no coarser tier knows more); the coarsest otherwise.
   */
  tierFor(t0: number): MatrixRing {
    for (const tier of this.tiers) if (tier.length > 0 && (tier.time(0) <= t0 || !tier.lossy)) return tier;
    const withData = this.tiers.filter((t) => t.length > 0);
    return withData[withData.length - 1] ?? this.tiers[0]!;
  }

  /** A replica's values over time from the tier that reaches `t0`, as line points. */
  rowSeries(metric: number, row: number, t0: number): { xs: Float64Array; ys: Float64Array; length: number } {
    const tier = this.tierFor(t0);
    const n = tier.length;
    const xs = new Float64Array(n);
    const ys = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      xs[i] = tier.time(i);
      const v = tier.values(metric, i)[row];
      ys[i] = v === undefined || v < 0 ? Number.NaN : v;
    }
    return { xs, ys, length: n };
  }

  clear(): void {
    for (const t of this.tiers) t.clear();
  }
}
