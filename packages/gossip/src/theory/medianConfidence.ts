// How well a sample pins its median down: the 95 % confidence half-width of the p50 by
// order statistics (distribution-free), relative to the p50. The experiments' stop rule
// ("the p50's half-width under 10 %") reads this, in simulation and on a live cluster alike.

/** Half-width of the p50's 95 % confidence interval ÷ p50, from an ascending sample; Infinity below 10 values. */
export function relativeHalfWidth(sorted: readonly number[]): number {
  const n = sorted.length;
  if (n < 10) return Infinity;
  const half = (1.96 * Math.sqrt(n)) / 2;
  const lo = sorted[Math.max(0, Math.floor(n / 2 - half))]!;
  const hi = sorted[Math.min(n - 1, Math.ceil(n / 2 + half))]!;
  const p50 = sorted[Math.ceil(n / 2) - 1]!;
  return p50 > 0 ? (hi - lo) / 2 / p50 : hi === lo ? 0 : Infinity;
}
