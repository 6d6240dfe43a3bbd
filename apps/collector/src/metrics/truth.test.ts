// Truth test: a virtual-time gossip simulation (packages/gossip) whose true inclusion
// times are recorded from its events, fed to the engine as report-tick digests the way
// an agent would send them (coalesced sparse VV changes every tick).
import { Cluster } from "@driftscope/gossip";
import { describe, expect, it } from "vitest";
import { MetricsEngine } from "./MetricsEngine.js";
import type { EngineFrame, ReplicaDigestInput } from "./types.js";

const TICK_MS = 50;

interface Truth {
  issuedAt: Map<string, number>;
  /** dot → replica → inclusion time */
  includedAt: Map<string, Map<string, number>>;
}

/** Runs `cluster` in virtual time, reporting every tick to a fresh engine. */
function harness(cluster: Cluster, options: { withInclusionTimes: boolean }) {
  const ids = cluster.ids();
  const truth: Truth = { issuedAt: new Map(), includedAt: new Map() };
  const newIssued = new Map<string, Array<[number, number]>>(ids.map((id) => [id, []]));
  const newIncluded = new Map<string, Array<[string, number, number]>>(ids.map((id) => [id, []]));
  const include = (replica: string, origin: string, seq: number, atMs: number) => {
    const key = `${origin}:${seq}`;
    let m = truth.includedAt.get(key);
    if (m === undefined) truth.includedAt.set(key, (m = new Map()));
    m.set(replica, atMs);
    if (replica !== origin) newIncluded.get(replica)?.push([origin, seq, atMs]);
  };
  cluster.events.on("update", (e) => {
    truth.issuedAt.set(`${e.dot.replica}:${e.dot.seq}`, e.atMs);
    newIssued.get(e.replica)?.push([e.dot.seq, e.atMs]);
    include(e.replica, e.dot.replica, e.dot.seq, e.atMs);
  });
  cluster.events.on("merge", (e) => {
    for (const range of e.newlyIncluded) for (let s = range.from; s <= range.to; s++) include(e.replica, range.replica, s, e.atMs);
  });

  const engine = new MetricsEngine({ defaultReportIntervalMs: TICK_MS, sampleBudgetPerSec: 1e9 });
  engine.registerAgent("sim", TICK_MS, 0);
  for (const id of ids) engine.addReplica(id, "sim", "gcounter", 0);
  const reported = new Map<string, Map<string, number>>(ids.map((id) => [id, new Map()]));
  const samples = new Map<string, number>();
  const frames: EngineFrame[] = [];

  const tick = (t: number) => {
    cluster.runUntil(t);
    const digests: ReplicaDigestInput[] = ids.map((id) => {
      const r = cluster.replica(id);
      const vv = r.versionVector();
      const last = reported.get(id)!;
      const changes: Array<[string, number]> = [];
      for (const [origin, seq] of vv) if (last.get(origin) !== seq) changes.push([origin, seq]);
      for (const [origin, seq] of changes) last.set(origin, seq);
      const d: ReplicaDigestInput = {
        replica: id,
        full: false,
        vv: changes,
        hash: r.digest().hash,
        bytes: r.digest().bytes,
        summary: "",
        seq: r.state.seq,
        issued: newIssued.get(id)!.splice(0),
      };
      const inc = newIncluded.get(id)!.splice(0);
      if (options.withInclusionTimes) d.included = inc;
      return d;
    });
    engine.ingestReport("sim", t, digests, t);
    const frame = engine.frame(t);
    frames.push(frame);
    for (const s of frame.samples) samples.set(`${s.origin}:${s.seq}`, s.convergenceMs);
    return frame;
  };

  /** Σ_r (F[r] − VV_i[r]) from the simulation's own state. */
  const missingTruth = () => {
    const frontier = ids.map((id) => [id, cluster.replica(id).state.seq] as const);
    return ids.map((id) => {
      const vv = cluster.replica(id).versionVector();
      return frontier.reduce((sum, [origin, f]) => sum + f - (vv.get(origin) ?? 0), 0);
    });
  };

  /** True convergence time of every dot that every replica includes. */
  const convergenceTruth = () => {
    const out = new Map<string, number>();
    for (const [key, byReplica] of truth.includedAt) {
      if (byReplica.size < ids.length) continue;
      out.set(key, Math.max(...byReplica.values()) - truth.issuedAt.get(key)!);
    }
    return out;
  };

  return { engine, tick, missingTruth, convergenceTruth, samples, frames };
}

function gossipCluster(seed: number) {
  return new Cluster({
    type: "gcounter",
    replicas: 12,
    seed,
    time: "virtual",
    config: { intervalMs: 120, fanout: 2, mode: "push-pull", payload: "delta" },
    workload: { updatesPerSecPerReplica: 3 },
  });
}

describe("truth: engine vs a virtual-time gossip simulation", () => {
  it("G1: missing updates are exact at every frame; every convergence time is within one report tick", async () => {
    const cluster = gossipCluster(11);
    const h = harness(cluster, { withInclusionTimes: false });
    let t = 0;
    for (; t <= 4000; t += TICK_MS) expect(h.tick(t).missingUpdates).toEqual(h.missingTruth());
    cluster.setWorkload({ updatesPerSecPerReplica: 0 });
    for (; t <= 8000; t += TICK_MS) expect(h.tick(t).missingUpdates).toEqual(h.missingTruth());
    const truth = h.convergenceTruth();
    expect(truth.size).toBeGreaterThan(100);
    expect(h.samples.size).toBe(truth.size);
    let worst = 0;
    for (const [dot, ms] of truth) {
      const got = h.samples.get(dot);
      expect(got, dot).toBeDefined();
      worst = Math.max(worst, Math.abs(got! - ms));
    }
    expect(worst).toBeLessThanOrEqual(TICK_MS);
    const last = h.frames.at(-1)!;
    expect(last.kpis).toMatchObject({ distinctStates: 1, convergedShare: 1, missingUpdatesTotal: 0 });
    await cluster.close();
  });

  it("G2: with the exact inclusion times of traced dots, convergence times are exact", async () => {
    const cluster = gossipCluster(12);
    const h = harness(cluster, { withInclusionTimes: true });
    let t = 0;
    for (; t <= 3000; t += TICK_MS) h.tick(t);
    cluster.setWorkload({ updatesPerSecPerReplica: 0 });
    for (; t <= 7000; t += TICK_MS) h.tick(t);
    const truth = h.convergenceTruth();
    expect(truth.size).toBeGreaterThan(50);
    for (const [dot, ms] of truth) expect(h.samples.get(dot), dot).toBeCloseTo(ms, 6);
    await cluster.close();
  });

  it("G3: a partition shows at least two distinct states and heals to one", async () => {
    const cluster = gossipCluster(13);
    const h = harness(cluster, { withInclusionTimes: false });
    const ids = cluster.ids();
    let t = 0;
    for (; t <= 1000; t += TICK_MS) h.tick(t);
    cluster.network.partition([ids.slice(0, 6), ids.slice(6)]);
    const during: number[] = [];
    for (; t <= 4000; t += TICK_MS) {
      const f = h.tick(t);
      expect(f.missingUpdates).toEqual(h.missingTruth());
      during.push(f.kpis.distinctStates);
    }
    expect(Math.min(...during.slice(-10))).toBeGreaterThanOrEqual(2);
    cluster.network.heal();
    cluster.setWorkload({ updatesPerSecPerReplica: 0 });
    for (; t <= 9000; t += TICK_MS) h.tick(t);
    const last = h.frames.at(-1)!;
    expect(last.kpis.distinctStates).toBe(1);
    expect(last.kpis.convergedShare).toBe(1);
    await cluster.close();
  });
});
