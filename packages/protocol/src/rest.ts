// Bodies of the collector's REST answers that are not messages of their own (docs/api.md):
// the answer to a config change, one replica's figures, recorded runs, their details and
// JSON exports, experiments and recommendations. `GET /api/v1/openapi.json` is generated from these and the message schemas.
import { z } from "zod";
import { CrdtTypeLabelSchema, VvEntrySchema } from "./agent.js";
import { ClusterConfigSchema, ConfigPatchSchema } from "./config.js";
import { ExperimentPlanSchema } from "./experiments.js";
import { ConvergenceSampleSchema, FrameColumnsSchema, KpisSchema, ReplicaInfoSchema, RunInfoSchema, TheorySchema, TimelineEventSchema } from "./dashboard.js";
import { AgentIdSchema, ReplicaIdSchema } from "./ids.js";
import { LIMITS } from "./limits.js";
import { PointResultSchema } from "./recommend.js";
import { CountSchema, DurationMsSchema, RateSchema, SeqSchema, ShortTextSchema, TimeMsSchema } from "./scalars.js";

/** Answer to `PUT /api/v1/config`: the config now in force and the fields the patch changed. */
export const ConfigChangeAnswerSchema = z.strictObject({
  config: ClusterConfigSchema,
  /** Dotted paths of the values that changed, e.g. `["gossip.fanout"]` (empty: the version moved, nothing else). */
  changed: z.array(ShortTextSchema),
});
/** Answer to `PUT /api/v1/config`. */
export type ConfigChangeAnswer = z.infer<typeof ConfigChangeAnswerSchema>;

/** Cumulative sync counters a replica reported since it started. */
export const SyncTotalsSchema = z.strictObject({
  sentMessages: CountSchema,
  sentBytes: CountSchema,
  receivedMessages: CountSchema,
  receivedBytes: CountSchema,
  merges: CountSchema,
  changedMerges: CountSchema,
});
/** Cumulative sync counters of one replica. */
export type SyncTotals = z.infer<typeof SyncTotalsSchema>;

/** Answer to `GET /api/v1/replicas/:id`: one replica's figures, digest and version vector. */
export const ReplicaDetailAnswerSchema = z.strictObject({
  id: ReplicaIdSchema,
  agentId: AgentIdSchema,
  node: ShortTextSchema,
  crdtType: CrdtTypeLabelSchema,
  /** `REPLICA_STATUS_CODE`: 0 live, 1 unreachable, 2 crashed. */
  status: z.int().min(0).max(2),
  incarnation: z.int().min(0),
  dotReuse: ReplicaInfoSchema.shape.dotReuse,
  missingUpdates: CountSchema,
  stalenessMs: DurationMsSchema,
  /** Highest seq the replica issued. */
  seq: SeqSchema,
  /** State hash of its last digest (empty before the first one). */
  hash: z.string().max(LIMITS.idLength),
  bytes: CountSchema,
  summary: ShortTextSchema,
  /** Config version it acknowledged; null: none yet. */
  configVersion: z.int().min(0).nullable(),
  updatesPerSec: RateSchema,
  messagesPerSec: RateSchema,
  bytesPerSec: RateSchema,
  sync: SyncTotalsSchema,
  /** Collector time of its last report; null: none yet. */
  lastReportMs: TimeMsSchema.nullable(),
  versionVector: z.array(VvEntrySchema),
});
/** Answer to `GET /api/v1/replicas/:id`. */
export type ReplicaDetailAnswer = z.infer<typeof ReplicaDetailAnswerSchema>;

/** How a run's recording ended: still recording, closed cleanly, or cut short by a crash. */
export const RUN_STATUSES = ["running", "closed", "interrupted"] as const;
/** One of `RUN_STATUSES`. */
export const RunStatusSchema = z.enum(RUN_STATUSES);
/** One of `RUN_STATUSES`. */
export type RunStatus = z.infer<typeof RunStatusSchema>;

/** A recorded run as stored: the dashboard's `RunInfo` plus how it ended and who recorded it. */
export const RecordedRunSchema = RunInfoSchema.extend({
  status: RunStatusSchema,
  collectorVersion: ShortTextSchema,
  protocol: z.int().min(0),
});
/** A recorded run as stored. */
export type RecordedRun = z.infer<typeof RecordedRunSchema>;

const runCounts = { frames: CountSchema, samples: CountSchema, events: CountSchema, configs: CountSchema };

/** One entry of `GET /api/v1/runs`: a run, whether it is the one recording, and its row counts. */
export const RunListEntrySchema = RecordedRunSchema.extend({ current: z.boolean(), ...runCounts });
/** One entry of `GET /api/v1/runs`. */
export type RunListEntry = z.infer<typeof RunListEntrySchema>;

/** Answer to `GET /api/v1/runs`, newest run first. */
export const RunListAnswerSchema = z.strictObject({ runs: z.array(RunListEntrySchema) });
/** Answer to `GET /api/v1/runs`. */
export type RunListAnswer = z.infer<typeof RunListAnswerSchema>;

/** Names of the convergence percentiles, in the bit order of a recorded `convergenceAtLeast`. */
export const PERCENTILE_NAMES = ["p50", "p95", "p99", "max"] as const;

/**
 * Convergence percentiles of a whole run (ms; null without samples), censored by the traced
 * updates still in flight (DESIGN §3): `atLeast` says which figures are lower bounds.
 */
export const RunConvergenceSchema = z.strictObject({
  count: CountSchema,
  p50: DurationMsSchema.nullable(),
  p95: DurationMsSchema.nullable(),
  p99: DurationMsSchema.nullable(),
  max: DurationMsSchema.nullable(),
  /** Traced updates in flight that count as their age. */
  censored: CountSchema,
  atLeast: z.strictObject({ p50: z.boolean(), p95: z.boolean(), p99: z.boolean(), max: z.boolean() }),
});
/** Convergence percentiles of a whole run. */
export type RunConvergence = z.infer<typeof RunConvergenceSchema>;

/** One config version of a run and the patch that produced it (null: the run's first config). */
export const RecordedConfigSchema = z.strictObject({
  version: z.int().min(0),
  timeMs: TimeMsSchema,
  config: ClusterConfigSchema,
  patch: ConfigPatchSchema.nullable(),
});
/** One config version of a run. */
export type RecordedConfig = z.infer<typeof RecordedConfigSchema>;

const recordedKpis = KpisSchema.omit({ convergenceAtLeast: true }).extend({ timeMs: TimeMsSchema });

/** The cluster's figures at one recorded frame (1 Hz); `convergenceAtLeast` is a bit set: 1 p50, 2 p95, 4 p99, 8 max. */
export const RecordedKpisSchema = recordedKpis.extend({ convergenceAtLeast: z.int().min(0).max(15) });
/** The cluster's figures at one recorded frame. */
export type RecordedKpis = z.infer<typeof RecordedKpisSchema>;

/**
 * The part of a run one config version was in force: its convergence figures count only
 * updates issued then, so a run's figures never mix configs without saying so.
 */
export const ConfigSegmentSchema = z.strictObject({
  version: z.int().min(0),
  fromMs: TimeMsSchema,
  /** Null while it is still in force. */
  toMs: TimeMsSchema.nullable(),
  convergence: RunConvergenceSchema,
});
/** One config version's part of a run. */
export type ConfigSegment = z.infer<typeof ConfigSegmentSchema>;

/** Answer to `GET /api/v1/runs/:id`: the run, its configs, timeline and (decimated) figures. */
export const RunDetailAnswerSchema = z.strictObject({
  run: RecordedRunSchema.extend({ current: z.boolean() }),
  counts: z.strictObject(runCounts).nullable(),
  /** `exact`: computed from every sample (a finished run); otherwise from the live histogram (≤ 1 % error). */
  convergence: RunConvergenceSchema.extend({ exact: z.boolean() }),
  configs: z.array(RecordedConfigSchema),
  /** Convergence per config version (exact, from the recorded samples). */
  segments: z.array(ConfigSegmentSchema),
  events: z.array(TimelineEventSchema),
  kpis: z.array(RecordedKpisSchema),
  /** Every n-th recorded frame is listed (the export has them all). */
  kpisDecimation: z.int().min(1),
});
/** Answer to `GET /api/v1/runs/:id`. */
export type RunDetailAnswer = z.infer<typeof RunDetailAnswerSchema>;

/** One frame of a JSON export: the figures, the per-replica columns and the theory line of the config then in force. */
export const ExportFrameSchema = recordedKpis.extend({
  /** The percentiles that are lower bounds. */
  convergenceLowerBounds: z.array(z.enum(PERCENTILE_NAMES)),
  replicaIds: z.array(ReplicaIdSchema).max(LIMITS.replicasPerCluster),
  columns: FrameColumnsSchema,
  theory: TheorySchema.nullable(),
});
/** One frame of a JSON export. */
export type ExportFrame = z.infer<typeof ExportFrameSchema>;

/** Body of `GET /api/v1/runs/:id/export?format=json`: everything recorded, every frame and sample. */
export const RunExportSchema = z.strictObject({
  run: RecordedRunSchema,
  convergence: RunConvergenceSchema,
  configs: z.array(RecordedConfigSchema),
  segments: z.array(ConfigSegmentSchema),
  events: z.array(TimelineEventSchema),
  frames: z.array(ExportFrameSchema),
  samples: z.array(ConvergenceSampleSchema),
});
/** Body of a run's JSON export. */
export type RunExport = z.infer<typeof RunExportSchema>;

/** Where an experiment stands: running, finished, cancelled (finished points kept), failed, or cut short by a restart. */
export const EXPERIMENT_STATUSES = ["running", "done", "cancelled", "failed", "interrupted"] as const;
/** One of `EXPERIMENT_STATUSES`. */
export const ExperimentStatusSchema = z.enum(EXPERIMENT_STATUSES);
/** One of `EXPERIMENT_STATUSES`. */
export type ExperimentStatus = z.infer<typeof ExperimentStatusSchema>;

const experimentFields = {
  id: z.string().regex(/^exp-\d+$/),
  status: ExperimentStatusSchema,
  createdAtMs: TimeMsSchema,
  endedAtMs: TimeMsSchema.nullable(),
  /** Points of the plan, repetitions included. */
  totalPoints: CountSchema,
  /** Estimated time to the end; null before the first point finished, or once ended. */
  etaMs: DurationMsSchema.nullable(),
  /** Why it failed; null otherwise. */
  error: z.string().nullable(),
};

/** An experiment: its plan (defaults filled in), where it stands and the figures of every finished point. */
export const ExperimentSchema = z.strictObject({ ...experimentFields, plan: ExperimentPlanSchema, results: z.array(PointResultSchema) });
/** An experiment. */
export type Experiment = z.infer<typeof ExperimentSchema>;

/** An experiment as listed, without its plan and results. */
export const ExperimentSummarySchema = z.strictObject({
  ...experimentFields,
  name: ExperimentPlanSchema.shape.name,
  engine: ExperimentPlanSchema.shape.engine,
  donePoints: CountSchema,
});
/** An experiment as listed. */
export type ExperimentSummary = z.infer<typeof ExperimentSummarySchema>;

/** Answer to `GET /api/v1/experiments`. */
export const ExperimentListAnswerSchema = z.strictObject({ experiments: z.array(ExperimentSummarySchema) });
/** Answer to `GET /api/v1/experiments`. */
export type ExperimentListAnswer = z.infer<typeof ExperimentListAnswerSchema>;

/** Body of `POST /api/v1/experiments/:id/apply`: which measured point's gossip settings the live cluster should run. */
export const ExperimentApplyRequestSchema = z.object({ point: z.int().min(0) });
/** Body of `POST /api/v1/experiments/:id/apply`. */
export type ExperimentApplyRequest = z.infer<typeof ExperimentApplyRequestSchema>;

/** Answer to `GET /api/v1/experiments/:id/recommendation`: the cheapest point meeting the target, or the closest one and why none does. */
export const RecommendationSchema = z.union([
  z.strictObject({ met: z.literal(true), point: PointResultSchema, reason: z.string() }),
  z.strictObject({ met: z.literal(false), closest: PointResultSchema.nullable(), reason: z.string() }),
]);
