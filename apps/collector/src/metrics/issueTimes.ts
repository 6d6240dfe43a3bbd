// Issue times of one origin's dots, kept for a bounded window of the most recent seqs.
// Exact times come from the origin's reports (`issued`); seqs without one get a linear
// interpolation between the previous report and this one (the dots were issued in that
// interval). Seqs that fall out of the window are forgotten: staleness then uses the
// oldest retained time (a lower bound) and such dots yield no convergence sample.

const INITIAL_CAPACITY = 64;

export class IssueTimes {
  private times: Float64Array;
  private exact: Uint8Array;
  /** Lowest retained seq (seqs below it are forgotten). */
  private lo = 1;
  /** Highest seq with a time. */
  private hi = 0;
  /** Time of the previous advance (start of the interval new dots were issued in). */
  private lastTimeMs: number | undefined;
  /** When dots without an issue time were last found (skipTo): a lower bound on their age. */
  private skippedAt: number | undefined;
  /** Bumped by every change: what was computed from an unchanged window may be reused. */
  private changes = 0;

  /** `maxCapacity` (a power of two) bounds how many recent seqs keep a time. */
  constructor(private readonly maxCapacity: number) {
    if (maxCapacity < 1 || (maxCapacity & (maxCapacity - 1)) !== 0) throw new RangeError("maxCapacity must be a power of two");
    const cap = Math.min(INITIAL_CAPACITY, maxCapacity);
    this.times = new Float64Array(cap);
    this.exact = new Uint8Array(cap);
  }

  /** The ring of times (index `seq & (ring.length − 1)`), valid for seqs in [lowest, highest]. For hot loops. */
  get ring(): Float64Array {
    return this.times;
  }

  /** A number that changes whenever any time, the window or the untimed state changes. */
  get version(): number {
    return this.changes;
  }

  /** Highest seq known to have been issued. */
  get highest(): number {
    return this.hi;
  }

  /** Whether no seq keeps a time though some exist (all found by skipTo): then `skippedAtMs` bounds their age. */
  get untimed(): boolean {
    return this.lo > this.hi && this.hi > 0;
  }

  /** When the untimed dots were found. */
  get skippedAtMs(): number | undefined {
    return this.skippedAt;
  }

  /** Lowest seq whose time is still retained. */
  get lowest(): number {
    return this.lo;
  }

  /** Issue time of `seq`, or undefined when it is unknown or no longer retained. */
  get(seq: number): number | undefined {
    if (seq < this.lo || seq > this.hi) return undefined;
    return this.times[seq & (this.times.length - 1)];
  }

  /** Issue time of `seq`, or of the oldest retained seq when `seq` was forgotten (a lower bound on age). */
  getOrOldest(seq: number): number | undefined {
    if (seq > this.hi) return undefined;
    if (this.lo > this.hi) return this.skippedAt;
    return this.times[Math.max(seq, this.lo) & (this.times.length - 1)];
  }

  /** Whether the time of `seq` was reported exactly (not interpolated). */
  isExact(seq: number): boolean {
    if (seq < this.lo || seq > this.hi) return false;
    return this.exact[seq & (this.times.length - 1)] === 1;
  }

  /**
   * Seqs up to `seq` exist by `timeMs`. `exact` (sorted by seq or not) gives precise issue
   * times for some of them, including ones already known (those overwrite estimates).
   */
  advance(seq: number, timeMs: number, exact?: ReadonlyArray<readonly [number, number]>): void {
    this.changes++;
    const start = this.lastTimeMs ?? timeMs;
    const from = this.hi;
    if (seq > this.hi) {
      this.ensureWindow(seq);
      const span = seq - from;
      // Only the retained part of the new range needs a time.
      const first = Math.max(from + 1, this.lo);
      const mask = this.times.length - 1;
      for (let s = first; s <= seq; s++) {
        const t = start + ((timeMs - start) * (s - from)) / span;
        this.times[s & mask] = t;
        this.exact[s & mask] = 0;
      }
      this.hi = seq;
    }
    if (exact !== undefined && exact.length > 0) {
      const mask = this.times.length - 1;
      for (const [s, t] of exact) {
        if (s < this.lo || s > this.hi) continue;
        this.times[s & mask] = t;
        this.exact[s & mask] = 1;
      }
      if (seq > from) this.reinterpolate(from, seq, start);
    }
    if (this.lastTimeMs === undefined || timeMs > this.lastTimeMs) this.lastTimeMs = timeMs;
  }

  /**
   * Dots up to `seq` exist but when they were issued is unknown (another replica holds them,
   * their origin is not reporting): they keep no time, so they yield no convergence sample
   * instead of one timed at their discovery, and cost nothing per seq.
   */
  skipTo(seq: number, timeMs: number): void {
    if (seq <= this.hi) return;
    this.changes++;
    this.hi = seq;
    this.lo = seq + 1;
    this.skippedAt = timeMs;
    if (this.lastTimeMs === undefined || timeMs > this.lastTimeMs) this.lastTimeMs = timeMs;
  }

  /** Re-estimates the non-exact seqs of (from, to] between their exact neighbours. */
  private reinterpolate(from: number, to: number, startMs: number): void {
    const mask = this.times.length - 1;
    // The new dots were issued after the previous report: (from, startMs) anchors them.
    let prevSeq = from;
    let prevT = startMs;
    let s = Math.max(from + 1, this.lo);
    while (s <= to) {
      // find the next exact seq (or the end, which keeps its report-time estimate)
      let next = s;
      while (next < to && this.exact[next & mask] !== 1) next++;
      const nextT = this.times[next & mask]!;
      for (let x = s; x < next; x++) {
        if (this.exact[x & mask] === 1) continue;
        this.times[x & mask] = prevT + ((nextT - prevT) * (x - prevSeq)) / (next - prevSeq);
      }
      prevSeq = next;
      prevT = nextT;
      s = next + 1;
    }
  }

  /** Makes room for seqs up to `seq`, growing up to the cap, then dropping the oldest. */
  private ensureWindow(seq: number): void {
    const needed = seq - this.lo + 1;
    if (needed > this.times.length && this.times.length < this.maxCapacity) {
      let cap = this.times.length;
      while (cap < needed && cap < this.maxCapacity) cap *= 2;
      cap = Math.min(cap, this.maxCapacity);
      const times = new Float64Array(cap);
      const exact = new Uint8Array(cap);
      const oldMask = this.times.length - 1;
      for (let s = Math.max(this.lo, this.hi - cap + 1); s <= this.hi; s++) {
        times[s & (cap - 1)] = this.times[s & oldMask]!;
        exact[s & (cap - 1)] = this.exact[s & oldMask]!;
      }
      this.times = times;
      this.exact = exact;
    }
    if (seq - this.lo + 1 > this.times.length) this.lo = seq - this.times.length + 1;
  }
}
