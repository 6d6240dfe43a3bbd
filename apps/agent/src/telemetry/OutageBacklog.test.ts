import { LIMITS, ReportSchema, type Report, type ReplicaReport } from "@driftscope/protocol";
import { describe, expect, it } from "vitest";
import { BACKLOG_REPORT_BYTES, OutageBacklog } from "./OutageBacklog.js";

const SYNC = { sentMessages: 0, sentBytes: 0, receivedMessages: 0, receivedBytes: 0, merges: 0, changedMerges: 0 };
const T0 = 1_700_000_000_000;

type Loose<T> = { [K in keyof T]?: unknown };

function entry(replica: string, seq: number, vv: Array<[string, number]>, extra: Loose<ReplicaReport> = {}): ReplicaReport {
  return { replica, seq, vv, sync: { ...SYNC, sentMessages: seq }, ...extra } as ReplicaReport;
}

let reportSeq = 0;
const envelope = (timeMs: number) => ({ type: "report" as const, agentId: "agent-1" as Report["agentId"], seq: ++reportSeq, timeMs });

describe("outage backlog", () => {
  // Ids are written as plain strings here; the drained reports are checked with ReportSchema.
  it("keeps one entry per replica: the vector's union, the latest counters and state, every traced time in order", () => {
    const b = new OutageBacklog({ maxBytes: 1 << 20 });
    b.add([entry("a", 1, [["a", 1], ["b", 1]], { full: true, hash: "h1", bytes: 1, summary: "one", issued: [[1, T0]] })], [], T0);
    b.add([entry("a", 2, [["a", 2]], { issued: [[2, T0 + 100]], included: [["b", 2, T0 + 150]] })], [], T0 + 100);
    b.add([entry("a", 3, [["c", 4]], { hash: "h3", bytes: 3, summary: "three", issued: [[3, T0 + 200]] })], [], T0 + 200);
    const [out, ...rest] = b.drain(envelope);
    expect(rest).toEqual([]);
    expect(out!.report.timeMs).toBe(T0 + 200);
    expect(out!.report.replicas as unknown).toEqual([
      {
        replica: "a",
        seq: 3,
        full: true,
        vv: [["a", 2], ["b", 1], ["c", 4]],
        hash: "h3",
        bytes: 3,
        summary: "three",
        sync: { ...SYNC, sentMessages: 3 },
        issued: [[1, T0], [2, T0 + 100], [3, T0 + 200]],
        included: [["b", 2, T0 + 150]],
      },
    ]);
    expect(ReportSchema.safeParse(out!.report).success).toBe(true);
    expect(b.empty).toBe(true);
  });

  it("a whole vector replaces the union (absent origins are 0); later changes add to it", () => {
    const b = new OutageBacklog({ maxBytes: 1 << 20 });
    b.add([entry("a", 1, [["x", 9]])], [], T0);
    b.add([entry("a", 1, [["a", 1]], { full: true, hash: "h", bytes: 1, summary: "" })], [], T0 + 1);
    b.add([entry("a", 2, [["a", 2], ["y", 1]])], [], T0 + 2);
    const r = b.drain(envelope)[0]!.report.replicas[0]!;
    expect(r.full).toBe(true);
    expect(r.vv).toEqual([["a", 2], ["y", 1]]);
  });

  it("a new incarnation (restarted without its state) replaces what the earlier one left waiting: its seqs start over", () => {
    const b = new OutageBacklog({ maxBytes: 1 << 20 });
    b.add([entry("a", 9, [["a", 9], ["b", 4]], { issued: [[9, T0]] }), entry("b", 4, [["b", 4]])], [], T0);
    b.add([entry("a", 0, [], { full: true, hash: "h", bytes: 1, summary: "", incarnation: 1 })], [], T0 + 100);
    b.add([entry("a", 2, [["a", 2], ["b", 4]], { issued: [[2, T0 + 200]], incarnation: 1 })], [], T0 + 200);
    const byId = new Map(b.drain(envelope)[0]!.report.replicas.map((r) => [r.replica as string, r]));
    expect(byId.get("a")).toMatchObject({ seq: 2, full: true, incarnation: 1, vv: [["a", 2], ["b", 4]], issued: [[2, T0 + 200]] });
    expect(byId.get("b")).toMatchObject({ seq: 4, vv: [["b", 4]] });
    expect(b.bytes).toBe(0);
  });

  it("a traced time of a replaced incarnation never takes the new one's when the cap bites", () => {
    const b = new OutageBacklog({ maxBytes: 2_000 });
    b.add([entry("a", 1, [["a", 1]], { issued: Array.from({ length: 40 }, (_, i) => [i + 1, T0 + i]) })], [], T0);
    b.add([entry("a", 0, [], { full: true, hash: "h", bytes: 1, summary: "", incarnation: 1, issued: [[1, T0 + 50]] })], [], T0 + 50);
    for (let i = 2; i <= 60; i++) b.add([entry("a", i, [["a", i]], { issued: [[i, T0 + 50 + i]], incarnation: 1 })], [], T0 + 50 + i);
    const [r] = b.drain(envelope)[0]!.report.replicas;
    // The cap dropped the oldest times of the new incarnation, in order, never a gap in the middle.
    const seqs = r!.issued!.map(([seq]) => seq);
    expect(seqs.at(-1)).toBe(60);
    expect(seqs).toEqual(Array.from({ length: seqs.length }, (_, i) => 61 - seqs.length + i));
    // Only what the cap needed went, counted; the stale incarnation's times are not "lost" telemetry.
    expect(seqs.length).toBeGreaterThan(40);
    expect(b.takeLostEvents()).toBe(60 - seqs.length);
  });

  it("over its cap it drops the oldest traced times first, counts them, and keeps vectors exact", () => {
    const b = new OutageBacklog({ maxBytes: 20_000 });
    for (let tick = 1; tick <= 1000; tick++) b.add([entry("a", tick, [["a", tick]], { issued: [[tick, T0 + tick]] })], [], T0 + tick);
    expect(b.bytes).toBeLessThanOrEqual(20_000);
    const lost = b.takeLostEvents();
    expect(lost).toBeGreaterThan(0);
    const r = b.drain(envelope)[0]!.report.replicas[0]!;
    expect(r.vv).toEqual([["a", 1000]]);
    expect(r.issued!.length + lost).toBe(1000);
    expect(r.issued!.at(-1)).toEqual([1000, T0 + 1000]); // the newest are kept
    expect(r.issued![0]![0]).toBe(1001 - r.issued!.length);
  });

  it("drains into reports within the protocol's limits; a replica with more times than one entry takes goes on in the next report", () => {
    const b = new OutageBacklog({ maxBytes: 64 << 20 });
    const included = Array.from({ length: LIMITS.includedPerReplica * 2 + 5 }, (_, i) => [`origin-${i % 50}`, i + 1, T0 + i] as [string, number, number]);
    b.add([entry("a", 1, [["a", 1]], { included: included }), entry("b", 1, [["b", 1]], { issued: [[1, T0]] })], [], T0);
    const out = b.drain(envelope);
    for (const { report } of out) {
      expect(ReportSchema.safeParse(JSON.parse(JSON.stringify(report))).success).toBe(true);
      expect(JSON.stringify(report).length).toBeLessThanOrEqual(LIMITS.messageBytes);
      expect(new Set(report.replicas.map((r) => r.replica)).size).toBe(report.replicas.length);
    }
    const all = out.flatMap((o) => o.report.replicas.filter((r) => r.replica === "a").flatMap((r) => r.included ?? []));
    expect(all as unknown).toEqual(included);
    expect(out.map((o) => o.report.seq)).toEqual([...out.map((o) => o.report.seq)].sort((x, y) => x - y));
  });

  it("every piece of a replica drained over several reports names its incarnation (a restart during the drain makes them stale, not the new one's)", () => {
    const b = new OutageBacklog({ maxBytes: 64 << 20 });
    const issued = Array.from({ length: LIMITS.issuedPerReplica * 2 + 3 }, (_, i) => [i + 1, T0 + i] as [number, number]);
    b.add([entry("a", issued.length, [["a", issued.length]], { issued, incarnation: 3 }), entry("b", 1, [["b", 1]])], [], T0 + issued.length);
    const pieces = b.drain(envelope).flatMap((o) => o.report.replicas);
    const ofA = pieces.filter((r) => r.replica === "a");
    expect(ofA).toHaveLength(3);
    expect(ofA.map((r) => r.incarnation)).toEqual([3, 3, 3]);
    // A replica that never restarted sends no incarnation at all, as before.
    expect(pieces.filter((r) => r.replica === "b").map((r) => "incarnation" in r)).toEqual([false]);
  });

  it("three minutes of 256 replicas ticking at 10 Hz drain into a few reports, far below a collector's message burst", () => {
    const b = new OutageBacklog({ maxBytes: 32 << 20 });
    const ids = Array.from({ length: 256 }, (_, i) => `replica-${i}`);
    for (let tick = 1; tick <= 1800; tick++) {
      // Each replica issues one update a tick, traced every 10th; a peer's inclusion now and then.
      b.add(
        ids.map((id, i) => entry(id, tick, [[id, tick], [ids[(i + 1) % 256]!, tick - 1]], tick % 10 === 0 ? { issued: [[tick, T0 + tick * 100]], included: [[ids[(i + 1) % 256]!, tick - 10, T0 + tick * 100]] } : {})),
        [],
        T0 + tick * 100,
      );
    }
    expect(b.takeLostEvents()).toBe(0);
    const out = b.drain(envelope);
    expect(out.length).toBeLessThanOrEqual(20);
    expect(out.every((o) => o.bytes <= BACKLOG_REPORT_BYTES * 1.5)).toBe(true);
    const issued = out.flatMap((o) => o.report.replicas.flatMap((r) => r.issued ?? []));
    expect(issued).toHaveLength(256 * 180);
  });
});
