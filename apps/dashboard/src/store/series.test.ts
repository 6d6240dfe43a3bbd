import { describe, expect, it } from "vitest";
import { SlidingColumns, TieredSeries } from "./series.js";

describe("SlidingColumns", () => {
  it("keeps the newest `capacity` rows in order, as one contiguous view", () => {
    const s = new SlidingColumns(1, 5);
    for (let i = 0; i < 23; i++) s.push([i]);
    expect(Array.from(s.view(0))).toEqual([18, 19, 20, 21, 22]);
    expect(s.last(0)).toBe(22);
  });
  it("does not allocate as it slides (same backing buffer)", () => {
    const s = new SlidingColumns(1, 4);
    const buffer = s.columns[0]!.buffer;
    for (let i = 0; i < 1000; i++) s.push([i]);
    expect(s.view(0).buffer).toBe(buffer);
  });
  it("halving merges pairs by each column's aggregate", () => {
    const s = new SlidingColumns(3, 10);
    for (let i = 0; i < 5; i++) s.push([i * 10, i, i]);
    s.halve(["mean", "max"]);
    expect(Array.from(s.view(0))).toEqual([0, 20, 40]);
    expect(Array.from(s.view(1))).toEqual([0.5, 2.5, 4]);
    expect(Array.from(s.view(2))).toEqual([1, 3, 4]);
  });
});

describe("TieredSeries", () => {
  const make = () =>
    new TieredSeries(["mean", "max"] as const, { mean: "mean", max: "max" }, { fineCapacity: 100, bucketMs: 1000, coarseCapacity: 8 });

  it("a short window reads raw frames", () => {
    const s = make();
    for (let i = 0; i < 50; i++) s.push(i * 100, { mean: i, max: i * 2 });
    const parts = s.parts(2000);
    expect(parts).toHaveLength(1);
    expect(parts[0]!.bucketMs).toBe(0);
    expect(parts[0]!.length).toBe(50);
    expect(s.latest("max")).toBe(98);
  });
  it("the whole run stays visible in bounded memory: buckets before the raw frames, resolution halving", () => {
    const s = make();
    // 60 s at 10 Hz: raw keeps the last 10 s, buckets cover the rest.
    for (let i = 0; i < 600; i++) s.push(i * 100, { mean: 1, max: i === 55 ? 999 : 1 });
    const parts = s.parts(0);
    expect(parts).toHaveLength(2);
    const [coarse, fine] = parts;
    expect(coarse!.bucketMs).toBeGreaterThan(1000); // halved at least once (8 buckets for 50 s)
    expect(coarse!.length).toBeLessThanOrEqual(8);
    expect(coarse!.xs[0]).toBe(0);
    expect(coarse!.xs[coarse!.length - 1]!).toBeLessThan(fine!.xs[0]!);
    expect(Math.max(...coarse!.ys.max!)).toBe(999); // the spike survives bucketing
    expect(Array.from(coarse!.ys.mean!).every((v) => v === 1)).toBe(true);
  });
});
