// The live engine against a scripted cluster in fake time: what counts in a point, when it
// starts, and that the config in force before the experiment comes back.
import { DEFAULT_CLUSTER_CONFIG, applyConfigPatch, parsePlan, type ClusterConfig, type ExperimentPlan, type Frame } from "@driftscope/protocol";
import { describe, expect, it } from "vitest";
import { runLive, type LiveCluster, type Sleep } from "./liveEngine.js";
import type { PointObservation } from "./pointResult.js";

/** A cluster of 3 replicas that acknowledge a new config after `ackFrames` frames (never when < 0). */
function fakeCluster(ackFrames = 2, refuse = false) {
  let now = 0;
  let config: ClusterConfig = structuredClone(DEFAULT_CLUSTER_CONFIG);
  let acked = config.version;
  let framesSinceChange = 0;
  const listeners = new Set<(f: Frame) => void>();
  const sources: string[] = [];
  const cluster: LiveCluster = {
    config: () => config,
    changeConfig: (patch, source) => {
      const r = applyConfigPatch(config, patch);
      if (r.ok) {
        config = r.config;
        framesSinceChange = 0;
        sources.push(source);
      }
      return r;
    },
    onFrame: (l) => {
      listeners.add(l);
      return () => listeners.delete(l);
    },
    totals: () => ({ messages: now / 10, bytes: now, deliveries: now / 100 }),
    inFlightAges: (from) => (now - from > 0 ? [50, 20] : []),
    visibility: (from) => [[from, 0.5], [now - from, 1]],
  };
  // Every 100 ms: a frame with a sample issued 30 ms ago converging in 30 ms.
  const sleep: Sleep = async (ms, cancelled) => {
    const end = now + ms;
    while (now < end) {
      if (cancelled()) throw new Error("cancelled");
      now = Math.min(end, now + 100);
      if (++framesSinceChange >= ackFrames && ackFrames >= 0) acked = config.version;
      const frame = {
        kpis: { configVersion: config.version, live: 3, ackedReplicas: acked === config.version ? 3 : 1, inFlight: 4, meanMissingUpdates: 2 },
        samples: [["r0", now, now - 30, 30]],
        events: refuse && framesSinceChange === 1 ? [{ kind: "config", version: config.version, summary: "3 replicas of a refused config v" + config.version, detail: "VALIDATION: no" }] : [],
      } as unknown as Frame;
      for (const l of listeners) l(frame);
    }
  };
  return { cluster, sleep, now: () => now, sources, config: () => config };
}

const plan = (measure: object = { durationMs: 5000 }): ExperimentPlan => {
  const r = parsePlan({ name: "live", engine: "live", sweep: { intervalMs: [100, 500] }, fixed: { fanout: 3 }, warmupMs: 1000, measure });
  if (!r.ok) throw new Error(r.error.message);
  return r.value;
};
const points = [
  { index: 0, config: { intervalMs: 100, fanout: 3, mode: "push-pull" as const, payload: "delta" as const, updatesPerSecPerReplica: 1, lossRate: 0, latencyMs: 0 } },
  { index: 1, config: { intervalMs: 500, fanout: 3, mode: "push-pull" as const, payload: "delta" as const, updatesPerSecPerReplica: 1, lossRate: 0, latencyMs: 0 } },
];

describe("live engine", () => {
  it("CL-X8: each point is applied, acknowledged, warmed up and measured; only updates issued after its warm-up count; the config before comes back", async () => {
    const f = fakeCluster();
    const before = f.config();
    const seen: Array<[number, PointObservation, number]> = [];
    await runLive(f.cluster, plan(), points, "experiment exp-1 (live)", (i, o, n) => seen.push([i, o, n]), () => false, f.sleep, f.now);
    expect(seen.map(([i]) => i)).toEqual([0, 1]);
    const [, o, replicas] = seen[0]!;
    expect(replicas).toBe(3);
    expect(o.measuredMs).toBe(5000);
    expect(o.convergedMs.length).toBe(50); // one sample per 100 ms frame, issued after t0
    expect(o.inFlightAgesMs).toEqual([20, 50]);
    expect(o.visibility).toEqual([[1000 + 100, 0.5], [5000, 1]]); // asked at the end, over updates issued after the warm-up
    expect(o.messagesSent).toBe(500);
    expect(o.meanInFlight).toBe(4);
    expect(f.sources).toEqual(["experiment exp-1 (live), point 0", "experiment exp-1 (live), point 1", "experiment exp-1 (live): the config before it, restored"]);
    expect(f.config().gossip).toEqual(before.gossip);
    expect(f.config().version).toBe(before.version + 3);
  });

  it("CL-X9: cancel stops at once and restores the config; replicas that never acknowledge fail the point with how many did", async () => {
    const f = fakeCluster();
    let calls = 0;
    const stopped = runLive(f.cluster, plan(), points, "exp", () => undefined, () => ++calls > 30, f.sleep, f.now);
    await expect(stopped).rejects.toThrow("cancelled");
    expect(f.sources.at(-1)).toBe("exp: the config before it, restored");
    const g = fakeCluster(-1);
    await expect(runLive(g.cluster, plan(), points, "exp", () => undefined, () => false, g.sleep, g.now)).rejects.toThrow(/point 0: 1 of 3 live replicas acknowledged config v2 within 30 s/);
    expect(g.sources.at(-1)).toBe("exp: the config before it, restored");
    const h = fakeCluster(-1, true);
    await expect(runLive(h.cluster, plan(), points, "exp", () => undefined, () => false, h.sleep, h.now)).rejects.toThrow(/^point 0: 3 replicas of a refused config v2: VALIDATION: no$/);
  });

  it("CL-X10: a stop rule on converged updates ends a point once the p50 is known well enough", async () => {
    const f = fakeCluster();
    const seen: PointObservation[] = [];
    await runLive(f.cluster, plan({ minConverged: 20, maxRelativeHalfWidth: 0.1, capMs: 60_000 }), points.slice(0, 1), "exp", (_i, o) => seen.push(o), () => false, f.sleep, f.now);
    expect(seen[0]!.measuredMs).toBeLessThan(60_000);
    expect(seen[0]!.convergedMs.length).toBeGreaterThanOrEqual(20);
  });
});
