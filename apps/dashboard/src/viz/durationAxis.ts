// Duration axes at round durations: ticks a clock reader expects (500 ms, 1 s, 2 s, 5 s,
// 10 s, 30 s, 1 min, 2 min…) on linear and log axes alike, so no tick reads "1.7 min".

/** Round durations (ms) that ticks and axis ends snap to. */
const ROUND_MS = [
  1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10_000, 15_000, 20_000, 30_000, 60_000, 120_000, 300_000, 600_000, 900_000, 1_800_000, 3_600_000,
  7_200_000, 10_800_000, 21_600_000, 43_200_000, 86_400_000,
];

/** The smallest round duration ≥ `ms` (whole days beyond a day). */
export function roundDurationAbove(ms: number): number {
  if (!(ms > 0)) return 1;
  const found = ROUND_MS.find((r) => r >= ms * (1 - 1e-9));
  return found ?? Math.ceil(ms / 86_400_000) * 86_400_000;
}

/** Linear duration axis from 0: a round step and a top that is a whole number of steps above `max`. */
export function durationLinear(max: number, count = 5): { domain: [number, number]; ticks: number[] } {
  const step = roundDurationAbove((max > 0 ? max : 1) / Math.max(1, count));
  const top = Math.max(step, Math.ceil((max > 0 ? max : 1) / step - 1e-9) * step);
  const ticks: number[] = [];
  for (let v = 0; v <= top + step * 1e-9; v += step) ticks.push(v);
  return { domain: [0, top], ticks };
}

/** Round durations in a log axis's range: 1-2-5 below a second, then s/min/h marks; sparser over many decades. */
export function durationLogTicks(lo: number, hi: number): number[] {
  if (!(lo > 0) || !(hi > lo)) return [lo];
  const decades = Math.log10(hi / lo);
  const marks = ROUND_MS.filter((r) => r >= lo * (1 - 1e-9) && r <= hi * (1 + 1e-9));
  // Over more than two decades keep powers of ten below a second and 1 s / 10 s / 1 min / 10 min / 1 h above.
  const sparse = new Set([1, 10, 100, 1000, 10_000, 60_000, 600_000, 3_600_000, 36_000_000, 86_400_000]);
  return decades > 2 ? marks.filter((m) => sparse.has(m)) : marks.filter((m) => m !== 15_000 && m !== 900_000);
}

/** A log duration domain around [min, max]: round durations at both ends, at least a decade wide. */
export function durationLogDomain(min: number, max: number): [number, number] {
  const hi = roundDurationAbove(Math.max(max, 1));
  let lo = 10 ** Math.floor(Math.log10(Math.max(1, min > 0 && Number.isFinite(min) ? min : hi / 10)));
  if (hi / lo < 10) lo = Math.max(1, 10 ** Math.floor(Math.log10(hi / 10)));
  return [lo, hi];
}
