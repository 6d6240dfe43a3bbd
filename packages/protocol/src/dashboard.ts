import { z } from "zod";
import { CrdtTypeLabelSchema, RunningGossipSchema } from "./agent.js";
import { TunerStateSchema } from "./tuner.js";
import { ClusterConfigSchema, ConfigPatchSchema, GossipModeSchema } from "./config.js";
import { ErrorMessageSchema } from "./errors.js";
import { AgentIdSchema, ReplicaIdSchema, RequestIdSchema, RunIdSchema } from "./ids.js";
import { LIMITS } from "./limits.js";
import { ReplicaHistorySchema, replicaHistoryIssues } from "./replicaHistory.js";
import {
  CountSchema,
  DurationMsSchema,
  LongTextSchema,
  RateSchema,
  SeqSchema,
  ShareSchema,
  ShortTextSchema,
  TimeMsSchema,
  TokenSchema,
} from "./scalars.js";

// ── shared pieces ────────────────────────────────────────────────────────────

/** Replica status names; a frame's `status` column holds the index (0 live, 1 unreachable, 2 crashed). */
export const REPLICA_STATUSES = ["live", "unreachable", "crashed"] as const;
/** A replica status name. */
export const ReplicaStatusSchema = z.enum(REPLICA_STATUSES);
/** A replica status name. */
export type ReplicaStatus = z.infer<typeof ReplicaStatusSchema>;
/** Status codes used in frame columns. */
export const REPLICA_STATUS_CODE = { live: 0, unreachable: 1, crashed: 2 } as const satisfies Record<ReplicaStatus, number>;

/** A recorded run (experiment). */
export const RunInfoSchema = z.strictObject({
  id: RunIdSchema,
  name: ShortTextSchema,
  startedAtMs: TimeMsSchema,
  endedAtMs: TimeMsSchema.nullable(),
});
/** A recorded run (experiment). */
export type RunInfo = z.infer<typeof RunInfoSchema>;

/** A replica as the dashboard lists it. */
export const ReplicaInfoSchema = z.strictObject({
  id: ReplicaIdSchema,
  agentId: AgentIdSchema,
  node: ShortTextSchema,
  crdtType: CrdtTypeLabelSchema,
  status: ReplicaStatusSchema,
  /** Config version the replica acknowledged (0: none). */
  configVersion: z.int().min(0),
  /** Incarnation (restarts without state); absent: 0. */
  incarnation: z.int().min(0).optional(),
  /** Set when this incarnation re-issued update ids its earlier one had issued (dot reuse, a fault of the observed system). */
  dotReuse: z.strictObject({ fromSeq: z.int().min(1), toSeq: z.int().min(1), holders: CountSchema }).optional(),
  /** Config sections its node applies (absent: none; an acknowledgement covers only these). */
  applies: z.array(z.enum(["gossip", "workload", "network"])).max(3).optional(),
  /** The gossip settings its node runs on its own, when it reports them. */
  gossip: RunningGossipSchema.optional(),
});
/** A replica as the dashboard lists it. */
export type ReplicaInfo = z.infer<typeof ReplicaInfoSchema>;

/** Cluster-wide figures (DESIGN §3); convergence percentiles are over the sliding window, null without samples. */
export const KpisSchema = z.strictObject({
  live: CountSchema,
  unreachable: CountSchema,
  crashed: CountSchema,
  /** Replicas known (live + unreachable + crashed). */
  total: CountSchema,
  /** Share of live replicas that have seen every issued update. */
  convergedShare: ShareSchema,
  /** Distinct (version vector, hash) states among live replicas. */
  distinctStates: CountSchema,
  missingUpdatesTotal: CountSchema,
  maxStalenessMs: DurationMsSchema,
  /** Mean missing updates per live replica (0 without live replicas). */
  meanMissingUpdates: RateSchema,
  /** Updates issued and not yet at every live replica (DESIGN §3). */
  inFlight: CountSchema,
  /** Age of the oldest update in flight (0: none). */
  oldestInFlightMs: DurationMsSchema,
  /** Updates lost since the run started: every holder left or came back empty. */
  lostUpdates: CountSchema,
  convergenceP50Ms: DurationMsSchema.nullable(),
  convergenceP95Ms: DurationMsSchema.nullable(),
  convergenceP99Ms: DurationMsSchema.nullable(),
  convergenceMaxMs: DurationMsSchema.nullable(),
  /** Samples in the window behind the percentiles. */
  convergenceSamples: CountSchema,
  /**
   * Percentiles that are lower bounds ("≥"): censored by updates still in flight, which
   * count as their age (DESIGN §3). The true value is at least the one shown.
   */
  convergenceAtLeast: z.strictObject({ p50: z.boolean(), p95: z.boolean(), p99: z.boolean(), max: z.boolean() }),
  updatesPerSec: RateSchema,
  messagesPerSec: RateSchema,
  bytesPerSec: RateSchema,
  /** Dot inclusions at non-origin replicas per second (updates delivered). */
  deliveriesPerSec: RateSchema,
  /** Sync bytes per update delivered (null when nothing was delivered). */
  bytesPerUpdate: RateSchema.nullable(),
  /** Current config version. */
  configVersion: z.int().min(0),
  /** Live replicas that acknowledged the current config version. */
  ackedReplicas: CountSchema,
});
/** Cluster-wide figures. */
export type Kpis = z.infer<typeof KpisSchema>;

/** The theoretical convergence overlay for the current config (DESIGN §3). */
export const TheorySchema = z.strictObject({
  n: CountSchema,
  intervalMs: RateSchema,
  fanout: CountSchema,
  mode: GossipModeSchema,
  lossRate: ShareSchema,
  expectedRounds: RateSchema,
  expectedMs: RateSchema,
  /** Push-only lower bound ⌈log_(1+f) N⌉; null for pull and push-pull. */
  lowerBoundRounds: RateSchema.nullable(),
  lowerBoundMs: RateSchema.nullable(),
  /**
   * "Expected": the asynchronous model (independent timer phases, the origin's first wait,
   * latency, loss; DESIGN §3): mean, median and p95 time until every live replica holds an
   * update. Absent when the model has no finite answer. `expectedMs` above is E·T of
   * synchronous rounds, a bound-like reference.
   */
  asyncExpectedMs: RateSchema.optional(),
  asyncP50Ms: RateSchema.optional(),
  asyncP95Ms: RateSchema.optional(),
});
/** The theoretical convergence overlay. */
export type Theory = z.infer<typeof TheorySchema>;

/** One convergence measurement `[origin, seq, issuedAtMs, convergenceMs]` of a traced dot. */
export const ConvergenceSampleSchema = z.tuple([ReplicaIdSchema, z.int().min(1), TimeMsSchema, DurationMsSchema]);
/** One convergence measurement. */
export type ConvergenceSample = z.infer<typeof ConvergenceSampleSchema>;

/** A recent gossip exchange `[fromIndex, toIndex]` (indexes into the frame's replica order). */
export const ExchangeSchema = z.tuple([z.int().min(0), z.int().min(0)]);
/** A recent gossip exchange. */
export type Exchange = z.infer<typeof ExchangeSchema>;

/** Kinds of timeline entries. */
export const TIMELINE_KINDS = ["config", "fault", "agent", "run"] as const;

/** An entry on the run's timeline: config change, fault, agent joining/leaving, run start/stop. */
export const TimelineEventSchema = z.strictObject({
  timeMs: TimeMsSchema,
  kind: z.enum(TIMELINE_KINDS),
  summary: ShortTextSchema,
  /** Config version this entry produced (kind "config"). */
  version: z.int().min(0).optional(),
  /** The patch that was applied (kind "config"). */
  patch: ConfigPatchSchema.optional(),
  replicas: z.array(ReplicaIdSchema).max(LIMITS.replicasPerCluster).optional(),
  detail: LongTextSchema.optional(),
});
/** An entry on the run's timeline. */
export type TimelineEvent = z.infer<typeof TimelineEventSchema>;

const column = <T extends z.ZodType>(item: T) => z.array(item).max(LIMITS.replicasPerCluster);

/** Per-replica figures as parallel arrays, all in the frame's replica order. */
export const FrameColumnsSchema = z.strictObject({
  missingUpdates: column(CountSchema),
  stalenessMs: column(DurationMsSchema),
  /** `REPLICA_STATUS_CODE`: 0 live, 1 unreachable, 2 crashed. */
  status: column(z.int().min(0).max(2)),
  updatesPerSec: column(RateSchema),
  messagesPerSec: column(RateSchema),
  bytesPerSec: column(RateSchema),
  /** Acknowledged config version (0: none). */
  configVersion: column(z.int().min(0)),
  /** Replicas with equal (version vector, hash) share a group; groups are numbered by size, 0 = largest. */
  stateGroup: column(z.int().min(0)),
});
/** Per-replica figures as parallel arrays. */
export type FrameColumns = z.infer<typeof FrameColumnsSchema>;

/** Names of the per-replica columns of a frame. */
export const FRAME_COLUMNS = Object.keys(FrameColumnsSchema.shape) as ReadonlyArray<keyof FrameColumns>;

/** Sampling in force: how dots are traced and how much agents dropped (the UI says so). */
export const SamplingSchema = z.strictObject({
  traceEveryK: z.int().min(1),
  /** Telemetry events agents reported dropping within the window. */
  droppedEvents: CountSchema,
  /** Overload: what the collector shed in the last 10 s (absent from older collectors; docs/metrics.md). */
  ingest: z
    .strictObject({
      /** Reports were coalesced or agents slowed down in the last 10 s. */
      shedding: z.boolean(),
      /** Reports merged into a later one of the same agent (their vv changes kept, their times up to a bound). */
      coalescedReports: CountSchema,
      /** Issue and inclusion times dropped because merged reports held more than one may. */
      droppedTimes: CountSchema,
      /** Factor by which agents are asked to stretch their report interval (1: as they asked). */
      slowdown: z.number().min(1),
      /** Times further apart than asked socket agents' reports came while the collector's acknowledgements paced them (1: not paced; absent from older collectors). */
      paced: z.number().min(1).optional(),
    })
    .optional(),
});
/** Sampling in force. */
export type Sampling = z.infer<typeof SamplingSchema>;

/** Most points of a visibility curve (ages step by 2^(1/8) from 1 ms: 128 points reach 65 s). */
export const VISIBILITY_POINTS = 256;

/**
 * The live visibility curve (Bailis et al.'s t-visibility; docs/metrics.md): "if I read at a
 * random live replica t ms after a write, how likely do I see it?". Averaged over the traced
 * updates issued in the last `windowMs` (since the last gossip or workload change); an update
 * counts at age a only once it is a + `lagMs` old, so young updates never pull the curve down.
 *
 * @example
 * { windowMs: 60000, lagMs: 1000, updates: 40, points: [[1, 0.2, 40], [128, 0.6, 40], [512, 1, 38]],
 *   t50Ms: 128, t90Ms: 512, t99Ms: 512, model: { points: [[1, 0.2], [128, 0.55], [512, 0.9999]], t50Ms: 110, t90Ms: 330, t99Ms: 480 } }
 */
export const VisibilitySchema = z.strictObject({
  windowMs: DurationMsSchema,
  /** How long after an age its inclusions are taken as all reported. */
  lagMs: DurationMsSchema,
  /** Updates averaged at the youngest age. */
  updates: CountSchema,
  /** `[ageMs, share, updates]`, ages ascending: mean share of live replicas holding an update that old, over `updates` updates. */
  points: z.array(z.tuple([RateSchema, ShareSchema, CountSchema])).max(VISIBILITY_POINTS),
  /** First age at which 50, 90, 99 % of live replicas hold an update, on average (null: not reached). */
  t50Ms: RateSchema.nullable(),
  t90Ms: RateSchema.nullable(),
  t99Ms: RateSchema.nullable(),
  /** The asynchronous model's curve for the config in force, `[ageMs, share]`, and its ages; null without a finite model. */
  model: z
    .strictObject({
      points: z.array(z.tuple([RateSchema, ShareSchema])).max(VISIBILITY_POINTS),
      t50Ms: RateSchema,
      t90Ms: RateSchema,
      t99Ms: RateSchema,
    })
    .nullable(),
});
/** The live visibility curve. */
export type Visibility = z.infer<typeof VisibilitySchema>;

// ── collector → dashboard ────────────────────────────────────────────────────

/**
 * The 10 Hz update. `replicaIds` is present only when the membership changed
 * since the previous frame; otherwise the columns follow the order last sent for
 * `membershipVersion` (an unknown version means: send `request-snapshot`).
 */
export const FrameSchema = z
  .strictObject({
    type: z.literal("frame"),
    seq: SeqSchema,
    timeMs: TimeMsSchema,
    membershipVersion: z.int().min(0),
    replicaIds: z.array(ReplicaIdSchema).max(LIMITS.replicasPerCluster).optional(),
    columns: FrameColumnsSchema,
    kpis: KpisSchema,
    /** Convergence samples completed since the previous frame. */
    samples: z.array(ConvergenceSampleSchema).max(LIMITS.samplesPerFrame),
    exchanges: z.array(ExchangeSchema).max(LIMITS.exchangesPerFrame),
    theory: TheorySchema.nullable(),
    sampling: SamplingSchema,
    /** Timeline entries since the previous frame. */
    events: z.array(TimelineEventSchema).max(LIMITS.eventsPerFrame),
    /** The auto-tuner's state while it is on or paused (absent otherwise). */
    tuner: TunerStateSchema.optional(),
    /** The live visibility curve, about once a second (absent in the frames between). */
    visibility: VisibilitySchema.optional(),
  })
  .superRefine((frame, ctx) => {
    const n = frame.columns.missingUpdates.length;
    for (const name of FRAME_COLUMNS) {
      const length = frame.columns[name].length;
      if (length !== n) ctx.addIssue({ code: "custom", path: ["columns", name], message: `has ${length} entries, missingUpdates has ${n}` });
    }
    if (frame.replicaIds !== undefined && frame.replicaIds.length !== n) {
      ctx.addIssue({ code: "custom", path: ["replicaIds"], message: `has ${frame.replicaIds.length} ids for ${n} column entries` });
    }
    frame.exchanges.forEach(([from, to], i) => {
      if (from >= n || to >= n) ctx.addIssue({ code: "custom", path: ["exchanges", i], message: `index out of range (${n} replicas)` });
    });
  });
/** The 10 Hz update. */
export type Frame = z.infer<typeof FrameSchema>;

/** KPIs at one time (snapshot history). */
export const KpiPointSchema = z.strictObject({ timeMs: TimeMsSchema, kpis: KpisSchema });
/** KPIs at one time. */
export type KpiPoint = z.infer<typeof KpiPointSchema>;

/**
 * Everything a dashboard needs to draw from scratch: sent after `subscribe` and
 * `request-snapshot`; also the body of `GET /api/v1/cluster`. `frames` are recent
 * frames of the current membership, oldest first, in the order of `replicas`.
 */
export const SnapshotSchema = z
  .strictObject({
    type: z.literal("snapshot"),
    timeMs: TimeMsSchema,
    /** Sliding window behind the convergence percentiles. */
    windowMs: DurationMsSchema,
    run: RunInfoSchema.nullable(),
    config: ClusterConfigSchema,
    membershipVersion: z.int().min(0),
    replicas: z.array(ReplicaInfoSchema).max(LIMITS.replicasPerCluster),
    frames: z.array(FrameSchema).max(LIMITS.snapshotFrames),
    history: z.array(KpiPointSchema).max(LIMITS.snapshotHistory),
    samples: z.array(ConvergenceSampleSchema).max(LIMITS.snapshotSamples),
    events: z.array(TimelineEventSchema).max(LIMITS.snapshotEvents),
    /** Per-replica divergence a second at a time before `frames` (absent from older collectors). */
    replicaHistory: ReplicaHistorySchema.optional(),
    /** The live visibility curve now (absent from collectors that do not compute it). */
    visibility: VisibilitySchema.optional(),
  })
  .superRefine((snapshot, ctx) => {
    snapshot.frames.forEach((frame, i) => {
      if (frame.membershipVersion !== snapshot.membershipVersion) {
        ctx.addIssue({ code: "custom", path: ["frames", i, "membershipVersion"], message: "differs from the snapshot's" });
      } else if (frame.columns.missingUpdates.length !== snapshot.replicas.length) {
        ctx.addIssue({ code: "custom", path: ["frames", i, "columns"], message: `not one entry per replica (${snapshot.replicas.length})` });
      }
    });
    for (const issue of replicaHistoryIssues(snapshot.replicaHistory ?? [], snapshot.replicas.length)) ctx.addIssue({ code: "custom", ...issue });
  });
/** Everything a dashboard needs to draw from scratch. */
export type Snapshot = z.infer<typeof SnapshotSchema>;

/** Answer to `config-change` or `run-control`, matched by `requestId`. */
export const ControlResultSchema = z
  .strictObject({
    type: z.literal("control-result"),
    requestId: RequestIdSchema,
    ok: z.boolean(),
    /** The config now in force (after a config change, also when refused). */
    config: ClusterConfigSchema.optional(),
    /** The run now recording, or null (after run-control). */
    run: RunInfoSchema.nullable().optional(),
    error: ErrorMessageSchema.optional(),
  })
  .superRefine((result, ctx) => {
    if (!result.ok && result.error === undefined) ctx.addIssue({ code: "custom", path: ["error"], message: "required when ok is false" });
  });
/** Answer to `config-change` or `run-control`. */
export type ControlResult = z.infer<typeof ControlResultSchema>;

/** Every message the collector sends to a dashboard, discriminated on `type`. */
export const CollectorToDashboardSchema = z.discriminatedUnion("type", [
  SnapshotSchema,
  FrameSchema,
  ControlResultSchema,
  ErrorMessageSchema,
]);
/** Every message the collector sends to a dashboard. */
export type CollectorToDashboard = z.infer<typeof CollectorToDashboardSchema>;

// ── dashboard → collector ────────────────────────────────────────────────────

/** Starts the stream: the collector answers with a snapshot, then frames. */
export const SubscribeSchema = z.strictObject({
  type: z.literal("subscribe"),
  token: TokenSchema.optional(),
  /** Sliding window for convergence percentiles (default chosen by the collector). */
  windowMs: z.int().min(1000).max(3_600_000).optional(),
});
/** Starts the stream. */
export type Subscribe = z.infer<typeof SubscribeSchema>;

/** Asks for a fresh snapshot (e.g. after a frame with an unknown membership version). */
export const RequestSnapshotSchema = z.strictObject({ type: z.literal("request-snapshot") });
/** Asks for a fresh snapshot. */
export type RequestSnapshot = z.infer<typeof RequestSnapshotSchema>;

/** The socket twin of `PUT /api/v1/config`: change the cluster config (operator token when tokens are set). */
export const ConfigChangeSchema = z.strictObject({
  type: z.literal("config-change"),
  requestId: RequestIdSchema,
  patch: ConfigPatchSchema,
  token: TokenSchema.optional(),
});
/** Change the cluster config. */
export type ConfigChange = z.infer<typeof ConfigChangeSchema>;

/** Starts a new recorded run (ending the current one) or stops recording. */
export const RunControlSchema = z.strictObject({
  type: z.literal("run-control"),
  requestId: RequestIdSchema,
  action: z.enum(["start", "stop"]),
  name: ShortTextSchema.optional(),
  /**
   * With `start`: the config change to start the run with, applied between the old run's end
   * and the new run's start, so it belongs to the new run only (one action, no leak).
   */
  config: ConfigPatchSchema.optional(),
  token: TokenSchema.optional(),
});
/** Starts or stops a recorded run. */
export type RunControl = z.infer<typeof RunControlSchema>;

/** Every message a dashboard sends to the collector, discriminated on `type`. */
export const DashboardToCollectorSchema = z.discriminatedUnion("type", [
  SubscribeSchema,
  RequestSnapshotSchema,
  ConfigChangeSchema,
  RunControlSchema,
]);
/** Every message a dashboard sends to the collector. */
export type DashboardToCollector = z.infer<typeof DashboardToCollectorSchema>;
