// Censored convergence percentiles (DESIGN §3) for the fake cluster, with the protocol's one
// Kaplan–Meier definition, the collector's too.
import { censoredFromSorted, type CensoredStats } from "@driftscope/protocol";

/** Percentiles with the flags that say which are lower bounds. */
export type CensoredPercentiles = Pick<CensoredStats, "p50" | "p95" | "p99" | "max" | "atLeast">;

/** Percentiles of `measuredMs` (convergence times) censored by `inFlightAgesMs` (ages of updates still in flight); any order. */
export function censoredPercentiles(measuredMs: ArrayLike<number>, inFlightAgesMs: ArrayLike<number>): CensoredPercentiles {
  const { p50, p95, p99, max, atLeast } = censoredFromSorted(Float64Array.from(measuredMs).sort(), Float64Array.from(inFlightAgesMs).sort());
  return { p50, p95, p99, max, atLeast };
}
