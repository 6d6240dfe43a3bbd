// The auto-tuner's wire face (DESIGN §4, docs/tuner.md): what a person asks of it, and the
// state it reports next to the gossip controls and in every frame.
import { z } from "zod";
import { TimeMsSchema } from "./scalars.js";

const range = (min: number, max: number, integer: boolean) =>
  z
    .strictObject({ min: (integer ? z.int() : z.number()).min(min).max(max), max: (integer ? z.int() : z.number()).min(min).max(max) })
    .refine((r) => r.min <= r.max, { message: "min must not exceed max", path: ["max"] });

/** The target the tuner holds: p95 under X ms or under k update periods, an optional byte ceiling, and the ranges it may use. */
export const TunerTargetSchema = z
  .strictObject({
    p95Ms: z.number().positive().optional(),
    p95UpdatePeriods: z.number().positive().optional(),
    maxBytesPerSecPerReplica: z.number().positive().optional(),
    intervalMs: range(10, 60_000, true).default({ min: 10, max: 10_000 }),
    fanout: range(1, 64, true).default({ min: 1, max: 8 }),
  })
  .refine((t) => (t.p95Ms === undefined) !== (t.p95UpdatePeriods === undefined), { message: "state exactly one of p95Ms and p95UpdatePeriods", path: ["p95Ms"] });
/** The tuner's target, as written. */
export type TunerTargetInput = z.input<typeof TunerTargetSchema>;
/** The tuner's target, defaults filled in. */
export type TunerTargetSettings = z.output<typeof TunerTargetSchema>;

/** Body of `PUT /api/v1/tuner`: switch it on with a target (or resume it, or change the target), or off. */
export const TunerRequestSchema = z.strictObject({ enabled: z.boolean(), target: TunerTargetSchema.optional() });
/** Body of `PUT /api/v1/tuner`. */
export type TunerRequest = z.infer<typeof TunerRequestSchema>;

/** What the tuner is doing. */
export const TunerStateSchema = z.strictObject({
  enabled: z.boolean(),
  /** Why it is paused (a person changed the gossip settings), or null. */
  paused: z.string().max(512).nullable(),
  /** `off`, `paused`, or the controller's last state. */
  state: z.enum(["off", "paused", "holding", "adjusting", "cannot-meet"]),
  /** With `cannot-meet`: why. */
  why: z.enum(["partition", "budget", "range"]).nullable(),
  reason: z.string().max(1024),
  target: TunerTargetSchema.nullable(),
  /** When it last changed the config, and to what version. */
  lastChange: z.strictObject({ timeMs: TimeMsSchema, version: z.int().min(0), reason: z.string().max(1024) }).nullable(),
});
/** What the tuner is doing. */
export type TunerState = z.infer<typeof TunerStateSchema>;
