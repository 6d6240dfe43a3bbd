// Percentiles of convergence time: exact over a sliding window (a bounded ring of the
// most recent samples, sorted on demand), approximate over a whole run (a log-bucketed
// histogram with ≤ 1 % relative error and an exact max), so a long run stays bounded.

import type { ConvergenceStats } from "./types.js";

/** Nearest-rank percentile of an ascending array (p in 0..100). */
export function percentileOfSorted(sorted: ArrayLike<number>, p: number): number | null {
  const n = sorted.length;
  if (n === 0) return null;
  const rank = Math.ceil((p / 100) * n);
  return sorted[Math.min(n - 1, Math.max(0, rank - 1))]!;
}

/**
 * Convergence samples of the last `maxWindowMs`, at most `capacity` of them (the newest
 * win). Percentiles for any window up to `maxWindowMs` are computed on demand and cached
 * for `recomputeMs`, so asking every frame does not sort every frame.
 */
/** Samples of the current config needed before the window leaves older ones out. */
export const EPOCH_MIN_SAMPLES = 20;

/** What a window's percentiles are computed from. */
export interface WindowSelection {
  /** Convergence times, ascending. */
  sorted: Float64Array;
  /** Updates issued before this time are left out (an earlier config's). */
  fromIssuedMs: number;
  stats: ConvergenceStats;
}

export class SlidingWindow {
  private readonly at: Float64Array;
  private readonly issuedAt: Float64Array;
  private readonly values: Float64Array;
  /** Updates issued before this time belong to an earlier config (see `startEpoch`). */
  private epochStartMs = -Infinity;
  private head = 0; // next write
  private size = 0;
  private readonly cache = new Map<number, { atMs: number; selection: WindowSelection; added: number }>();
  private added = 0;

  constructor(
    private readonly maxWindowMs: number,
    capacity: number,
    private readonly recomputeMs = 0,
  ) {
    this.at = new Float64Array(capacity);
    this.issuedAt = new Float64Array(capacity);
    this.values = new Float64Array(capacity);
  }

  /**
   * A new config took effect at `atMs`. Once EPOCH_MIN_SAMPLES updates issued since then
   * have converged, the percentiles leave out updates issued before it, so that the
   * figures describe the config that is running rather than a blend of old and new.
   */
  startEpoch(atMs: number): void {
    this.epochStartMs = atMs;
    this.cache.clear();
  }

  add(atMs: number, value: number, issuedAtMs: number = atMs - value): void {
    const cap = this.values.length;
    this.at[this.head] = atMs;
    this.issuedAt[this.head] = issuedAtMs;
    this.values[this.head] = value;
    this.head = (this.head + 1) % cap;
    if (this.size < cap) this.size++;
    this.added++;
  }

  /** Percentiles of the samples of the last `windowMs` as of `nowMs`. */
  stats(nowMs: number, windowMs: number = this.maxWindowMs): ConvergenceStats {
    return this.select(nowMs, windowMs).stats;
  }

  /**
   * The samples behind `stats`, ascending, and the time from which updates count
   * (the epoch's start when only the current config's updates are used, else −∞).
   */
  select(nowMs: number, windowMs: number = this.maxWindowMs): WindowSelection {
    this.evict(nowMs);
    const cached = this.cache.get(windowMs);
    const fresh = cached !== undefined && nowMs >= cached.atMs && (nowMs - cached.atMs < this.recomputeMs || (cached.added === this.added && nowMs === cached.atMs));
    if (fresh) return cached!.selection;
    const cap = this.values.length;
    const cutoff = nowMs - windowMs;
    const picked = new Float64Array(this.size);
    let n = 0;
    let inEpoch = 0;
    for (let i = 0; i < this.size; i++) {
      const slot = (this.head - this.size + i + cap) % cap;
      if (this.at[slot]! < cutoff) continue;
      // Samples of the current epoch go first: they are kept alone when there are enough.
      if (this.issuedAt[slot]! >= this.epochStartMs) {
        picked[n++] = picked[inEpoch]!;
        picked[inEpoch++] = this.values[slot]!;
      } else {
        picked[n++] = this.values[slot]!;
      }
    }
    const epochOnly = inEpoch >= EPOCH_MIN_SAMPLES;
    if (epochOnly) n = inEpoch;
    const sorted = picked.subarray(0, n).sort();
    const selection: WindowSelection = {
      sorted,
      fromIssuedMs: epochOnly ? this.epochStartMs : -Infinity,
      stats: {
        count: n,
        p50: percentileOfSorted(sorted, 50),
        p95: percentileOfSorted(sorted, 95),
        p99: percentileOfSorted(sorted, 99),
        max: n > 0 ? sorted[n - 1]! : null,
      },
    };
    if (this.cache.size > 16) this.cache.clear();
    this.cache.set(windowMs, { atMs: nowMs, selection, added: this.added });
    return selection;
  }

  private evict(nowMs: number): void {
    const cap = this.values.length;
    const cutoff = nowMs - this.maxWindowMs;
    while (this.size > 0) {
      const oldest = (this.head - this.size + cap) % cap;
      if (this.at[oldest]! >= cutoff) break;
      this.size--;
    }
  }
}

/** Log-bucketed histogram of non-negative values: bucket i holds [g^(i-1), g^i) ms (bucket 0: < 1 ms). */
export class LogHistogram {
  private readonly counts: Float64Array;
  private readonly logGrowth: number;
  private total = 0;
  private maxValue = -Infinity;

  constructor(
    private readonly growth = 1.02,
    maxMs = 1e9,
  ) {
    this.logGrowth = Math.log(growth);
    this.counts = new Float64Array(Math.ceil(Math.log(maxMs) / this.logGrowth) + 2);
  }

  /** Calls `visit` for each non-empty bucket in ascending order: its lower bound, the value it reports, its count. */
  forEachBucket(visit: (lowMs: number, valueMs: number, count: number) => void): void {
    for (let i = 0; i < this.counts.length; i++) {
      const c = this.counts[i]!;
      if (c === 0) continue;
      if (i === 0) visit(0, Math.min(0.5, this.maxValue), c);
      else {
        const lo = Math.exp((i - 1) * this.logGrowth);
        visit(lo, Math.min(lo * Math.sqrt(this.growth), this.maxValue), c);
      }
    }
  }

  get max(): number | null {
    return this.total > 0 ? this.maxValue : null;
  }

  add(value: number): void {
    const v = Math.max(0, value);
    const i = v < 1 ? 0 : Math.min(this.counts.length - 1, 1 + Math.floor(Math.log(v) / this.logGrowth));
    this.counts[i]!++;
    this.total++;
    if (v > this.maxValue) this.maxValue = v;
  }

  get count(): number {
    return this.total;
  }

  /** Nearest-rank percentile, reported as the geometric middle of its bucket (capped at the max). */
  percentile(p: number): number | null {
    if (this.total === 0) return null;
    const rank = Math.max(1, Math.ceil((p / 100) * this.total));
    let seen = 0;
    for (let i = 0; i < this.counts.length; i++) {
      seen += this.counts[i]!;
      if (seen >= rank) {
        if (i === 0) return Math.min(0.5, this.maxValue);
        const lo = Math.exp((i - 1) * this.logGrowth);
        return Math.min(lo * Math.sqrt(this.growth), this.maxValue);
      }
    }
    return this.maxValue;
  }

  stats(): ConvergenceStats {
    return {
      count: this.total,
      p50: this.percentile(50),
      p95: this.percentile(95),
      p99: this.percentile(99),
      max: this.total > 0 ? this.maxValue : null,
    };
  }
}
