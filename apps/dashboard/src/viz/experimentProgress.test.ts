import type { ExperimentPlan } from "@driftscope/protocol";
import { describe, expect, it } from "vitest";
import { testPoint } from "../testPoints.js";
import { progressOf } from "./experimentProgress.js";

const plan: ExperimentPlan = {
  name: "p",
  engine: "simulated",
  cluster: { replicas: 5, crdtType: "gcounter" },
  fixed: {},
  sweep: { intervalMs: [10, 100, 1000] },
  warmupMs: 5000,
  measure: { durationMs: 60_000 },
  repetitions: 1,
  seed: 1,
};

describe("experiment progress", () => {
  it("a running experiment measures point i of n", () => {
    const p = progressOf({ status: "running", totalPoints: 3, results: [testPoint(0)], plan });
    expect(p.pointText).toBe("measuring point 2 of 3 (1 done)");
    expect(p.share).toBeCloseTo(1 / 3);
    expect(p.clockText).toBe("1 min 5 s of simulated time per point, 3 min 15 s in all");
    expect(p.planText).toBe("simulated · 5 × gcounter · 3 points (intervalMs) · seed 1");
    expect(progressOf({ status: "running", totalPoints: 1, results: [testPoint(0)], plan }).pointText).toBe("finishing (1 of 1 done)");
  });
  it("a finished or cancelled one says how many points it kept", () => {
    expect(progressOf({ status: "done", totalPoints: 3, results: [testPoint(0), testPoint(1), testPoint(2)], plan }).pointText).toBe("3 of 3 points measured");
    expect(progressOf({ status: "cancelled", totalPoints: 3, results: [testPoint(0)], plan }).pointText).toBe("1 of 3 points measured — cancelled");
  });
});
