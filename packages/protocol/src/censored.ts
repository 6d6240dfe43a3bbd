// Censored percentiles (DESIGN §3), the one definition every part uses: an update still
// unconverged at age a is known only to take "≥ a". Counting it as a sample of a would pull
// the figures down under a steady load (young updates in flight look fast); leaving it out
// gives the survivor-only figure that reads "p99 143 ms" during a partition. The
// Kaplan–Meier estimate does neither: an unconverged update stays at risk until its age, and
// a percentile the converged updates cannot reach is "≥ the oldest age in flight".

/** Percentiles of convergence time, censored by the updates still in flight. */
export interface CensoredStats {
  /** Converged updates measured. */
  count: number;
  p50: number | null;
  p95: number | null;
  p99: number | null;
  max: number | null;
  /** Updates in flight that took part (as their age). */
  censored: number;
  /** Which figures are only lower bounds ("≥"). */
  atLeast: { p50: boolean; p95: boolean; p99: boolean; max: boolean };
}

const LEVELS = [0.5, 0.95, 0.99] as const;

/**
 * Percentiles over groups of equal convergence times (`[timeMs, count]`, ascending; a
 * bucketed histogram gives `lowMs` for when its group starts), censored by `censored`
 * ages (ascending). `maxMeasured`: the largest convergence time among them.
 */
export function censoredFromGroups(groups: Iterable<readonly [valueMs: number, count: number, lowMs?: number]>, measured: number, censored: ArrayLike<number>, maxMeasured: number | null): CensoredStats {
  let atRisk = measured + censored.length;
  let survival = 1;
  let c = 0;
  const found: Array<number | null> = [null, null, null];
  for (const [value, count, low = value] of groups) {
    // Updates in flight younger than this group left the risk set before it (ties: the event first).
    while (c < censored.length && censored[c]! < low) {
      atRisk--;
      c++;
    }
    if (atRisk <= 0) break;
    survival *= 1 - count / atRisk;
    atRisk -= count;
    LEVELS.forEach((level, i) => {
      if (found[i] === null && 1 - survival >= level - 1e-12) found[i] = value;
    });
  }
  const oldest = censored.length > 0 ? censored[censored.length - 1]! : null;
  // A level the converged updates do not reach: all that is known is "≥ the oldest age in flight".
  const [p50, p95, p99] = found.map((v) => v ?? oldest) as [number | null, number | null, number | null];
  const max = oldest === null ? maxMeasured : maxMeasured === null ? oldest : Math.max(oldest, maxMeasured);
  const bound = (i: number, v: number | null) => found[i] === null && v !== null;
  return { count: measured, p50, p95, p99, max, censored: censored.length, atLeast: { p50: bound(0, p50), p95: bound(1, p95), p99: bound(2, p99), max: oldest !== null && (maxMeasured === null || oldest >= maxMeasured) } };
}

/** Censored percentiles of measured convergence times and in-flight ages, both ascending. */
export function censoredFromSorted(measured: ArrayLike<number>, censored: ArrayLike<number>): CensoredStats {
  function* groups(): Generator<readonly [number, number]> {
    for (let i = 0; i < measured.length; ) {
      const t = measured[i]!;
      let d = 0;
      while (i < measured.length && measured[i] === t) {
        d++;
        i++;
      }
      yield [t, d];
    }
  }
  return censoredFromGroups(groups(), measured.length, censored, measured.length > 0 ? measured[measured.length - 1]! : null);
}
