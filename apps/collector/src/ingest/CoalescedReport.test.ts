// Merging reports that waited must leave the engine where folding them in turn would.
import { LIMITS, type Report } from "@driftscope/protocol";
import { describe, expect, it } from "vitest";
import { replicaReport, reportMsg } from "../../test/harness.js";
import { MetricsEngine } from "../metrics/MetricsEngine.js";
import { CoalescedReport, MAX_MERGED_ENTRIES } from "./CoalescedReport.js";

function engineWith(replicas: string[]): MetricsEngine {
  const engine = new MetricsEngine({ defaultReportIntervalMs: 100 });
  engine.registerAgent("a", 100, 0);
  for (const r of replicas) engine.addReplica(r, "a", "gcounter", 0);
  return engine;
}

const IDS = ["r1", "r2", "r3"];

describe("coalesced reports", () => {
  it("CL-O2: folding the merge of reports leaves the same missing counts as folding them one by one", () => {
    const reports: Report[] = [
      reportMsg("a", 1, [replicaReport("r1", 3, [["r1", 3]], { full: true }), replicaReport("r2", 1, [["r2", 1]], { full: true }), replicaReport("r3", 0, [], { full: true })]),
      reportMsg("a", 2, [replicaReport("r2", 2, [["r1", 2], ["r2", 2]]), replicaReport("r3", 0, [["r1", 1]])]),
      reportMsg("a", 3, [replicaReport("r1", 5, [["r1", 5], ["r2", 2]]), replicaReport("r3", 0, [["r1", 3], ["r2", 1]])]),
      reportMsg("a", 4, [replicaReport("r2", 4, [["r1", 5], ["r2", 4]]), replicaReport("r3", 0, [["r2", 2]])]),
    ];
    const oneByOne = engineWith(IDS);
    reports.forEach((r, i) => oneByOne.ingestReport("a", 100 * (i + 1), r.replicas, 100 * (i + 1)));
    const merged = new CoalescedReport(reports[0]!);
    for (const r of reports.slice(1)) expect(merged.add(r)).toBe(true);
    const once = engineWith(IDS);
    const built = merged.build();
    once.ingestReport("a", 400, built.replicas, 400);
    for (const id of IDS) expect(once.missingUpdates(id), id).toBe(oneByOne.missingUpdates(id));
    expect(built.seq).toBe(4);
    expect(merged.firstSeq).toBe(1);
    expect(merged.reports).toBe(4);
    // r3's vector: r1 seen at 1 then 3, r2 at 1 then 2 — two entries left of four.
    expect(built.replicas.find((r) => r.replica === "r3")?.vv).toEqual([["r1", 3], ["r2", 2]]);
    expect(built.replicas.find((r) => r.replica === "r1")?.full).toBe(true);
  });

  it("CL-O3: keeps every issue and inclusion time up to a replica entry's limit, then drops the oldest and counts them", () => {
    const times = (from: number, n: number) => Array.from({ length: n }, (_, j) => [from + j, 1_000 + from + j] as [number, number]);
    const first = reportMsg("a", 1, [replicaReport("r1", 3000, [["r1", 3000]], { issued: times(1, 3000) as never })]);
    const second = reportMsg("a", 2, [replicaReport("r1", 5000, [["r1", 5000]], { issued: times(3001, 2000) as never })]);
    const merged = new CoalescedReport(first);
    expect(merged.add(second)).toBe(true);
    const issued = merged.build().replicas[0]!.issued!;
    expect(issued).toHaveLength(LIMITS.issuedPerReplica);
    expect(issued.at(-1)).toEqual([5000, 6000]);
    expect(merged.droppedTimes).toBe(5000 - LIMITS.issuedPerReplica);
  });

  it("CL-O4: refuses what it cannot merge exactly: a replayed seq, and a replica's new incarnation", () => {
    const merged = new CoalescedReport(reportMsg("a", 5, [replicaReport("r1", 1, [["r1", 1]])]));
    expect(merged.add(reportMsg("a", 5, [replicaReport("r1", 2, [["r1", 2]])]))).toBe(false);
    expect(merged.add(reportMsg("a", 6, [replicaReport("r1", 1, [["r1", 1]], { incarnation: 1 })]))).toBe(false);
    expect(merged.add(reportMsg("a", 7, [replicaReport("r1", 2, [["r1", 2]])]))).toBe(true);
  });

  it("CL-O5: a merge holds at most MAX_MERGED_ENTRIES entries: a hostile stream of new origins cannot grow it without bound", () => {
    const vv = (from: number) => Array.from({ length: LIMITS.vvEntries }, (_, j) => [`o${from + j}`, 1] as [string, number]);
    const merged = new CoalescedReport(reportMsg("a", 1, [replicaReport("r1", 1, vv(0))]));
    let seq = 1;
    while (merged.add(reportMsg("a", ++seq, [replicaReport("r1", 1, vv(seq * LIMITS.vvEntries))]))) expect(seq).toBeLessThan(100);
    expect(merged.size).toBeLessThanOrEqual(MAX_MERGED_ENTRIES);
    expect(merged.size).toBeGreaterThan(MAX_MERGED_ENTRIES - LIMITS.vvEntries);
  });
});
