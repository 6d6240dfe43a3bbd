import { describe, expect, it } from "vitest";
import { meets, recommend, type PointResult } from "./recommend.js";

function point(index: number, intervalMs: number, p95Ms: number | null, bytes: number, extra: { atLeast?: boolean; rate?: number; messages?: number } = {}): PointResult {
  return {
    index,
    config: { intervalMs, fanout: 2, mode: "push-pull", payload: "delta", updatesPerSecPerReplica: extra.rate ?? 1, lossRate: 0, latencyMs: 0 },
    repetition: 0,
    seed: 1,
    replicas: 5,
    measuredMs: 20_000,
    convergence: { samples: 100, meanMs: p95Ms, sdMs: 1, p50Ms: p95Ms, p95Ms, p99Ms: p95Ms, maxMs: p95Ms, atLeast: { p50: false, p95: extra.atLeast ?? false, p99: extra.atLeast ?? false, max: extra.atLeast ?? false } },
    meanInFlight: 1,
    meanMissingUpdates: 1,
    messagesPerSecPerReplica: extra.messages ?? 1000 / intervalMs,
    bytesPerSecPerReplica: bytes,
    bytesPerDeliveredUpdate: 10,
    updatesDuringConvergence: 1,
    visibility: { t50Ms: 1, t90Ms: 2, t99Ms: 3 },
    theory: { asyncExpectedMs: null, asyncP95Ms: null, syncExpectedMs: null, pushBoundMs: null },
  };
}

// The thesis' shape: shorter intervals converge faster and cost more.
const table = [point(0, 10, 40, 68_000), point(1, 100, 310, 6_800), point(2, 1000, 2_900, 700), point(3, 10_000, 28_000, 70)];

describe("recommendation", () => {
  it("P-RC1: names the cheapest point whose p95 meets the target", () => {
    const r = recommend(table, { p95Ms: 5000 });
    expect(r.met).toBe(true);
    if (r.met) expect(r.point.index).toBe(2);
    expect(r.reason).toMatch(/interval 1000 ms, fanout 2: p95 2\.90 s ≤ 5\.00 s at 700 B\/s per replica, the cheapest of 3/);
  });

  it("P-RC2: a byte budget rules out points that meet the time target", () => {
    const r = recommend(table, { p95Ms: 400, maxBytesPerSecPerReplica: 10_000 });
    expect(r.met).toBe(true);
    if (r.met) expect(r.point.index).toBe(1);
  });

  it("P-RC3: when none meets the target it says so and names the closest", () => {
    const r = recommend(table, { p95Ms: 20, maxBytesPerSecPerReplica: 10_000 });
    expect(r.met).toBe(false);
    if (!r.met) expect(r.closest?.index).toBe(1);
    expect(r.reason).toMatch(/no point meets the target; the closest \(interval 100 ms, fanout 2\) has p95 310 ms, 15\.50 × the target/);
    const broke = recommend(table, { p95Ms: 1000, maxBytesPerSecPerReplica: 10 });
    expect(broke).toMatchObject({ met: false, closest: { index: 3 } });
    expect(broke.reason).toMatch(/no point stays within 10 B\/s per replica; the cheapest needs 70 B\/s/);
  });

  it("P-RC4: ties go to fewer messages, then the longer interval", () => {
    const tie = [point(0, 100, 300, 500, { messages: 9 }), point(1, 200, 300, 500, { messages: 5 }), point(2, 400, 300, 500, { messages: 5 })];
    const r = recommend(tie, { p95Ms: 1000 });
    expect(r.met && r.point.index).toBe(2);
  });

  it("P-RC5: a p95 that is only a lower bound never meets a target; k update periods scale with each point's rate", () => {
    expect(meets(point(0, 100, 200, 10, { atLeast: true }), { p95Ms: 1000 })).toBe(false);
    expect(meets(point(0, 100, 1500, 10, { rate: 0.5 }), { p95UpdatePeriods: 1 })).toBe(true); // period 2 s
    expect(meets(point(0, 100, 1500, 10, { rate: 2 }), { p95UpdatePeriods: 1 })).toBe(false); // period 500 ms
    expect(recommend([], { p95Ms: 1 })).toEqual({ met: false, closest: null, reason: "no point was measured" });
  });
});
