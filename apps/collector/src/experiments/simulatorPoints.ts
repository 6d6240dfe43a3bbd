// A plan's points as `driftscope-simulate` takes them (docs/experiments.md, "Simulated
// engine"): the swept values over the plan's fixed settings over the cluster config in force.
import { planPoints, type ClusterConfig, type ExperimentPlan, type PlanPoint, type PointResult } from "@driftscope/protocol";

/** One point in the simulator's input format (its JSON contract; gossip's `PointSpec`). */
export interface SimulatorPoint {
  replicas: number;
  crdtType: string;
  gossip: { intervalMs: number; fanout: number; mode: string; payload: string };
  updatesPerSecPerReplica: number;
  network: { latencyMs: number; jitterMs: number; lossRate: number };
  warmupMs: number;
  stop: ExperimentPlan["measure"];
  seed: number;
}

/** The settings a point runs: swept values, then fixed ones, then the cluster config's. */
export function pointConfig(plan: ExperimentPlan, point: PlanPoint, base: ClusterConfig): PointResult["config"] {
  const v = { ...plan.fixed, ...point.values } as Record<string, number | string | undefined>;
  const pick = <T,>(key: string, fallback: T): T => (v[key] ?? fallback) as T;
  return {
    intervalMs: pick("intervalMs", base.gossip.intervalMs),
    fanout: pick("fanout", base.gossip.fanout),
    mode: pick("mode", base.gossip.mode),
    payload: pick("payload", base.gossip.payload),
    updatesPerSecPerReplica: pick("updatesPerSecPerReplica", base.workload.updatesPerSecPerReplica),
    lossRate: pick("lossRate", base.network.lossRate),
    latencyMs: pick("latencyMs", base.network.latencyMs),
  };
}

export function simulatorPoints(plan: ExperimentPlan, base: ClusterConfig): Array<{ point: PlanPoint; config: PointResult["config"]; spec: SimulatorPoint }> {
  const cluster = plan.cluster ?? { replicas: 5, crdtType: "gcounter" };
  return planPoints(plan).map((point) => {
    const config = pointConfig(plan, point, base);
    return {
      point,
      config,
      spec: {
        replicas: cluster.replicas,
        crdtType: cluster.crdtType,
        gossip: { intervalMs: config.intervalMs, fanout: config.fanout, mode: config.mode, payload: config.payload },
        updatesPerSecPerReplica: config.updatesPerSecPerReplica,
        network: { latencyMs: config.latencyMs, jitterMs: plan.fixed.jitterMs ?? base.network.jitterMs, lossRate: config.lossRate },
        warmupMs: plan.warmupMs,
        stop: plan.measure,
        seed: point.seed,
      },
    };
  });
}
