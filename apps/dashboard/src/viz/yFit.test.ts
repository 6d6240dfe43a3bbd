import { describe, expect, it } from "vitest";
import { fitY } from "./yFit.js";

// A step: 20 s convergence until t = 60 s (a partition), 800 ms after it.
const series = (t0: number, t1: number) => (t0 < 60_000 ? (t1 > 0 ? 20_000 : 0) : 800);

describe("y fit", () => {
  it("fits the latest regime when earlier values in view would squash it, and says how far they reach", () => {
    expect(fitY(series, [0, 120_000], [60_000])).toEqual({ max: 800, fittedFrom: 60_000, offScaleMax: 20_000 });
  });

  it("fits everything in view when asked, when the regime is young, or when it is not squashed", () => {
    expect(fitY(series, [0, 120_000], [60_000], true)).toEqual({ max: 20_000, fittedFrom: null, offScaleMax: null });
    expect(fitY(series, [0, 65_000], [60_000]).fittedFrom).toBeNull(); // 5 s of the new regime: too young
    const rising = (t0: number) => (t0 < 60_000 ? 30_000 : 30_000 - 1);
    expect(fitY(rising, [0, 120_000], [60_000]).max).toBe(30_000);
    expect(fitY(series, [0, 120_000], []).max).toBe(20_000);
    expect(fitY(series, [70_000, 120_000], [60_000]).fittedFrom).toBeNull(); // the change is out of view: the view is the regime
  });
});
