// Experiment plans (DESIGN §4, docs/experiments.md): a sweep of configs, each point warmed
// up and measured, on the live cluster or in simulation. The schema is the single source
// of truth for the REST API, the CLI and the dashboard; `parsePlan` adds the checks that
// need the whole plan (point count, estimated duration) and names the field and the reason.
import { z } from "zod";
import { CrdtTypeNameSchema, GossipModeSchema, PayloadModeSchema } from "./config.js";
import { parseMessage, protocolError, type ParseResult } from "./errors.js";
import { ShareSchema, ShortTextSchema } from "./scalars.js";

/** Most points a plan may have (settings × values × repetitions). */
export const MAX_PLAN_POINTS = 500;

/** A log-spaced range: `points` values from `from` to `to`, both included. */
export const LogRangeSchema = z
  .strictObject({ from: z.number().positive(), to: z.number().positive(), points: z.int().min(2).max(50) })
  .refine((r) => r.to > r.from, { message: "to must be greater than from", path: ["to"] });

const list = <T extends z.ZodType>(item: T) => z.array(item).min(1, "list at least one value").max(50);

/** What may vary across points; each setting is a list of values (the interval also a log range). */
export const SweepSchema = z.strictObject({
  intervalMs: z.union([list(z.int().min(10).max(60_000)), LogRangeSchema]).optional(),
  updatesPerSecPerReplica: list(z.number().positive().max(1000)).optional(),
  fanout: list(z.int().min(1).max(64)).optional(),
  mode: list(GossipModeSchema).optional(),
  payload: list(PayloadModeSchema).optional(),
  lossRate: list(ShareSchema.refine((l) => l < 1, "a loss rate of 1 never converges")).optional(),
  latencyMs: list(z.number().min(0).max(60_000)).optional(),
});
/** What may vary across points. */
export type Sweep = z.infer<typeof SweepSchema>;
/** The settings a sweep may vary. */
export const SWEPT_SETTINGS = ["intervalMs", "updatesPerSecPerReplica", "fanout", "mode", "payload", "lossRate", "latencyMs"] as const;
/** A setting a sweep may vary. */
export type SweptSetting = (typeof SWEPT_SETTINGS)[number];

/** Settings every point shares (those not swept); defaults come from the cluster config in force. */
export const FixedSettingsSchema = z.strictObject({
  intervalMs: z.int().min(10).max(60_000).optional(),
  updatesPerSecPerReplica: z.number().min(0).max(1000).optional(),
  fanout: z.int().min(1).max(64).optional(),
  mode: GossipModeSchema.optional(),
  payload: PayloadModeSchema.optional(),
  lossRate: ShareSchema.optional(),
  latencyMs: z.number().min(0).max(60_000).optional(),
  jitterMs: z.number().min(0).max(60_000).optional(),
});
/** Settings every point shares. */
export type FixedSettings = z.infer<typeof FixedSettingsSchema>;

/** When a point's measurement ends: after a duration, or once the p50 is known well enough (with a cap). */
export const StopRuleSchema = z.union([
  z.strictObject({ durationMs: z.int().min(1000).max(3_600_000) }),
  z.strictObject({
    /** At least this many converged updates… */
    minConverged: z.int().min(10).max(1_000_000),
    /** …and the p50's 95 % confidence half-width under this share of it (0.1 = 10 %)… */
    maxRelativeHalfWidth: z.number().gt(0).max(1),
    /** …or this long at most. */
    capMs: z.int().min(1000).max(3_600_000),
  }),
]);
/** When a point's measurement ends. */
export type StopRule = z.infer<typeof StopRuleSchema>;

/** An experiment plan (docs/experiments.md). */
export const ExperimentPlanSchema = z.strictObject({
  name: ShortTextSchema.min(1, "name must not be empty"),
  /** `live`: the connected cluster, in real time; `simulated`: the gossip runtime in virtual time. */
  engine: z.enum(["live", "simulated"]),
  /** The simulated cluster (a live plan runs on whatever is connected). */
  cluster: z.strictObject({ replicas: z.int().min(2).max(1024), crdtType: CrdtTypeNameSchema }).optional(),
  fixed: FixedSettingsSchema.default({}),
  sweep: SweepSchema,
  warmupMs: z.int().min(0).max(600_000),
  measure: StopRuleSchema,
  repetitions: z.int().min(1).max(20).default(1),
  /** Seed of the first repetition (simulated runs are deterministic per seed). */
  seed: z.int().min(0).max(2 ** 31 - 1).default(1),
});
/** An experiment plan as written. */
export type ExperimentPlanInput = z.input<typeof ExperimentPlanSchema>;
/** An experiment plan, defaults filled in. */
export type ExperimentPlan = z.output<typeof ExperimentPlanSchema>;

/** One point of a plan: its swept values (the rest comes from `fixed` and the cluster config) and its seed. */
export interface PlanPoint {
  index: number;
  values: Partial<Record<SweptSetting, number | string>>;
  repetition: number;
  seed: number;
}

/** The values of a log range, rounded to 3 significant digits (integers for intervals). */
export function logRange(r: { from: number; to: number; points: number }, integer = false): number[] {
  const step = Math.log(r.to / r.from) / (r.points - 1);
  return Array.from({ length: r.points }, (_, i) => {
    const v = r.from * Math.exp(step * i);
    return integer ? Math.round(v) : Number(v.toPrecision(3));
  });
}

/** Each swept setting's values, in the order the plan lists them. */
export function sweptValues(sweep: Sweep): Array<[SweptSetting, Array<number | string>]> {
  const out: Array<[SweptSetting, Array<number | string>]> = [];
  for (const key of SWEPT_SETTINGS) {
    const v = sweep[key];
    if (v === undefined) continue;
    out.push([key, Array.isArray(v) ? [...new Set<number | string>(v)] : logRange(v, key === "intervalMs")]);
  }
  return out;
}

/** Every point of a plan: the cartesian product of the swept values, times the repetitions. */
export function planPoints(plan: ExperimentPlan): PlanPoint[] {
  let combos: Array<PlanPoint["values"]> = [{}];
  for (const [key, values] of sweptValues(plan.sweep)) combos = combos.flatMap((c) => values.map((v) => ({ ...c, [key]: v })));
  const points: PlanPoint[] = [];
  for (const values of combos) {
    for (let r = 0; r < plan.repetitions; r++) points.push({ index: points.length, values, repetition: r, seed: plan.seed + r });
  }
  return points;
}

/** How long one point takes at most (warm-up + its measurement's duration or cap), ms. */
export function pointDurationMs(plan: ExperimentPlan): number {
  return plan.warmupMs + ("durationMs" in plan.measure ? plan.measure.durationMs : plan.measure.capMs);
}

/**
 * Parses a plan and checks what needs all of it: something must vary, at most
 * MAX_PLAN_POINTS points, a simulated plan names its cluster, and a point that stops at K
 * converged updates must be able to see them before its cap at the update rate it runs.
 * The error names the field and the reason.
 */
export function parsePlan(input: unknown): ParseResult<ExperimentPlan> {
  const parsed = parseMessage(ExperimentPlanSchema, input, { what: "experiment plan" });
  if (!parsed.ok) return parsed;
  const plan = parsed.value;
  const refuse = (path: string, reason: string): ParseResult<never> => ({ ok: false, error: protocolError("VALIDATION", `invalid experiment plan: ${path}: ${reason}`, { issues: [{ path, reason }] }) });
  const swept = sweptValues(plan.sweep);
  if (swept.length === 0) return refuse("sweep", `nothing varies: list values for at least one of ${SWEPT_SETTINGS.join(", ")}`);
  for (const [key] of swept) {
    if (plan.fixed[key] !== undefined) return refuse(`fixed.${key}`, `${key} is swept; it cannot also be fixed`);
  }
  const count = swept.reduce((n, [, v]) => n * v.length, 1) * plan.repetitions;
  if (count > MAX_PLAN_POINTS) return refuse("sweep", `${count} points (values × repetitions); at most ${MAX_PLAN_POINTS}`);
  if (plan.engine === "simulated" && plan.cluster === undefined) return refuse("cluster", "a simulated plan says how many replicas of which CRDT type to simulate");
  if ("minConverged" in plan.measure) {
    const replicas = plan.cluster?.replicas ?? 2;
    const rates = (swept.find(([k]) => k === "updatesPerSecPerReplica")?.[1] as number[] | undefined) ?? [plan.fixed.updatesPerSecPerReplica ?? 1];
    const slowest = Math.min(...rates);
    if (slowest <= 0) return refuse("fixed.updatesPerSecPerReplica", "a point that waits for converged updates needs updates");
    const neededMs = (plan.measure.minConverged / (slowest * replicas)) * 1000;
    if (neededMs > plan.measure.capMs) {
      return refuse(
        "measure.capMs",
        `at ${slowest} updates/s per replica × ${replicas} replicas, ${plan.measure.minConverged} converged updates take about ${Math.round(neededMs / 1000)} s, longer than the cap (${plan.measure.capMs / 1000} s)`,
      );
    }
  }
  return parsed;
}
