import { describe, expect, it } from "vitest";
import { forAll, int } from "../testRandom.js";
import {
  INTERVAL_SCALE, SLIDER_STEPS, clampToScale, elapsedTicks, formatElapsed, linearMap, linearTicks, logDomain, logMap, logTicks,
  roundSignificant, sliderToValue, valueDomain, valueToSlider, type SliderScale,
} from "./scales.js";

describe("interval slider (log scale 10 ms – 10 s)", () => {
  it("ends at 10 ms and 10 s, with 100 ms and 1 s at the thirds", () => {
    expect(sliderToValue(INTERVAL_SCALE, 0)).toBe(10);
    expect(sliderToValue(INTERVAL_SCALE, SLIDER_STEPS)).toBe(10_000);
    expect(sliderToValue(INTERVAL_SCALE, SLIDER_STEPS / 3)).toBe(100);
    expect(sliderToValue(INTERVAL_SCALE, (2 * SLIDER_STEPS) / 3)).toBe(1000);
  });
  it("is monotone: moving right never shortens the interval", () => {
    for (let p = 0; p < SLIDER_STEPS; p++) {
      expect(sliderToValue(INTERVAL_SCALE, p + 1)).toBeGreaterThanOrEqual(sliderToValue(INTERVAL_SCALE, p));
    }
  });
  it("a typed value puts the thumb where it shows that value again (within 2 significant digits)", () => {
    forAll(500, (r) => int(r, 10, 10_000), (v) => {
      const back = sliderToValue(INTERVAL_SCALE, valueToSlider(INTERVAL_SCALE, v));
      expect(Math.abs(back - v) / v).toBeLessThan(0.06);
    });
  });
  it("round values typed in survive the round trip exactly", () => {
    for (const v of [10, 20, 50, 100, 250, 500, 1000, 2000, 5000, 10_000]) {
      expect(sliderToValue(INTERVAL_SCALE, valueToSlider(INTERVAL_SCALE, v))).toBe(v);
    }
  });
});

describe("log0 slider (updates/s, 0 allowed)", () => {
  const scale: SliderScale = { kind: "log0", min: 0.1, max: 1000 };
  it("position 0 is zero, the right end is the maximum", () => {
    expect(sliderToValue(scale, 0)).toBe(0);
    expect(sliderToValue(scale, 1)).toBe(0.1);
    expect(sliderToValue(scale, SLIDER_STEPS)).toBe(1000);
    expect(valueToSlider(scale, 0)).toBe(0);
  });
  it("clamps typed values and rejects non-numbers", () => {
    expect(clampToScale(scale, -5)).toBe(0);
    expect(clampToScale(scale, 5000)).toBe(1000);
    expect(clampToScale(scale, Number.NaN)).toBeNull();
    expect(clampToScale(INTERVAL_SCALE, 1)).toBe(10);
  });
});

describe("linear slider", () => {
  it("snaps to its step", () => {
    const scale: SliderScale = { kind: "linear", min: 1, max: 32, step: 1 };
    expect(sliderToValue(scale, 0)).toBe(1);
    expect(sliderToValue(scale, SLIDER_STEPS)).toBe(32);
    expect(Number.isInteger(sliderToValue(scale, 517))).toBe(true);
  });
});

describe("axis helpers", () => {
  it("roundSignificant keeps two digits", () => {
    expect(roundSignificant(1234)).toBe(1200);
    expect(roundSignificant(0.01234)).toBe(0.012);
    expect(roundSignificant(0)).toBe(0);
  });
  it("valueDomain starts at zero and ends on a nice number above the max", () => {
    expect(valueDomain(3, 87)).toEqual([0, 100]);
    const [lo, hi] = valueDomain(0, 0);
    expect(hi).toBeGreaterThan(lo);
  });
  it("linear ticks lie inside the domain on 1-2-5 steps", () => {
    expect(linearTicks(0, 100, 5)).toEqual([0, 20, 40, 60, 80, 100]);
    forAll(500, (r) => [(r() - 0.5) * 2e6, 10 ** (r() * 9 - 3)] as const, ([lo, w]) => {
      const ticks = linearTicks(lo, lo + w, 5);
      expect(ticks.length).toBeGreaterThan(0);
      expect(ticks.length).toBeLessThanOrEqual(12);
      for (const t of ticks) {
        expect(t).toBeGreaterThanOrEqual(lo - w * 1e-6);
        expect(t).toBeLessThanOrEqual(lo + w + w * 1e-6);
      }
    });
  });
  it("log ticks show decades", () => {
    expect(logTicks(10, 10_000)).toEqual([10, 100, 1000, 10_000]);
    expect(logTicks(10, 1000)).toEqual([10, 20, 50, 100, 200, 500, 1000]);
  });
  it("elapsed ticks use clock steps", () => {
    expect(elapsedTicks(0, 60_000, 6)).toEqual([0, 10_000, 20_000, 30_000, 40_000, 50_000, 60_000]);
    const t = elapsedTicks(0, 15 * 60_000, 6);
    expect(t[1]! - t[0]!).toBe(300_000);
    expect(formatElapsed(75_000)).toBe("1:15");
    expect(formatElapsed(3_725_000)).toBe("1:02:05");
    expect(formatElapsed(1500, 500)).toBe("0:01.5");
  });
  it("linear and log maps invert", () => {
    const m = linearMap([0, 10], [0, 100]);
    expect(m(5)).toBe(50);
    expect(m.invert(50)).toBe(5);
    const l = logMap([10, 10_000], [0, 300]);
    expect(l(100)).toBeCloseTo(100);
    expect(l.invert(200)).toBeCloseTo(1000);
    expect(l(0)).toBe(0);
  });
});

describe("log axis domain", () => {
  it("widens the values' range by a factor each side, ignoring what a log axis cannot show", () => {
    expect(logDomain([10, 100, 1000, 0, -5, null, Number.NaN], 2)).toEqual([5, 2000]);
  });
  it("gives a single value a decade around it, and nothing a default", () => {
    const [lo, hi] = logDomain([100]);
    expect(hi / lo).toBeCloseTo(10);
    expect(logDomain([])).toEqual([1, 10]);
  });
});
