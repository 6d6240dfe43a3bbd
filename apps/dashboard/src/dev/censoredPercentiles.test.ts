import { describe, expect, it } from "vitest";
import { censoredPercentiles } from "./censoredPercentiles.js";

describe("censored percentiles (fake cluster)", () => {
  it("without updates in flight they are the nearest-rank percentiles, none a lower bound", () => {
    const measured = Array.from({ length: 100 }, (_, i) => (i + 1) * 10);
    const p = censoredPercentiles(measured, []);
    expect([p.p50, p.p95, p.p99, p.max]).toEqual([500, 950, 990, 1000]);
    expect(p.atLeast).toEqual({ p50: false, p95: false, p99: false, max: false });
  });
  it("updates held back longer than every measured time make the upper percentiles read ≥ the oldest age", () => {
    const measured = Array.from({ length: 95 }, () => 100);
    const p = censoredPercentiles(measured, [15_000, 12_000, 9_000, 8_000, 7_000]);
    expect(p.p50).toBe(100);
    expect(p.atLeast.p50).toBe(false);
    expect([p.p99, p.max]).toEqual([15_000, 15_000]);
    expect(p.atLeast.p99).toBe(true);
    expect(p.atLeast.max).toBe(true);
  });
  it("young updates in flight do not pull the figures down or mark them", () => {
    const measured = Array.from({ length: 100 }, (_, i) => 1000 + i);
    const p = censoredPercentiles(measured, [5, 10, 20]);
    expect(p.p50).toBeGreaterThanOrEqual(1049);
    expect(p.atLeast).toEqual({ p50: false, p95: false, p99: false, max: false });
  });
  it("nothing measured and nothing in flight: no figures", () => {
    expect(censoredPercentiles([], [])).toMatchObject({ p50: null, p99: null, max: null });
  });
});
