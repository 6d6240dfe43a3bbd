import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  expectedRounds,
  informedCurve,
  informedFractionCurve,
  lowerBoundRounds,
  pushLowerBoundRounds,
  referenceLine,
  stayUninformedProbability,
} from "./index.js";

describe("theory: mean-field epidemic (DESIGN.md §3)", () => {
  it("G-TH1: matches values of the recurrence computed by hand for small N", () => {
    // N = 2, push, f = 1: the origin always picks the only other replica, so after one round
    // I_1 = 2 and E = (1 − e^{-1}) + (1 − e^{0}) = 1 − e^{-1}.
    expect(expectedRounds({ n: 2, fanout: 1, mode: "push" })).toBeCloseTo(1 - Math.exp(-1), 12);
    // N = 3, push, f = 1: s(1) = 1 − 1/2, so I_1 = 1 + 2·1/2 = 2.
    expect(informedCurve({ n: 3, fanout: 1, mode: "push" })[1]).toBeCloseTo(2, 12);
    expect(stayUninformedProbability(2, { n: 5, fanout: 2, mode: "push-pull" })).toBeCloseTo(
      Math.pow(1 - 2 / 4, 2) * Math.pow(1 - 2 / 4, 2),
      12,
    );
  });

  it("G-TH2: agrees with the exact-simulation figures quoted in the design (within their ±3 %)", () => {
    // Means of 1,000 exact synchronous-round simulations (peers without replacement, not self).
    const simulated: Array<[number, number, "push" | "push-pull", number]> = [
      [64, 1, "push", 11.23],
      [64, 4, "push-pull", 3.01],
      [256, 2, "push", 8.69],
      [1024, 1, "push-pull", 9.18],
    ];
    for (const [n, fanout, mode, mean] of simulated) {
      const e = expectedRounds({ n, fanout, mode });
      expect(Math.abs(e / mean - 1)).toBeLessThan(0.03);
    }
  });

  it("G-TH3: gets slower with loss and faster with fanout; push-pull beats push", () => {
    const base = { n: 256, fanout: 2, mode: "push" as const };
    expect(expectedRounds({ ...base, lossRate: 0.2 })).toBeGreaterThan(expectedRounds(base));
    expect(expectedRounds({ ...base, fanout: 3 })).toBeLessThan(expectedRounds(base));
    expect(expectedRounds({ ...base, mode: "push-pull" })).toBeLessThan(expectedRounds(base));
    expect(expectedRounds({ ...base, lossRate: 1 })).toBe(Infinity);
  });

  it("G-TH4: push lower bound is the smallest k with (1+f)^k >= N, and E never undercuts it", () => {
    expect(pushLowerBoundRounds(64, 1)).toBe(6);
    expect(pushLowerBoundRounds(65, 1)).toBe(7);
    expect(pushLowerBoundRounds(256, 3)).toBe(4);
    expect(pushLowerBoundRounds(1024, 2)).toBe(7);
    expect(pushLowerBoundRounds(1, 4)).toBe(0);
    for (const n of [16, 64, 256, 1024]) {
      for (const fanout of [1, 2, 3, 4]) {
        expect(expectedRounds({ n, fanout, mode: "push" })).toBeGreaterThanOrEqual(pushLowerBoundRounds(n, fanout));
      }
    }
    expect(lowerBoundRounds({ n: 64, fanout: 2, mode: "pull" })).toBeNull();
    expect(lowerBoundRounds({ n: 64, fanout: 2, mode: "push-pull" })).toBeNull();
  });

  it("G-TH5: informed fraction curve starts at 1/N, never decreases and ends at ~1", () => {
    const curve = informedFractionCurve({ n: 128, fanout: 2, mode: "push", lossRate: 0.2 });
    expect(curve[0]).toBeCloseTo(1 / 128, 12);
    for (let i = 1; i < curve.length; i++) expect(curve[i]!).toBeGreaterThanOrEqual(curve[i - 1]!);
    expect(curve.at(-1)!).toBeGreaterThan(1 - 1e-9);
  });

  it("G-TH6: reference line: one interval plus one latency per round; bound only for push", () => {
    const push = referenceLine({ n: 64, intervalMs: 1000, fanout: 2, mode: "push", lossRate: 0, latencyMs: 10 });
    expect(push.expectedMs).toBeCloseTo(push.expectedRounds * 1010, 6);
    expect(push.lowerBoundRounds).toBe(4);
    expect(push.lowerBoundMs).toBe(4040);
    const pp = referenceLine({ n: 64, intervalMs: 500, fanout: 2, mode: "push-pull", lossRate: 0, latencyMs: 0 });
    expect(pp.lowerBoundRounds).toBeNull();
    expect(pp.lowerBoundMs).toBeNull();
    expect(() => referenceLine({ n: 64, intervalMs: 0, fanout: 2, mode: "push", lossRate: 0, latencyMs: 0 })).toThrow(RangeError);
    expect(() => expectedRounds({ n: 0, fanout: 1, mode: "push" })).toThrow(RangeError);
  });

  it("G-TH7: fanout above N−1 is clamped (a replica cannot pick more peers than exist)", () => {
    expect(expectedRounds({ n: 4, fanout: 10, mode: "push" })).toBeCloseTo(expectedRounds({ n: 4, fanout: 3, mode: "push" }), 12);
  });

  it("G-TH8: the theory entry is pure: it imports nothing but its own files", () => {
    const dir = import.meta.dirname;
    for (const file of readdirSync(dir).filter((f) => f.endsWith(".ts") && !f.endsWith(".test.ts"))) {
      const source = readFileSync(join(dir, file), "utf8");
      const specifiers = [...source.matchAll(/from\s+"([^"]+)"/g)].map((m) => m[1]!);
      for (const s of specifiers) expect(s, `${file} imports ${s}`).toMatch(/^\.\//);
      expect(source).not.toMatch(/setTimeout|setInterval|process\./);
    }
  });
});
