// The auto-tuner (DESIGN §4): holds a p95 convergence target at the least sync cost by
// retuning intervalMs and fanout. Pure, like core/TracingController: fed the collector's
// figures each call, it answers its state and, now and then, a config that the core applies
// as an ordinary versioned change before the next call. Time is the figures' nowMs.
//
// The law, per call:
//  1. partition suspected (unreachable replicas, or the oldest update in flight far beyond
//     what the model expects) → change nothing and say so; once it clears, hold one window
//     (the slow updates it left are still in the percentiles).
//  2. a change not yet acknowledged by every live replica → wait; then let it settle.
//  3. a new regime (update rate or live count × or ÷ 2) → feed-forward: the model's config.
//  4. settled → feedback: gain = measured p95 ÷ model p95; outside the dead band for a few
//     checks → re-plan for the aim (the target less a margin) with that gain.
// Damped: dead band, confirmations, a cap on changes per minute, and a loosening that proved
// wrong (a tightening followed it) makes the next one wait twice as long.
import { targetMsAt } from "@driftscope/protocol";
import { BytesModel } from "./BytesModel.js";
import { modelP95Ms, planConfig, type ModelCluster, type Plan } from "./planConfig.js";
import { RegimeWatch } from "./RegimeWatch.js";
import type { TunerChange, TunerDecision, TunerFigures, TunerTarget } from "./types.js";

/** The tuner's damping and margins; the defaults suit a 1 s call period. */
export interface TunerOptions {
  /** The aim is the target less this share of it. Default 0.1. */
  margin?: number;
  /** Tighten when p95 exceeds this share of the target. Default 0.97. */
  tightenAbove?: number;
  /** Loosen when p95 is under this share of the target. Default 0.8. */
  loosenBelow?: number;
  /** Consecutive checks over (exact p95) before tightening; a lower bound needs one more. Default 3. */
  tightenChecks?: number;
  /** Consecutive checks under before loosening. Default 5. */
  loosenChecks?: number;
  maxChangesPerMinute?: number;
  /** After acknowledgement, wait the longest of this, `settleIntervals` intervals and 3 predicted p95. Default 5 s. */
  minSettleMs?: number;
  settleIntervals?: number;
  /** Converged updates needed behind a p95 before it is judged. Default 50. */
  minSamples?: number;
  /** The window the fed p95 is computed over (held after a partition). Default 60 s. */
  windowMs?: number;
  /** Oldest update in flight beyond this many expected p95 (and `partitionFloorMs`): partition. Default 5. */
  partitionFactor?: number;
  partitionFloorMs?: number;
  /** Bytes over the budget by more than this share count as over. Default 0.05. */
  budgetTolerance?: number;
  /** Smaller interval changes (same fanout) are not worth a config change. Default 0.05. */
  minStepShare?: number;
}

const DEFAULTS: Required<TunerOptions> = {
  margin: 0.1,
  tightenAbove: 0.97,
  loosenBelow: 0.8,
  tightenChecks: 3,
  loosenChecks: 5,
  maxChangesPerMinute: 4,
  minSettleMs: 5_000,
  settleIntervals: 20,
  minSamples: 50,
  windowMs: 60_000,
  partitionFactor: 5,
  partitionFloorMs: 2_000,
  budgetTolerance: 0.05,
  minStepShare: 0.05,
};

const MINUTE_MS = 60_000;
/** A change the core did not apply within this is taken as refused. */
const APPLY_TIMEOUT_MS = 10_000;
const REGIME_FACTOR = 2;
const REGIME_CONFIRM_MS = 3_000;
/** Weight of each new p95 in the smoothed one, once as many have been averaged (calls a second apart share most of a window, but a window's p95 still jitters). */
const P95_WEIGHT = 0.2;
const GAIN_RANGE = [0.5, 4] as const;
/** Weight per second of the update rate the "k update periods" target is counted in. */
const RATE_WEIGHT = 0.1;
const LOOSEN_BACKOFF_MS = [30_000, 300_000] as const;

type Config = TunerFigures["config"];

export class TunerController {
  private readonly o: Required<TunerOptions>;
  private readonly regime = new RegimeWatch(REGIME_FACTOR, REGIME_CONFIRM_MS);
  private readonly bytes = new BytesModel();
  private version: number | null = null;
  private ackedAtMs: number | null = null;
  /** A change handed out and not yet seen as a new version. */
  private asked: { atMs: number; version: number } | null = null;
  private judgeFromMs = -Infinity;
  private feedForwardDue = false;
  /** Measured p95 ÷ model p95, from the smoothed exact p95 of the config in force (1 before any). */
  private gain = 1;
  /** Exact p95 of the config in force, smoothed, and how many went into it. */
  private smoothedP95 = 0;
  private smoothedCount = 0;
  private rate = 0;
  /** Expected p95 of the config in force at the last call, and of the one before the last change (in-flight ages still reflect it while the new one settles). */
  private expectedMs = 0;
  private previousExpectedMs = 0;
  private partitionAtMs = -Infinity;
  private over = 0;
  private under = 0;
  private changesAtMs: number[] = [];
  private lastLoosenAtMs = -Infinity;
  private loosenBackoffMs: number = LOOSEN_BACKOFF_MS[0];
  private noLoosenUntilMs = -Infinity;

  constructor(
    readonly target: TunerTarget,
    options: TunerOptions = {},
  ) {
    this.o = { ...DEFAULTS, ...options };
  }

  /** One call: the state, and the config to apply (as a new version) or null. */
  decide(f: TunerFigures): TunerDecision {
    const now = f.nowMs;
    const cluster: ModelCluster = { n: f.live, mode: f.config.mode, network: f.network };
    const expectedMs = this.gain * modelP95Ms(cluster, f.config.intervalMs, f.config.fanout);
    this.trackVersion(f, expectedMs);
    this.expectedMs = expectedMs;
    if (this.regime.observe(now, f.updatesPerSecPerReplica, f.live)) {
      this.feedForwardDue = true;
      this.rate = f.updatesPerSecPerReplica;
      this.bytes.reset();
      this.smoothedCount = 0;
    } else {
      this.rate += RATE_WEIGHT * (f.updatesPerSecPerReplica - this.rate);
    }

    const partition = this.partitionSuspected(f, expectedMs);
    if (partition !== null) {
      this.partitionAtMs = now;
      this.over = this.under = 0;
      return { state: "cannot-meet", why: "partition", reason: `partition suspected: ${partition}; holding the config rather than chasing it`, change: null };
    }
    if (now - this.partitionAtMs < this.o.windowMs) {
      return { state: "holding", reason: `a suspected partition ended ${fmt(now - this.partitionAtMs)} ago: holding until its updates leave the ${fmt(this.o.windowMs)} window`, change: null };
    }
    if (this.regime.moving) {
      this.over = this.under = 0;
      return { state: "adjusting", reason: `the workload is changing (${rateText(f.updatesPerSecPerReplica)}, ${f.live} live): waiting for a new regime before the model's first guess`, change: null };
    }
    const limitMs = targetMsAt(this.target, this.rate);
    if (limitMs === undefined) return { state: "holding", reason: "no updates: no update period to count the target in", change: null };
    if (this.asked !== null) return { state: "adjusting", reason: `waiting for the change to version ${this.asked.version + 1} to be applied`, change: null };
    if (this.ackedAtMs === null) return { state: "adjusting", reason: `waiting for every live replica to acknowledge version ${f.config.version}`, change: null };

    if (this.feedForwardDue) {
      this.feedForwardDue = false;
      this.over = this.under = 0;
      // Figures of the old regime say little about the new one: judge only after a settling time.
      this.judgeFromMs = Math.max(this.judgeFromMs, now + this.settleMs(f.config, expectedMs));
      // Hysteresis holds for the model too: a config it predicts inside the dead band stays.
      if (expectedMs >= limitMs * this.o.loosenBelow && expectedMs <= limitMs * this.o.tightenAbove) {
        return { state: "adjusting", reason: `new regime (${rateText(this.rate)}, ${f.live} live): the config in force is predicted to hold the target (p95 ≈ ${fmt(expectedMs)}); settling`, change: null };
      }
      const plan = this.plan(cluster, limitMs, this.gain);
      const change = this.change(plan, f, `feed-forward for ${rateText(this.rate)} and ${f.live} live replicas`);
      if (change !== null) return this.answer(plan, change);
      if (this.capped(now)) {
        this.feedForwardDue = true;
        return { state: "adjusting", reason: `new regime (${rateText(this.rate)}, ${f.live} live): at most ${this.o.maxChangesPerMinute} changes a minute`, change: null };
      }
      return { state: "adjusting", reason: `new regime (${rateText(this.rate)}, ${f.live} live): the model's config is the one in force; settling`, change: null };
    }
    if (now < this.judgeFromMs) return { state: "adjusting", reason: `settling: judging the figures in ${fmt(this.judgeFromMs - now)}`, change: null };
    if (f.p95Ms === null || f.samples < this.o.minSamples) return { state: "adjusting", reason: `waiting for ${this.o.minSamples} converged updates (${f.samples} so far)`, change: null };
    return this.judge(f, cluster, limitMs);
  }

  /** Feedback on a settled measurement. */
  private judge(f: TunerFigures, cluster: ModelCluster, limitMs: number): TunerDecision {
    const raw = f.p95Ms!;
    const exact = !f.p95AtLeast;
    const model = Math.max(1e-9, modelP95Ms(cluster, f.config.intervalMs, f.config.fanout));
    if (exact) {
      // A plain mean of the first few, then an exponential one: the first p95 alone is as noisy as any.
      this.smoothedCount++;
      this.smoothedP95 += (raw - this.smoothedP95) / Math.min(this.smoothedCount, 1 / P95_WEIGHT);
      this.gain = Math.min(GAIN_RANGE[1], Math.max(GAIN_RANGE[0], this.smoothedP95 / model));
      this.bytes.observe(f.config.fanout, f.config.intervalMs, f.bytesPerSecPerReplica);
    }
    // A lower bound is not averaged: the truth is at least that, now. It plans the next config
    // but does not become the gain, which would hide a partition behind a slower "expected".
    const p95 = exact ? this.smoothedP95 : Math.max(raw, this.smoothedCount > 0 ? this.smoothedP95 : 0);
    const gain = exact ? this.gain : Math.max(this.gain, raw / model);

    const budget = this.target.maxBytesPerSecPerReplica;
    const overBudget = budget !== undefined && f.bytesPerSecPerReplica > budget * (1 + this.o.budgetTolerance);
    // A lower bound over the line is over for certain.
    this.over = p95 > limitMs * this.o.tightenAbove ? this.over + 1 : 0;
    this.under = exact && !overBudget && p95 < limitMs * this.o.loosenBelow ? this.under + 1 : 0;
    const measured = `p95 ${f.p95AtLeast ? "≥ " : ""}${fmt(p95)} (target ${fmt(limitMs)})`;

    if (overBudget || this.over >= this.o.tightenChecks + (exact ? 0 : 1)) {
      const plan = this.plan(cluster, limitMs, gain);
      const why = overBudget ? `${Math.round(f.bytesPerSecPerReplica)} B/s per replica over the budget of ${budget}` : `${measured} over ${fmt(limitMs * this.o.tightenAbove)}`;
      const change = this.change(plan, f, why);
      if (change !== null) return this.answer(plan, change);
      if (this.capped(f.nowMs)) return { state: "adjusting", reason: `${why}; at most ${this.o.maxChangesPerMinute} changes a minute`, change: null };
      const stop = plan.reach === "met" ? "range" : plan.reach;
      return { state: "cannot-meet", why: stop, reason: `${why}, and ${stop === "budget" ? "the byte budget allows" : "the range allows"} no faster config`, change: null };
    }
    if (this.under >= this.o.loosenChecks && f.nowMs >= this.noLoosenUntilMs) {
      this.under = 0;
      const plan = this.plan(cluster, limitMs, gain);
      if (plan.fanout / plan.intervalMs < f.config.fanout / f.config.intervalMs) {
        const change = this.change(plan, f, `${measured} under ${fmt(limitMs * this.o.loosenBelow)}: a cheaper config holds it`);
        if (change !== null) return this.answer(plan, change);
      }
    }
    if (this.over > 0) return { state: "adjusting", reason: `${measured}: confirming before a change`, change: null };
    return { state: "holding", reason: `${measured} at interval ${fmt(f.config.intervalMs)}, fanout ${f.config.fanout}`, change: null };
  }

  private plan(cluster: ModelCluster, limitMs: number, gain: number): Plan {
    return planConfig({
      cluster,
      aimMs: limitMs * (1 - this.o.margin),
      gain,
      intervalMs: this.target.intervalMs,
      fanout: this.target.fanout,
      bytesAt: (fanout, intervalMs) => this.bytes.predict(fanout, intervalMs),
      maxBytesPerSecPerReplica: this.target.maxBytesPerSecPerReplica,
    });
  }

  /** The plan as a change, or null when it is the config in force (within the step) or the cap is reached. */
  private change(plan: Plan, f: TunerFigures, why: string): TunerChange | null {
    const c = f.config;
    const same = plan.fanout === c.fanout && Math.abs(plan.intervalMs - c.intervalMs) < this.o.minStepShare * c.intervalMs;
    if (same || this.capped(f.nowMs)) return null;
    const now = f.nowMs;
    this.changesAtMs.push(now);
    this.asked = { atMs: now, version: c.version };
    this.over = this.under = 0;
    const tightens = plan.fanout / plan.intervalMs > c.fanout / c.intervalMs;
    if (tightens && now - this.lastLoosenAtMs < this.loosenBackoffMs) {
      // The last loosening went too far: the next waits longer.
      this.noLoosenUntilMs = now + this.loosenBackoffMs;
      this.loosenBackoffMs = Math.min(LOOSEN_BACKOFF_MS[1], 2 * this.loosenBackoffMs);
    }
    if (!tightens) this.lastLoosenAtMs = now;
    const moves = [
      plan.intervalMs !== c.intervalMs ? `interval ${fmt(c.intervalMs)} → ${fmt(plan.intervalMs)}` : null,
      plan.fanout !== c.fanout ? `fanout ${c.fanout} → ${plan.fanout}` : null,
    ].filter((m) => m !== null);
    return {
      intervalMs: plan.intervalMs,
      fanout: plan.fanout,
      predictedP95Ms: plan.predictedP95Ms,
      reason: `tuner: ${why}; ${moves.join(", ")} (model p95 ≈ ${fmt(plan.predictedP95Ms)})`,
    };
  }

  private answer(plan: Plan, change: TunerChange): TunerDecision {
    if (plan.reach === "met") return { state: "adjusting", reason: change.reason, change };
    const stop = plan.reach === "budget" ? "the byte budget" : "the range";
    return { state: "cannot-meet", why: plan.reach, reason: `${change.reason}; ${stop} allows no config that meets the target`, change };
  }

  private capped(nowMs: number): boolean {
    this.changesAtMs = this.changesAtMs.filter((t) => nowMs - t < MINUTE_MS);
    return this.changesAtMs.length >= this.o.maxChangesPerMinute;
  }

  /** Notices a new config version (the tuner's or anyone's) and its acknowledgement. */
  private trackVersion(f: TunerFigures, expectedMs: number): void {
    const now = f.nowMs;
    if (this.version !== f.config.version) {
      if (this.version !== null) this.previousExpectedMs = Math.max(this.previousExpectedMs, this.expectedMs);
      this.version = f.config.version;
      this.asked = null;
      this.ackedAtMs = null;
      this.judgeFromMs = Infinity; // nothing of a config is judged before every live replica runs it
      this.smoothedCount = 0;
      this.smoothedP95 = 0;
      this.over = this.under = 0;
    } else if (this.asked !== null && now - this.asked.atMs > APPLY_TIMEOUT_MS) {
      this.asked = null; // refused or lost: judge the config in force again
    }
    if (this.ackedAtMs === null && f.config.acked) {
      this.ackedAtMs = now;
      this.judgeFromMs = now + this.settleMs(f.config, expectedMs);
    }
    if (now >= this.judgeFromMs) this.previousExpectedMs = 0;
  }

  private settleMs(config: Config, expectedMs: number): number {
    return Math.max(this.o.minSettleMs, this.o.settleIntervals * config.intervalMs, 3 * expectedMs);
  }

  /** Why the figures look like a partition, or null. */
  private partitionSuspected(f: TunerFigures, expectedMs: number): string | null {
    if (f.unreachable > 0) return `${f.unreachable} replica${f.unreachable === 1 ? "" : "s"} unreachable (their updates cannot converge)`;
    const expected = Math.max(expectedMs, this.previousExpectedMs);
    const limit = Math.max(this.o.partitionFloorMs, this.o.partitionFactor * expected);
    if (f.oldestInFlightMs > limit) return `the oldest update in flight is ${fmt(f.oldestInFlightMs)} old, over ${this.o.partitionFactor} × the ${fmt(expected)} p95 expected`;
    return null;
  }
}

function fmt(ms: number): string {
  return ms >= 1000 ? `${(ms / 1000).toPrecision(3)} s` : `${Math.round(ms)} ms`;
}

function rateText(perSec: number): string {
  return `${perSec.toPrecision(2)} updates/s per replica`;
}
