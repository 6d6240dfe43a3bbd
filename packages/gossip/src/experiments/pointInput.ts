// The simulator's input check: the collector builds points from a validated plan, but the
// command may be called by hand, so it says which field is wrong rather than crash.
import type { PointSpec } from "./simulatePoint.js";

/** Why `value` is not a list of point specs (the first problem), or undefined. */
export function checkPoints(value: unknown): string | undefined {
  const points = (value as { points?: unknown } | null)?.points;
  if (!Array.isArray(points) || points.length === 0) return "expected { points: [ … ] } with at least one point";
  for (const [i, p] of points.entries()) {
    const s = p as Partial<PointSpec> | null;
    const bad = (what: string) => `points[${i}].${what}`;
    if (s === null || typeof s !== "object") return `points[${i}] must be an object`;
    if (!Number.isInteger(s.replicas) || s.replicas! < 2 || s.replicas! > 4096) return `${bad("replicas")} must be an integer 2–4096`;
    if (typeof s.crdtType !== "string") return `${bad("crdtType")} must be a CRDT type name`;
    const g = s.gossip;
    if (g === undefined || !(g.intervalMs >= 1) || !(g.fanout >= 1) || !["push", "pull", "push-pull"].includes(g.mode) || !["full", "delta", "digest"].includes(g.payload)) {
      return `${bad("gossip")} needs intervalMs ≥ 1, fanout ≥ 1, mode push|pull|push-pull, payload full|delta|digest`;
    }
    if (!(s.updatesPerSecPerReplica! >= 0)) return `${bad("updatesPerSecPerReplica")} must be ≥ 0`;
    const n = s.network;
    if (n === undefined || !(n.latencyMs >= 0) || !(n.jitterMs >= 0) || !(n.lossRate >= 0 && n.lossRate < 1)) return `${bad("network")} needs latencyMs ≥ 0, jitterMs ≥ 0, 0 ≤ lossRate < 1`;
    if (!(s.warmupMs! >= 0)) return `${bad("warmupMs")} must be ≥ 0`;
    const stop = s.stop as Record<string, number> | undefined;
    if (stop === undefined || !((stop.durationMs ?? stop.capMs ?? 0) > 0)) return `${bad("stop")} needs durationMs, or minConverged, maxRelativeHalfWidth and capMs`;
    if (!Number.isInteger(s.seed)) return `${bad("seed")} must be an integer`;
  }
  return undefined;
}
