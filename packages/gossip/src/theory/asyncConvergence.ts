// The asynchronous model of DESIGN.md §3 ("theoretical convergence in real time"): replicas tick
// every T with independent uniform phases, messages take latency (+ jitter) and may be lost, and
// an update issued at a random instant waits for its origin's next tick (or for a pull).
//
// A discretised mean-field recurrence over phase bins (phaseRecurrence.ts), deterministic: no
// random draws. The origin's phase is averaged exactly where it only shifts the run (push) or
// matters not at all (pull), and over ORIGIN_CELLS phases for push-pull; pull adds the random
// delay of its first holders (earlyPulls.ts), which expected counts average away.
//
// Cost per config: 1 run (push, pull) or ORIGIN_CELLS runs (push-pull) of ≈ 300–3,000 steps.
import { hopKernel } from "./delayKernel.js";
import { withEarlyPullDelay, type SpreadCurves } from "./earlyPulls.js";
import { checked, type GossipMode } from "./meanField.js";
import { runRecurrence, type Recurrence } from "./phaseRecurrence.js";
import { PeerDraws, PullAnswers } from "./pullAnswers.js";

/** A cluster config as the asynchronous model needs it. */
export interface AsyncConvergenceInput {
  /** Live replicas. */
  readonly n: number;
  readonly intervalMs: number;
  readonly fanout: number;
  readonly mode: GossipMode;
  /** Probability that one message is lost, in [0, 1]. Default 0. */
  readonly lossRate?: number;
  /** One-way latency, ms. Default 0. */
  readonly latencyMs?: number;
  /** Each message's delay is latencyMs ± uniform jitterMs, floored at 0 (as the runtime draws it). Default 0. */
  readonly jitterMs?: number;
}

/** How one update spreads in real time, from the instant it is issued (age 0). */
export interface AsyncConvergence {
  /** Expected ms until the last live replica holds the update. Infinity if it cannot spread. */
  readonly expectedMs: number;
  /** Median and 95th percentile of that time. */
  readonly p50Ms: number;
  readonly p95Ms: number;
  /** Spacing of the two curves below, ms: intervalMs / 32 (coarser when latency spans intervals). */
  readonly stepMs: number;
  /** Expected share of the n replicas holding the update at age i·stepMs: from 1/n up to ~1. */
  readonly visibility: readonly number[];
  /** Probability that every replica holds it by age i·stepMs (the convergence-time distribution). */
  readonly converged: readonly number[];
}

/** Phase bins per interval: a hop's time is resolved to T / 32. */
const BINS = 32;
/** A hop (latency + jitter) spans at most this many steps: a longer one gets fewer, longer steps. */
const MAX_HOP_STEPS = 64;
/** Origin phases computed separately for push-pull (pulls from the origin before its first tick). */
const ORIGIN_CELLS = 4;
/** log(0), kept finite so that a certain hit times a fractional sender count stays a number. */
const LOG_ZERO = -700;
const CACHE_SIZE = 256;

/** Per step from the issue: expected holders' share, and P(every replica holds it). */
type Curves = SpreadCurves;

function cumulative(weights: Float64Array): Float64Array {
  const out = new Float64Array(weights.length);
  let sum = 0;
  weights.forEach((w, k) => (out[k] = sum += w));
  return out;
}

function safeLog(x: number): number {
  return x > 0 ? Math.max(LOG_ZERO, Math.log(x)) : LOG_ZERO;
}

/** Mean of `runs`, each also averaged over `width` shifts by 0…width−1 steps (origin phases within a cell). */
function combine(runs: Curves[], width: number, n: number): Curves {
  const length = Math.max(...runs.map((r) => r.share.length)) + width - 1;
  const out: Curves = { share: new Array<number>(length).fill(0), converged: new Array<number>(length).fill(0) };
  const scale = 1 / (runs.length * width);
  for (const r of runs) {
    const last = r.share.length - 1;
    for (let m = 0; m < length; m++) {
      for (let s = 0; s < width; s++) {
        const i = m - s;
        // Before the shifted run starts only the origin holds the update.
        out.share[m]! += (i < 0 ? 1 / n : r.share[Math.min(i, last)]!) * scale;
        out.converged[m]! += (i < 0 ? 0 : r.converged[Math.min(i, last)]!) * scale;
      }
    }
  }
  return out;
}

/** First age (ms) at which `curve` reaches `level`, linear between steps; Infinity if never. */
function ageAt(curve: readonly number[], stepMs: number, level: number): number {
  if (curve.length === 0 || curve[0]! >= level) return 0;
  for (let m = 1; m < curve.length; m++) {
    const now = curve[m]!;
    if (now >= level) {
      const before = curve[m - 1]!;
      return (m - 1 + (level - before) / (now - before)) * stepMs;
    }
  }
  return Infinity;
}

function compute(input: AsyncConvergenceInput): AsyncConvergence {
  const lossRate = input.lossRate ?? 0;
  const latencyMs = input.latencyMs ?? 0;
  const jitterMs = input.jitterMs ?? 0;
  const { n, f, push, pull, loss } = checked({ n: input.n, fanout: input.fanout, mode: input.mode, lossRate });
  if (!(input.intervalMs > 0) || !Number.isFinite(input.intervalMs)) throw new RangeError(`intervalMs must be > 0, got ${input.intervalMs}`);
  if (!(latencyMs >= 0) || !Number.isFinite(latencyMs)) throw new RangeError(`latencyMs must be >= 0, got ${latencyMs}`);
  if (!(jitterMs >= 0) || !Number.isFinite(jitterMs)) throw new RangeError(`jitterMs must be >= 0, got ${jitterMs}`);
  if (latencyMs + jitterMs > MAX_HOP_STEPS * input.intervalMs) {
    throw new RangeError(`latencyMs + jitterMs over ${MAX_HOP_STEPS} intervals is outside the model, got ${latencyMs + jitterMs} ms`);
  }
  // Phases finer than a hop's spread buy nothing; fewer bins keep the work per step bounded.
  let bins = BINS;
  while (bins > 1 && (bins * (latencyMs + jitterMs)) / input.intervalMs > MAX_HOP_STEPS) bins /= 2;
  const stepMs = input.intervalMs / bins;
  if (n === 1) return { expectedMs: 0, p50Ms: 0, p95Ms: 0, stepMs, visibility: [1], converged: [1] };
  if (loss >= 1) return { expectedMs: Infinity, p50Ms: Infinity, p95Ms: Infinity, stepMs, visibility: [1 / n], converged: [0] };
  const hop = { latencyMs, jitterMs };
  // A message lands at step k with weight w_k; for one that reaches a given replica with
  // probability q, the miss by step k is 1 − q·W_k (W cumulative), so its log grows by the
  // difference (splitting log q itself would make a near-certain hit land at its earliest step).
  const hit = (f * (1 - loss)) / (n - 1);
  const request = hopKernel(hop, stepMs, true);
  const landed = cumulative(request);
  const send = landed.map((w, k) => safeLog(1 - hit * w) - (k === 0 ? 0 : safeLog(1 - hit * landed[k - 1]!)));
  const answer = hopKernel(hop, stepMs, false);
  const pullSuccess = (1 - loss) * (1 - loss);
  const draws = pull ? new PeerDraws(n - 1, f) : null;
  const recurrence: Recurrence = { n, bins, push, send, answers: () => (draws ? new PullAnswers(request, answer, n, draws, pullSuccess, bins) : null) };
  // Push: the origin's phase only shifts the run (one run, averaged over all bin shifts). Pull:
  // the origin's ticks spread nothing. Push-pull: others pull from the origin before its first
  // tick, so one run per cell of origin phases, at the cell's middle (step c − 1 and its shift by
  // one; a one-step cell has its middle within the step already).
  const cells = Math.min(ORIGIN_CELLS, bins);
  const cell = bins / cells;
  const middle = cell >= 2 ? cell / 2 - 1 : 0;
  const runs = push && pull ? Array.from({ length: cells }, (_, i) => runRecurrence(recurrence, i * cell + middle)) : [runRecurrence(recurrence, 0)];
  const complete = runs.every((r) => r.complete);
  const mean = combine(runs, push && pull ? (cell >= 2 ? 2 : 1) : push ? bins : 1, n);
  const curves = push || !complete ? mean : withEarlyPullDelay(mean, n, f, pullSuccess, bins);
  // Early on the expected share is linear in the holders, so the recurrence's is exact there; the
  // shifted curve, a mixture that also reads later parts of it, would start above 1/N.
  curves.share.forEach((x, i) => (curves.share[i] = Math.min(x, mean.share[Math.min(i, mean.share.length - 1)]!)));
  let expectedMs = complete ? 0 : Infinity;
  for (const c of curves.converged) expectedMs += (1 - c) * stepMs;
  return {
    expectedMs,
    p50Ms: ageAt(curves.converged, stepMs, 0.5),
    p95Ms: ageAt(curves.converged, stepMs, 0.95),
    stepMs,
    visibility: Object.freeze(curves.share),
    converged: Object.freeze(curves.converged),
  };
}

const cache = new Map<string, AsyncConvergence>();

/**
 * Expected convergence of one update under independent timer phases (DESIGN.md §3, "in real
 * time"): time until the last live replica holds it (mean, p50, p95) and the visibility curve.
 * Pure and deterministic; results are cached by input (the returned object is frozen).
 * expectedMs is Infinity when the update cannot spread or needs more than about 1,000 intervals.
 * Throws RangeError for an invalid input, or a latency + jitter over 64 intervals.
 *
 * @example
 * const c = asyncConvergence({ n: 64, intervalMs: 1000, fanout: 2, mode: "push", latencyMs: 5 });
 * c.expectedMs; // ≈ 4,510 (E·T of the synchronous rounds: ≈ 6,630)
 * visibilityAgeMs(c, 0.9); // ≈ 3,310: age at which 90 % of the replicas hold it, on average
 */
export function asyncConvergence(input: AsyncConvergenceInput): AsyncConvergence {
  const key = [input.n, input.intervalMs, input.fanout, input.mode, input.lossRate ?? 0, input.latencyMs ?? 0, input.jitterMs ?? 0].join("|");
  const hit = cache.get(key);
  if (hit !== undefined) return hit;
  const result = Object.freeze(compute(input));
  if (cache.size >= CACHE_SIZE) cache.delete(cache.keys().next().value!);
  cache.set(key, result);
  return result;
}

/** Age (ms) at which the expected share of holders reaches `share` (t50 = visibilityAgeMs(c, 0.5)). */
export function visibilityAgeMs(convergence: AsyncConvergence, share: number): number {
  return ageAt(convergence.visibility, convergence.stepMs, share);
}

/** The q-quantile (0 < q < 1) of the time until every replica holds the update, ms. */
export function convergenceQuantileMs(convergence: AsyncConvergence, q: number): number {
  return ageAt(convergence.converged, convergence.stepMs, q);
}
