// Message delays as weights over whole time steps, for the asynchronous model (asyncConvergence.ts).
// Deterministic quadrature: no random draws, so a config always gives the same kernel.

/** Quadrature points for a phase within a step, and for a jitter draw (3 move the results < 1 % from 16). */
const PHASE_POINTS = 16;
const JITTER_POINTS = 3;

/** One network hop: `latencyMs` + uniform(−jitterMs, +jitterMs), floored at 0, as the runtime draws it. */
export interface HopDelay {
  readonly latencyMs: number;
  readonly jitterMs: number;
}

/** Midpoints of [0, 1): the quadrature nodes of one uniform variable. */
function nodes(count: number): number[] {
  return Array.from({ length: count }, (_, i) => (i + 0.5) / count);
}

/** Delay of one hop, in steps, for a jitter draw `v` in [0, 1). */
function hopSteps(hop: HopDelay, stepMs: number, v: number): number {
  return Math.max(0, hop.latencyMs + (2 * v - 1) * hop.jitterMs) / stepMs;
}

/**
 * Spreads delays τ (in steps) over whole steps: a fraction 1 − θ of τ = k + θ lands at step k and
 * θ at k + 1. With phases uniform within a step this keeps both the mean arrival time and the
 * share of a step's tickers that tick after the arrival.
 */
function toWeights(taus: readonly number[]): Float64Array {
  let last = 0;
  for (const t of taus) last = Math.max(last, Math.floor(t) + 1);
  const weights = new Float64Array(last + 1);
  const each = 1 / taus.length;
  for (const t of taus) {
    const k = Math.floor(t);
    const theta = t - k;
    weights[k]! += (1 - theta) * each;
    weights[k + 1]! += theta * each;
  }
  return weights;
}

/**
 * Arrival weights, by whole steps, of a message over one hop. `fromTick`: sent at a uniformly
 * random instant of step 0 (a ticker's phase within its bin); otherwise at the start of step 0
 * (an answer, sent when a request is read).
 */
export function hopKernel(hop: HopDelay, stepMs: number, fromTick: boolean): Float64Array {
  const jitter = hop.jitterMs > 0 ? nodes(JITTER_POINTS) : [0.5];
  const taus: number[] = [];
  for (const u of fromTick ? nodes(PHASE_POINTS) : [0]) for (const v of jitter) taus.push(u + hopSteps(hop, stepMs, v));
  return toWeights(taus);
}
