import { describe, expect, it } from "vitest";
import { censoredFromHistogram } from "./censored.js";
import { LogHistogram } from "./quantiles.js";

const sorted = (xs: number[]) => Float64Array.from(xs).sort();
const range = (n: number, f: (i: number) => number) => Array.from({ length: n }, (_, i) => f(i));

describe("run-wide censored percentiles (Kaplan–Meier over the histogram)", () => {
  it("CL-C4: run-wide figures from the histogram behave the same, leaving the histogram untouched", () => {
    const run = new LogHistogram();
    for (let i = 0; i < 95; i++) run.add(100);
    const s = censoredFromHistogram(run, sorted(range(5, (i) => 20_000 + i)));
    expect(s.p50).toBeCloseTo(100, -1);
    expect(s.atLeast.p50).toBe(false);
    expect(s.p99).toBe(20_004);
    expect(s.atLeast.p99).toBe(true);
    expect(s.max).toBe(20_004);
    expect(run.stats().max).toBe(100);
    expect(s.count).toBe(95);
  });
});
