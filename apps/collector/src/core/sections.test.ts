// What each replica really runs (issue 18): the config sections its node applies, and the
// gossip settings of nodes that run their own, which the theory line must describe.
import { DEFAULT_CLUSTER_CONFIG } from "@driftscope/protocol";
import { describe, expect, it } from "vitest";
import { helloMsg } from "../../test/harness.js";
import { CollectorCore } from "../CollectorCore.js";
import { CollectorMetrics } from "../prometheus.js";

const core = () => new CollectorCore({ config: DEFAULT_CLUSTER_CONFIG, reportIntervalMs: 100, recorder: null, metrics: new CollectorMetrics() });

describe("sections and running gossip", () => {
  it("CL-S1: a replica lists the config sections its node applies (protocol 1's `config` is gossip)", () => {
    const c = core();
    c.hello(helloMsg("launcher", ["l0"], { capabilities: ["gossip", "workload", "faults"] }), "http", null, 0);
    c.hello(helloMsg("old", ["o0"], { capabilities: ["config"] }), "http", null, 0);
    c.hello(helloMsg("yjs", ["y0"]), "http", null, 0);
    c.tick(100);
    const byId = Object.fromEntries(c.snapshot(100).replicas.map((r) => [r.id, r.applies]));
    expect(byId).toEqual({ l0: ["gossip", "workload", "network"], o0: ["gossip"], y0: undefined });
  });

  it("CL-S2: when most live replicas run their own gossip, the theory line describes their settings, not the collector's config", () => {
    const c = core();
    c.hello(helloMsg("erl", ["e0", "e1", "e2"], { gossip: { intervalMs: 500, fanout: 1, mode: "push" } }), "http", null, 0);
    c.hello(helloMsg("launcher", ["l0"], { capabilities: ["gossip"] }), "http", null, 0);
    const theory = c.tick(100).theory!;
    expect(theory).toMatchObject({ n: 4, intervalMs: 500, fanout: 1, mode: "push" });
    expect(theory.lowerBoundRounds).not.toBeNull(); // push has the ⌈log₂ N⌉ bound
    expect(c.snapshot(100).replicas.find((r) => r.id === "e0")?.gossip).toEqual({ intervalMs: 500, fanout: 1, mode: "push" });
    // A node that applies the gossip section runs the collector's config, whatever it reported.
    const d = core();
    d.hello(helloMsg("l", ["a", "b"], { capabilities: ["gossip"], gossip: { intervalMs: 50, fanout: 9, mode: "pull" } }), "http", null, 0);
    expect(d.tick(100).theory).toMatchObject({ intervalMs: DEFAULT_CLUSTER_CONFIG.gossip.intervalMs, fanout: DEFAULT_CLUSTER_CONFIG.gossip.fanout });
  });
});
