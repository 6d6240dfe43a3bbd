import { expectedRounds, lowerBoundRounds, type GossipMode } from "./meanField.js";

/** A cluster config as the reference line needs it. */
export interface ReferenceLineInput {
  /** Live replicas. */
  readonly n: number;
  readonly intervalMs: number;
  readonly fanout: number;
  readonly mode: GossipMode;
  /** Probability that one message is lost, in [0, 1]. */
  readonly lossRate: number;
  /** One-way network latency, ms. */
  readonly latencyMs: number;
}

/** Expected convergence of one update under the synchronous-rounds model (DESIGN.md §3). */
export interface ReferenceLine {
  expectedRounds: number;
  /** `E · (intervalMs + latencyMs)`: one interval plus one network latency per round. */
  expectedMs: number;
  /** Push only: `⌈log_(1+f) N⌉`; null for pull and push-pull, which have no such bound. */
  lowerBoundRounds: number | null;
  lowerBoundMs: number | null;
}

/**
 * The expected-time reference line for a config. It models synchronous rounds; with
 * independent timer phases the wall-clock time differs (see docs/gossip.md).
 */
export function referenceLine(input: ReferenceLineInput): ReferenceLine {
  const { n, intervalMs, fanout, mode, lossRate, latencyMs } = input;
  if (!(intervalMs > 0)) throw new RangeError(`intervalMs must be > 0, got ${intervalMs}`);
  if (!(latencyMs >= 0)) throw new RangeError(`latencyMs must be >= 0, got ${latencyMs}`);
  const params = { n, fanout, mode, lossRate };
  const roundMs = intervalMs + latencyMs;
  const rounds = expectedRounds(params);
  const bound = lowerBoundRounds(params);
  return {
    expectedRounds: rounds,
    expectedMs: rounds * roundMs,
    lowerBoundRounds: bound,
    lowerBoundMs: bound === null ? null : bound * roundMs,
  };
}
