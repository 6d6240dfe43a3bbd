import { describe, expect, it } from "vitest";
import { EPOCH_MIN_SAMPLES, LogHistogram, percentileOfSorted, SlidingWindow } from "./quantiles.js";

describe("percentiles", () => {
  it("nearest-rank percentile of a sorted array", () => {
    const a = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(percentileOfSorted(a, 50)).toBe(50);
    expect(percentileOfSorted(a, 99)).toBe(99);
    expect(percentileOfSorted(a, 100)).toBe(100);
    expect(percentileOfSorted([], 50)).toBeNull();
  });

  it("the sliding window forgets samples older than the window", () => {
    const w = new SlidingWindow(1000, 100);
    w.add(0, 500);
    w.add(900, 10);
    w.add(950, 20);
    expect(w.stats(950)).toMatchObject({ count: 3, max: 500 });
    expect(w.stats(1500)).toMatchObject({ count: 2, max: 20, p50: 10 });
    expect(w.stats(1500, 560)).toMatchObject({ count: 1, max: 20 }); // a shorter window
    expect(w.stats(5000)).toEqual({ count: 0, p50: null, p95: null, p99: null, max: null });
  });

  it("the sliding window keeps the newest samples when over capacity", () => {
    const w = new SlidingWindow(1e9, 4);
    for (let i = 1; i <= 10; i++) w.add(i, i);
    expect(w.stats(10)).toMatchObject({ count: 4, p50: 8, max: 10 });
  });

  it("after a config change the window describes the new config once enough of its updates converged", () => {
    const w = new SlidingWindow(60_000, 10_000);
    // Under the old config: 100 updates taking 1,500 ms each.
    for (let i = 0; i < 100; i++) w.add(10_000 + i * 10, 1_500, 8_500 + i * 10);
    w.startEpoch(12_000);
    // A slow straggler issued before the change converges after it: still old config.
    w.add(12_100, 1_500, 10_600);
    for (let i = 0; i < EPOCH_MIN_SAMPLES - 1; i++) w.add(12_100 + i * 10, 80, 12_020 + i * 10);
    expect(w.stats(12_400).p50).toBe(1_500); // 19 new samples: not enough, the blend stands
    w.add(12_500, 80, 12_420);
    expect(w.stats(12_500)).toMatchObject({ count: EPOCH_MIN_SAMPLES, p50: 80, max: 80 });
  });

  it("the run histogram is within 1 % of the exact percentiles and has the exact max", () => {
    const h = new LogHistogram();
    const values: number[] = [];
    let seed = 3;
    for (let i = 0; i < 5000; i++) {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      const v = 5 + (seed / 4294967296) * 2000;
      values.push(v);
      h.add(v);
    }
    values.sort((a, b) => a - b);
    for (const p of [50, 95, 99]) {
      const exact = percentileOfSorted(values, p)!;
      expect(Math.abs(h.percentile(p)! - exact) / exact).toBeLessThan(0.01);
    }
    expect(h.stats().max).toBe(values[values.length - 1]);
    expect(h.count).toBe(5000);
  });
});
