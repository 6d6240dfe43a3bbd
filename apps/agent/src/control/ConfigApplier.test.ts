import { DEFAULT_CLUSTER_CONFIG, type ClusterConfig } from "@driftscope/protocol";
import { describe, expect, it } from "vitest";
import { FakeNode } from "../../test/FakeNode.js";
import { ConfigApplier } from "./ConfigApplier.js";

const config = (patch: Partial<ClusterConfig["gossip"]> = {}, version = 2): ClusterConfig => ({
  ...structuredClone(DEFAULT_CLUSTER_CONFIG),
  version,
  gossip: { ...DEFAULT_CLUSTER_CONFIG.gossip, ...patch },
});

describe("config application", () => {
  it("applies a valid config to every replica and the host, and lists who runs it", () => {
    const c = new ConfigApplier();
    const seen: number[] = [];
    c.addHandler({ apply: (cfg) => seen.push(cfg.gossip.intervalMs) });
    const nodes = [new FakeNode("a"), new FakeNode("b")];
    const out = c.apply(config({ intervalMs: 250 }), nodes);
    expect(out.applied).toEqual(["a", "b"]);
    expect(out.refused).toEqual([]);
    expect(nodes.map((n) => n.intervalMs)).toEqual([250, 250]);
    expect(seen).toEqual([250]);
    expect(c.current?.version).toBe(2);
  });

  it("refuses a malformed config with the field and reason, and changes nothing", () => {
    const c = new ConfigApplier();
    let applied = 0;
    c.addHandler({ apply: () => applied++ });
    const nodes = [new FakeNode("a")];
    const bad = { ...config(), gossip: { ...config().gossip, fanout: 0 } };
    const out = c.apply(bad, nodes);
    expect(out.applied).toEqual([]);
    expect(out.refused).toHaveLength(1);
    expect(out.refused[0]!.code).toBe("VALIDATION");
    expect(out.refused[0]!.message).toContain("gossip.fanout");
    expect(out.refused[0]!.replicas).toEqual(["a"]);
    expect(out.version).toBe(2);
    expect(applied).toBe(0);
    expect(nodes[0]!.intervalMs).toBe(1000);
    expect(c.current).toBeUndefined();
  });

  it("when one replica refuses, no replica and no handler changes", () => {
    const c = new ConfigApplier();
    let applied = 0;
    c.addHandler({ apply: () => applied++ });
    const nodes = [new FakeNode("a"), new FakeNode("b"), new FakeNode("c")];
    c.apply(config({ intervalMs: 300 }, 1), nodes);
    nodes[1]!.refuse = "busy compacting";
    const out = c.apply(config({ intervalMs: 700 }, 2), nodes);
    expect(out.applied).toEqual([]);
    expect(out.refused[0]).toMatchObject({ replicas: ["a", "b", "c"], code: "VALIDATION", message: "replica b: busy compacting" });
    expect(nodes.map((n) => n.intervalMs)).toEqual([300, 300, 300]);
    expect(applied).toBe(1);
    expect(c.current?.version).toBe(1);
  });

  it("a host check can refuse (e.g. a CRDT type the running replicas cannot switch to)", () => {
    const c = new ConfigApplier();
    c.addHandler({
      check: (cfg) => (cfg.workload.crdtType !== "awset" ? `replicas run awset, not ${cfg.workload.crdtType}` : undefined),
      apply: () => {},
    });
    const cfg = config();
    cfg.workload = { ...cfg.workload, crdtType: "gcounter" };
    const out = c.apply(cfg, [new FakeNode("a")]);
    expect(out.refused[0]!.message).toBe("replicas run awset, not gcounter");
  });

  it("replicas that do not run configs are not acknowledged unless a host handler applies configs", () => {
    const c = new ConfigApplier();
    const passive = { id: "p" };
    expect(c.apply(config(), [passive]).applied).toEqual([]);
    c.addHandler({ apply: () => {} });
    expect(c.apply(config({}, 3), [passive]).applied).toEqual(["p"]);
  });
});
