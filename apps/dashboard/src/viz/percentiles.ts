// Rolling percentiles of convergence times. A sliding log-bucketed histogram (HDR-style)
// makes adding, removing and querying O(buckets), so p50/p95/p99 lines over 100,000
// samples cost a few milliseconds; the price is a relative error below BUCKET_PRECISION.

/** Relative width of a histogram bucket: reported quantiles are within ±1 % of the exact one. */
export const BUCKET_PRECISION = 0.02;
const MIN_VALUE = 0.1; // ms; smaller values (and 0) share the first bucket
const MAX_VALUE = 1e8; // ms (~28 h); larger values share the last bucket
const LOG_BASE = Math.log1p(BUCKET_PRECISION);
const BUCKETS = Math.ceil(Math.log(MAX_VALUE / MIN_VALUE) / LOG_BASE) + 2;

function bucketOf(v: number): number {
  if (!(v > MIN_VALUE)) return 0;
  return Math.min(BUCKETS - 1, 1 + Math.floor(Math.log(v / MIN_VALUE) / LOG_BASE));
}

function bucketValue(b: number): number {
  // Geometric midpoint of the bucket, so the error is symmetric.
  if (b === 0) return 0;
  return MIN_VALUE * Math.exp((b - 0.5) * LOG_BASE);
}

/** Linear-interpolated quantile (d3.quantile, R type 7) of an ascending array. */
export function quantileSorted(sorted: ArrayLike<number>, p: number): number {
  const n = sorted.length;
  if (n === 0) return Number.NaN;
  const h = (n - 1) * Math.min(1, Math.max(0, p));
  const lo = Math.floor(h);
  const a = sorted[lo]!;
  const b = sorted[Math.min(n - 1, lo + 1)]!;
  return a + (b - a) * (h - lo);
}

/** A histogram over log buckets; samples can be added and removed. */
export class SlidingHistogram {
  private readonly counts = new Uint32Array(BUCKETS);
  private total = 0;
  private exactMax = -Infinity;

  add(v: number): void {
    this.counts[bucketOf(v)]!++;
    this.total++;
  }

  remove(v: number): void {
    const b = bucketOf(v);
    if (this.counts[b]! > 0) {
      this.counts[b]!--;
      this.total--;
    }
  }

  get size(): number {
    return this.total;
  }

  /** Nearest-rank quantile, the bucket's geometric midpoint (NaN when empty). */
  quantile(p: number): number {
    if (this.total === 0) return Number.NaN;
    const rank = Math.max(1, Math.ceil(Math.min(1, Math.max(0, p)) * this.total));
    let seen = 0;
    for (let b = 0; b < BUCKETS; b++) {
      seen += this.counts[b]!;
      if (seen >= rank) return bucketValue(b);
    }
    return this.exactMax;
  }
}

/** Samples in ascending x (issue time), y the convergence time in ms. */
export interface SampleSeries {
  xs: ArrayLike<number>;
  ys: ArrayLike<number>;
  length: number;
}

/**
 * Percentiles `ps` of the samples with x in (at − windowMs, at], for each evaluation point
 * `at` (ascending). NaN where the window holds fewer than `minSamples` samples.
 */
export function rollingPercentiles(
  samples: SampleSeries,
  at: ArrayLike<number>,
  windowMs: number,
  ps: readonly number[],
  minSamples = 3,
): Float64Array[] {
  const out = ps.map(() => new Float64Array(at.length).fill(Number.NaN));
  const hist = new SlidingHistogram();
  let head = 0; // next sample to add
  let tail = 0; // oldest sample still in the window
  for (let k = 0; k < at.length; k++) {
    const t = at[k]!;
    while (head < samples.length && samples.xs[head]! <= t) hist.add(samples.ys[head++]!);
    while (tail < head && samples.xs[tail]! <= t - windowMs) hist.remove(samples.ys[tail++]!);
    if (hist.size >= minSamples) ps.forEach((p, j) => (out[j]![k] = hist.quantile(p)));
  }
  return out;
}

/** Evenly spaced evaluation points over [t0, t1] (one every `stepPx` pixels of `widthPx`). */
export function evaluationPoints(t0: number, t1: number, widthPx: number, stepPx = 4): Float64Array {
  const n = Math.max(2, Math.floor(widthPx / stepPx) + 1);
  return Float64Array.from({ length: n }, (_, i) => t0 + ((t1 - t0) * i) / (n - 1));
}

/** The rolling window that suits a visible span: ~1/30 of it, on a round number of seconds, ≥ 5 s. */
export function windowForSpan(spanMs: number): number {
  const raw = spanMs / 30;
  const steps = [5_000, 10_000, 15_000, 30_000, 60_000, 120_000, 300_000, 600_000, 1_800_000, 3_600_000];
  return steps.find((s) => s >= raw) ?? 3_600_000;
}

/** Exact p50/p95/p99/max of a set of values (for run summaries and tooltips). */
export function summarise(values: ArrayLike<number>): { n: number; p50: number; p95: number; p99: number; max: number } {
  const sorted = Float64Array.from(values).sort();
  return {
    n: sorted.length,
    p50: quantileSorted(sorted, 0.5),
    p95: quantileSorted(sorted, 0.95),
    p99: quantileSorted(sorted, 0.99),
    max: sorted.length > 0 ? sorted[sorted.length - 1]! : Number.NaN,
  };
}
