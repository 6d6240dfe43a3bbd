import { describe, expect, it } from "vitest";
import { testPoint } from "../testPoints.js";
import { median, pointLabel, resultSeries, updateRates, varyingSettings } from "./experimentSeries.js";

describe("experiment series", () => {
  const points = [
    testPoint(0, { intervalMs: 10, updatesPerSecPerReplica: 0.1 }),
    testPoint(1, { intervalMs: 10, updatesPerSecPerReplica: 10 }),
    testPoint(2, { intervalMs: 1000, updatesPerSecPerReplica: 0.1 }),
    testPoint(3, { intervalMs: 1000, updatesPerSecPerReplica: 10 }),
    testPoint(4, { intervalMs: 100, updatesPerSecPerReplica: 10 }),
  ];

  it("one series per update rate, its points in interval order, labelled by the rate", () => {
    const series = resultSeries(points);
    expect(series.map((s) => s.label)).toEqual(["0.1 upd/s", "10 upd/s"]);
    expect(series[1]!.steps.map((s) => s.intervalMs)).toEqual([10, 100, 1000]);
    expect(updateRates(points)).toEqual([0.1, 10]);
  });

  it("splits by every other varied setting too, and names it", () => {
    const series = resultSeries([testPoint(0, { fanout: 1 }), testPoint(1, { fanout: 4 }), testPoint(2, { fanout: 4, intervalMs: 10 })]);
    expect(series.map((s) => s.label)).toEqual(["10 upd/s · f1", "10 upd/s · f4"]);
    expect(varyingSettings([testPoint(0, { fanout: 1 }), testPoint(1, { fanout: 4, mode: "pull" })])).toEqual(["fanout", "mode"]);
  });

  it("summarises repetitions of one config by their median; one lower bound makes the step a lower bound", () => {
    const reps = [testPoint(0, {}, { p50: 40, p95: 90 }), testPoint(1, {}, { p50: 60, p95: 110, repetition: 1, p95AtLeast: true }), testPoint(2, {}, { p50: 50, p95: 100, repetition: 2 })];
    const [s] = resultSeries(reps);
    expect(s!.steps).toHaveLength(1);
    expect(s!.steps[0]).toMatchObject({ p50Ms: 50, p95Ms: 100, p95AtLeast: true, p50AtLeast: false });
    expect(median([3, null, 1, 2, 4])).toBe(2.5);
    expect(median([null])).toBeNull();
  });

  it("a point's label names its interval and what else varied, not the update rate (the series says it)", () => {
    const varied = varyingSettings([testPoint(0, { fanout: 1 }), testPoint(1, { fanout: 4, intervalMs: 1000, updatesPerSecPerReplica: 1 })]);
    expect(pointLabel(testPoint(1, { fanout: 4, intervalMs: 1000 }), varied)).toBe("1 s · f4");
  });
});
