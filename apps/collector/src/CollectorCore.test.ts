import { DEFAULT_CLUSTER_CONFIG, FrameSchema, SnapshotSchema, type ClusterConfig, type Report } from "@driftscope/protocol";
import { describe, expect, it } from "vitest";
import { helloMsg, replicaReport, reportMsg } from "../test/harness.js";
import { CollectorCore } from "./CollectorCore.js";
import { CollectorMetrics } from "./prometheus.js";

function core(options: Partial<ConstructorParameters<typeof CollectorCore>[0]> = {}) {
  const pushed: ClusterConfig[] = [];
  const c = new CollectorCore({
    config: DEFAULT_CLUSTER_CONFIG,
    reportIntervalMs: 100,
    recorder: null,
    metrics: new CollectorMetrics(),
    pushConfig: (cfg) => pushed.push(cfg),
    ...options,
  });
  return { c, pushed };
}

describe("CollectorCore", () => {
  it("CL-TOP1: the topology's exchanges are messages that arrived (peer → receiver), not sends that may have been lost", () => {
    const { c } = core();
    c.hello(helloMsg("a", ["r1", "r2", "r3"]), "http", null, 0);
    const full = ["r1", "r2", "r3"].map((id) => replicaReport(id, 0, [], { full: true }));
    const events = [
      { replica: "r1", dir: "received", peer: "r2", kind: "delta", bytes: 40, timeMs: 50 },
      { replica: "r1", dir: "sent", peer: "r3", kind: "delta", bytes: 40, timeMs: 50 }, // dropped by a partition, say
    ] as NonNullable<Report["events"]>;
    expect(c.report(reportMsg("a", 1, full, { events }), "http", 100).ok).toBe(true);
    const frame = c.tick(100);
    const ids = frame.replicaIds!;
    expect(frame.exchanges.map(([from, to]) => [ids[from], ids[to]])).toEqual([["r2", "r1"]]);
  });

  it("CL-F1: whole vectors split over several reports of one tick are not re-requested; missing ones are, after 2 s", () => {
    const requests: Array<string[] | undefined> = [];
    const { c } = core({ requestFull: (_session, replicas) => requests.push(replicas) });
    c.hello(helloMsg("a", ["r1", "r2", "r3"]), "http", null, 1_000);
    // The first tick after the handshake, split in two reports by the batch limits.
    expect(c.report(reportMsg("a", 1, [replicaReport("r1", 1, [["r1", 1]], { full: true })]), "http", 1_100).ok).toBe(true);
    expect(c.report(reportMsg("a", 2, [replicaReport("r2", 0, [], { full: true })]), "http", 1_101).ok).toBe(true);
    expect(requests).toEqual([]);
    // r3's whole vector never came: asked for once the grace has passed.
    c.report(reportMsg("a", 3, [replicaReport("r3", 0, [])]), "http", 3_100);
    expect(requests).toEqual([["r3"]]);
  });

  it("CL-SN1: a late joiner's snapshot carries a minute of frames for a small cluster, fewer for a large one", () => {
    const small = core().c;
    small.hello(helloMsg("a", ["r1", "r2"]), "http", null, 0);
    for (let i = 0; i < 700; i++) small.tick(i * 100);
    const smallFrames = small.snapshot(70_000).frames;
    expect(smallFrames.length).toBe(600); // 60 s at 10 Hz
    expect(smallFrames.at(-1)!.seq - smallFrames[0]!.seq).toBe(599);

    const large = core().c;
    const ids = Array.from({ length: 1000 }, (_, i) => `r${i}`);
    large.hello(helloMsg("b", ids), "http", null, 0);
    for (let i = 0; i < 100; i++) large.tick(i * 100);
    expect(large.snapshot(10_000).frames.length).toBe(50); // 1,000 replicas: 50 frames (5 s) keep it small
  });

  it("CL-TC7: raises traceEveryK (a recorded, pushed config change) when traced telemetry would exceed its budget, and lowers it when idle", () => {
    const { c, pushed } = core({ tracedEntriesPerSec: 1000 });
    const ids = Array.from({ length: 20 }, (_, i) => `r${i}`);
    expect(c.hello(helloMsg("a", ids), "http", null, 0).ok).toBe(true);
    let seq = 0;
    // The controller moves only after two checks 5 s apart agree (damped).
    for (let t = 0; t <= 11_000; t += 100) {
      seq += 10; // 100 updates/s per replica, everyone sees everything: ~38,000 deliveries/s
      const vv = ids.map((id) => [id, seq] as [string, number]);
      const res = c.report(reportMsg("a", t / 100 + 1, ids.map((id) => replicaReport(id, seq, vv, { full: true }))), "http", t);
      expect(res.ok).toBe(true);
      c.tick(t);
    }
    const k = c.config.telemetry.traceEveryK;
    expect(k).toBeGreaterThanOrEqual(32);
    expect(Math.log2(k) % 1).toBe(0);
    expect(pushed.at(-1)?.telemetry.traceEveryK).toBe(k);
    const snap = c.snapshot(11_000);
    expect(snap.events.some((e) => e.kind === "config" && /telemetry\.traceEveryK 1 → \d+/.test(e.summary))).toBe(true);
    // updates stop: after the rate window the budget has room again (lowering takes three checks)
    for (let t = 11_100; t <= 30_000; t += 100) {
      c.report(reportMsg("a", t / 100 + 1, []), "http", t);
      c.tick(t);
    }
    expect(c.config.telemetry.traceEveryK).toBe(1);
  });

  it("CL-TC8: 0 turns the adjustment off", () => {
    const { c } = core({ tracedEntriesPerSec: 0 });
    const ids = ["a1", "a2"];
    c.hello(helloMsg("a", ids), "http", null, 0);
    for (let t = 0, seq = 0; t <= 6000; t += 100, seq += 1000) {
      c.report(reportMsg("a", t / 100 + 1, ids.map((id) => replicaReport(id, seq, ids.map((o) => [o, seq] as [string, number])))), "http", t);
      c.tick(t);
    }
    expect(c.config.telemetry.traceEveryK).toBe(1);
  });

  it("CL-N1: the snapshot describes the membership of the frames it carries, even when a hello arrived since", () => {
    const { c } = core();
    c.hello(helloMsg("a", ["r1", "r2"]), "http", null, 0);
    c.tick(100);
    c.hello(helloMsg("b", ["r3"]), "http", null, 150);
    const snap = c.snapshot(160);
    expect(SnapshotSchema.safeParse(snap).success).toBe(true);
    expect(snap.replicas.map((r) => r.id)).toEqual(["r1", "r2"]);
    const next = c.tick(200);
    expect(next.membershipVersion).not.toBe(snap.membershipVersion);
    expect(next.replicaIds).toEqual(["r1", "r2", "r3"]);
    expect(c.tick(300).replicaIds).toBeUndefined();
  });

  it("CL-N2: status changes become timeline entries, one per agent and change", () => {
    const { c } = core();
    c.hello(helloMsg("a", ["r1", "r2", "r3"], { reportIntervalMs: 100 }), "http", null, 0);
    c.tick(100);
    expect(c.tick(1900).columns.status).toEqual([0, 0, 0]); // late, not unreachable: the rule wants 2 s too
    const f = c.tick(2100); // silent for more than 3 intervals and 2 s
    expect(f.columns.status).toEqual([1, 1, 1]);
    expect(f.events.map((e) => e.summary)).toContain("3 replicas of a unreachable");
    c.report(reportMsg("a", 1, [replicaReport("r1", 0, [], { full: true, status: "crashed" }), replicaReport("r2", 0, [], { full: true }), replicaReport("r3", 0, [], { full: true })]), "http", 2200);
    const g = c.tick(2200);
    expect(g.events.map((e) => [e.kind, e.summary])).toEqual(
      expect.arrayContaining([
        ["fault", "replica r1 crashed"],
        ["agent", "2 replicas of a back live"],
      ]),
    );
  });

  it("CL-B1: a report that would track more distinct origins than allowed is refused and changes nothing", () => {
    const { c } = core({ maxTrackedIds: 4 });
    c.hello(helloMsg("a", ["r1", "r2"]), "http", null, 0);
    expect(c.report(reportMsg("a", 1, [replicaReport("r1", 1, [["r1", 1], ["x1", 3]], { full: true })]), "http", 10).ok).toBe(true);
    const refused = c.report(reportMsg("a", 2, [replicaReport("r2", 0, [["x2", 1], ["x3", 1]], { full: true })]), "http", 20);
    expect(refused).toMatchObject({ ok: false, error: { code: "VALIDATION", issues: [{ path: "replicas[0].vv[1][0]" }] } });
    expect(c.engine.idCount).toBe(3);
    expect(c.engine.missingUpdates("r2")).toBe(4);
  });

  it("CL-B2: a hello that would grow the cluster beyond the protocol's replica limit is refused", () => {
    const { c } = core();
    for (let a = 0; a < 4; a++) {
      const ids = Array.from({ length: 4096 }, (_, i) => `a${a}-r${i}`);
      expect(c.hello(helloMsg(`agent-${a}`, ids), "http", null, 0).ok).toBe(true);
    }
    const refused = c.hello(helloMsg("one-more", ["straw"]), "http", null, 0);
    expect(refused).toMatchObject({ ok: false, error: { code: "VALIDATION", issues: [{ path: "replicas" }] } });
    expect(c.engine.replicaCount).toBe(16384);
  });

  it("CL-B3: absurd but valid values (epoch timestamps, seqs near 2^53) still give frames the protocol accepts", () => {
    const { c } = core();
    c.hello(helloMsg("a", ["r1", "r2", "r3"]), "http", null, 0);
    const now = 1_700_000_000_000;
    const big = Number.MAX_SAFE_INTEGER - 1;
    const res = c.report(
      reportMsg("a", 1, [
        replicaReport("r1", big, [["r1", big]], { full: true, issued: [[big, 0]] }),
        replicaReport("r2", big, [["r2", big]], { full: true, issued: [[big, 0]] }),
        replicaReport("r3", 0, [], { full: true }),
      ], { timeMs: 0 }),
      "http",
      now,
    );
    expect(res.ok).toBe(true);
    const frame = c.tick(now + 100);
    const parsed = FrameSchema.safeParse(frame);
    expect(parsed.success, JSON.stringify(parsed.error?.issues.slice(0, 3))).toBe(true);
    expect(frame.columns.missingUpdates[2]).toBe(Number.MAX_SAFE_INTEGER);
    expect(Math.max(...frame.columns.stalenessMs)).toBeLessThanOrEqual(3_600_000 + 100);
  });

  it("CL-O9: a socket agent's ticks (reports sharing a time) 2.5× further apart than asked, on a busy collector, reach the frame as paced; an HTTP agent's spacing does not count", () => {
    const { c } = core();
    c.hello(helloMsg("a", ["r1", "r2"]), "socket", "conn-a", 0);
    c.hello(helloMsg("b", ["r3"]), "http", null, 0);
    let seq = 0;
    for (let t = 250; t <= 1000; t += 250) {
      // A tick split into two reports, as the agent splits a large one: one tick, not two.
      expect(c.report(reportMsg("a", ++seq, [replicaReport("r1", 0, [], { full: true })], { timeMs: t }), "socket", t, "conn-a").ok).toBe(true);
      expect(c.report(reportMsg("a", ++seq, [replicaReport("r2", 0, [], { full: true })], { timeMs: t }), "socket", t, "conn-a").ok).toBe(true);
      expect(c.report(reportMsg("b", t / 250, [replicaReport("r3", 0, [], { full: true })], { timeMs: t * 4 }), "http", t).ok).toBe(true);
    }
    c.agentIngest.load.evaluate(1000, 0.95);
    expect(c.agentIngest.load.stretch).toBeCloseTo(2.5, 6);
    expect(c.tick(1000).sampling.ingest).toMatchObject({ paced: 2.5, shedding: false, slowdown: 1 });
  });
});
