import { FrameSchema, SnapshotSchema } from "@driftscope/protocol";
import { describe, expect, it } from "vitest";
import { FakeCluster, theoryFor } from "./fakeCluster.js";

describe("fake cluster (dev aid)", () => {
  it("produces frames and snapshots the protocol accepts", () => {
    const c = new FakeCluster({ replicas: 16, startMs: 1_000_000 });
    let frame = c.step(1_000_100);
    expect(FrameSchema.safeParse(frame).error?.issues ?? []).toEqual([]);
    for (let t = 1_000_200; t <= 1_010_000; t += 100) frame = c.step(t);
    const parsed = FrameSchema.safeParse(frame);
    expect(parsed.error?.issues ?? []).toEqual([]);
    const snap = SnapshotSchema.safeParse(c.snapshot());
    expect(snap.error?.issues ?? []).toEqual([]);
  });
  it("converges: with updates stopped every replica catches up and samples were produced", () => {
    const c = new FakeCluster({ replicas: 16, startMs: 0, config: { workload: { updatesPerSecPerReplica: 2, crdtType: "awset", opMix: [] } } });
    let samples = 0;
    for (let t = 100; t <= 10_000; t += 100) samples += c.step(t).samples.length;
    c.change("r1", { workload: { updatesPerSecPerReplica: 0 } });
    let frame = c.step(10_100);
    for (let t = 10_200; t <= 30_000; t += 100) {
      frame = c.step(t);
      samples += frame.samples.length;
    }
    expect(samples).toBeGreaterThan(100);
    expect(frame.kpis.convergedShare).toBe(1);
    expect(frame.kpis.distinctStates).toBe(1);
  });
  it("a partition keeps the groups apart until healed", () => {
    const c = new FakeCluster({ replicas: 8, startMs: 0 });
    const ids = c.ids;
    c.change("p", { network: { partitions: [ids.slice(0, 4), ids.slice(4)] } });
    let frame = c.step(100);
    for (let t = 200; t <= 10_000; t += 100) frame = c.step(t);
    expect(frame.kpis.distinctStates).toBeGreaterThanOrEqual(2);
    expect(frame.kpis.convergedShare).toBeLessThan(1);
  });
  it("reports in flight, the oldest age and censored percentiles from its own state: a partition raises them, healing brings them down", () => {
    const c = new FakeCluster({ replicas: 8, startMs: 0, config: { gossip: { intervalMs: 200, fanout: 2, mode: "push-pull", payload: "delta" } } });
    let frame = c.step(100);
    for (let t = 200; t <= 20_000; t += 100) frame = c.step(t);
    const healthy = frame.kpis;
    expect(healthy.convergenceAtLeast.p99).toBe(false);
    const live = frame.columns.missingUpdates.filter((_, i) => frame.columns.status[i] === 0);
    expect(healthy.meanMissingUpdates).toBeCloseTo(live.reduce((a, b) => a + b, 0) / live.length, 9);
    expect(healthy.inFlight).toBeGreaterThanOrEqual(Math.max(...live));
    c.change("p", { network: { partitions: [c.ids.slice(0, 4), c.ids.slice(4)] } });
    for (let t = 20_100; t <= 32_000; t += 100) frame = c.step(t);
    const split = frame.kpis;
    expect(split.inFlight).toBeGreaterThan(3 * healthy.inFlight);
    expect(split.oldestInFlightMs).toBeGreaterThan(11_000);
    expect(split.convergenceAtLeast.p99).toBe(true);
    expect(split.convergenceP99Ms).toBe(split.convergenceMaxMs);
    expect(split.convergenceP99Ms).toBeGreaterThan(11_000);
    expect(split.lostUpdates).toBe(0);
    c.change("h", { network: { partitions: [] } });
    for (let t = 32_100; t <= 40_000; t += 100) frame = c.step(t);
    const healed = frame.kpis;
    expect(healed.inFlight).toBeLessThan(2 * healthy.inFlight + 8);
    expect(healed.convergenceAtLeast.p99).toBe(false);
    expect(healed.convergenceP99Ms).toBeGreaterThan(10_000); // the stragglers' true times
  });
  it("theory: push has a lower bound, push-pull has none", () => {
    const c = new FakeCluster({ replicas: 32, startMs: 0, config: { gossip: { intervalMs: 1000, fanout: 2, mode: "push", payload: "delta" } } });
    const t = theoryFor(32, c.config);
    expect(t.lowerBoundRounds).toBe(4); // ⌈log3 32⌉
    expect(t.expectedRounds).toBeGreaterThan(4);
    expect(theoryFor(32, { ...c.config, gossip: { ...c.config.gossip, mode: "push-pull" } }).lowerBoundMs).toBeNull();
  });
});
