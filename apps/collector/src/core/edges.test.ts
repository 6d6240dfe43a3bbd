// The collector's figures at the edges issue 13 found wrong: departures, restarts that
// reuse update ids, poisoned vectors, hijacked sessions, ghosts filling the cluster, and
// one definition of "mean missing". Each case failed before the core was reworked.
import { DEFAULT_CLUSTER_CONFIG, LIMITS, type ClusterConfig, type Report } from "@driftscope/protocol";
import { describe, expect, it } from "vitest";
import { helloMsg, replicaReport, reportMsg } from "../../test/harness.js";
import { CollectorCore } from "../CollectorCore.js";
import { CollectorMetrics } from "../prometheus.js";

function core(retentionMs?: number) {
  const pushed: ClusterConfig[] = [];
  return new CollectorCore({
    config: DEFAULT_CLUSTER_CONFIG,
    reportIntervalMs: 100,
    recorder: null,
    metrics: new CollectorMetrics(),
    pushConfig: (cfg) => pushed.push(cfg),
    ...(retentionMs === undefined ? {} : { engine: { retentionMs } }),
  });
}

const ids = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => `${prefix}${i}`);
/** A report at time `t` (the wire's timeMs), for `core.report(…, t)`. */
const at = (agentId: string, seq: number, t: number, replicas: Report["replicas"]) => reportMsg(agentId, seq, replicas, { timeMs: t });
const missingOf = (c: CollectorCore, t: number) => {
  const f = c.tick(t);
  return Object.fromEntries(c.engine.replicaIds().map((id, i) => [id, f.columns.missingUpdates[i]]));
};

describe("collector edges (issue 13)", () => {
  it("CL-E1: a node that says bye leaves no missing updates behind: what only it held is counted lost", () => {
    const c = core();
    const a = ids("L1-", 5);
    c.hello(helloMsg("node-a", a), "http", null, 0);
    // 9 updates each, everyone holds everything: 45 updates.
    const full = a.map((o) => [o, 9] as [string, number]);
    expect(c.report(at("node-a", 1, 100, a.map((id) => replicaReport(id, 9, full, { full: true }))), "http", 100).ok).toBe(true);
    c.tick(100);
    expect(c.bye({ type: "bye", agentId: "node-a" as never }, "http", 200).ok).toBe(true);
    const b = ids("b", 3);
    c.hello(helloMsg("node-b", b), "http", null, 300);
    c.report(at("node-b", 1, 400, b.map((id) => replicaReport(id, 0, [], { full: true }))), "http", 400);
    const f = c.tick(400);
    expect(f.columns.missingUpdates).toEqual([0, 0, 0]);
    expect(f.kpis).toMatchObject({ convergedShare: 1, maxStalenessMs: 0, missingUpdatesTotal: 0, lostUpdates: 45, inFlight: 0 });
    expect(c.snapshot(400).events.map((e) => e.summary)).toContain("45 updates lost: their last holder L1-4 left");
  });

  it("CL-E2: a restart that reuses update ids without a new incarnation is refused, saying what a restarting node must do", () => {
    const c = core();
    c.hello(helloMsg("n", ["p0"]), "http", null, 0);
    c.hello(helloMsg("m", ["m0", "m1"]), "http", null, 0);
    c.report(at("n", 1, 100, [replicaReport("p0", 45, [["p0", 45]], { full: true })]), "http", 100);
    c.report(at("m", 1, 100, ["m0", "m1"].map((id) => replicaReport(id, 0, [["p0", 45]], { full: true }))), "http", 100);
    const before = missingOf(c, 100);
    // The node restarts without its state and says hello again, counting from 1.
    expect(c.hello(helloMsg("n", ["p0"]), "http", null, 200).ok).toBe(true);
    const refused = c.report(at("n", 1, 300, [replicaReport("p0", 1, [["p0", 1]], { full: true })]), "http", 300);
    expect(refused.ok).toBe(false);
    if (refused.ok) return;
    expect(refused.error.code).toBe("CONFLICT");
    expect(refused.error.message).toMatch(/seq 1 after 45/);
    expect(refused.error.message).toMatch(/continue its seqs after 45, take a new replica id, or announce incarnation 1 in hello/);
    expect(missingOf(c, 300)).toEqual(before);
  });

  it("CL-E3: with a new incarnation the restart is accepted and dot reuse is flagged on the timeline and the replica; other origins stay exact", () => {
    const c = core();
    const m = ids("m", 14);
    c.hello(helloMsg("n", ["p0"]), "http", null, 0);
    c.hello(helloMsg("m", m), "http", null, 0);
    c.report(at("n", 1, 100, [replicaReport("p0", 45, [["p0", 45]], { full: true })]), "http", 100);
    c.report(at("m", 1, 100, m.map((id) => replicaReport(id, 0, [["p0", 45]], { full: true }))), "http", 100);
    c.tick(100);
    expect(c.hello(helloMsg("n", [], { replicas: [{ id: "p0" as never, crdtType: "gcounter", incarnation: 1 }] }), "http", null, 200).ok).toBe(true);
    expect(c.report(at("n", 1, 300, [replicaReport("p0", 1, [["p0", 1]], { full: true, incarnation: 1 })]), "http", 300).ok).toBe(true);
    // m0 issues 3 updates its peers do not have yet: their counts must say exactly that.
    expect(c.report(at("m", 2, 300, [replicaReport("m0", 3, [["m0", 3]])]), "http", 300).ok).toBe(true);
    const missing = missingOf(c, 300);
    for (const id of m.slice(1)) expect(missing[id]).toBe(3);
    expect(missing.m0).toBe(0);
    const snap = c.snapshot(300);
    expect(snap.events.map((e) => e.summary)).toContain("replica p0 restarted empty (incarnation 1) and reuses update ids 1–45 that 14 replicas already hold");
    expect(snap.replicas.find((r) => r.id === "p0")).toMatchObject({ incarnation: 1, dotReuse: { fromSeq: 1, toSeq: 45, holders: 14 } });
  });

  it("CL-E4: a vector claiming 2^53 − 1 of another agent's live origin cannot poison the counts", () => {
    const c = core();
    c.hello(helloMsg("L", ["L1-0"]), "http", null, 0);
    c.hello(helloMsg("X", ["x0"]), "http", null, 0);
    c.report(at("L", 1, 100, [replicaReport("L1-0", 5, [["L1-0", 5]], { full: true })]), "http", 100);
    expect(c.report(at("X", 1, 100, [replicaReport("x0", 0, [["L1-0", Number.MAX_SAFE_INTEGER]], { full: true })]), "http", 100).ok).toBe(true);
    const f = c.tick(100);
    expect(f.kpis.missingUpdatesTotal).toBe(0);
    expect(c.engine.frontierFor("L1-0")).toBe(5);
    expect(c.engine.versionVector("x0")).toEqual([["L1-0", 5]]);
    // The origin goes on issuing: the claim is honoured up to what exists.
    c.report(at("L", 2, 200, [replicaReport("L1-0", 6, [["L1-0", 6]])]), "http", 200);
    expect(c.engine.versionVector("x0")).toEqual([["L1-0", 6]]);
    expect(c.tick(200).kpis.missingUpdatesTotal).toBe(0);
  });

  it("CL-E5: an HTTP hello with a connected agent's id cannot replace or empty its session", () => {
    const c = core();
    const r = ids("l", 16);
    expect(c.hello(helloMsg("launcher", r), "socket", "conn-1", 0).ok).toBe(true);
    const hijack = c.hello(helloMsg("launcher", []), "http", null, 100);
    expect(hijack.ok).toBe(false);
    if (!hijack.ok) expect(hijack.error).toMatchObject({ code: "CONFLICT", issues: [{ path: "agentId", reason: expect.stringMatching(/live session over a socket\.io connection \(conn-1\)/) }] });
    expect(c.engine.replicaIds()).toEqual(r);
    // A message from a connection the session is not bound to is told to say hello.
    const stray = c.report(at("launcher", 1, 150, [replicaReport("l0", 0, [])]), "socket", 150, "conn-2");
    expect(stray.ok).toBe(false);
    if (!stray.ok) expect(stray.error).toMatchObject({ code: "NOT_FOUND", message: expect.stringMatching(/send hello to re-announce/) });
    expect(c.report(at("launcher", 1, 150, [replicaReport("l0", 0, [], { full: true })]), "socket", 150, "conn-1").ok).toBe(true);
  });

  it("CL-E6: ghosts cannot fill the cluster: unreachable replicas make room for live ones and leave after the retention time", () => {
    const c = core(5000); // the retention time (10 min by default), shortened
    for (let g = 0; g < 4; g++) expect(c.hello(helloMsg(`ghost-${g}`, ids(`g${g}-`, LIMITS.replicasPerAgent)), "http", null, 0).ok).toBe(true);
    expect(c.engine.replicaCount).toBe(LIMITS.replicasPerCluster);
    const real = ids("real", 16);
    const early = c.hello(helloMsg("launcher", real), "socket", "c1", 500);
    expect(early.ok).toBe(false); // the ghosts were heard from 0.5 s ago: not unreachable yet
    c.tick(2100);
    expect(c.hello(helloMsg("launcher", real), "socket", "c1", 2200).ok).toBe(true);
    expect(c.engine.replicaCount).toBe(LIMITS.replicasPerCluster);
    expect(real.every((id) => c.engine.hasReplica(id))).toBe(true);
    const f = c.tick(2200);
    expect(f.events.map((e) => e.summary)).toContain("16 replicas left the membership: unreachable, to make room for a live replica");
    let seq = 1;
    for (let t = 2700; t <= 7700; t += 500) {
      c.report(at("launcher", seq++, t, real.map((id) => replicaReport(id, 0, [], { full: seq === 2 }))), "socket", t, "c1");
      c.tick(t);
    }
    const later = c.tick(7700); // unreachable since 2.1 s, longer than the retention time
    expect(later.kpis).toMatchObject({ total: 16, live: 16, unreachable: 0 });
    expect(c.snapshot(7700).events.map((e) => e.summary)).toContain(`${LIMITS.replicasPerCluster - 16} replicas left the membership: unreachable longer than the retention time`);
  });

  it("CL-E7: mean missing updates is one definition: a live frame and the history point taken with it agree, with an unreachable replica present", () => {
    const c = core();
    c.hello(helloMsg("a", ["a0", "a1"]), "http", null, 0);
    c.hello(helloMsg("b", ["b0"]), "http", null, 0);
    c.report(at("a", 1, 100, [replicaReport("a0", 6, [["a0", 6]], { full: true }), replicaReport("a1", 0, [["a0", 2]], { full: true })]), "http", 100);
    c.report(at("b", 1, 100, [replicaReport("b0", 0, [], { full: true })]), "http", 100);
    for (let t = 150; t < 2150; t += 500) c.tick(t);
    c.report(at("a", 2, 2150, [replicaReport("a0", 6, [])]), "http", 2150);
    const f = c.tick(2150); // b has been silent for 2 s: unreachable, still missing 6
    expect(f.kpis).toMatchObject({ live: 2, unreachable: 1, missingUpdatesTotal: 10 });
    expect(f.kpis.meanMissingUpdates).toBe(2); // (0 + 4) / 2 live replicas
    const point = c.snapshot(2150).history.at(-1)!;
    expect(point.timeMs).toBe(2150);
    expect(point.kpis.meanMissingUpdates).toBe(f.kpis.meanMissingUpdates);
  });

  it("CL-E8: a flood of hellos cannot push config changes out of the timeline; repeats fold per agent and second", () => {
    const c = core();
    c.changeConfig({ gossip: { fanout: 3 } }, 0, "test");
    for (let i = 0; i < 5000; i++) c.hello(helloMsg(`flood-${i % 50}`, [`f${i % 50}`]), "http", null, Math.floor(i / 1000) * 1000 + (i % 1000));
    c.tick(6000);
    const events = c.snapshot(6000).events;
    expect(events.some((e) => e.kind === "config" && /fanout 2 → 3/.test(e.summary))).toBe(true);
    expect(events.length).toBeLessThanOrEqual(LIMITS.snapshotEvents);
    const agentEvents = events.filter((e) => e.kind === "agent");
    expect(agentEvents.length).toBeLessThanOrEqual(5 * (20 + 20 + 1)); // per second: 20 shown, their repeats folded, one "more"
    expect(agentEvents.some((e) => /more within that second/.test(e.summary))).toBe(true);
  });
});
