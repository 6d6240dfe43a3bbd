import type { ReplicaHistoryColumn } from "@driftscope/protocol";
import { describe, expect, it } from "vitest";
import { heatmapView } from "../charts/heatmapView.js";
import { FakeCluster } from "../dev/fakeCluster.js";
import { CELL_CRASHED } from "../viz/heatmap.js";
import { ClusterModel, METRIC_MISSING } from "./clusterModel.js";

describe("a snapshot's per-replica history", () => {
  it("fills the heatmap and a replica's line before the snapshot's frames, by the snapshot's replica order", () => {
    const cluster = new FakeCluster({ replicas: 4, startMs: 0 });
    for (let t = 100; t <= 300_000; t += 100) cluster.step(t);
    const base = cluster.snapshot();
    const frames = base.frames.slice(-10);
    const firstFrame = frames[0]!.timeMs;
    // Four minutes at 1 Hz before the frames: replica 1 behind by 40, replica 3 crashed, replica 2 not yet a member for the first.
    const history: ReplicaHistoryColumn[] = [];
    for (let t = firstFrame - 240_000; t < firstFrame; t += 1000) {
      const joined = t >= firstFrame - 180_000;
      history.push({ timeMs: t, missingUpdates: [0, 40, joined ? 0 : null, 0], stalenessMs: [0, 900, joined ? 0 : null, 0], status: [0, 0, 0, 2] });
    }
    const model = new ClusterModel();
    model.applySnapshot({ ...base, frames, replicaHistory: history });
    const domain: [number, number] = [firstFrame - 240_000, frames.at(-1)!.timeMs];
    const view = heatmapView(model, "missing", domain, 240, 4);
    const cell = (id: string, x: number) => view.grid.cells[view.ids.indexOf(id) * view.grid.width + x]!;
    // Every column of the four minutes has data: nothing left empty for want of history.
    for (let x = 0; x < 230; x++) expect(Number.isNaN(cell(cluster.ids[0]!, x))).toBe(false);
    expect(cell(cluster.ids[1]!, 10)).toBe(40);
    expect(cell(cluster.ids[3]!, 100)).toBe(CELL_CRASHED);
    expect(Number.isNaN(cell(cluster.ids[2]!, 30))).toBe(true);
    expect(cell(cluster.ids[2]!, 90)).toBe(0);
    const line = model.matrix.rowSeries(METRIC_MISSING, model.rowOf(cluster.ids[1]!), domain[0]);
    expect(line.xs[0]).toBe(domain[0]);
    expect(line.ys[0]).toBe(40);
  });

  it("a snapshot without it (an older collector) still starts with its frames", () => {
    const cluster = new FakeCluster({ replicas: 3, startMs: 0 });
    for (let t = 100; t <= 5_000; t += 100) cluster.step(t);
    const model = new ClusterModel();
    model.applySnapshot(cluster.snapshot());
    expect(model.matrix.tierFor(0).length).toBeGreaterThan(0);
  });
});
