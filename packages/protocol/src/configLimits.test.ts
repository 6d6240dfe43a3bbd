import { describe, expect, it } from "vitest";
import { applyConfigPatch, CONFIG_LIMITS, convergenceRisks, DEFAULT_CLUSTER_CONFIG, describeRange, limitProblem, newConvergenceRisks, type ClusterConfig, type LimitedField } from "./index.js";

const ids = Array.from({ length: 4 }, (_, i) => `r${i}`);
type NetworkEdit = Partial<Omit<ClusterConfig["network"], "partitions">> & { partitions?: string[][] };
const withNetwork = (network: NetworkEdit, gossip: Partial<ClusterConfig["gossip"]> = {}): ClusterConfig =>
  ({
    ...DEFAULT_CLUSTER_CONFIG,
    gossip: { ...DEFAULT_CLUSTER_CONFIG.gossip, ...gossip },
    network: { ...DEFAULT_CLUSTER_CONFIG.network, ...network },
  }) as ClusterConfig;

describe("limitProblem", () => {
  it("P-CF3: names the field, its range in the unit people type, and what is wrong", () => {
    expect(limitProblem("gossip.intervalMs", -5)).toBe("Sync interval takes a whole number from 10 to 60000 ms; -5 ms is too small");
    expect(limitProblem("gossip.fanout", "abc")).toBe('Fanout takes a whole number from 1 to 64 peers; "abc" is not a number');
    expect(limitProblem("gossip.fanout", "")).toBe("Fanout takes a whole number from 1 to 64 peers; nothing was given");
    expect(limitProblem("network.lossRate", 1.5)).toBe("Message loss takes a number from 0 to 100 %; 150 % is too large");
    expect(limitProblem("network.latencyMs", 1e9)).toBe("Latency takes a number from 0 to 60000 ms; 1000000000 ms is too large");
    expect(limitProblem("gossip.fanout", 2.5)).toBe("Fanout takes a whole number from 1 to 64 peers; 2.5 is not a whole number");
    expect(limitProblem("network.lossRate", Number.NaN)).toMatch(/NaN is not a number$/);
  });

  it("P-CF3: accepts both ends of every range", () => {
    for (const field of Object.keys(CONFIG_LIMITS) as LimitedField[]) {
      expect(limitProblem(field, CONFIG_LIMITS[field].min)).toBeNull();
      expect(limitProblem(field, CONFIG_LIMITS[field].max)).toBeNull();
      expect(describeRange(field)).toMatch(/^a (whole )?number from /);
    }
  });

  it("P-CF3: the config schema refuses with the same words, for every limited field", () => {
    for (const field of Object.keys(CONFIG_LIMITS) as LimitedField[]) {
      const [section, name] = field.split(".") as [string, string];
      for (const bad of [CONFIG_LIMITS[field].min - 1, CONFIG_LIMITS[field].max * 2, "abc"]) {
        const r = applyConfigPatch(DEFAULT_CLUSTER_CONFIG, { [section]: { [name]: bad } });
        expect(r.ok).toBe(false);
        if (!r.ok) expect(r.error.issues).toEqual([{ path: field, reason: limitProblem(field, bad) }]);
      }
    }
  });
});

describe("convergenceRisks", () => {
  it("P-CF4: 100 % loss, a partition into two or more groups and latency ≥ 100 intervals are risks; the defaults are not", () => {
    expect(convergenceRisks(DEFAULT_CLUSTER_CONFIG, ids)).toEqual([]);
    expect(convergenceRisks(withNetwork({ lossRate: 1 }), ids).map((r) => r.kind)).toEqual(["total-loss"]);
    expect(convergenceRisks(withNetwork({ lossRate: 0.99 }), ids)).toEqual([]);
    const split = convergenceRisks(withNetwork({ partitions: [["r0", "r1"]] }), ids);
    expect(split).toMatchObject([{ kind: "partition", short: "partition (2 groups)" }]);
    // One listed group holding every replica cuts nobody off.
    expect(convergenceRisks(withNetwork({ partitions: [ids] }), ids)).toEqual([]);
    expect(convergenceRisks(withNetwork({ latencyMs: 1000 }, { intervalMs: 10 }), ids)).toMatchObject([{ kind: "latency", short: "latency 100× interval" }]);
    expect(convergenceRisks(withNetwork({ latencyMs: 990 }, { intervalMs: 10 }), ids)).toEqual([]);
  });

  it("P-CF4: a change newly causes only the risks not already in force", () => {
    const lossy = withNetwork({ lossRate: 1 });
    expect(newConvergenceRisks(DEFAULT_CLUSTER_CONFIG, lossy, ids).map((r) => r.kind)).toEqual(["total-loss"]);
    expect(newConvergenceRisks(lossy, withNetwork({ lossRate: 1, jitterMs: 5 }), ids)).toEqual([]);
    expect(newConvergenceRisks(lossy, withNetwork({ lossRate: 1, partitions: [["r0"]] }), ids).map((r) => r.kind)).toEqual(["partition"]);
  });
});
