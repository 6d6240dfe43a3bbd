// Results of an experiment's points and the recommendation drawn from them (DESIGN §4):
// the cheapest measured config that meets a convergence target, or, when none does, the
// one that comes closest, said plainly. Pure, so the collector, the dashboard and the
// tuner draw the same conclusion from the same table.
import { z } from "zod";
import { CountSchema, DurationMsSchema, RateSchema } from "./scalars.js";

/** Convergence figures of one point (censored, as docs/metrics.md defines them). */
export const PointConvergenceSchema = z.strictObject({
  samples: CountSchema,
  meanMs: RateSchema.nullable(),
  sdMs: RateSchema.nullable(),
  p50Ms: DurationMsSchema.nullable(),
  p95Ms: DurationMsSchema.nullable(),
  p99Ms: DurationMsSchema.nullable(),
  maxMs: DurationMsSchema.nullable(),
  /** Which of them are lower bounds (updates still in flight at the end of the point). */
  atLeast: z.strictObject({ p50: z.boolean(), p95: z.boolean(), p99: z.boolean(), max: z.boolean() }),
});

/** The figures of one measured point. */
export const PointResultSchema = z.strictObject({
  index: z.int().min(0),
  /** The settings the point ran (swept and fixed). */
  config: z.strictObject({
    intervalMs: z.number().positive(),
    fanout: z.int().min(1),
    mode: z.enum(["push", "pull", "push-pull"]),
    payload: z.enum(["full", "delta", "digest"]),
    updatesPerSecPerReplica: z.number().min(0),
    lossRate: z.number().min(0).max(1),
    latencyMs: z.number().min(0),
  }),
  repetition: z.int().min(0),
  seed: z.int().min(0),
  replicas: CountSchema,
  measuredMs: DurationMsSchema,
  convergence: PointConvergenceSchema,
  meanInFlight: RateSchema,
  meanMissingUpdates: RateSchema,
  messagesPerSecPerReplica: RateSchema,
  bytesPerSecPerReplica: RateSchema,
  bytesPerDeliveredUpdate: RateSchema.nullable(),
  /** Update rate × p50 × replicas: updates issued during one convergence time (≫ 1: under-synchronised). */
  updatesDuringConvergence: RateSchema.nullable(),
  /** Time until 50, 90, 99 % of replicas hold an update, averaged over updates (t-visibility); null if never reached. */
  visibility: z.strictObject({ t50Ms: RateSchema.nullable(), t90Ms: RateSchema.nullable(), t99Ms: RateSchema.nullable() }),
  /** The references for this config: the asynchronous model's mean and p95 ("expected"), E·T of synchronous rounds and the push bound (null where undefined). */
  theory: z.strictObject({
    asyncExpectedMs: RateSchema.nullable(),
    asyncP95Ms: RateSchema.nullable(),
    syncExpectedMs: RateSchema.nullable(),
    pushBoundMs: RateSchema.nullable(),
  }),
});
/** The figures of one measured point. */
export type PointResult = z.infer<typeof PointResultSchema>;

/** What the user asks of a config: p95 convergence under a time, or under k update periods; optionally a byte budget. */
export const TargetSchema = z
  .strictObject({
    p95Ms: z.number().positive().optional(),
    /** p95 under this many update periods of the point's own update rate (1 / (updates/s per replica)). */
    p95UpdatePeriods: z.number().positive().optional(),
    maxBytesPerSecPerReplica: z.number().positive().optional(),
  })
  .refine((t) => (t.p95Ms === undefined) !== (t.p95UpdatePeriods === undefined), { message: "state exactly one of p95Ms and p95UpdatePeriods", path: ["p95Ms"] });
/** A convergence target. */
export type Target = z.infer<typeof TargetSchema>;

/** The recommendation: the point to apply, or none with the one that came closest and why. */
export type Recommendation =
  | { met: true; point: PointResult; reason: string }
  | { met: false; closest: PointResult | null; reason: string };

/** The p95 to beat under `target` (ms) at an update rate per replica, or undefined when there are no update periods to count. */
export function targetMsAt(target: Target, updatesPerSecPerReplica: number): number | undefined {
  if (target.p95Ms !== undefined) return target.p95Ms;
  return updatesPerSecPerReplica > 0 ? (target.p95UpdatePeriods! * 1000) / updatesPerSecPerReplica : undefined;
}

/** The p95 a point must beat under `target` (ms), or undefined when the point has no update rate to count periods of. */
export function targetMsFor(point: PointResult, target: Target): number | undefined {
  return targetMsAt(target, point.config.updatesPerSecPerReplica);
}

/** Whether a point meets the target: a known p95 (not a lower bound) at or under it, within the budget. */
export function meets(point: PointResult, target: Target): boolean {
  const limit = targetMsFor(point, target);
  const c = point.convergence;
  if (limit === undefined || c.p95Ms === null || c.atLeast.p95) return false;
  if (target.maxBytesPerSecPerReplica !== undefined && point.bytesPerSecPerReplica > target.maxBytesPerSecPerReplica) return false;
  return c.p95Ms <= limit;
}

const cheaper = (a: PointResult, b: PointResult) =>
  a.bytesPerSecPerReplica - b.bytesPerSecPerReplica || a.messagesPerSecPerReplica - b.messagesPerSecPerReplica || b.config.intervalMs - a.config.intervalMs || a.index - b.index;

/**
 * The cheapest point (bytes/s per replica, then messages/s, then the longer interval)
 * that meets `target`; when none does, the one closest to it (smallest p95 ÷ target among
 * those within the budget, or the cheapest when the budget excludes them all).
 */
export function recommend(points: readonly PointResult[], target: Target): Recommendation {
  const fmt = (ms: number) => (ms >= 1000 ? `${(ms / 1000).toPrecision(3)} s` : `${Math.round(ms)} ms`);
  const meeting = points.filter((p) => meets(p, target)).sort(cheaper);
  if (meeting.length > 0) {
    const p = meeting[0]!;
    return {
      met: true,
      point: p,
      reason: `interval ${p.config.intervalMs} ms, fanout ${p.config.fanout}: p95 ${fmt(p.convergence.p95Ms!)} ≤ ${fmt(targetMsFor(p, target)!)} at ${Math.round(p.bytesPerSecPerReplica)} B/s per replica, the cheapest of ${meeting.length} that meet the target`,
    };
  }
  if (points.length === 0) return { met: false, closest: null, reason: "no point was measured" };
  const inBudget = points.filter((p) => target.maxBytesPerSecPerReplica === undefined || p.bytesPerSecPerReplica <= target.maxBytesPerSecPerReplica);
  if (inBudget.length === 0) {
    const p = [...points].sort(cheaper)[0]!;
    return { met: false, closest: p, reason: `no point stays within ${target.maxBytesPerSecPerReplica} B/s per replica; the cheapest needs ${Math.round(p.bytesPerSecPerReplica)} B/s` };
  }
  const ratio = (p: PointResult) => {
    const limit = targetMsFor(p, target);
    return limit === undefined || p.convergence.p95Ms === null ? Infinity : p.convergence.p95Ms / limit;
  };
  const p = [...inBudget].sort((a, b) => ratio(a) - ratio(b) || cheaper(a, b))[0]!;
  const r = ratio(p);
  return {
    met: false,
    closest: p,
    reason:
      r === Infinity
        ? "no point measured a p95 against this target"
        : `no point meets the target; the closest (interval ${p.config.intervalMs} ms, fanout ${p.config.fanout}) has p95 ${p.convergence.atLeast.p95 ? "≥ " : ""}${fmt(p.convergence.p95Ms!)}, ${r.toFixed(2)} × the target`,
  };
}
