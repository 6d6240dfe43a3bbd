import { describe, expect, it } from "vitest";
import { forAll, int, seeded } from "../testRandom.js";
import {
  BUCKET_PRECISION, SlidingHistogram, evaluationPoints, quantileSorted, rollingPercentiles, summarise, windowForSpan,
} from "./percentiles.js";

function nearestRank(values: number[], p: number): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.max(1, Math.ceil(p * s.length)) - 1]!;
}

describe("SlidingHistogram", () => {
  it("quantiles are within the bucket precision of the exact nearest-rank quantile", () => {
    forAll(50, (r) => ({ n: int(r, 1, 2000), seed: int(r, 1, 1e9), spread: r() * 4 }), ({ n, seed, spread }) => {
      const rand = seeded(seed);
      const values = Array.from({ length: n }, () => 10 ** (1 + rand() * spread));
      const h = new SlidingHistogram();
      values.forEach((v) => h.add(v));
      for (const p of [0.5, 0.95, 0.99, 1]) {
        const exact = nearestRank(values, p);
        expect(Math.abs(h.quantile(p) - exact) / exact).toBeLessThanOrEqual(BUCKET_PRECISION / 2 + 1e-9);
      }
    });
  });
  it("removing samples forgets them", () => {
    const h = new SlidingHistogram();
    [100, 200, 5000].forEach((v) => h.add(v));
    h.remove(5000);
    expect(h.size).toBe(2);
    expect(h.quantile(1)).toBeLessThan(210);
    expect(new SlidingHistogram().quantile(0.5)).toBeNaN();
  });
  it("zero-ms samples count (an update already everywhere)", () => {
    const h = new SlidingHistogram();
    h.add(0);
    h.add(0);
    h.add(1000);
    expect(h.quantile(0.5)).toBe(0);
  });
});

describe("rollingPercentiles", () => {
  it("matches the exact window quantiles within the precision", () => {
    const rand = seeded(7);
    const n = 3000;
    const xs = Float64Array.from({ length: n }, (_, i) => i * 10 + rand() * 5);
    const ys = Float64Array.from({ length: n }, () => 50 + rand() * 2000);
    const at = evaluationPoints(0, n * 10, 200, 4);
    const windowMs = 2000;
    const [p50, p99] = rollingPercentiles({ xs, ys, length: n }, at, windowMs, [0.5, 0.99]);
    for (let k = 0; k < at.length; k += 7) {
      const inWindow: number[] = [];
      for (let i = 0; i < n; i++) if (xs[i]! <= at[k]! && xs[i]! > at[k]! - windowMs) inWindow.push(ys[i]!);
      if (inWindow.length < 3) {
        expect(p50![k]).toBeNaN();
        continue;
      }
      expect(Math.abs(p50![k]! - nearestRank(inWindow, 0.5)) / nearestRank(inWindow, 0.5)).toBeLessThan(0.011);
      expect(Math.abs(p99![k]! - nearestRank(inWindow, 0.99)) / nearestRank(inWindow, 0.99)).toBeLessThan(0.011);
    }
  });
  it("follows a step change: after a sync-period change the p50 moves within one window", () => {
    const xs = Float64Array.from({ length: 200 }, (_, i) => i * 100);
    const ys = Float64Array.from({ length: 200 }, (_, i) => (i < 100 ? 500 : 2000));
    const at = [5000, 9900, 10_000 + 2000, 19_900];
    const [p50] = rollingPercentiles({ xs, ys, length: 200 }, at, 1000, [0.5]);
    expect(p50![0]).toBeCloseTo(500, -1);
    expect(p50![2]).toBeCloseTo(2000, -2);
  });
  it("window choice grows with the span and stays on round seconds", () => {
    expect(windowForSpan(60_000)).toBe(5_000);
    expect(windowForSpan(15 * 60_000)).toBe(30_000);
    expect(windowForSpan(10 * 3_600_000)).toBe(1_800_000);
  });
});

describe("exact summaries", () => {
  it("quantileSorted interpolates like d3.quantile", () => {
    expect(quantileSorted([1, 2, 3, 4], 0.5)).toBe(2.5);
    expect(quantileSorted([], 0.5)).toBeNaN();
    const s = summarise([5, 1, 3, 2, 4]);
    expect(s).toMatchObject({ n: 5, p50: 3, max: 5 });
  });
});
