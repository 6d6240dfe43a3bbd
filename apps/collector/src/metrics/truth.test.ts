// Truth test: virtual-time gossip clusters (packages/gossip) whose true inclusion times
// are recorded from their events, reported to the engine the way an agent would; the
// engine's figures are compared with the simulation's own state at every frame, through
// departures, crashes, restarts without state, a long partition and a collector restart.
// eslint-disable-next-line driftscope/import-arrows -- ground truth: a real gossip cluster in virtual time, whose inclusion times the engine must reproduce
import { Cluster } from "@driftscope/gossip";
import { describe, expect, it } from "vitest";
import { MetricsEngine } from "./MetricsEngine.js";
import { missingOf, missingTruth, SimAgent, TICK_MS, Truth } from "./truthHarness.js";
import type { EngineFrame } from "./types.js";

function gossipCluster(seed: number, replicas = 12, prefix = "r") {
  return new Cluster({
    type: "gcounter",
    replicas: Array.from({ length: replicas }, (_, i) => `${prefix}${i}`),
    seed,
    time: "virtual",
    config: { intervalMs: 120, fanout: 2, mode: "push-pull", payload: "delta" },
    workload: { updatesPerSecPerReplica: 3 },
  });
}

/** One engine observing `agents`; `tick` reports every agent, frames, and checks missing counts exactly. */
function observe(agents: SimAgent[], engine: MetricsEngine) {
  const frames: EngineFrame[] = [];
  const samples = new Map<string, number>();
  const tick = (t: number): EngineFrame => {
    for (const a of agents) a.report(t);
    const frame = engine.frame(t);
    expect(missingOf(frame), `missing updates at ${t} ms`).toEqual(missingTruth(agents));
    frames.push(frame);
    for (const s of frame.samples) samples.set(`${s.origin}:${s.seq}`, s.convergenceMs);
    return frame;
  };
  return { tick, frames, samples };
}

function newEngine() {
  return new MetricsEngine({ defaultReportIntervalMs: TICK_MS });
}

/** Every converged dot has a sample, within one report tick of its true convergence time. */
function expectWithinOneTick(samples: Map<string, number>, truth: Map<string, number>): void {
  let worst = 0;
  for (const [dot, ms] of truth) {
    const got = samples.get(dot);
    expect(got, dot).toBeDefined();
    worst = Math.max(worst, Math.abs(got! - ms));
  }
  expect(worst).toBeLessThanOrEqual(TICK_MS);
}

describe("truth: engine vs virtual-time gossip clusters", () => {
  it("CL-G1: missing updates are exact at every frame; every convergence time is within one report tick", async () => {
    const cluster = gossipCluster(11);
    const engine = newEngine();
    const truth = new Truth();
    const agent = new SimAgent(engine, cluster, "sim", truth);
    agent.hello(0);
    const h = observe([agent], engine);
    let t = 0;
    for (; t <= 4000; t += TICK_MS) h.tick(t);
    cluster.setWorkload({ updatesPerSecPerReplica: 0 });
    for (; t <= 8000; t += TICK_MS) h.tick(t);
    const exact = truth.convergence(cluster.ids());
    expect(exact.size).toBeGreaterThan(100);
    expect(h.samples.size).toBe(exact.size);
    expectWithinOneTick(h.samples, exact);
    expect(h.frames.at(-1)!.kpis).toMatchObject({ distinctStates: 1, convergedShare: 1, missingUpdatesTotal: 0, inFlight: 0, lostUpdates: 0 });
    await cluster.close();
  });

  it("CL-G2: with the exact inclusion times of traced dots, convergence times are exact", async () => {
    const cluster = gossipCluster(12);
    const engine = newEngine();
    const truth = new Truth();
    const agent = new SimAgent(engine, cluster, "sim", truth, true);
    agent.hello(0);
    const h = observe([agent], engine);
    let t = 0;
    for (; t <= 3000; t += TICK_MS) h.tick(t);
    cluster.setWorkload({ updatesPerSecPerReplica: 0 });
    for (; t <= 7000; t += TICK_MS) h.tick(t);
    const exact = truth.convergence(cluster.ids());
    expect(exact.size).toBeGreaterThan(50);
    for (const [dot, ms] of exact) expect(h.samples.get(dot), dot).toBeCloseTo(ms, 6);
    await cluster.close();
  });

  it("CL-G3: a partition shows at least two distinct states and heals to one", async () => {
    const cluster = gossipCluster(13);
    const engine = newEngine();
    const agent = new SimAgent(engine, cluster, "sim", new Truth());
    agent.hello(0);
    const h = observe([agent], engine);
    const ids = cluster.ids();
    let t = 0;
    for (; t <= 1000; t += TICK_MS) h.tick(t);
    cluster.network.partition([ids.slice(0, 6), ids.slice(6)]);
    const during: number[] = [];
    for (; t <= 4000; t += TICK_MS) during.push(h.tick(t).kpis.distinctStates);
    expect(Math.min(...during.slice(-10))).toBeGreaterThanOrEqual(2);
    cluster.network.heal();
    cluster.setWorkload({ updatesPerSecPerReplica: 0 });
    for (; t <= 9000; t += TICK_MS) h.tick(t);
    expect(h.frames.at(-1)!.kpis).toMatchObject({ distinctStates: 1, convergedShare: 1 });
    await cluster.close();
  });

  it("CL-G4: a whole cluster leaves and another joins: its updates are counted lost, never missing at the newcomers", async () => {
    const a = gossipCluster(14, 5, "a");
    const b = gossipCluster(15, 5, "b");
    b.setWorkload({ updatesPerSecPerReplica: 0 });
    const engine = newEngine();
    const truth = new Truth();
    const agentA = new SimAgent(engine, a, "node-a", truth);
    const agentB = new SimAgent(engine, b, "node-b", truth);
    agentA.hello(0);
    const h = observe([agentA, agentB], engine);
    let t = 0;
    for (; t <= 3000; t += TICK_MS) h.tick(t);
    const issuedByA = a.replicas().reduce((sum, r) => sum + r.state.seq, 0);
    expect(issuedByA).toBeGreaterThan(20);
    agentA.bye(t);
    agentB.hello(t);
    b.setWorkload({ updatesPerSecPerReplica: 3 });
    for (; t <= 6000; t += TICK_MS) h.tick(t);
    b.setWorkload({ updatesPerSecPerReplica: 0 });
    for (; t <= 9000; t += TICK_MS) h.tick(t);
    const last = h.frames.at(-1)!;
    expect(last.replicaIds).toEqual(b.ids());
    expect(last.kpis).toMatchObject({ convergedShare: 1, missingUpdatesTotal: 0, maxStalenessMs: 0, inFlight: 0, lostUpdates: issuedByA });
    expect(engine.drainNotices().filter((n) => n.kind === "lost").reduce((sum, n) => sum + (n.kind === "lost" ? n.count : 0), 0)).toBe(issuedByA);
    await Promise.all([a.close(), b.close()]);
  });

  it("CL-G5: a replica that crashes holding the only copies keeps them missing; restarted empty, exactly those are lost", async () => {
    const cluster = gossipCluster(16, 6);
    const engine = newEngine();
    const agent = new SimAgent(engine, cluster, "sim", new Truth());
    agent.hello(0);
    const h = observe([agent], engine);
    const [x, ...rest] = cluster.ids() as [string, ...string[]];
    let t = 0;
    for (; t <= 1000; t += TICK_MS) h.tick(t);
    cluster.setWorkload({ updatesPerSecPerReplica: 0 });
    cluster.network.partition([[x], rest]);
    for (let i = 0; i < 7; i++) cluster.update(x);
    for (; t <= 1500; t += TICK_MS) h.tick(t);
    cluster.crash(x);
    for (; t <= 3500; t += TICK_MS) {
      const f = h.tick(t);
      expect(f.kpis.crashed).toBe(1);
      expect(f.kpis.inFlight).toBeGreaterThanOrEqual(7); // held by a crashed member: they still exist
    }
    cluster.network.heal();
    const heldElsewhere = Math.max(...rest.map((id) => cluster.replica(id).versionVector().get(x) ?? 0));
    const lost = cluster.replica(x).state.seq - heldElsewhere;
    expect(lost).toBeGreaterThanOrEqual(7);
    agent.restartEmpty(x, t);
    for (; t <= 7000; t += TICK_MS) h.tick(t);
    const last = h.frames.at(-1)!;
    expect(last.kpis).toMatchObject({ lostUpdates: lost, convergedShare: 1, missingUpdatesTotal: 0, inFlight: 0, crashed: 0 });
    expect(engine.replica(x)?.incarnation).toBe(1);
    expect(engine.replica(x)?.dotReuse).toBeUndefined(); // it issues under a new id (x:1), reusing nothing
    await cluster.close();
  });

  it("CL-G6: during a 15 s partition the p99 is censored (≥ the partition's age) and in-flight updates rise; after healing, the true times", async () => {
    const cluster = gossipCluster(17);
    const engine = newEngine();
    const truth = new Truth();
    const agent = new SimAgent(engine, cluster, "sim", truth);
    agent.hello(0);
    const h = observe([agent], engine);
    const ids = cluster.ids();
    let t = 0;
    for (; t <= 5000; t += TICK_MS) h.tick(t);
    const before = h.frames.at(-1)!.kpis;
    expect(before.convergence.atLeast.p99).toBe(false);
    const start = t;
    cluster.network.partition([ids.slice(0, 6), ids.slice(6)]);
    let inFlightAtStart = 0;
    for (; t < start + 15_000; t += TICK_MS) {
      const k = h.tick(t).kpis;
      const age = t - start;
      if (age === 0) inFlightAtStart = k.inFlight;
      // Never the healthy figure: p99 is at least the partition's age, and a lower bound ("≥")
      // as soon as that age passes every convergence time measured before it.
      expect(k.convergence.p99!, `p99 at ${age} ms into the partition`).toBeGreaterThanOrEqual(age - 2 * TICK_MS);
      if (age > before.convergence.max! + 2 * TICK_MS) expect(k.convergence.atLeast.p99, `≥ at ${age} ms`).toBe(true);
      expect(k.oldestInFlightMs).toBeGreaterThanOrEqual(age - 2 * TICK_MS);
    }
    const during = h.frames.at(-1)!.kpis;
    expect(during.inFlight).toBeGreaterThan(inFlightAtStart + 300);
    cluster.network.heal();
    cluster.setWorkload({ updatesPerSecPerReplica: 0 });
    for (; t <= start + 25_000; t += TICK_MS) h.tick(t);
    const after = h.frames.at(-1)!.kpis;
    expect(after).toMatchObject({ inFlight: 0, convergedShare: 1 });
    expect(after.convergence.atLeast).toEqual({ p50: false, p95: false, p99: false, max: false });
    expect(after.convergence.p99!).toBeGreaterThan(10_000); // the stragglers count: the window was not reset
    expectWithinOneTick(h.samples, truth.convergence(ids));
    await cluster.close();
  });

  it("CL-G7: after a collector restart mid-run the first report is a baseline: no rate spike, missing counts exact", async () => {
    const cluster = gossipCluster(18);
    const truth = new Truth();
    const first = newEngine();
    const agent = new SimAgent(first, cluster, "sim", truth);
    agent.hello(0);
    let h = observe([agent], first);
    let t = 0;
    for (; t <= 4000; t += TICK_MS) h.tick(t);
    const steady = h.frames.at(-1)!.kpis;
    expect(steady.updatesPerSec).toBeGreaterThan(10);
    // The collector restarts: a new engine, the agent says hello again and sends whole vectors and cumulative counters.
    const second = newEngine();
    agent.engine = second;
    agent.hello(t);
    h = observe([agent], second);
    for (; t <= 8000; t += TICK_MS) {
      const k = h.tick(t).kpis;
      expect(k.updatesPerSec).toBeLessThanOrEqual(3 * steady.updatesPerSec);
      expect(k.messagesPerSec).toBeLessThanOrEqual(2 * steady.messagesPerSec);
      expect(k.bytesPerSec).toBeLessThanOrEqual(2 * steady.bytesPerSec);
      expect(k.deliveriesPerSec).toBeLessThanOrEqual(3 * Math.max(steady.deliveriesPerSec, 1));
    }
    expect(h.frames.at(-1)!.kpis.updatesPerSec).toBeGreaterThan(steady.updatesPerSec / 3);
    await cluster.close();
  });
});
