// Dots a replica holds whose origin nobody reachable hosts have no known issue time: they
// count as existing (frontier, missing, in flight) but yield no convergence sample, and a
// report naming thousands of such origins costs work per origin, not per seq.
import { DEFAULT_CLUSTER_CONFIG } from "@driftscope/protocol";
import { describe, expect, it } from "vitest";
import { helloMsg, replicaReport, reportMsg } from "../../test/harness.js";
import { CollectorCore } from "../CollectorCore.js";
import { CollectorMetrics } from "../prometheus.js";

const core = () => new CollectorCore({ config: DEFAULT_CLUSTER_CONFIG, reportIntervalMs: 100, recorder: null, metrics: new CollectorMetrics(), pushConfig: () => {} });

describe("dots of origins nobody reports (issue 14's 16,000-origin report)", () => {
  it("CL-E9: are counted, give no convergence samples, and age from when they were found", () => {
    const c = core();
    const reps = ["a0", "a1"];
    c.hello(helloMsg("node-a", reps), "http", null, 0);
    // a0 holds 16,000 updates each of 2,000 origins nobody hosts; a1 holds none of them.
    const vv = Array.from({ length: 2000 }, (_, i) => [`ghost${i}`, 16_000] as [string, number]);
    expect(c.report(reportMsg("node-a", 1, [replicaReport("a0", 0, vv, { full: true }), replicaReport("a1", 0, [], { full: true })], { timeMs: 1000 }), "http", 1000).ok).toBe(true);
    const f = c.tick(3000);
    expect(f.kpis.inFlight).toBe(2000 * 16_000);
    expect(f.kpis.oldestInFlightMs).toBe(2000); // found at 1000, now 3000: a lower bound, not "since 1970"
    expect(f.columns.missingUpdates).toEqual([0, 2000 * 16_000]);
    expect(f.columns.stalenessMs).toEqual([0, 2000]);
    // a1 catches up: they converge, and no sample pretends to know when they were issued.
    expect(c.report(reportMsg("node-a", 2, [replicaReport("a1", 0, vv, { full: true })], { timeMs: 3100 }), "http", 3100).ok).toBe(true);
    const g = c.tick(3200);
    expect(g.kpis.inFlight).toBe(0);
    expect(g.kpis.convergedShare).toBe(1);
    expect(g.samples).toEqual([]);
  });

  it("CL-E10: an origin that reported before keeps its issue times when its agent is unreachable and others hold more of it", () => {
    const c = core();
    c.hello(helloMsg("node-a", ["a0", "a1"]), "http", null, 0);
    c.hello(helloMsg("node-b", ["b0"]), "http", null, 0);
    const report = (agent: string, seq: number, t: number, entries: Parameters<typeof reportMsg>[2]) => expect(c.report(reportMsg(agent, seq, entries, { timeMs: t }), "http", t).ok).toBe(true);
    report("node-b", 1, 1000, [replicaReport("b0", 5, [["b0", 5]], { full: true })]);
    report("node-a", 1, 1000, [replicaReport("a0", 0, [["b0", 5]], { full: true }), replicaReport("a1", 0, [], { full: true })]);
    // node-b goes quiet; node-a keeps reporting and a0 comes to hold b0's 6..8.
    for (let t = 1100; t <= 5000; t += 100) {
      report("node-a", t / 100, t, [replicaReport("a0", 0, [["b0", 5]]), replicaReport("a1", 0, [])]);
      c.tick(t);
    }
    expect(c.engine.replica("b0")?.reachable).toBe(false);
    report("node-a", 60, 6000, [replicaReport("a0", 0, [["b0", 8]], { full: true }), replicaReport("a1", 0, [], { full: true })]);
    const f = c.tick(6000);
    const a1 = c.engine.replicaIds().indexOf("a1");
    // a1 misses b0's 1..8; the oldest was issued at 1000, not found at 6000.
    expect(f.columns.missingUpdates[a1]).toBe(8);
    expect(f.columns.stalenessMs[a1]).toBe(5000);
  });
});

