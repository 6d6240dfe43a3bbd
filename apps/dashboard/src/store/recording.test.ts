import { describe, expect, it } from "vitest";
import { FakeCluster } from "../dev/fakeCluster.js";
import { mergeRunDetail, parseRunSummary } from "../net/api.js";
import { modelFromRecording, overlayFromRecording, runLabel } from "./recording.js";

function recording() {
  const c = new FakeCluster({ replicas: 6, startMs: 5_000 });
  const frames = [];
  for (let t = 5_100; t <= 25_000; t += 100) frames.push(c.step(t));
  const snap = c.snapshot();
  return { run: snap.run, config: snap.config, replicas: snap.replicas, frames, events: [] };
}

describe("recordings", () => {
  it("a JSON export replays into a model with the same charts' data", () => {
    const m = modelFromRecording(recording());
    expect(m.order).toHaveLength(6);
    expect(m.kpis.fineLength).toBe(200);
    expect(m.samples.length).toBeGreaterThan(10);
    expect(m.startMs).toBe(5_000);
    expect(m.nowMs).toBe(25_000);
  });
  it("an export without frames says so", () => {
    expect(() => modelFromRecording({ frames: [] })).toThrow(/no frames/);
  });
  it("overlay series are relative to the run start and labelled by config", () => {
    const o = overlayFromRecording("run-1", recording(), null);
    expect(o.length).toBeGreaterThan(10);
    expect(o.xs[0]!).toBeGreaterThanOrEqual(0);
    expect(o.xs[0]!).toBeLessThan(20_000);
    expect(o.label).toContain("N=6");
    expect(o.label).toContain("T=1 s");
    expect(o.label).toContain("f=2");
  });
  it("run list entries are read tolerantly", () => {
    expect(parseRunSummary({ id: "7", startedAtMs: 1, config: { gossip: { intervalMs: 500, fanout: 3 } } })).toMatchObject({
      id: "7", name: "7", endedAtMs: null, intervalMs: 500, fanout: 3,
    });
    expect(parseRunSummary({ name: "no id" })).toBeNull();
    expect(runLabel("run-2", { name: "baseline" }, null, 32)).toBe("baseline · N=32");
  });
  it("a recording run's details say which percentiles are lower bounds", () => {
    const summary = parseRunSummary({ id: "3", startedAtMs: 1 })!;
    const merged = mergeRunDetail(summary, { convergence: { count: 90, p50: 60, p95: 140, p99: 15_000, max: 15_000, censored: 12, atLeast: { p50: false, p95: false, p99: true, max: true }, exact: false } });
    expect(merged).toMatchObject({ convergenceP99Ms: 15_000, convergenceAtLeast: { p50: false, p95: false, p99: true }, convergenceCensored: 12 });
    expect(mergeRunDetail(summary, { convergence: { p50: 1 } }).convergenceAtLeast).toBeUndefined();
  });
});

describe("the collector's export shape", () => {
  /** As apps/collector/src/recordings/export.ts writes it: 1 Hz frames, KPIs flat, configs listed. */
  function collectorExport() {
    const c = new FakeCluster({ replicas: 5, startMs: 10_000 });
    const frames = [];
    for (let t = 10_100; t <= 40_000; t += 100) {
      const f = c.step(t);
      if (t % 1000 !== 0) continue;
      const { kpis, columns, timeMs } = f;
      const { convergenceAtLeast, ...flat } = kpis;
      const convergenceLowerBounds = Object.entries(convergenceAtLeast).flatMap(([p, yes]) => (yes ? [p] : []));
      frames.push({ timeMs, ...flat, convergenceLowerBounds, replicaIds: [...c.ids], columns });
    }
    const samples = c.snapshot().samples;
    return {
      run: { id: "run-9", name: "nine", startedAtMs: 10_000, endedAtMs: 40_000, status: "finished" },
      convergence: { count: samples.length, p50: 1, p95: 2, p99: 3, max: 4 },
      configs: [{ version: 1, timeMs: 10_000, config: c.config, patch: null }],
      events: [],
      frames,
      samples,
    };
  }
  it("replays: KPIs read from the flat frame, membership from replicaIds, samples from the top level", () => {
    const m = modelFromRecording(JSON.parse(JSON.stringify(collectorExport())));
    expect(m.order).toHaveLength(5);
    expect(m.kpis.fineLength).toBe(30);
    expect(m.latestKpis?.total).toBe(5);
    expect(m.samples.length).toBeGreaterThan(10);
    expect(m.config?.gossip.intervalMs).toBe(1000);
    expect(m.matrix.tiers[0]!.length).toBe(30);
  });
  it("reads the lower-bound percentiles from the export's list, and mean missing from the frame", () => {
    const data = collectorExport();
    const last = data.frames[data.frames.length - 1]!;
    last.convergenceLowerBounds = ["p99", "max"];
    last.meanMissingUpdates = 2.5;
    const m = modelFromRecording(JSON.parse(JSON.stringify(data)));
    expect(m.latestKpis?.convergenceAtLeast).toEqual({ p50: false, p95: false, p99: true, max: true });
    expect(m.latestKpis?.meanMissingUpdates).toBe(2.5);
  });
  it("a recording from before frames carried mean missing takes it from the frame's live replicas", () => {
    const data = collectorExport();
    const last = data.frames[data.frames.length - 1]!;
    delete (last as { meanMissingUpdates?: number }).meanMissingUpdates;
    last.columns = { ...last.columns, missingUpdates: [4, 6, 100, 0, 2], status: [0, 0, 1, 0, 0] };
    const m = modelFromRecording(JSON.parse(JSON.stringify(data)));
    expect(m.latestKpis?.meanMissingUpdates).toBe(3); // (4 + 6 + 0 + 2) / 4 live; the unreachable one is not counted
  });
  it("overlays with the first config in the label", () => {
    const o = overlayFromRecording("run-9", collectorExport(), null);
    expect(o.label).toBe("nine · N=5 · T=1 s · f=2 · push-pull");
  });
});

describe("deep links", () => {
  it("/runs lists runs, /runs/<id> opens a recording, anything else is live", async () => {
    const { routeOf } = await import("../net/runsActions.js");
    expect(routeOf("/")).toEqual({ tab: "live", runId: null });
    expect(routeOf("/runs")).toEqual({ tab: "runs", runId: null });
    expect(routeOf("/runs/run-3")).toEqual({ tab: "live", runId: "run-3" });
    expect(routeOf("/runs/a%3Ab/")).toEqual({ tab: "live", runId: "a:b" });
    expect(routeOf("/elsewhere")).toEqual({ tab: "live", runId: null });
  });
});
