// Experiment points for tests: a measured point's figures with sensible defaults.

import type { PointResult } from "@driftscope/protocol";

/** A point with the given settings and figures (the rest: a 5-replica push sweep at 10 updates/s). */
export function testPoint(index: number, config: Partial<PointResult["config"]> = {}, figures: { p50?: number | null; p95?: number | null; bytes?: number; messages?: number; p95AtLeast?: boolean; repetition?: number } = {}): PointResult {
  const c = { intervalMs: 100, fanout: 4, mode: "push" as const, payload: "full" as const, updatesPerSecPerReplica: 10, lossRate: 0, latencyMs: 2, ...config };
  const p50 = figures.p50 === undefined ? c.intervalMs / 2 : figures.p50;
  const p95 = figures.p95 === undefined ? c.intervalMs : figures.p95;
  return {
    index,
    config: c,
    repetition: figures.repetition ?? 0,
    seed: 1 + (figures.repetition ?? 0),
    replicas: 5,
    measuredMs: 60_000,
    convergence: { samples: 3000, meanMs: p50, sdMs: 1, p50Ms: p50, p95Ms: p95, p99Ms: p95, maxMs: p95, atLeast: { p50: false, p95: figures.p95AtLeast ?? false, p99: false, max: false } },
    meanInFlight: 0.4,
    meanMissingUpdates: 0.2,
    messagesPerSecPerReplica: figures.messages ?? (4 * 1000) / c.intervalMs,
    bytesPerSecPerReplica: figures.bytes ?? (270 * 1000) / c.intervalMs,
    bytesPerDeliveredUpdate: 60,
    updatesDuringConvergence: p50 === null ? null : (c.updatesPerSecPerReplica * p50 * 5) / 1000,
    visibility: { t50Ms: 5, t90Ms: 9, t99Ms: 10 },
    theory: { asyncExpectedMs: c.intervalMs * 0.8, asyncP95Ms: c.intervalMs * 1.5, syncExpectedMs: c.intervalMs * 1.9, pushBoundMs: c.intervalMs },
  };
}
