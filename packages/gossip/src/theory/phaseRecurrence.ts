// One run of the asynchronous recurrence (asyncConvergence.ts), for one phase of the origin.
//
// The interval is cut into phase bins; the N − 1 replicas other than the origin are spread
// evenly over them, and u[b] is the probability that a replica of bin b does not yet hold the
// update. Each step (T / bins) the replicas of one bin tick: holders push to `fanout` peers,
// everyone pulls from `fanout` peers (PullAnswers); arrivals land whole steps later
// (delayKernel.ts). The origin holds the update from step 0 and ticks at its own phase.
//
// Cost per step: O(push spread + pull bookkeeping); pushes scale every bin at once in O(1).
import type { SpreadCurves } from "./earlyPulls.js";
import type { PullAnswers } from "./pullAnswers.js";

/** Give up after this many steps, 1,000 intervals at 32 bins (an update that slow is reported as never converging). */
const MAX_STEPS = 32_000;
/** Stop once less than this is left of both curves. */
const DONE = 1e-6;

/** What a run needs, prepared once per config. */
export interface Recurrence {
  readonly n: number;
  /** Phase bins per interval (steps per interval), a power of 2. */
  readonly bins: number;
  readonly push: boolean;
  /** Per step after a holder's tick: increment of log P(its push has not reached one given replica). */
  readonly send: Float64Array;
  /** Fresh pull bookkeeping for one run; null when the mode does not pull. */
  readonly answers: () => PullAnswers | null;
}

/**
 * u[b] = scale · v[b]. A push reaches every bin alike, so it only changes `scale`; pull answers
 * change one bin. The sum of v is kept alongside (re-added once an interval against drift).
 */
class Uninformed {
  private readonly v: Float64Array;
  private scale = 1;
  private sum: number;

  constructor(private readonly bins: number) {
    this.v = new Float64Array(bins).fill(1);
    this.sum = bins;
  }

  at(bin: number): number {
    return this.scale * this.v[bin]!;
  }

  mean(): number {
    return (this.scale * Math.max(0, this.sum)) / this.bins;
  }

  all(factor: number): void {
    this.scale *= factor;
    if (this.scale < 1e-200) {
      for (let b = 0; b < this.bins; b++) this.v[b]! *= this.scale;
      this.scale = 1;
      this.resum();
    }
  }

  readonly one = (bin: number, factor: number): void => {
    const before = this.v[bin]!;
    this.v[bin] = before * factor;
    this.sum += before * (factor - 1);
  };

  resum(): void {
    let sum = 0;
    for (let b = 0; b < this.bins; b++) sum += this.v[b]!;
    this.sum = sum;
  }
}

/** Curves per step from the issue; `complete`: both reached 1 within MAX_STEPS. */
export interface Run extends SpreadCurves {
  complete: boolean;
}

/** One run with the origin ticking at steps originStep + k·bins (k ≥ 0). */
export function runRecurrence(r: Recurrence, originStep: number): Run {
  const { n, bins, push, send } = r;
  const u = new Uninformed(bins);
  const ring = send.length + 1;
  const pushLog = new Float64Array(ring); // log P(miss) per arrival step, the same for every bin
  const sendFrom = Math.max(0, send.findIndex((x) => x !== 0)); // no push lands sooner than the latency
  const answers = r.answers();
  // An answer can land within the step of its read only when an answer hop is under a step.
  const within = answers?.landsWithinStep ?? false;
  // Given one uninformed replica, the N − 2 others besides the origin spread evenly over the bins.
  const othersPerBin = (n - 2) / bins;
  const curves: Run = { share: [], converged: [], complete: false };
  const arrive = (slot: number): void => {
    if (pushLog[slot] === 0) return;
    u.all(Math.exp(pushLog[slot]!));
    pushLog[slot] = 0;
  };
  for (let m = 0; m < MAX_STEPS; m++) {
    const slot = m % ring;
    // What was sent at earlier steps lands before this step's tick.
    arrive(slot);
    answers?.begin(m);
    answers?.land(m, u.one, !within);
    if (push) {
      let senders = othersPerBin * (1 - u.at(m % bins));
      if (m >= originStep && (m - originStep) % bins === 0) senders += 1;
      if (senders > 0) for (let k = sendFrom; k < send.length; k++) pushLog[(m + k) % ring]! += senders * send[k]!;
    }
    // Requests read now (the origin's own pulls bring nothing), then what lands within the step.
    // Of the reads of step 0, half fall before the issue instant and find nothing.
    answers?.read(m, (m === 0 ? 0.5 : 1) * (1 + (n - 2) * (1 - u.mean())));
    if (within) answers?.land(m, u.one, true);
    arrive(slot);
    if (m % bins === bins - 1) u.resum();
    const left = u.mean();
    // Each replica's phase is its own uniform draw: it holds the update with probability 1 − left.
    const converged = (n - 1) * left > 50 ? 0 : Math.exp((n - 1) * Math.log1p(-left));
    curves.share.push(1 - ((n - 1) * left) / n);
    curves.converged.push(converged);
    if (((n - 1) * left) / n < DONE && 1 - converged < DONE) {
      curves.complete = true;
      break;
    }
  }
  return curves;
}
