import { describe, expect, it } from "vitest";
import { formatDurationMs } from "./format.js";
import { recordTheory, theoryCaption, theoryMax, theorySegments, type TheoryPoint } from "./theory.js";

const base: TheoryPoint = {
  timeMs: 0, n: 32, intervalMs: 1000, fanout: 2, mode: "push-pull", lossRate: 0, expectedMs: 3400, syncMs: 5000, lowerBoundMs: 4000,
};

describe("theory reference lines", () => {
  it("keeps one entry per change, not per frame", () => {
    const h: TheoryPoint[] = [];
    expect(recordTheory(h, base)).toBe(true);
    expect(recordTheory(h, { ...base, timeMs: 100 })).toBe(false);
    expect(recordTheory(h, { ...base, timeMs: 5000, intervalMs: 500, expectedMs: 1700, lowerBoundMs: 2000 })).toBe(true);
    expect(h).toHaveLength(2);
  });
  it("a slider change at t=5 s splits the line into two steps, clipped to the view", () => {
    const h: TheoryPoint[] = [base, { ...base, timeMs: 5000, intervalMs: 500, expectedMs: 1700, lowerBoundMs: 2000 }];
    const segs = theorySegments(h, 2000, 8000, 9000);
    expect(segs.map((s) => [s.from, s.to, s.expectedMs])).toEqual([
      [2000, 5000, 3400],
      [5000, 8000, 1700],
    ]);
    expect(theoryMax(segs)).toBe(5000); // E·T, the highest reference line
    expect(theorySegments(h, 10_000, 20_000, 9000)).toEqual([]);
  });
  it("the caption names the parameters and says when there is no bound", () => {
    expect(theoryCaption(base, formatDurationMs)).toBe("expected 3.4 s, E·T 5 s, lower bound 4 s (N=32, T=1 s, f=2, push-pull)");
    expect(theoryCaption({ ...base, mode: "pull", syncMs: null, lowerBoundMs: null, lossRate: 0.05 }, formatDurationMs)).toBe(
      "expected 3.4 s, no lower bound for pull (N=32, T=1 s, f=2, pull, loss 5 %)",
    );
  });
});
