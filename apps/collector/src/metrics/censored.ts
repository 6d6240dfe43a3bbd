// Censored percentiles (DESIGN §3): an update still unconverged at age a is known only
// to take "≥ a". Counting it as a sample of a would pull the figures down under a steady
// load (young updates in flight look fast); leaving it out is the survivor-only figure
// that reads "p99 143 ms" during a partition. The Kaplan–Meier estimate does neither: an
// unconverged update stays at risk until its age, and a percentile the converged updates
// cannot reach is shown as "≥ the oldest age in flight".
import type { LogHistogram } from "./quantiles.js";
import type { CensoredStats } from "./types.js";

const LEVELS = [0.5, 0.95, 0.99] as const;

/** Walks the estimate: `event(t, d)` for d convergences at t, then asks which levels it reached. */
class KaplanMeier {
  private atRisk: number;
  private survival = 1;
  readonly found: Array<number | null> = [null, null, null];

  constructor(total: number) {
    this.atRisk = total;
  }

  censor(count: number): void {
    this.atRisk -= count;
  }

  event(valueMs: number, count: number): void {
    if (this.atRisk <= 0) return;
    this.survival *= 1 - count / this.atRisk;
    this.atRisk -= count;
    const dead = 1 - this.survival;
    for (let i = 0; i < LEVELS.length; i++) if (this.found[i] === null && dead >= LEVELS[i]! - 1e-12) this.found[i] = valueMs;
  }
}

function finish(km: KaplanMeier, measured: number, censored: Float64Array, maxMeasured: number | null): CensoredStats {
  const oldest = censored.length > 0 ? censored[censored.length - 1]! : null;
  // A level the converged updates do not reach: all we know is "≥ the oldest age still in flight".
  const fill = (v: number | null) => (v !== null ? v : oldest);
  const [p50, p95, p99] = km.found.map(fill) as [number | null, number | null, number | null];
  const max = oldest === null ? maxMeasured : maxMeasured === null ? oldest : Math.max(oldest, maxMeasured);
  return {
    count: measured,
    p50,
    p95,
    p99,
    max,
    censored: censored.length,
    atLeast: { p50: km.found[0] === null && p50 !== null, p95: km.found[1] === null && p95 !== null, p99: km.found[2] === null && p99 !== null, max: oldest !== null && (maxMeasured === null || oldest >= maxMeasured) },
  };
}

/** Percentiles over measured times and censored ages, both ascending. */
export function censoredFromSorted(measured: Float64Array, censored: Float64Array): CensoredStats {
  const km = new KaplanMeier(measured.length + censored.length);
  let c = 0;
  for (let i = 0; i < measured.length; ) {
    const t = measured[i]!;
    let d = 0;
    while (i < measured.length && measured[i] === t) {
      d++;
      i++;
    }
    // Updates in flight younger than t left the risk set before it (ties: the event first).
    let gone = 0;
    while (c < censored.length && censored[c]! < t) {
      gone++;
      c++;
    }
    km.censor(gone);
    km.event(t, d);
  }
  return finish(km, measured.length, censored, measured.length > 0 ? measured[measured.length - 1]! : null);
}

/** The same over a run's histogram (bucketed, ≤ 1 % relative error). */
export function censoredFromHistogram(run: LogHistogram, censored: Float64Array): CensoredStats {
  const km = new KaplanMeier(run.count + censored.length);
  let c = 0;
  run.forEachBucket((lowMs, valueMs, count) => {
    let gone = 0;
    while (c < censored.length && censored[c]! < lowMs) {
      gone++;
      c++;
    }
    km.censor(gone);
    km.event(valueMs, count);
  });
  return finish(km, run.count, censored, run.max);
}
