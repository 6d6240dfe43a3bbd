import { ReportSchema, type ReplicaReport } from "@driftscope/protocol";
import { describe, expect, it } from "vitest";
import { PROTOCOL_REPORT_LIMITS, packReports } from "./reports.js";

function digest(id: string, vvEntries: number): { report: ReplicaReport; events: number } {
  const vv = Array.from({ length: vvEntries }, (_, i) => [`o${i}`, i + 1] as [string, number]);
  return {
    report: {
      replica: id,
      seq: 1,
      vv,
      hash: "abc",
      bytes: 1,
      summary: "",
      sync: { sentMessages: 0, sentBytes: 0, receivedMessages: 0, receivedBytes: 0, merges: 0, changedMerges: 0 },
    } as ReplicaReport,
    events: 1,
  };
}

describe("report packing", () => {
  let seq = 0;
  const envelope = () => ({ type: "report" as const, agentId: "agent-1" as never, seq: ++seq, timeMs: 1 });

  it("puts a whole tick into one report when it fits", () => {
    const out = packReports([digest("a", 3), digest("b", 3)], [], envelope);
    expect(out).toHaveLength(1);
    expect(out[0]!.report.replicas.map((r) => r.replica)).toEqual(["a", "b"]);
    expect(out[0]!.events).toBe(2);
    expect(ReportSchema.safeParse(out[0]!.report).success).toBe(true);
  });

  it("an idle tick still yields one (empty) report: the agent's heartbeat", () => {
    const out = packReports([], [], envelope);
    expect(out).toHaveLength(1);
    expect(out[0]!.report.replicas).toEqual([]);
  });

  it("splits by replica count and by entries, each part within the limits and with its own seq", () => {
    const limits = { replicasPerReport: 3, entriesPerReport: 10, eventsPerReport: 5 };
    const digests = [digest("a", 4), digest("b", 4), digest("c", 4), digest("d", 1), digest("e", 1), digest("f", 1), digest("g", 1)];
    const out = packReports(digests, [], envelope, limits);
    expect(out.map((p) => p.report.replicas.map((r) => r.replica))).toEqual([["a", "b"], ["c", "d", "e"], ["f", "g"]]);
    const seqs = out.map((p) => p.report.seq);
    expect(new Set(seqs).size).toBe(3);
  });

  it("full vectors of 1,024 replicas × 1,024 origins fit in valid reports; a large tick splits by size into 8 at most", () => {
    const digests = Array.from({ length: 1024 }, (_, i) => digest(`r${i}`, 1024));
    const out = packReports(digests, [], envelope);
    for (const p of out) expect(ReportSchema.safeParse(p.report).success).toBe(true);
    expect(out.reduce((n, p) => n + p.report.replicas.length, 0)).toBe(1024);
    // The protocol's entry limit splits this tick into 16 (the size bound alone would make 8).
    expect(out.length).toBe(Math.ceil((1024 * 1024) / 65536));
    // A sparse tick of 1,024 replicas (≈ 1.5 MB): 8 reports of ≈ 200 KB, not 24 of 64 KB —
    // a collector takes 200 messages a second per connection.
    const sparse = packReports(Array.from({ length: 1024 }, (_, i) => digest(`s${i}`, 50)), [], envelope);
    expect(sparse.length).toBeLessThanOrEqual(9);
    expect(sparse.length).toBeGreaterThanOrEqual(8);
  });

  it("a tick of many small entries is split by its estimated size, an oversized entry going alone", () => {
    const limits = { ...PROTOCOL_REPORT_LIMITS, bytesPerReport: 2000 };
    const digests = [...Array.from({ length: 20 }, (_, i) => digest(`s${i}`, 5)), digest("big", 200), digest("t", 1)];
    const out = packReports(digests, [], envelope, limits);
    expect(out.length).toBeGreaterThan(3);
    expect(out.flatMap((p) => p.report.replicas.map((r) => r.replica))).toEqual(digests.map((d) => d.report.replica));
    expect(out.find((p) => p.report.replicas.some((r) => r.replica === "big"))!.report.replicas).toHaveLength(1);
    for (const p of out) if (p.report.replicas.length > 1) expect(JSON.stringify(p.report).length).toBeLessThan(2600);
  });
});
