// Pull only: the randomness of the first holders, which the mean-field recurrence averages away.
//
// With pull, no tick of the origin spreads the update: other replicas find a holder by chance,
// so with k holders the next one appears after a random wait (a pure-birth process, rate λ_k
// per interval). Early on that wait is long and uncertain (with fanout 1, no one asks the origin
// in a whole interval about a third of the time), and an epidemic that starts late stays late:
// the whole curve is shifted by a random delay. The recurrence follows the *expected* holder
// count, i.e. the deterministic ODE dI/dt = λ(I); the delay it misses is
//   X = Σ_{k<N/2} Exp(λ_k) − ∫_1^{N/2} dI / λ(I),
// which is added here by convolving the curves with X (one geometric filter per birth).

const MAX_STAGES = 32;

/** Curves on a grid of `stepsPerInterval` steps per interval, from age 0. */
export interface SpreadCurves {
  share: number[];
  converged: number[];
}

/** Births per interval with `k` holders: each of the N − k others asks f distinct peers once. */
function birthsPerInterval(k: number, n: number, fanout: number, success: number): number {
  let miss = 1;
  for (let i = 0; i < fanout; i++) miss *= Math.max(0, 1 - (success * k) / (n - 1 - i));
  return (n - k) * (1 - miss);
}

/**
 * The births the recurrence gives at an expected holder count I: a replica that asks counts the
 * others' expected holders, 1 + (I − 1)(N − 2)/(N − 1) (it is not one of them).
 */
function meanFieldBirths(holders: number, n: number, fanout: number, success: number): number {
  const others = 1 + ((holders - 1) * (n - 2)) / (n - 1);
  return ((n - holders) / (n - others)) * birthsPerInterval(others, n, fanout, success);
}

/**
 * The curves of a pull epidemic delayed by the random early phase X (see above). `success`: a
 * request to a holder brings the update back (both messages survive).
 */
export function withEarlyPullDelay(curves: SpreadCurves, n: number, fanout: number, success: number, stepsPerInterval: number): SpreadCurves {
  // Up to N/2 holders, at most MAX_STAGES births: later ones add little (a birth k contributes
  // about 1/(2k·λ) to the mean shift).
  const half = Math.min(Math.floor(n / 2), MAX_STAGES + 1);
  if (half < 2) return curves;
  const means: number[] = []; // steps
  let odeSteps = 0;
  const sub = 8; // midpoint rule per unit of I
  for (let k = 1; k < half; k++) {
    means.push(stepsPerInterval / birthsPerInterval(k, n, fanout, success));
    for (let j = 0; j < sub; j++) odeSteps += stepsPerInterval / meanFieldBirths(k + (j + 0.5) / sub, n, fanout, success) / sub;
  }
  const total = means.reduce((s, m) => s + m, 0);
  const spread = Math.sqrt(means.reduce((s, m) => s + m * m, 0));
  const length = curves.share.length + Math.ceil(total + 10 * spread);
  const filter = (curve: readonly number[], before: number): number[] => {
    const out = new Float64Array(length);
    for (let i = 0; i < length; i++) out[i] = curve[Math.min(i, curve.length - 1)]!;
    // Geometric delay with the exponential's mean: y_i = a·y_(i−1) + (1 − a)·x_i, a = μ / (1 + μ).
    for (const mean of means) {
      const a = mean / (1 + mean);
      let y = before;
      for (let i = 0; i < length; i++) out[i] = y = a * y + (1 - a) * out[i]!;
    }
    // Back by the deterministic part, which the recurrence already contains.
    const whole = Math.floor(odeSteps);
    const frac = odeSteps - whole;
    const shifted: number[] = [];
    for (let i = 0; i + whole + 1 < length; i++) shifted.push((1 - frac) * out[i + whole]! + frac * out[i + whole + 1]!);
    return shifted;
  };
  return { share: filter(curves.share, 1 / n), converged: filter(curves.converged, 0) };
}
