// @driftscope/gossip/theory: the convergence formulas of DESIGN.md §3. Pure: no I/O, no timers.
export {
  MAX_MODEL_ROUNDS,
  expectedRounds,
  informedCurve,
  informedFractionCurve,
  lowerBoundRounds,
  pushLowerBoundRounds,
  stayUninformedProbability,
  type EpidemicParams,
  type GossipMode,
} from "./meanField.js";
export {
  asyncConvergence,
  convergenceQuantileMs,
  visibilityAgeMs,
  type AsyncConvergence,
  type AsyncConvergenceInput,
} from "./asyncConvergence.js";
export { referenceLine, type ReferenceLine, type ReferenceLineInput } from "./referenceLine.js";
export { relativeHalfWidth } from "./medianConfidence.js";
