import { describe, expect, it } from "vitest";
import { censoredFromSorted } from "./censored.js";

const sorted = (xs: number[]) => Float64Array.from(xs).sort();
const range = (n: number, f: (i: number) => number) => Array.from({ length: n }, (_, i) => f(i));

describe("censored percentiles (Kaplan–Meier)", () => {
  it("P-CS1: without updates in flight they are the plain nearest-rank percentiles, none a lower bound", () => {
    const s = censoredFromSorted(sorted(range(100, (i) => i + 1)), sorted([]));
    expect([s.p50, s.p95, s.p99, s.max]).toEqual([50, 95, 99, 100]);
    expect(s.atLeast).toEqual({ p50: false, p95: false, p99: false, max: false });
  });

  it("P-CS2: a partition's unconverged updates make the tail a lower bound: p99 ≥ the oldest age in flight", () => {
    const measured = sorted(range(90, (i) => 50 + i)); // healthy: 50..139 ms
    const inFlight = sorted(range(10, (i) => 15_000 - i * 100)); // held back 14.1–15 s
    const s = censoredFromSorted(measured, inFlight);
    expect(s.atLeast.p50).toBe(false);
    expect(s.p50).toBeLessThan(140);
    expect(s.p99).toBe(15_000);
    expect(s.atLeast.p99).toBe(true);
    expect(s.atLeast.p95).toBe(true);
    expect(s.max).toBe(15_000);
    expect(s.atLeast.max).toBe(true);
    expect(s.count).toBe(90);
    expect(s.censored).toBe(10);
  });

  it("P-CS3: young updates in flight under a steady load do not pull the percentiles down", () => {
    const measured = sorted(range(1000, (i) => 100 + (i % 100))); // 100..199 ms
    const young = sorted(range(200, (i) => i % 20)); // issued in the last 20 ms
    const plain = censoredFromSorted(measured, sorted([]));
    const s = censoredFromSorted(measured, young);
    expect([s.p50, s.p95, s.p99]).toEqual([plain.p50, plain.p95, plain.p99]);
    expect(s.atLeast).toEqual({ p50: false, p95: false, p99: false, max: false });
  });

});
