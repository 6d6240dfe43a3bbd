import { describe, expect, it, vi } from "vitest";
import {
  asyncConvergence,
  convergenceQuantileMs,
  expectedRounds,
  visibilityAgeMs,
  type AsyncConvergenceInput,
  type GossipMode,
} from "./index.js";

const MODES: GossipMode[] = ["push", "pull", "push-pull"];
const base = { n: 64, intervalMs: 1000, fanout: 2, latencyMs: 5, jitterMs: 2 } as const;
const expected = (input: AsyncConvergenceInput): number => asyncConvergence(input).expectedMs;

function nonDecreasing(curve: readonly number[]): boolean {
  return curve.every((x, i) => i === 0 || x >= curve[i - 1]! - 1e-12);
}

describe("asyncConvergence: one update under independent timer phases", () => {
  it("takes longer with a longer interval, and exactly T-proportionally without latency", () => {
    for (const mode of MODES) {
      const times = [10, 100, 1000].map((intervalMs) => expected({ ...base, mode, intervalMs }));
      expect(times[1]!).toBeGreaterThan(times[0]!);
      expect(times[2]!).toBeGreaterThan(times[1]!);
      // With no latency nothing but T sets the time scale.
      const t1 = expected({ n: 64, fanout: 2, mode, intervalMs: 1000 });
      const t3 = expected({ n: 64, fanout: 2, mode, intervalMs: 3000 });
      expect(t3 / t1).toBeCloseTo(3, 9);
    }
  });

  it("is faster with a larger fanout, in every mode", () => {
    for (const mode of MODES) {
      const times = [1, 2, 3, 4].map((fanout) => expected({ ...base, mode, fanout }));
      for (let i = 1; i < times.length; i++) expect(times[i]!).toBeLessThan(times[i - 1]!);
    }
  });

  it("is slower with loss, and never ends at a loss rate of 1", () => {
    for (const mode of MODES) {
      const times = [0, 0.1, 0.2, 0.5].map((lossRate) => expected({ ...base, mode, lossRate }));
      for (let i = 1; i < times.length; i++) expect(times[i]!).toBeGreaterThan(times[i - 1]!);
      expect(expected({ ...base, mode, lossRate: 1 })).toBe(Infinity);
    }
  });

  it("adds latency: longer with more of it; with two replicas and push, exactly T/2 + latency", () => {
    for (const mode of MODES) {
      const times = [0, 5, 50, 200].map((latencyMs) => expected({ ...base, mode, latencyMs }));
      for (let i = 1; i < times.length; i++) expect(times[i]!).toBeGreaterThan(times[i - 1]!);
    }
    // The other replica gets it when the origin first ticks (uniform in the interval), one latency
    // later; also when the latency spans many intervals (the model then takes coarser steps).
    for (const latencyMs of [0, 10, 300, 20_000]) {
      expect(expected({ n: 2, intervalMs: 1000, fanout: 1, mode: "push", latencyMs })).toBeCloseTo(500 + latencyMs, 6);
    }
  });

  it("matches the exact answers for one or two replicas", () => {
    for (const mode of MODES) {
      const one = asyncConvergence({ n: 1, intervalMs: 1000, fanout: 3, mode });
      expect([one.expectedMs, one.p50Ms, one.p95Ms]).toEqual([0, 0, 0]);
      expect(one.visibility).toEqual([1]);
    }
    const two = (mode: GossipMode) => asyncConvergence({ n: 2, intervalMs: 1000, fanout: 1, mode, latencyMs: 10 });
    // Pull: requests in flight at the issue count, so the wait is for the next read (uniform), then the answer.
    expect(two("pull").expectedMs).toBeGreaterThan(510 * 0.99);
    expect(two("pull").expectedMs).toBeLessThan(510 * 1.01);
    // Push-pull: the earlier of the origin's tick and the next read of the other's request: T/3, then a latency.
    expect(two("push-pull").expectedMs).toBeGreaterThan(343 * 0.97);
    expect(two("push-pull").expectedMs).toBeLessThan(343 * 1.05);
    // Push: the time is the origin's wait, uniform: median T/2, 95th percentile 0.95·T (to a step).
    expect(two("push").p50Ms).toBeCloseTo(510, -2);
    expect(Math.abs(two("push").p95Ms - 960)).toBeLessThan(1000 / 32);
  });

  it("gives a visibility curve rising from 1/N to 1, and a convergence distribution from 0 to 1", () => {
    for (const mode of MODES) {
      for (const n of [2, 16, 256]) {
        const c = asyncConvergence({ ...base, n, mode, lossRate: 0.2 });
        expect(c.visibility[0]).toBeCloseTo(1 / n, 2);
        expect(c.visibility.at(-1)!).toBeGreaterThan(1 - 1e-6);
        expect(nonDecreasing(c.visibility)).toBe(true);
        expect(c.converged[0]).toBeLessThan(0.01);
        expect(c.converged.at(-1)!).toBeGreaterThan(1 - 1e-6);
        expect(nonDecreasing(c.converged)).toBe(true);
        const [t50, t90, t99] = [0.5, 0.9, 0.99].map((share) => visibilityAgeMs(c, share));
        expect(t50).toBeLessThan(t90!);
        expect(t90).toBeLessThan(t99!);
        expect(c.p50Ms).toBe(convergenceQuantileMs(c, 0.5));
        expect(c.p50Ms).toBeLessThan(c.p95Ms);
        // The last replica cannot come before half of them, on average.
        expect(c.expectedMs).toBeGreaterThan(t50!);
      }
    }
  });

  it("without loss or latency, comes in below the synchronous E·T: several hops fit in one interval", () => {
    for (const mode of MODES) {
      for (const n of [16, 64, 256, 1024]) {
        for (const fanout of [1, 2, 4]) {
          const ratio = expected({ n, intervalMs: 1000, fanout, mode }) / (1000 * expectedRounds({ n, fanout, mode }));
          expect(ratio).toBeGreaterThan(0.4);
          expect(ratio).toBeLessThan(0.9);
        }
      }
    }
  });

  it("is deterministic: no random draws, the same figures every time, one cached object per input", () => {
    const random = vi.spyOn(Math, "random");
    const c = asyncConvergence({ n: 64, intervalMs: 1000, fanout: 2, mode: "push", latencyMs: 5 });
    expect(random).not.toHaveBeenCalled();
    random.mockRestore();
    // Figures the bench checks against the runtime (bench gossip-async-theory): a change here is a model change.
    expect(c.expectedMs).toBeCloseTo(4507.5, 0);
    expect(asyncConvergence({ n: 64, intervalMs: 1000, fanout: 2, mode: "push", latencyMs: 5 })).toBe(c);
    expect(Object.isFrozen(c) && Object.isFrozen(c.visibility)).toBe(true);
  });

  it("refuses inputs that describe no cluster", () => {
    expect(() => asyncConvergence({ ...base, mode: "push", intervalMs: 0 })).toThrow(RangeError);
    expect(() => asyncConvergence({ ...base, mode: "push", latencyMs: -1 })).toThrow(RangeError);
    expect(() => asyncConvergence({ ...base, mode: "push", jitterMs: Number.NaN })).toThrow(RangeError);
    expect(() => asyncConvergence({ ...base, mode: "pull", n: 0 })).toThrow(RangeError);
    expect(() => asyncConvergence({ ...base, mode: "pull", lossRate: 1.5 })).toThrow(RangeError);
    // Latency beyond 64 intervals: every replica would send 64 rounds before any arrived.
    expect(() => asyncConvergence({ ...base, mode: "push", intervalMs: 10, latencyMs: 600, jitterMs: 50 })).toThrow(RangeError);
  });
});
