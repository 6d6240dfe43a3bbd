import { describe, expect, it } from "vitest";
import { paretoFront } from "./pareto.js";

describe("Pareto front", () => {
  it("keeps the points no other beats on both cost and time, cheapest first", () => {
    const pts = [
      { cost: 300, timeMs: 10 }, // 0: fast, dear
      { cost: 30, timeMs: 100 }, // 1
      { cost: 3, timeMs: 1000 }, // 2: cheap, slow
      { cost: 40, timeMs: 200 }, // 3: dearer and slower than 1 — dominated
      { cost: 300, timeMs: 12 }, // 4: same cost as 0, slower — dominated
    ];
    expect(paretoFront(pts)).toEqual([2, 1, 0]);
  });
  it("of two points with equal figures keeps one; equal time at a higher cost is dominated", () => {
    expect(paretoFront([{ cost: 5, timeMs: 50 }, { cost: 5, timeMs: 50 }, { cost: 9, timeMs: 50 }])).toEqual([0]);
  });
  it("skips points without figures and is empty for none", () => {
    expect(paretoFront([{ cost: 1, timeMs: Number.NaN }, { cost: 2, timeMs: 7 }])).toEqual([1]);
    expect(paretoFront([])).toEqual([]);
  });
});
