import { describe, expect, it } from "vitest";
import { formatPercentileMs, lowerBoundNote, percentileTitle, runPercentilesText, runPercentilesTitle } from "./lowerBound.js";

describe("lower-bound percentiles", () => {
  it("a censored percentile reads ≥ before its value; an exact one reads as before", () => {
    expect(formatPercentileMs(15_200, true)).toBe("≥ 15.2 s");
    expect(formatPercentileMs(143, false)).toBe("143 ms");
    expect(formatPercentileMs(143, undefined)).toBe("143 ms");
  });
  it("no value is a dash, never '≥ –'", () => {
    expect(formatPercentileMs(null, true)).toBe("–");
  });
  it("the note names how many updates are still in flight", () => {
    expect(lowerBoundNote(1234)).toBe("lower bound: 1,234 updates still in flight count as at least their age");
    expect(lowerBoundNote(1, "traced update")).toBe("lower bound: 1 traced update still in flight counts as at least its age");
    expect(percentileTitle("p99 over 30 s", true, 7)).toContain("lower bound: 7 updates");
    expect(percentileTitle("p99 over 30 s", false, 7)).toBe("p99 over 30 s");
  });
  it("the runs list marks a recording run's censored figures and says why", () => {
    const run = { convergenceP50Ms: 67, convergenceP95Ms: 143, convergenceP99Ms: 22_000, convergenceAtLeast: { p50: false, p95: false, p99: true }, convergenceCensored: 12 };
    expect(runPercentilesText(run)).toBe("67 ms / 143 ms / ≥ 22 s");
    expect(runPercentilesTitle(run)).toBe("≥: lower bound: 12 traced updates still in flight count as at least their age");
    expect(runPercentilesText({ convergenceP50Ms: 67 })).toBe("67 ms / – / –");
    expect(runPercentilesTitle({ convergenceP50Ms: 67 })).toBeUndefined();
  });
});
