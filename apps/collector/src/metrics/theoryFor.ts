import { asyncConvergence, referenceLine, type AsyncConvergenceInput } from "@driftscope/gossip/theory";
import type { ClusterConfig, Theory } from "@driftscope/protocol";

/**
 * The theoretical reference (DESIGN.md §3) for `live` replicas under `config`, as frames
 * carry it; null where it has no finite value (no replica, or a loss rate of 1).
 */
export function theoryFor(config: ClusterConfig, live: number): Theory | null {
  if (live < 1) return null;
  const { gossip, network } = config;
  try {
    const line = referenceLine({ n: live, intervalMs: gossip.intervalMs, fanout: gossip.fanout, mode: gossip.mode, lossRate: network.lossRate, latencyMs: network.latencyMs });
    if (!Number.isFinite(line.expectedRounds) || !Number.isFinite(line.expectedMs)) return null;
    return {
      n: live,
      intervalMs: gossip.intervalMs,
      fanout: gossip.fanout,
      mode: gossip.mode,
      lossRate: network.lossRate,
      expectedRounds: line.expectedRounds,
      expectedMs: line.expectedMs,
      lowerBoundRounds: line.lowerBoundRounds,
      lowerBoundMs: line.lowerBoundMs,
      ...expected({ n: live, intervalMs: gossip.intervalMs, fanout: gossip.fanout, mode: gossip.mode, lossRate: network.lossRate, latencyMs: network.latencyMs, jitterMs: network.jitterMs }),
    };
  } catch {
    return null;
  }
}

/** The asynchronous model's figures ("expected", DESIGN §3), where it has finite ones. */
export function expected(input: AsyncConvergenceInput): { asyncExpectedMs?: number; asyncP50Ms?: number; asyncP95Ms?: number } {
  try {
    const m = asyncConvergence(input);
    return Number.isFinite(m.expectedMs) ? { asyncExpectedMs: m.expectedMs, asyncP50Ms: m.p50Ms, asyncP95Ms: m.p95Ms } : {};
  } catch {
    return {}; // outside the model's range (a latency of many intervals)
  }
}

/** `theoryFor` remembered per (live replicas, the config fields it reads): frames ask ten times a second. */
export class TheoryCache {
  private readonly cache = new Map<string, Theory | null>();

  for(config: ClusterConfig, live: number): Theory | null {
    const { gossip, network } = config;
    const key = `${live}|${gossip.intervalMs}|${gossip.fanout}|${gossip.mode}|${network.lossRate}|${network.latencyMs}|${network.jitterMs}`;
    const cached = this.cache.get(key);
    if (cached !== undefined) return cached;
    const theory = theoryFor(config, live);
    if (this.cache.size > 256) this.cache.clear();
    this.cache.set(key, theory);
    return theory;
  }
}
