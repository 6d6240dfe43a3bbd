import type { Frame, KpiPoint } from "@driftscope/protocol";
import { describe, expect, it } from "vitest";
import { FakeCluster } from "../dev/fakeCluster.js";
import { ClusterModel } from "./clusterModel.js";

function lastValue(model: ClusterModel, name: "meanMissing" | "inFlight" | "p99AtLeast"): number {
  const parts = model.kpis.parts(-Infinity);
  const part = parts[parts.length - 1]!;
  return part.ys[name]![part.length - 1]!;
}

describe("cluster model", () => {
  it("mean missing is the collector's one figure: a live frame and a history point at the same time agree with an unreachable replica present", () => {
    const cluster = new FakeCluster({ replicas: 4, startMs: 0 });
    let frame: Frame = cluster.step(100);
    for (let t = 200; t <= 3_000; t += 100) frame = cluster.step(t);
    // Replica 3 unreachable, still counted in missingUpdatesTotal but not among the live.
    const columns = { ...frame.columns, missingUpdates: [2, 4, 0, 90], status: [0, 0, 0, 1] };
    const kpis = { ...frame.kpis, live: 3, unreachable: 1, missingUpdatesTotal: 96, meanMissingUpdates: 2 };
    const live = new ClusterModel();
    live.ingestFrame({ ...frame, replicaIds: [...cluster.ids], columns, kpis });
    const history = new ClusterModel();
    const point: KpiPoint = { timeMs: frame.timeMs, kpis };
    history.applySnapshot({ ...cluster.snapshot(), frames: [], history: [point] });
    expect(lastValue(live, "meanMissing")).toBe(2);
    expect(lastValue(history, "meanMissing")).toBe(2);
  });
  it("keeps updates in flight and which percentiles were lower bounds as series", () => {
    const cluster = new FakeCluster({ replicas: 4, startMs: 0 });
    const model = new ClusterModel();
    let frame = cluster.step(100);
    model.ingestFrame(frame);
    for (let t = 200; t <= 2_000; t += 100) model.ingestFrame((frame = cluster.step(t)));
    model.ingestFrame({ ...cluster.step(2_100), kpis: { ...frame.kpis, inFlight: 77, convergenceAtLeast: { p50: false, p95: true, p99: true, max: true } } });
    expect(lastValue(model, "inFlight")).toBe(77);
    expect(lastValue(model, "p99AtLeast")).toBe(1);
  });
});

describe("replica info", () => {
  it("an event naming replicas marks the info stale; fresh info replaces it without touching the charts", () => {
    const cluster = new FakeCluster({ replicas: 4, startMs: 0 });
    const model = new ClusterModel();
    model.applySnapshot(cluster.snapshot());
    for (let t = 100; t <= 1_000; t += 100) model.ingestFrame(cluster.step(t));
    expect(model.replicaInfoStale).toBe(false);
    const id = cluster.ids[1]!;
    const frame = cluster.step(1_100);
    model.ingestFrame({ ...frame, events: [{ timeMs: 1_100, kind: "fault", summary: `replica ${id} restarted empty (incarnation 1) and reuses update ids 1–3 that 3 replicas already hold`, replicas: [id] }] });
    expect(model.replicaInfoStale).toBe(true);
    const frames = model.kpis.fineLength;
    const info = cluster.snapshot().replicas.map((r) => (r.id === id ? { ...r, incarnation: 1, dotReuse: { fromSeq: 1, toSeq: 3, holders: 3 } } : r));
    model.updateReplicaInfo([...info, { ...info[0]!, id: "stranger" as typeof id }]);
    expect(model.replicaInfo.get(id)).toMatchObject({ incarnation: 1, dotReuse: { toSeq: 3 } });
    expect(model.replicaInfo.has("stranger")).toBe(false);
    expect(model.kpis.fineLength).toBe(frames);
  });
});

describe("the run on show", () => {
  it("a stop seen in the frames ends it; a start elsewhere asks for a snapshot (it carries the new run's id)", () => {
    const cluster = new FakeCluster({ replicas: 3, startMs: 0 });
    const model = new ClusterModel();
    model.applySnapshot(cluster.snapshot());
    const run = model.run!;
    expect(run).not.toBeNull();
    const frame = (summary: string, t: number): Frame => ({ ...cluster.step(t), events: [{ timeMs: t, kind: "run", summary }] });
    expect(model.ingestFrame(frame("run someone-else stopped", 100))).toBe("ok");
    expect(model.run).toBe(run);
    expect(model.ingestFrame(frame(`run ${run.name} stopped`, 200))).toBe("ok");
    expect(model.run).toBeNull();
    expect(model.ingestFrame(frame("run next started", 300))).toBe("need-snapshot");
    model.run = { ...run, name: "next", startedAtMs: 300 };
    expect(model.ingestFrame(frame("run next started", 400))).toBe("ok");
  });
});
