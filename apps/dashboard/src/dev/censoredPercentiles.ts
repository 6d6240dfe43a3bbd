// Censored convergence percentiles (DESIGN §3) for the fake cluster: an update still in
// flight at age a is known only to take "≥ a". The Kaplan–Meier estimate keeps it at risk
// until its age; a level the converged updates cannot reach reads "≥ the oldest age in
// flight". The collector computes the real figures; this mirrors them for the dev aid.

/** Percentiles with the flags that say which are lower bounds. */
export interface CensoredPercentiles {
  p50: number | null;
  p95: number | null;
  p99: number | null;
  max: number | null;
  atLeast: { p50: boolean; p95: boolean; p99: boolean; max: boolean };
}

const LEVELS = [0.5, 0.95, 0.99] as const;

/** Percentiles of `measuredMs` (convergence times) censored by `inFlightAgesMs` (ages of updates still in flight); any order. */
export function censoredPercentiles(measuredMs: ArrayLike<number>, inFlightAgesMs: ArrayLike<number>): CensoredPercentiles {
  const measured = Float64Array.from(measuredMs).sort();
  const censored = Float64Array.from(inFlightAgesMs).sort();
  const found: (number | null)[] = [null, null, null];
  let atRisk = measured.length + censored.length;
  let survival = 1;
  let c = 0;
  for (let i = 0; i < measured.length; ) {
    const t = measured[i]!;
    let d = 0;
    while (i < measured.length && measured[i] === t) {
      d++;
      i++;
    }
    // In-flight updates younger than t left the risk set before it.
    while (c < censored.length && censored[c]! < t) {
      atRisk--;
      c++;
    }
    if (atRisk <= 0) break;
    survival *= 1 - d / atRisk;
    atRisk -= d;
    LEVELS.forEach((level, k) => {
      if (found[k] === null && 1 - survival >= level - 1e-12) found[k] = t;
    });
  }
  const oldest = censored.length > 0 ? censored[censored.length - 1]! : null;
  const measuredMax = measured.length > 0 ? measured[measured.length - 1]! : null;
  const [p50, p95, p99] = found.map((v) => v ?? oldest) as [number | null, number | null, number | null];
  return {
    p50,
    p95,
    p99,
    max: oldest === null ? measuredMax : Math.max(oldest, measuredMax ?? 0),
    atLeast: {
      p50: found[0] === null && oldest !== null,
      p95: found[1] === null && oldest !== null,
      p99: found[2] === null && oldest !== null,
      max: oldest !== null && (measuredMax === null || oldest >= measuredMax),
    },
  };
}
