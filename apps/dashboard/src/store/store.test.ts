import { RunInfoSchema } from "@driftscope/protocol";
import { describe, expect, it } from "vitest";
import { FakeCluster } from "../dev/fakeCluster.js";
import { CELL_CRASHED } from "../viz/heatmap.js";
import { METRIC_MISSING } from "./clusterModel.js";
import { buildPatch } from "./controlsSlice.js";
import { ackStatus, activeModel, viewDomain } from "./selectors.js";
import { createDashboardStore } from "./store.js";

function fed(replicas = 8, seconds = 20) {
  const store = createDashboardStore();
  const cluster = new FakeCluster({ replicas, startMs: 1_000_000 });
  for (let t = 1_000_100; t <= 1_000_000 + seconds * 1000; t += 100) store.getState().ingestFrame(cluster.step(t));
  return { store, cluster };
}

describe("cluster slice", () => {
  it("frames fill the series, the matrix and the samples", () => {
    const { store } = fed(8, 20);
    const m = store.getState().live;
    expect(m.order).toHaveLength(8);
    expect(m.kpis.fineLength).toBe(200);
    expect(m.matrix.tiers[0]!.length).toBe(200);
    expect(m.samples.length).toBeGreaterThan(50);
    expect(m.theory.length).toBeGreaterThanOrEqual(1);
    expect(m.nowMs).toBe(1_020_000);
  });
  it("a frame of an unknown membership asks for a snapshot and changes nothing", () => {
    const { store, cluster } = fed(4, 1);
    const frame = { ...cluster.step(1_001_100), membershipVersion: 99 };
    delete (frame as { replicaIds?: unknown }).replicaIds;
    const before = store.getState().live.framesIngested;
    expect(store.getState().ingestFrame(frame)).toBe("need-snapshot");
    expect(store.getState().live.framesIngested).toBe(before);
  });
  it("a snapshot restarts the model from the collector's recent history", () => {
    const { cluster } = fed(6, 5);
    const store = createDashboardStore();
    store.getState().ingestSnapshot(cluster.snapshot());
    const m = store.getState().live;
    expect(m.order).toHaveLength(6);
    expect(m.kpis.fineLength).toBeGreaterThan(10);
    expect(m.config?.gossip.intervalMs).toBe(1000);
  });
  it("a crashed replica shows as crashed in the heatmap matrix and leaves the means", () => {
    const { store, cluster } = fed(4, 1);
    const id = cluster.ids[2]!;
    cluster.change("c", { network: { crashed: [id] } });
    store.getState().ingestFrame(cluster.step(1_001_100));
    const m = store.getState().live;
    const tier = m.matrix.tiers[0]!;
    expect(tier.values(METRIC_MISSING, tier.length - 1)[m.rowOf(id)]).toBe(CELL_CRASHED);
    expect(m.latestKpis?.live).toBe(3);
  });
  it("another dashboard's config change reaches this one through the timeline event", () => {
    const { store, cluster } = fed(4, 1);
    store.getState().live.setConfig(cluster.config);
    cluster.change("x", { gossip: { intervalMs: 250 } });
    store.getState().ingestFrame(cluster.step(1_001_100));
    expect(store.getState().live.config?.gossip.intervalMs).toBe(250);
    expect(store.getState().live.events.some((e) => e.kind === "config")).toBe(true);
  });
  it("selection: click selects one, shift-click adds, clicking again clears", () => {
    const store = createDashboardStore();
    const s = () => store.getState();
    s().selectReplica("a");
    s().selectReplica("b", true);
    expect(s().selected).toEqual(["a", "b"]);
    s().selectReplica("c");
    expect(s().selected).toEqual(["c"]);
    s().selectReplica("c");
    expect(s().selected).toEqual([]);
  });
});

describe("controls slice", () => {
  it("debounced edits become one patch; only fields still being edited", () => {
    const { patch, keys } = buildPatch({
      "gossip.intervalMs": { value: 500, phase: "editing", atMs: 0 },
      "gossip.fanout": { value: 3, phase: "sending", atMs: 0 },
      "network.lossRate": { value: 0.1, phase: "editing", atMs: 0 },
    });
    expect(patch).toEqual({ gossip: { intervalMs: 500 }, network: { lossRate: 0.1 } });
    expect(keys).toEqual(["gossip.intervalMs", "network.lossRate"]);
  });
  it("pending → applied with the version; acknowledged once the live replicas run it", () => {
    const { store, cluster } = fed(4, 1);
    const s = () => store.getState();
    s().editField("gossip.fanout", 3);
    s().markSending("req-1", ["gossip.fanout"]);
    expect(s().fields["gossip.fanout"]?.phase).toBe("sending");
    const result = cluster.change("req-1", { gossip: { fanout: 3 } });
    s().applyControlResult(result);
    const f = s().fields["gossip.fanout"]!;
    expect(f.phase).toBe("applied");
    expect(f.version).toBe(cluster.config.version);
    let t = 1_001_100;
    s().ingestFrame(cluster.step(t));
    expect(ackStatus(s().live, f.version)?.done).toBe(false);
    for (; t < 1_004_000; t += 100) s().ingestFrame(cluster.step(t));
    expect(ackStatus(s().live, f.version)).toEqual({ acked: 4, live: 4, done: true });
  });
  it("a refusal for want of a token keeps the edit and asks for the token", () => {
    const store = createDashboardStore();
    const s = () => store.getState();
    s().editField("gossip.intervalMs", 200);
    s().markSending("r", ["gossip.intervalMs"]);
    s().applyControlResult({ type: "control-result", requestId: "r", ok: false, error: { type: "error", code: "UNAUTHORIZED", message: "token required" } });
    expect(s().tokenPrompt).not.toBeNull();
    expect(s().fields["gossip.intervalMs"]?.phase).toBe("editing");
    s().setToken("secret");
    expect(s().token).toBe("secret");
    expect(s().tokenPrompt).toBeNull();
  });
  it("a run start sent from the Runs page shows the collector's answer: done, or refused with its reason", () => {
    const store = createDashboardStore();
    const s = () => store.getState();
    s().markRunRequest("run-1");
    expect(s().runRequest).toEqual({ requestId: "run-1", phase: "sending" });
    s().applyControlResult({ type: "control-result", requestId: "other", ok: true });
    expect(s().runRequest?.phase).toBe("sending");
    s().applyControlResult({ type: "control-result", requestId: "run-1", ok: true, run: RunInfoSchema.parse({ id: "r2", name: "r2", startedAtMs: 1, endedAtMs: null }) });
    expect(s().runRequest?.phase).toBe("done");
    s().markRunRequest("run-2");
    s().applyControlResult({
      type: "control-result",
      requestId: "run-2",
      ok: false,
      error: { type: "error", code: "VALIDATION", message: "config refused", issues: [{ path: "gossip.fanout", reason: "at least 1" }] },
    });
    expect(s().runRequest).toMatchObject({ phase: "failed", error: "config refused — gossip.fanout: at least 1" });
    expect(s().tokenPrompt).toBeNull();
  });
  it("a validation refusal shows the collector's reason", () => {
    const store = createDashboardStore();
    const s = () => store.getState();
    s().editField("gossip.fanout", 99);
    s().markSending("r", ["gossip.fanout"]);
    s().applyControlResult({
      type: "control-result", requestId: "r", ok: false,
      error: { type: "error", code: "VALIDATION", message: "invalid config patch", issues: [{ path: "gossip.fanout", reason: "must be <= 64" }] },
    });
    expect(s().fields["gossip.fanout"]).toMatchObject({ phase: "failed", error: "invalid config patch — gossip.fanout: must be <= 64" });
  });
});

describe("time slice", () => {
  const model = { nowMs: 1_000_000, startMs: 0 };
  const base = { paused: false, pausedAtMs: null, windowMs: 60_000, zoom: null, scrubMs: null, view: "live" as const };
  it("the window ends now, or where it was paused", () => {
    expect(viewDomain(base, model)).toEqual([940_000, 1_000_000]);
    expect(viewDomain({ ...base, paused: true, pausedAtMs: 500_000 }, model)).toEqual([440_000, 500_000]);
  });
  it("a recording ignores the live pause and ends at the scrubber", () => {
    const paused = { ...base, paused: true, pausedAtMs: 5_000_000, view: "replay" as const };
    expect(viewDomain(paused, model)).toEqual([940_000, 1_000_000]);
    expect(viewDomain({ ...paused, scrubMs: 600_000 }, model)).toEqual([540_000, 600_000]);
  });
  it("whole run starts at the run's start; a brush overrides everything", () => {
    expect(viewDomain({ ...base, windowMs: null }, model)).toEqual([0, 1_000_000]);
    expect(viewDomain({ ...base, zoom: [10, 20_000] }, model)).toEqual([10, 20_000]);
  });
  it("a young run is not padded with empty minutes", () => {
    expect(viewDomain({ ...base, windowMs: 900_000 }, { nowMs: 30_000, startMs: 0 })).toEqual([0, 30_000]);
  });
  it("pause, zoom and resume", () => {
    const store = createDashboardStore();
    const s = () => store.getState();
    s().pause(123);
    s().setZoom([5, 5]); // a click, not a brush
    expect(s().zoom).toBeNull();
    s().setZoom([5, 100]);
    s().resume();
    expect(s()).toMatchObject({ paused: false, zoom: null, pausedAtMs: null });
    expect(activeModel(s())).toBe(s().live);
  });
});

describe("control values", async () => {
  const { fieldValue, toggledCrash } = await import("./controlValues.js");
  const { DEFAULT_CLUSTER_CONFIG } = await import("@driftscope/protocol");
  it("an edit in progress shows over the config; an applied one gives way to it", () => {
    expect(fieldValue("gossip.intervalMs", {}, DEFAULT_CLUSTER_CONFIG, 0)).toBe(1000);
    expect(fieldValue("gossip.intervalMs", { "gossip.intervalMs": { value: 300, phase: "sending", atMs: 0 } }, DEFAULT_CLUSTER_CONFIG, 0)).toBe(300);
    expect(fieldValue("gossip.intervalMs", { "gossip.intervalMs": { value: 300, phase: "applied", atMs: 0 } }, DEFAULT_CLUSTER_CONFIG, 0)).toBe(1000);
    expect(fieldValue("gossip.fanout", {}, null, 7)).toBe(7);
  });
  it("crash and restore edit the crashed list", () => {
    expect(toggledCrash(["a"], "b", true)).toEqual(["a", "b"]);
    expect(toggledCrash(["a", "b"], "a", false)).toEqual(["b"]);
    expect(toggledCrash(["a"], "a", true)).toEqual(["a"]);
  });
});
