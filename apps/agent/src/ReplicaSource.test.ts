import { Cluster } from "@driftscope/gossip";
import { DEFAULT_CLUSTER_CONFIG, ReplicaReportSchema, type ClusterConfig } from "@driftscope/protocol";
import { describe, expect, it } from "vitest";
import { fromGossipReplica } from "./ReplicaSource.js";
import { ReplicaTelemetry } from "./telemetry/ReplicaTelemetry.js";

/** What a collector would hold after applying every report: full vectors replace, sparse entries update. */
class ViewOfReplica {
  vv = new Map<string, number>();
  seq = 0;
  hash = "";
  /** Entries that carried hash, size and summary (the others left them unchanged). */
  stateEntries = 0;
  entries = 0;
  apply(r: ReturnType<ReplicaTelemetry["collect"]>): void {
    if (r === undefined) return;
    expect(ReplicaReportSchema.safeParse(r.report).success).toBe(true);
    if (r.report.full) this.vv = new Map();
    for (const [o, s] of r.report.vv) this.vv.set(o, s);
    this.seq = r.report.seq;
    this.entries++;
    if (r.report.hash === undefined) return; // absent: unchanged
    this.hash = r.report.hash;
    this.stateEntries++;
  }
}

function setup(n: number, k = 1, stateRefreshMs = 0) {
  const cluster = new Cluster({ type: "gcounter", replicas: Array.from({ length: n }, (_, i) => `n${i}`), seed: 7, config: { intervalMs: 100, fanout: 2 } });
  const ctx = { now: () => cluster.scheduler.now(), traceEveryK: () => k, stateRefreshMs };
  const telemetry = cluster.replicas().map((r) => new ReplicaTelemetry(fromGossipReplica(r), ctx));
  const views = telemetry.map(() => new ViewOfReplica());
  for (const t of telemetry) t.start();
  const tick = () => telemetry.forEach((t, i) => views[i]!.apply(t.collect((ms) => ms)));
  return { cluster, telemetry, views, tick };
}

describe("gossip replica source", () => {
  it("per-tick sparse reports reproduce every replica's exact version vector, hash and seq", () => {
    const { cluster, views, tick } = setup(8);
    cluster.setWorkload({ updatesPerSecPerReplica: 20 });
    for (let t = 0; t < 30; t++) {
      cluster.runFor(100);
      tick();
      cluster.replicas().forEach((r, i) => {
        const d = r.digest();
        expect(views[i]!.vv).toEqual(d.versionVector);
        expect(views[i]!.hash).toBe(d.hash);
        expect(views[i]!.seq).toBe(r.state.seq);
      });
    }
    expect(cluster.replicas()[0]!.state.seq).toBeGreaterThan(10);
  });

  it("while a replica keeps changing its hash is refreshed at most every stateRefreshMs, and at once when it goes quiet", () => {
    const { cluster, views, tick } = setup(6, 1, 1000);
    cluster.setWorkload({ updatesPerSecPerReplica: 20 });
    const hashes: string[] = [];
    let stale = 0;
    for (let t = 0; t < 20; t++) {
      cluster.runFor(100);
      tick();
      hashes.push(views[0]!.hash);
      if (views[0]!.hash !== cluster.replicas()[0]!.digest().hash) stale++;
      // the version vector is exact every tick regardless
      cluster.replicas().forEach((r, i) => expect(views[i]!.vv).toEqual(r.digest().versionVector));
    }
    expect(stale).toBeGreaterThan(10); // the hash lagged while the state moved…
    expect(new Set(hashes).size).toBeGreaterThanOrEqual(2); // …but was refreshed about once a second
    expect(new Set(hashes).size).toBeLessThanOrEqual(4);
    // …and only the entries that refreshed it carried it (with size and summary).
    expect(views[0]!.entries).toBeGreaterThanOrEqual(20);
    expect(views[0]!.stateEntries).toBeLessThanOrEqual(4);
    cluster.setWorkload({ updatesPerSecPerReplica: 0 });
    cluster.runFor(3000); // gossip settles
    tick(); // the last changes
    tick(); // a quiet tick: hashes refreshed
    cluster.replicas().forEach((r, i) => expect(views[i]!.hash).toBe(r.digest().hash));
  });

  it("reports sync counters by payload kind and the inclusion of traced dots", () => {
    const { cluster, telemetry } = setup(4, 2);
    cluster.update("n0");
    cluster.update("n0");
    telemetry.forEach((t) => t.collect((ms) => ms)); // full vectors
    cluster.runFor(1000);
    const r1 = telemetry[1]!.collect((ms) => ms)!.report;
    expect(r1.included).toEqual([["n0", 2, expect.any(Number)]]);
    expect(r1.sync.sentMessages).toBeGreaterThan(0);
    expect(r1.sync.sentBytes).toBeGreaterThan(0);
    expect(Object.keys(r1.sync.byKind ?? {}).length).toBeGreaterThan(0);
    const r0 = telemetry[0]!.collect((ms) => ms)!.report;
    expect(r0.seq).toBe(2);
  });

  it("sync counters are the replica's own, exact at every tick; sends are not followed and receives only sampled, about 128 a tick", () => {
    const cluster = new Cluster({ type: "gcounter", replicas: 40, seed: 8, config: { intervalMs: 50, fanout: 3, mode: "push-pull" } });
    const offered: string[] = [];
    const ctx = { now: () => cluster.scheduler.now(), traceEveryK: () => 1, syncEvent: (replica: string, dir: string) => offered.push(`${dir} ${replica}`) };
    const telemetry = cluster.replicas().map((r) => new ReplicaTelemetry(fromGossipReplica(r), ctx));
    telemetry.forEach((t) => t.start());
    expect(cluster.events.listening.send).toBe(false);
    cluster.setWorkload({ updatesPerSecPerReplica: 5 });
    let received = 0;
    for (let tick = 0; tick < 20; tick++) {
      offered.length = 0;
      const before = cluster.replicas().reduce((n, r) => n + r.traffic().receivedMessages, 0);
      cluster.runFor(100);
      received = cluster.replicas().reduce((n, r) => n + r.traffic().receivedMessages, 0) - before;
      telemetry.forEach((t, i) => {
        const report = t.collect((ms) => ms)?.report;
        if (report === undefined) return;
        const traffic = cluster.replicas()[i]!.traffic();
        expect(report.sync).toMatchObject({
          sentMessages: traffic.sentMessages, sentBytes: traffic.sentBytes, receivedMessages: traffic.receivedMessages,
          receivedBytes: traffic.receivedBytes, merges: traffic.merges, changedMerges: traffic.changedMerges,
        });
        if (report.sync.byKind !== undefined) expect(report.sync.byKind.delta?.bytes ?? 0).toBe(traffic.sent.delta.bytes);
      });
      // After the first tick the sample stride follows the previous tick's volume.
      if (tick >= 2) {
        expect(received).toBeGreaterThan(400);
        expect(offered.length).toBeGreaterThan(64);
        expect(offered.length).toBeLessThan(256);
      }
    }
    expect(offered.every((o) => o.startsWith("received "))).toBe(true);
  });

  it("applies the gossip part of a config at the replica's next tick and reports the version then", () => {
    const { cluster, telemetry } = setup(3);
    const source = fromGossipReplica(cluster.replica("n1"));
    const config: ClusterConfig = { ...structuredClone(DEFAULT_CLUSTER_CONFIG), version: 5, gossip: { intervalMs: 50, fanout: 1, mode: "push", payload: "digest" } };
    expect(source.checkConfig!(config)).toBeUndefined();
    source.applyConfig!(config);
    telemetry[1]!.collect((ms) => ms);
    cluster.runFor(150);
    expect(cluster.replica("n1").config).toMatchObject({ intervalMs: 50, fanout: 1, mode: "push", payload: "digest" });
    expect(telemetry[1]!.collect((ms) => ms)!.report.configVersion).toBe(5);
  });

  it("a crashed replica is reported crashed, and up again when restored", () => {
    const { cluster, telemetry } = setup(3);
    telemetry.forEach((t) => t.collect((ms) => ms));
    cluster.crash("n2");
    expect(telemetry[2]!.collect((ms) => ms)!.report.status).toBe("crashed");
    cluster.restore("n2");
    expect(telemetry[2]!.collect((ms) => ms)!.report).toMatchObject({ status: "up", full: true });
  });

  it("one hub subscription serves every replica, and detaching the last one unsubscribes", () => {
    const { cluster, telemetry } = setup(5);
    // Updates and a sample of receives are followed; sends and merges are not (counters and journals instead).
    expect(cluster.events.listening).toMatchObject({ update: true, receive: true, send: false, merge: false });
    telemetry.forEach((t) => t.stop());
    expect(cluster.events.listening).toMatchObject({ update: false, receive: false, send: false, merge: false });
  });

  it("inclusions come from each replica's journal, with the time of the merge, while observed only", () => {
    const cluster = new Cluster({ type: "gcounter", replicas: ["j0", "j1", "j2"], seed: 9, config: { intervalMs: 100, fanout: 2 } });
    const now = () => 1_000_000 + cluster.scheduler.now();
    const telemetry = cluster.replicas().map((r) => new ReplicaTelemetry(fromGossipReplica(r), { now, traceEveryK: () => 1 }));
    telemetry.forEach((t) => t.start());
    telemetry.forEach((t) => t.collect((ms) => ms)); // full vectors
    const merged = new Map<string, number>(); // "replica origin:seq" → merge time, from the events
    cluster.events.on("merge", (e) => e.newlyIncluded.forEach((r) => merged.set(`${e.replica} ${r.replica}:${r.from}`, now())));
    for (let i = 0; i < 5; i++) cluster.update("j0");
    cluster.runFor(1000); // several gossip rounds within one report tick
    const r1 = telemetry[1]!.collect((ms) => ms)!.report;
    expect(r1.vv).toEqual([["j0", 5]]);
    expect(r1.included).toEqual([1, 2, 3, 4, 5].map((seq) => ["j0", seq, merged.get(`j1 j0:${seq}`)]));
    // Detached: the replicas stop recording for the agent (no journal left open, nothing kept).
    const open = () => cluster.replicas().map((r) => (r as unknown as { journals: unknown[] }).journals.length);
    expect(open()).toEqual([1, 1, 1]);
    telemetry.forEach((t) => t.stop());
    expect(open()).toEqual([0, 0, 0]);
  });
});
