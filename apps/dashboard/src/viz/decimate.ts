// Decimation to about one sample per pixel: a line over 9,000 frames drawn into 600 pixels
// needs at most the first, lowest, highest and last sample of each pixel column to look
// identical, and spikes (a partition's missing-update peak) must never vanish.

/** A series of points: x ascending; y NaN marks a gap (no data), which breaks the line. */
export interface Points {
  xs: ArrayLike<number>;
  ys: ArrayLike<number>;
  length: number;
}

/** Decimated points, in x order, each one an input point (or a NaN gap marker). */
export interface DecimatedPoints {
  xs: Float64Array;
  ys: Float64Array;
  length: number;
}

/** Index of the first x ≥ value (xs ascending). */
export function lowerBound(xs: ArrayLike<number>, length: number, value: number): number {
  let lo = 0;
  let hi = length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (xs[mid]! < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Index of the first x > value (xs ascending). */
export function upperBound(xs: ArrayLike<number>, length: number, value: number): number {
  let lo = 0;
  let hi = length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (xs[mid]! <= value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * Min/max decimation: for each of `width` pixel columns over [x0, x1], keeps the first,
 * minimum, maximum and last point (at most 4 per column, in x order). One point just outside
 * each end is kept so the line reaches the plot edges.
 */
export function decimateMinMax(series: Points, x0: number, x1: number, width: number): DecimatedPoints {
  const cols = Math.max(1, Math.floor(width));
  const start = Math.max(0, lowerBound(series.xs, series.length, x0) - 1);
  let end = upperBound(series.xs, series.length, x1);
  if (end < series.length) end++; // one beyond the right edge
  const n = end - start;
  const outX = new Float64Array(Math.min(n, cols * 4 + 8) + 4);
  const outY = new Float64Array(outX.length);
  let out = 0;
  if (n <= cols * 2) {
    for (let i = start; i < end; i++) {
      outX[out] = series.xs[i]!;
      outY[out++] = series.ys[i]!;
    }
    return { xs: outX, ys: outY, length: out };
  }
  const span = x1 - x0 || 1;
  let i = start;
  while (i < end) {
    const col = Math.floor(((series.xs[i]! - x0) / span) * cols);
    const first = i;
    let last = i;
    let minI = -1;
    let maxI = -1;
    let gap = -1;
    for (; i < end; i++) {
      const c = Math.floor(((series.xs[i]! - x0) / span) * cols);
      if (c !== col) break;
      last = i;
      const y = series.ys[i]!;
      if (Number.isNaN(y)) {
        if (gap < 0) gap = i;
        continue;
      }
      if (minI < 0 || y < series.ys[minI]!) minI = i;
      if (maxI < 0 || y > series.ys[maxI]!) maxI = i;
    }
    // Emit the kept indices in x order, without duplicates.
    const keep = [first, minI, maxI, gap, last].filter((k) => k >= 0).sort((a, b) => a - b);
    let prev = -1;
    for (const k of keep) {
      if (k === prev) continue;
      prev = k;
      if (out >= outX.length) break;
      outX[out] = series.xs[k]!;
      outY[out++] = series.ys[k]!;
    }
    if (first === last && minI < 0 && gap < 0) i = Math.max(i, first + 1);
  }
  return { xs: outX.subarray(0, out), ys: outY.subarray(0, out), length: out };
}

/**
 * Largest-Triangle-Three-Buckets: `threshold` points that keep the visual shape, used for
 * exports where every point becomes an SVG path command. Gaps (NaN) are dropped.
 */
export function lttb(series: Points, threshold: number): DecimatedPoints {
  const idx: number[] = [];
  for (let i = 0; i < series.length; i++) if (!Number.isNaN(series.ys[i]!)) idx.push(i);
  const n = idx.length;
  if (threshold >= n || threshold < 3) {
    const xs = Float64Array.from(idx, (k) => series.xs[k]!);
    const ys = Float64Array.from(idx, (k) => series.ys[k]!);
    return { xs, ys, length: n };
  }
  const xs = new Float64Array(threshold);
  const ys = new Float64Array(threshold);
  const X = (j: number) => series.xs[idx[j]!]!;
  const Y = (j: number) => series.ys[idx[j]!]!;
  const every = (n - 2) / (threshold - 2);
  let a = 0;
  xs[0] = X(0);
  ys[0] = Y(0);
  for (let b = 0; b < threshold - 2; b++) {
    // Average of the next bucket is the third triangle vertex.
    const nextStart = Math.floor((b + 1) * every) + 1;
    const nextEnd = Math.min(Math.floor((b + 2) * every) + 1, n);
    let avgX = 0;
    let avgY = 0;
    for (let j = nextStart; j < nextEnd; j++) {
      avgX += X(j);
      avgY += Y(j);
    }
    const count = Math.max(1, nextEnd - nextStart);
    avgX /= count;
    avgY /= count;
    const from = Math.floor(b * every) + 1;
    const to = Math.floor((b + 1) * every) + 1;
    let best = from;
    let bestArea = -1;
    for (let j = from; j < to; j++) {
      const area = Math.abs((X(a) - avgX) * (Y(j) - Y(a)) - (X(a) - X(j)) * (avgY - Y(a)));
      if (area > bestArea) {
        bestArea = area;
        best = j;
      }
    }
    xs[b + 1] = X(best);
    ys[b + 1] = Y(best);
    a = best;
  }
  xs[threshold - 1] = X(n - 1);
  ys[threshold - 1] = Y(n - 1);
  return { xs, ys, length: threshold };
}

/**
 * Scatter thinning: keeps one point per (pixel column, pixel row) cell, so 100,000
 * convergence samples cost what the screen can show. Returns kept indices in input order.
 */
export function thinScatter(
  xs: ArrayLike<number>,
  ys: ArrayLike<number>,
  length: number,
  toPx: (x: number) => number,
  toPy: (y: number) => number,
  cellPx = 1,
): Uint32Array {
  const seen = new Set<number>();
  const kept: number[] = [];
  for (let i = 0; i < length; i++) {
    const px = Math.floor(toPx(xs[i]!) / cellPx);
    const py = Math.floor(toPy(ys[i]!) / cellPx);
    if (!Number.isFinite(px) || !Number.isFinite(py)) continue;
    const key = px * 100_003 + py;
    if (seen.has(key)) continue;
    seen.add(key);
    kept.push(i);
  }
  return Uint32Array.from(kept);
}
