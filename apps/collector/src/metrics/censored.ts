// Censored percentiles (DESIGN §3): the one Kaplan–Meier definition lives in the protocol
// package (every part agrees on it); this adds the run-wide form over the log histogram.
import { censoredFromGroups, censoredFromSorted } from "@driftscope/protocol";
import type { LogHistogram } from "./quantiles.js";
import type { CensoredStats } from "./types.js";

export { censoredFromSorted };

/** The same over a run's histogram (bucketed, ≤ 1 % relative error). */
export function censoredFromHistogram(run: LogHistogram, censored: Float64Array): CensoredStats {
  const groups: Array<readonly [number, number, number]> = [];
  run.forEachBucket((lowMs, valueMs, count) => groups.push([valueMs, count, lowMs]));
  return censoredFromGroups(groups, run.count, censored, run.max);
}
