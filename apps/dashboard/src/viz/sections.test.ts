import type { ReplicaInfo } from "@driftscope/protocol";
import { DEFAULT_CLUSTER_CONFIG } from "@driftscope/protocol";
import { describe, expect, it } from "vitest";
import { appliesText, blockedReason, coverageText, faultsInForce, gossipDifferences, liveIds, ownGossipGroups, sectionCoverage } from "./sections.js";

type Info = Pick<ReplicaInfo, "applies" | "gossip">;
const launcher: Info = { applies: ["gossip", "workload", "network"] };
const yjs: Info = {};
const erlang: Info = { gossip: { intervalMs: 500, fanout: 1, mode: "push" } };

describe("config sections per replica (issue 18)", () => {
  it("lists, per section, the live replicas that apply it; a replica without `applies` applies none", () => {
    const info = new Map<string, Info>([["l0", launcher], ["y0", yjs], ["y1", yjs]]);
    const c = sectionCoverage(["l0", "y0", "y1"], info);
    expect(c.network).toEqual({ section: "network", applying: ["l0"], notApplying: ["y0", "y1"] });
    expect(coverageText(c.network)).toBe("1 of 3 live replicas (not y0, y1)");
    expect(coverageText(sectionCoverage(["l0"], info).gossip)).toBe("all 1 live replica");
  });

  it("disables a section's controls, saying why, only when live replicas exist and none applies it", () => {
    const info = new Map<string, Info>([["y0", yjs], ["l0", launcher]]);
    const onlyYjs = sectionCoverage(["y0"], info);
    expect(blockedReason(onlyYjs.network)).toMatch(/^No live replica applies the network section .*: their nodes do not simulate faults\. A change here would be in force nowhere\.$/);
    expect(faultsInForce(onlyYjs.network)).toBe(false);
    expect(coverageText(onlyYjs.network)).toBe("none of 1 live replica");
    expect(blockedReason(sectionCoverage(["y0", "l0"], info).network)).toBeNull();
    expect(blockedReason(sectionCoverage([], info).network)).toBeNull(); // nobody yet: the config waits for them
  });

  it("only live replicas count (a crashed launcher cannot apply a fault)", () => {
    expect(liveIds(["l0", "y0"], [2, 0])).toEqual(["y0"]);
    expect(liveIds(["l0"], undefined)).toEqual(["l0"]);
  });

  it("names per-replica gossip settings that differ from the cluster config, grouped", () => {
    const config = { ...DEFAULT_CLUSTER_CONFIG.gossip, intervalMs: 500, fanout: 2, mode: "push" as const };
    expect(gossipDifferences(erlang, config)).toEqual(["fanout"]);
    expect(gossipDifferences({ ...erlang, applies: ["gossip"] }, config)).toEqual([]); // it runs the collector's
    expect(gossipDifferences(yjs, config)).toEqual([]);
    const info = new Map<string, Info>([["e0", erlang], ["e1", erlang], ["l0", launcher], ["e2", { gossip: { intervalMs: 500, fanout: 2, mode: "push" } }]]);
    const groups = ownGossipGroups(["e0", "e1", "l0", "e2"], info, config);
    expect(groups).toEqual([{ settings: erlang.gossip, ids: ["e0", "e1"], differs: ["fanout"] }]);
  });

  it("shows the sections as initials", () => {
    expect(appliesText(["gossip", "network"])).toBe("G – N");
    expect(appliesText(undefined)).toBe("– – –");
  });
});
