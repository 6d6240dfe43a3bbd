// Settings under which the cluster cannot converge while they hold. The dashboard asks
// before sending one and shows those in force in its header.

import type { ClusterConfig } from "./config.js";

/** Latency at least this many sync intervals long counts as a risk ("orders of magnitude"). */
export const LATENCY_RISK_FACTOR = 100;

/** One setting in force that keeps replicas from converging, in words. */
export interface ConvergenceRisk {
  kind: "total-loss" | "partition" | "latency";
  /** Short form for a header chip ("100 % loss"). */
  short: string;
  /** What it does, in a sentence. */
  message: string;
}

/**
 * The settings of `config` that keep the cluster from converging. `replicaIds`: the
 * live replicas, so that replicas listed in no partition group count as one more group.
 * @example convergenceRisks({ ...cfg, network: { ...cfg.network, lossRate: 1 } }, ids) // [{ kind: "total-loss", … }]
 */
export function convergenceRisks(config: ClusterConfig, replicaIds: readonly string[]): ConvergenceRisk[] {
  const risks: ConvergenceRisk[] = [];
  const { lossRate, latencyMs, partitions } = config.network;
  if (lossRate >= 1) {
    risks.push({ kind: "total-loss", short: "100 % loss", message: "100 % message loss: no message arrives, so replicas cannot converge" });
  }
  const listed = new Set<string>(partitions.flat());
  const groups = partitions.filter((g) => g.length > 0).length + (replicaIds.some((id) => !listed.has(id)) ? 1 : 0);
  if (partitions.length > 0 && groups >= 2) {
    risks.push({
      kind: "partition",
      short: `partition (${groups} groups)`,
      message: `a partition into ${groups} groups with no heal: replicas in different groups cannot converge until it is healed`,
    });
  }
  const { intervalMs } = config.gossip;
  if (latencyMs >= LATENCY_RISK_FACTOR * intervalMs) {
    const factor = Math.round(latencyMs / intervalMs);
    risks.push({
      kind: "latency",
      short: `latency ${factor}× interval`,
      message: `latency of ${latencyMs} ms is ${factor}× the ${intervalMs} ms sync interval: every exchange arrives ${factor} rounds late, so replicas stay apart while updates flow`,
    });
  }
  return risks;
}

/** The risks of `next` that `current` does not already have (what a change would newly cause). */
export function newConvergenceRisks(current: ClusterConfig | null, next: ClusterConfig, replicaIds: readonly string[]): ConvergenceRisk[] {
  const before = new Set(current ? convergenceRisks(current, replicaIds).map((r) => r.kind) : []);
  return convergenceRisks(next, replicaIds).filter((r) => !before.has(r.kind));
}
