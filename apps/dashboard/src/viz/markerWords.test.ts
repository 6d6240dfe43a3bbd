import { describe, expect, it } from "vitest";
import { changeWords, eventsInWords, gossipBefore, parseSummary, type WordedEvent } from "./markerWords.js";

// Summaries as the collector writes them (apps/collector/src/control/describeChange.ts).
const ev = (timeMs: number, version: number | undefined, summary: string, patch?: WordedEvent["patch"], detail?: string): WordedEvent => ({
  timeMs,
  kind: "config",
  summary,
  ...(version !== undefined ? { version } : {}),
  ...(patch ? { patch } : {}),
  ...(detail ? { detail } : {}),
});

describe("markers in plain words", () => {
  it("reads the collector's summary: path, before, after", () => {
    expect(parseSummary("v3: gossip.intervalMs 1000 → 51, gossip.fanout 2 → 3")).toEqual([
      { path: "gossip.intervalMs", before: "1000", after: "51" },
      { path: "gossip.fanout", before: "2", after: "3" },
    ]);
    expect(parseSummary("v5: network.crashed none → 1 item")).toEqual([{ path: "network.crashed", before: "none", after: "1 item" }]);
  });
  it("a run of changes reads as a person would say it: interval, partition, crash, restore, heal", () => {
    const words = eventsInWords(
      [
        ev(1, 2, "v2: gossip.intervalMs 1000 → 51", { gossip: { intervalMs: 51 } }),
        ev(2, 3, "v3: network.partitions none → 2 items", { network: { partitions: [["r0", "r1"], ["r2", "r3"]] } }),
        ev(3, 4, "v4: network.crashed none → 1 item", { network: { crashed: ["r3"] } }),
        ev(4, 5, "v5: network.crashed 1 item → none", { network: { crashed: [] } }),
        ev(5, 6, "v6: network.partitions 2 items → none", { network: { partitions: [] } }),
        ev(6, 7, "v7: network.lossRate 0 → 0.05, network.latencyMs 0 → 20", { network: { lossRate: 0.05, latencyMs: 20 } }),
      ],
      4,
    ).map((w) => w.label);
    expect(words).toEqual(["interval 1000 → 51 ms", "partition into 2 groups", "crash r3", "restore r3", "heal", "loss 0 → 5 %, latency 0 → 20 ms"]);
    for (const w of words) expect(w).not.toMatch(/network\.|gossip\.|items?\b|→ none/);
  });
  it("one listed group of a partition leaves the rest as a second group", () => {
    expect(changeWords("network.partitions", [], [["r0", "r1"]], 8)).toBe("partition into 2 groups");
    expect(changeWords("network.partitions", [], [["r0"], ["r1"], ["r2"]], 3)).toBe("partition into 3 groups");
  });
  it("several crashed at once are counted, not listed", () => {
    expect(changeWords("network.crashed", [], ["r1", "r2", "r3", "r4"])).toBe("crash 4 replicas");
    expect(changeWords("network.crashed", ["r1"], ["r2"])).toBe("crash r2, restore r1");
  });
  it("the tuner's changes say so; the summary and who made it are the tooltip", () => {
    const [w] = eventsInWords([ev(1, 4, "v4: gossip.intervalMs 1000 → 108, gossip.fanout 2 → 1", { gossip: { intervalMs: 108, fanout: 1 } }, "by the tuner: p95 above target")]);
    expect(w!.label).toBe("tuner: interval 1000 → 108 ms, fanout 2 → 1");
    expect(w!.title).toContain("Config v4");
    expect(w!.title).toContain("by the tuner: p95 above target");
  });
  it("faults without a version keep their first words", () => {
    const [a, b] = eventsInWords([
      { timeMs: 1, kind: "fault", summary: "replica r3 crashed" },
      { timeMs: 2, kind: "fault", summary: "45 updates lost: their last holder left", detail: "origins: r9" },
    ]);
    expect(a!.label).toBe("r3 crashed");
    expect(b!.label).toBe("45 updates lost");
  });
  it("knows the interval and fanout before a change, for an export's file name", () => {
    expect(gossipBefore(ev(1, 2, "v2: gossip.intervalMs 1000 → 51"))).toEqual({ changed: true, intervalMs: 1000 });
    expect(gossipBefore(ev(1, 2, "v2: network.crashed none → 1 item"))).toEqual({ changed: false });
  });
});
