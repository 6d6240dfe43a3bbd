import type { Experiment } from "@driftscope/protocol";
import { describe, expect, it } from "vitest";
import { testPoint } from "../testPoints.js";
import { recommendedPoints, shownExperiments, summaryOf } from "./experimentsSlice.js";
import { createDashboardStore } from "./store.js";

const experiment = (id: string, status: Experiment["status"] = "done"): Experiment => ({
  id,
  status,
  createdAtMs: 1,
  endedAtMs: status === "running" ? null : 2,
  totalPoints: 3,
  etaMs: null,
  error: null,
  plan: { name: `plan ${id}`, engine: "simulated", cluster: { replicas: 5, crdtType: "gcounter" }, fixed: {}, sweep: { intervalMs: [10, 100, 1000] }, warmupMs: 0, measure: { durationMs: 1000 }, repetitions: 1, seed: 1 },
  results: [testPoint(0), testPoint(1)],
});

describe("experiments slice", () => {
  it("open shows one experiment; compare adds a second beside it, and takes it away again", () => {
    const store = createDashboardStore();
    const s = () => store.getState();
    s().showExperiment("exp-1");
    s().toggleCompare("exp-2");
    expect(s().shownIds).toEqual(["exp-1", "exp-2"]);
    s().toggleCompare("exp-3");
    expect(s().shownIds).toEqual(["exp-1", "exp-3"]);
    s().toggleCompare("exp-3");
    expect(s().shownIds).toEqual(["exp-1"]);
    s().setLoaded("exp-1", experiment("exp-1"));
    s().setLoaded("exp-2", "loading");
    expect(shownExperiments(s()).map((e) => e.id)).toEqual(["exp-1"]);
  });

  it("a polled experiment moves its list entry's progress", () => {
    const store = createDashboardStore();
    const s = () => store.getState();
    s().setExperiments([{ ...summaryOf(experiment("exp-1", "running")), donePoints: 0 }]);
    s().setLoaded("exp-1", experiment("exp-1", "done"));
    expect(s().experiments[0]).toMatchObject({ status: "done", donePoints: 2 });
  });

  it("editing a field takes away the collector's issues about it, not the others", () => {
    const store = createDashboardStore();
    const s = () => store.getState();
    s().setPlanSubmit({ phase: "failed", message: "invalid" }, [
      { path: "cluster.replicas", reason: "at least 2" },
      { path: "sweep.intervalMs[1]", reason: "at most 60000" },
    ]);
    s().editDraft((d) => ({ ...d, replicas: "5" }), "cluster.replicas");
    expect(s().planIssues).toEqual([{ path: "sweep.intervalMs[1]", reason: "at most 60000" }]);
    expect(s().planDraft.replicas).toBe("5");
  });

  it("the recommended points are those a recommendation met, for the open experiment", () => {
    const recs = { "exp-1": { "10": { met: true as const, point: testPoint(2), reason: "" }, "1": { met: false as const, closest: null, reason: "" }, "0.1": "loading" as const } };
    expect(recommendedPoints(recs, "exp-1")).toEqual([{ experimentId: "exp-1", index: 2 }]);
    expect(recommendedPoints(recs, undefined)).toEqual([]);
  });
});
