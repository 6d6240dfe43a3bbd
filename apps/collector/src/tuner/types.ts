// What the auto-tuner (DESIGN §4) is fed and what it answers. Figures are the collector's
// own (docs/metrics.md), per call; the answer is a config to apply as an ordinary versioned
// change, or nothing, and the state shown next to the gossip controls.
import type { GossipMode, Target } from "@driftscope/protocol";

/** The measured figures of one call, as of `nowMs`. */
export interface TunerFigures {
  nowMs: number;
  /** Censored p95 of convergence time over the tuner's window (null: nothing measured yet). */
  p95Ms: number | null;
  /** The p95 is a lower bound: updates still in flight count as their age. */
  p95AtLeast: boolean;
  /** Converged updates behind the p95. */
  samples: number;
  /** Updates issued and not yet at every live replica, and the age of the oldest (0: none). */
  inFlight: number;
  oldestInFlightMs: number;
  updatesPerSecPerReplica: number;
  bytesPerSecPerReplica: number;
  live: number;
  unreachable: number;
  /** The gossip config in force, its version, and whether every live replica acknowledged that version. */
  config: { intervalMs: number; fanout: number; mode: GossipMode; version: number; acked: boolean };
  /** Link conditions the model needs (the config's network section). */
  network: { latencyMs: number; jitterMs: number; lossRate: number };
}

/** An inclusive range the tuner may use. */
export interface TunerRange {
  min: number;
  max: number;
}

/** The user's goal: a convergence target (and optional byte budget) as `recommend` takes it, and the ranges to stay in. */
export type TunerTarget = Target & { intervalMs: TunerRange; fanout: TunerRange };

/** Why the target cannot be met. */
export type CannotMeetWhy = "partition" | "budget" | "range";

/** A config the tuner asks for. */
export interface TunerChange {
  intervalMs: number;
  fanout: number;
  /** Its p95 as the (corrected) model predicts it. */
  predictedP95Ms: number;
  /** Words for the timeline marker. */
  reason: string;
}

/** The tuner's answer to one call: its state, in words, and a change to apply or null. */
export type TunerDecision =
  | { state: "holding" | "adjusting"; reason: string; change: TunerChange | null }
  | { state: "cannot-meet"; why: CannotMeetWhy; reason: string; change: TunerChange | null };
