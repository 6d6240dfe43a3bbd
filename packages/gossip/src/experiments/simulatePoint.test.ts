import { describe, expect, it } from "vitest";
import { visibilityAt } from "./delayHistogram.js";
import { checkPoints } from "./pointInput.js";
import { relativeHalfWidth } from "../theory/medianConfidence.js";
import { simulatePoint, type PointSpec } from "./simulatePoint.js";

const spec = (extra: Partial<PointSpec> = {}): PointSpec => ({
  replicas: 8,
  crdtType: "gcounter",
  gossip: { intervalMs: 100, fanout: 2, mode: "push-pull", payload: "delta" },
  updatesPerSecPerReplica: 2,
  network: { latencyMs: 0, jitterMs: 0, lossRate: 0 },
  warmupMs: 1000,
  stop: { durationMs: 5000 },
  seed: 3,
  ...extra,
});

describe("simulated experiment points", () => {
  it("G-EX1: is deterministic per seed, and another seed gives another run", () => {
    const a = simulatePoint(spec());
    expect(simulatePoint(spec())).toEqual(a);
    expect(simulatePoint(spec({ seed: 4 })).convergedMs).not.toEqual(a.convergedMs);
  });

  it("G-EX2: every update issued during the measurement is either converged or in flight at its end; the visibility curve rises from 1/N to 1 over the updates observed long enough", () => {
    const o = simulatePoint(spec());
    expect(o.measuredMs).toBe(5000);
    expect(o.updatesIssued).toBeGreaterThan(40); // 8 × 2/s × 5 s ≈ 80
    expect(o.convergedMs.length + o.inFlightAgesMs.length).toBe(o.updatesIssued);
    expect(o.deliveries).toBeGreaterThanOrEqual(o.convergedMs.length * 7);
    expect(o.messagesSent).toBeGreaterThan(0);
    expect(o.visibility[0]![1]).toBeCloseTo(1 / 8, 1); // at 1 ms only the origin holds it
    for (let i = 1; i < o.visibility.length; i++) expect(o.visibility[i]![1]).toBeGreaterThanOrEqual(o.visibility[i - 1]![1] - 0.05);
    expect(o.visibility.at(-1)![1]).toBe(1); // the oldest updates are everywhere
    // No update older than the slowest convergence is still in flight, so the curve reaches 1 by then.
    const slowest = o.convergedMs.at(-1)!;
    expect(visibilityAt(o.visibility, 1)!).toBeLessThanOrEqual(slowest * 1.1 + 1);
    const t50 = visibilityAt(o.visibility, 0.5)!;
    const t99 = visibilityAt(o.visibility, 0.99);
    expect(t50).toBeGreaterThan(0);
    if (t99 !== null) expect(t99).toBeGreaterThanOrEqual(t50);
  });

  it("G-EX3: a longer interval converges more slowly and sends fewer messages", () => {
    const fast = simulatePoint(spec({ gossip: { intervalMs: 50, fanout: 2, mode: "push-pull", payload: "delta" } }));
    const slow = simulatePoint(spec({ gossip: { intervalMs: 500, fanout: 2, mode: "push-pull", payload: "delta" } }));
    const median = (xs: number[]) => xs[Math.floor(xs.length / 2)]!;
    expect(median(slow.convergedMs)).toBeGreaterThan(3 * median(fast.convergedMs));
    expect(slow.messagesSent).toBeLessThan(fast.messagesSent / 3);
  });

  it("G-EX4: a stop rule on converged updates stops once the p50 is known well enough, or at its cap", () => {
    const early = simulatePoint(spec({ stop: { minConverged: 30, maxRelativeHalfWidth: 0.5, capMs: 30_000 } }));
    expect(early.measuredMs).toBeLessThan(30_000);
    expect(early.convergedMs.length).toBeGreaterThanOrEqual(30);
    const capped = simulatePoint(spec({ stop: { minConverged: 100_000, maxRelativeHalfWidth: 0.01, capMs: 3000 } }));
    expect(capped.measuredMs).toBe(3000);
    expect(relativeHalfWidth([1, 2, 3])).toBe(Infinity);
    expect(relativeHalfWidth(Array.from({ length: 100 }, () => 5))).toBe(0);
  });

  it("G-EX5: the simulator's input check names the first bad field", () => {
    expect(checkPoints({ points: [spec()] })).toBeUndefined();
    expect(checkPoints({})).toMatch(/expected \{ points/);
    expect(checkPoints({ points: [{ ...spec(), replicas: 1 }] })).toMatch(/points\[0\]\.replicas must be an integer 2–4096/);
    expect(checkPoints({ points: [spec(), { ...spec(), network: { latencyMs: 0, jitterMs: 0, lossRate: 1 } }] })).toMatch(/points\[1\]\.network/);
    expect(checkPoints({ points: [{ ...spec(), gossip: { intervalMs: 100, fanout: 2, mode: "gossip", payload: "delta" } }] })).toMatch(/points\[0\]\.gossip/);
  });
});
