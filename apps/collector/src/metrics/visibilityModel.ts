// The asynchronous model's visibility curve (DESIGN §3, gossip/theory) for the config in force,
// on the same age grid as the measured one: the reference drawn beside the live curve.
import { asyncConvergence, visibilityAgeMs } from "@driftscope/gossip/theory";
import type { ClusterConfig } from "@driftscope/protocol";
import { AGE_BINS_PER_DOUBLING } from "./visibilityCurve.js";

/** The model's curve: `[ageMs, share]` ascending, and its ages of 50, 90 and 99 % of replicas. */
export interface VisibilityModel {
  points: Array<[number, number]>;
  t50Ms: number;
  t90Ms: number;
  t99Ms: number;
}

/** The curve stops once the model says practically every replica holds the update. */
const FULL = 0.9999;
const CACHE_SIZE = 64;

/**
 * The model's expected share of `live` replicas holding an update at each grid age up to
 * `maxAgeMs` (2^(b/8) ms, as measured), or null where the model has no finite answer.
 */
export function visibilityModel(config: ClusterConfig, live: number, maxAgeMs: number): VisibilityModel | null {
  if (live < 1) return null;
  const { gossip, network } = config;
  try {
    const m = asyncConvergence({ n: live, intervalMs: gossip.intervalMs, fanout: gossip.fanout, mode: gossip.mode, lossRate: network.lossRate, latencyMs: network.latencyMs, jitterMs: network.jitterMs });
    if (!Number.isFinite(m.expectedMs) || m.visibility.length === 0) return null;
    const at = (ageMs: number) => {
      const x = ageMs / m.stepMs;
      const i = Math.floor(x);
      if (i >= m.visibility.length - 1) return m.visibility[m.visibility.length - 1]!;
      return m.visibility[i]! + (m.visibility[i + 1]! - m.visibility[i]!) * (x - i);
    };
    const points: Array<[number, number]> = [];
    for (let b = 0; ; b++) {
      const age = 2 ** (b / AGE_BINS_PER_DOUBLING);
      if (age > maxAgeMs) break;
      const share = Math.min(1, at(age));
      points.push([Number(age.toPrecision(4)), Number(share.toFixed(4))]);
      if (share >= FULL) break;
    }
    const t = (q: number) => Number(visibilityAgeMs(m, q).toPrecision(4));
    return { points, t50Ms: t(0.5), t90Ms: t(0.9), t99Ms: t(0.99) };
  } catch {
    return null; // outside the model's range (a latency of many intervals)
  }
}

/** `visibilityModel` remembered per (live replicas, the config fields it reads). */
export class VisibilityModelCache {
  private readonly cache = new Map<string, VisibilityModel | null>();

  for(config: ClusterConfig, live: number, maxAgeMs: number): VisibilityModel | null {
    const { gossip, network } = config;
    const key = `${live}|${gossip.intervalMs}|${gossip.fanout}|${gossip.mode}|${network.lossRate}|${network.latencyMs}|${network.jitterMs}|${maxAgeMs}`;
    const cached = this.cache.get(key);
    if (cached !== undefined) return cached;
    const model = visibilityModel(config, live, maxAgeMs);
    if (this.cache.size >= CACHE_SIZE) this.cache.clear();
    this.cache.set(key, model);
    return model;
  }
}
