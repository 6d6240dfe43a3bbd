// The live engine (DESIGN §4): a sweep on the connected cluster, in real time. Each point
// applies its settings as an ordinary versioned config change, waits until every live
// replica acknowledged it, warms up, then measures only updates issued after that: nothing
// of one point leaks into the next. The config in force before the experiment is restored
// at the end, and on cancel.
import { relativeHalfWidth } from "@driftscope/gossip/theory";
import type { ClusterConfig, ConfigPatchResult, ExperimentPlan, Frame, PointResult } from "@driftscope/protocol";
import type { PointObservation } from "./pointResult.js";

/** What the live engine needs of the collector. */
export interface LiveCluster {
  config(): ClusterConfig;
  changeConfig(patch: object, source: string): ConfigPatchResult;
  /** Calls `listener` after every frame; returns the function that stops it. */
  onFrame(listener: (frame: Frame) => void): () => void;
  /** Cumulative messages and bytes sent by every member, and dot deliveries, now. */
  totals(): { messages: number; bytes: number; deliveries: number };
  /** Ages now of the traced updates issued since `fromMs` that have not converged. */
  inFlightAges(fromMs: number): number[];
  /** The visibility curve `[ageMs, share]` now, over the traced updates issued since `fromMs`. */
  visibility(fromMs: number): Array<[number, number]>;
}

export interface LivePoint {
  index: number;
  config: PointResult["config"];
}

/** Waits `ms`, or less when cancelled (then throws "cancelled"). */
export type Sleep = (ms: number, cancelled: () => boolean) => Promise<void>;

export const realSleep: Sleep = async (ms, cancelled) => {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (cancelled()) throw new Error("cancelled");
    await new Promise((r) => setTimeout(r, Math.min(100, end - Date.now())));
  }
  if (cancelled()) throw new Error("cancelled");
};

const ACK_TIMEOUT_MS = 30_000;

/** Runs `points` one after another; `onPoint` gets each observation. Restores the config it found. */
export async function runLive(
  cluster: LiveCluster,
  plan: ExperimentPlan,
  points: readonly LivePoint[],
  label: string,
  onPoint: (index: number, observation: PointObservation, replicas: number) => void,
  cancelled: () => boolean,
  sleep: Sleep = realSleep,
  now: () => number = Date.now,
): Promise<void> {
  const before = cluster.config();
  try {
    for (const p of points) {
      const { observation, replicas } = await measure(cluster, plan, p, label, cancelled, sleep, now);
      onPoint(p.index, observation, replicas);
    }
  } finally {
    const { gossip, workload, network } = before;
    cluster.changeConfig({ gossip, workload: { updatesPerSecPerReplica: workload.updatesPerSecPerReplica }, network: { lossRate: network.lossRate, latencyMs: network.latencyMs, jitterMs: network.jitterMs } }, `${label}: the config before it, restored`);
  }
}

async function measure(cluster: LiveCluster, plan: ExperimentPlan, p: LivePoint, label: string, cancelled: () => boolean, sleep: Sleep, now: () => number): Promise<{ observation: PointObservation; replicas: number }> {
  const c = p.config;
  const changed = cluster.changeConfig(
    {
      gossip: { intervalMs: c.intervalMs, fanout: c.fanout, mode: c.mode, payload: c.payload },
      workload: { updatesPerSecPerReplica: c.updatesPerSecPerReplica },
      network: { lossRate: c.lossRate, latencyMs: c.latencyMs, ...(plan.fixed.jitterMs !== undefined ? { jitterMs: plan.fixed.jitterMs } : {}) },
    },
    `${label}, point ${p.index}`,
  );
  if (!changed.ok) throw new Error(`point ${p.index}: the config was refused: ${changed.error.message}`);
  const version = changed.config.version;
  // Every live replica runs it before anything counts.
  let last: Frame | undefined;
  let refusal: string | undefined;
  const stopAck = cluster.onFrame((f) => {
    last = f;
    const refused = f.events.find((e) => e.kind === "config" && e.version === version && /refused config/.test(e.summary));
    if (refused !== undefined) refusal ??= `${refused.summary}${refused.detail ? `: ${refused.detail}` : ""}`;
  });
  const ackBy = now() + ACK_TIMEOUT_MS;
  try {
    while (!(last !== undefined && last.kpis.configVersion === version && last.kpis.live > 0 && last.kpis.ackedReplicas === last.kpis.live)) {
      if (refusal !== undefined) throw new Error(`point ${p.index}: ${refusal}`);
      if (now() > ackBy) throw new Error(`point ${p.index}: ${last?.kpis.ackedReplicas ?? 0} of ${last?.kpis.live ?? 0} live replicas acknowledged config v${version} within ${ACK_TIMEOUT_MS / 1000} s`);
      await sleep(50, cancelled);
    }
  } finally {
    stopAck();
  }
  await sleep(plan.warmupMs, cancelled);
  const t0 = now();
  const base = cluster.totals();
  const converged: number[] = [];
  let inFlightSum = 0;
  let missingSum = 0;
  let frames = 0;
  let replicas = 0;
  const stop = cluster.onFrame((f) => {
    replicas = f.kpis.live;
    for (const [, , issuedAt, ms] of f.samples) if (issuedAt >= t0) converged.push(ms);
    inFlightSum += f.kpis.inFlight;
    missingSum += f.kpis.meanMissingUpdates;
    frames++;
  });
  try {
    if ("durationMs" in plan.measure) await sleep(plan.measure.durationMs, cancelled);
    else {
      const rule = plan.measure;
      const capAt = t0 + rule.capMs;
      while (now() < capAt) {
        await sleep(Math.min(1000, capAt - now()), cancelled);
        if (converged.length >= rule.minConverged && relativeHalfWidth([...converged].sort((a, b) => a - b)) <= rule.maxRelativeHalfWidth) break;
      }
    }
  } finally {
    stop();
  }
  const t1 = now();
  const end = cluster.totals();
  const inFlightAgesMs = cluster.inFlightAges(t0).sort((a, b) => a - b);
  const observation: PointObservation = {
    measuredMs: t1 - t0,
    updatesIssued: converged.length + inFlightAgesMs.length,
    convergedMs: converged.sort((a, b) => a - b),
    inFlightAgesMs,
    messagesSent: end.messages - base.messages,
    bytesSent: end.bytes - base.bytes,
    deliveries: end.deliveries - base.deliveries,
    meanInFlight: frames > 0 ? inFlightSum / frames : 0,
    meanMissingUpdates: frames > 0 ? missingSum / frames : 0,
    visibility: cluster.visibility(t0),
  };
  return { observation, replicas };
}
