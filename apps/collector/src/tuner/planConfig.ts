// Which config meets a p95 aim at the least sync cost. The shape of p95 over interval and
// fanout comes from the asynchronous model (gossip/theory asyncConvergence, DESIGN §3), its
// level from the measurements: `gain` is measured p95 ÷ model p95 at the config in force.
// Cost is ranked by messages per second (fanout ÷ interval), which bytes grow with whatever
// the payload; the byte budget is checked with the measured-bytes model the caller passes.
//
// Cost: per fanout two bisections of ≤ 24 steps (a model evaluation each, cached, ≈ 1 ms uncached).
import { asyncConvergence, type GossipMode } from "@driftscope/gossip/theory";
import type { TunerRange } from "./types.js";

/** The cluster the model describes. */
export interface ModelCluster {
  /** Live replicas. */
  n: number;
  mode: GossipMode;
  network: { latencyMs: number; jitterMs: number; lossRate: number };
}

/** What a plan is asked. */
export interface PlanInput {
  cluster: ModelCluster;
  /** The p95 to reach, ms (the target less its margin). */
  aimMs: number;
  /** Measured p95 ÷ model p95 (1 until something is measured). */
  gain: number;
  intervalMs: TunerRange;
  fanout: TunerRange;
  /** Predicted bytes/s per replica of a config (the measured-bytes model). */
  bytesAt: (fanout: number, intervalMs: number) => number;
  maxBytesPerSecPerReplica?: number | undefined;
}

/** A planned config and whether it reaches the aim ("met") or what stops it. */
export interface Plan {
  intervalMs: number;
  fanout: number;
  predictedP95Ms: number;
  predictedBytesPerSec: number;
  reach: "met" | "budget" | "range";
}

/** The model's p95 convergence time for a config, ms. */
export function modelP95Ms(cluster: ModelCluster, intervalMs: number, fanout: number): number {
  if (cluster.n < 2) return 0;
  return asyncConvergence({ n: cluster.n, intervalMs, fanout: Math.min(fanout, cluster.n - 1), mode: cluster.mode, ...cluster.network }).p95Ms;
}

const STEPS = 24;
/** Relative precision of a bisection (0.1 %: far below what a measured p95 can tell apart). */
const PRECISION = 1e-3;

/** Largest x in [lo, hi] with ok(x), for ok true below some point and false above it; undefined if ok(lo) is false. */
function largest(lo: number, hi: number, ok: (x: number) => boolean): number | undefined {
  if (!ok(lo)) return undefined;
  if (ok(hi)) return hi;
  let good = lo;
  let bad = hi;
  // Geometric bisection: intervals span decades, and 24 halvings of the log range are well under 1 ms.
  for (let i = 0; i < STEPS && bad / good > 1 + PRECISION; i++) {
    const mid = Math.sqrt(good * bad);
    if (ok(mid)) good = mid;
    else bad = mid;
  }
  return good;
}

/**
 * The cheapest config (fewest messages per second; then the smaller fanout) whose predicted
 * p95 is within `aimMs` and whose predicted bytes are within the budget. When none is, the
 * config within the budget with the best predicted p95, said to be stopped by the budget or by
 * the range; when nothing is within the budget, the cheapest config of the range.
 */
export function planConfig(input: PlanInput): Plan {
  const { cluster, aimMs, gain, intervalMs: range } = input;
  const budget = input.maxBytesPerSecPerReplica ?? Infinity;
  const p95 = (f: number, t: number) => gain * modelP95Ms(cluster, t, f);
  const plan = (f: number, t: number, reach: Plan["reach"]): Plan => ({
    intervalMs: t,
    fanout: f,
    predictedP95Ms: p95(f, t),
    predictedBytesPerSec: input.bytesAt(f, t),
    reach,
  });
  const fanoutMax = Math.max(input.fanout.min, Math.min(input.fanout.max, cluster.n - 1));
  let best: Plan | undefined;
  const limited: Plan[] = [];
  let budgetStopped = false;
  for (let f = input.fanout.min; f <= fanoutMax; f++) {
    // Integer ms, rounded towards the safe side of each bound.
    const meeting = largest(range.min, range.max, (t) => p95(f, t) <= aimMs);
    const affordable = largest(1 / range.max, 1 / range.min, (perMs) => input.bytesAt(f, 1 / perMs) <= budget);
    const tMeet = meeting === undefined ? undefined : Math.max(range.min, Math.floor(meeting));
    const tBudget = affordable === undefined ? undefined : Math.min(range.max, Math.ceil(1 / affordable));
    if (tMeet !== undefined && tBudget !== undefined && tMeet >= tBudget) {
      const p = plan(f, tMeet, "met");
      if (best === undefined || f / p.intervalMs < best.fanout / best.intervalMs) best = p;
    } else if (tBudget !== undefined) {
      if (tMeet !== undefined) budgetStopped = true;
      limited.push(plan(f, tBudget, "range"));
    } else {
      budgetStopped = true;
    }
  }
  if (best !== undefined) return best;
  if (limited.length > 0) {
    const closest = limited.sort((a, b) => a.predictedP95Ms - b.predictedP95Ms || a.fanout - b.fanout)[0]!;
    return { ...closest, reach: budgetStopped ? "budget" : "range" };
  }
  return plan(input.fanout.min, range.max, "budget");
}
