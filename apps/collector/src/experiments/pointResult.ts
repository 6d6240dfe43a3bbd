// A point's figures from what was observed (simulated ground truth, or a live segment),
// with the definitions of DESIGN §3 and docs/metrics.md: censored percentiles, per-replica
// rates, bytes per delivered update, and the references for the config.
import { referenceLine } from "@driftscope/gossip/theory";
import { expected } from "../metrics/theoryFor.js";
import type { PlanPoint, PointResult } from "@driftscope/protocol";
import { censoredFromSorted } from "../metrics/censored.js";

/** What a point observed (the simulator's `PointObservation`; a live segment gives the same). */
export interface PointObservation {
  measuredMs: number;
  updatesIssued: number;
  convergedMs: number[];
  inFlightAgesMs: number[];
  messagesSent: number;
  bytesSent: number;
  deliveries: number;
  meanInFlight: number;
  meanMissingUpdates: number;
  visibility: Array<[number, number]>;
}

const firstReaching = (curve: ReadonlyArray<readonly [number, number]>, share: number) => curve.find(([, s]) => s >= share)?.[0] ?? null;

export function pointResult(point: PlanPoint, config: PointResult["config"], replicas: number, o: PointObservation): PointResult {
  const converged = Float64Array.from(o.convergedMs).sort();
  const stats = censoredFromSorted(converged, Float64Array.from(o.inFlightAgesMs).sort());
  const n = converged.length;
  const mean = n > 0 ? converged.reduce((a, b) => a + b, 0) / n : null;
  const sd = n > 1 && mean !== null ? Math.sqrt(converged.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1)) : null;
  const seconds = o.measuredMs / 1000;
  const perReplica = (x: number) => (seconds > 0 ? x / seconds / replicas : 0);
  const model = expected({ n: replicas, intervalMs: config.intervalMs, fanout: config.fanout, mode: config.mode, lossRate: config.lossRate, latencyMs: config.latencyMs });
  let syncExpectedMs: number | null = null;
  let pushBoundMs: number | null = null;
  try {
    const line = referenceLine({ n: replicas, intervalMs: config.intervalMs, fanout: config.fanout, mode: config.mode, lossRate: config.lossRate, latencyMs: config.latencyMs });
    syncExpectedMs = Number.isFinite(line.expectedMs) ? line.expectedMs : null;
    pushBoundMs = line.lowerBoundMs;
  } catch {
    // no finite reference (a loss rate of 1)
  }
  return {
    index: point.index,
    config,
    repetition: point.repetition,
    seed: point.seed,
    replicas,
    measuredMs: o.measuredMs,
    convergence: { samples: n, meanMs: mean, sdMs: sd, p50Ms: stats.p50, p95Ms: stats.p95, p99Ms: stats.p99, maxMs: stats.max, atLeast: stats.atLeast },
    meanInFlight: o.meanInFlight,
    meanMissingUpdates: o.meanMissingUpdates,
    messagesPerSecPerReplica: perReplica(o.messagesSent),
    bytesPerSecPerReplica: perReplica(o.bytesSent),
    bytesPerDeliveredUpdate: o.deliveries > 0 ? o.bytesSent / o.deliveries : null,
    updatesDuringConvergence: stats.p50 === null ? null : (config.updatesPerSecPerReplica * stats.p50 * replicas) / 1000,
    visibility: { t50Ms: firstReaching(o.visibility, 0.5), t90Ms: firstReaching(o.visibility, 0.9), t99Ms: firstReaching(o.visibility, 0.99) },
    theory: { asyncExpectedMs: model.asyncExpectedMs ?? null, asyncP95Ms: model.asyncP95Ms ?? null, syncExpectedMs, pushBoundMs },
  };
}
