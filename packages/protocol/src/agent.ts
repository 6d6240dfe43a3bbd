import { z } from "zod";
import { ClusterConfigSchema } from "./config.js";
import { ErrorCodeSchema, ErrorMessageSchema, parseMessage, protocolError, type ParseResult } from "./errors.js";
import { AgentIdSchema, ReplicaIdSchema, RunIdSchema } from "./ids.js";
import { LIMITS, PROTOCOL_VERSION } from "./limits.js";
import { CountSchema, DurationMsSchema, SeqSchema, ShortTextSchema, TimeMsSchema, TokenSchema } from "./scalars.js";

// ── building blocks ──────────────────────────────────────────────────────────

/** One version-vector entry `[origin, seq]`: every dot `(origin, 1..seq)` is included. */
export const VvEntrySchema = z.tuple([ReplicaIdSchema, SeqSchema]);
/** One version-vector entry `[origin, seq]`. */
export type VvEntry = z.infer<typeof VvEntrySchema>;

/** An update event `[seq, timeMs]`: the replica issued its traced dot `seq` at `timeMs`. */
export const IssuedSchema = z.tuple([z.int().min(1), TimeMsSchema]);
/** An update event `[seq, timeMs]`. */
export type Issued = z.infer<typeof IssuedSchema>;

/** An inclusion `[origin, seq, timeMs]`: a merge at `timeMs` newly included traced dot `(origin, seq)`. */
export const IncludedSchema = z.tuple([ReplicaIdSchema, z.int().min(1), TimeMsSchema]);
/** An inclusion `[origin, seq, timeMs]`. */
export type Included = z.infer<typeof IncludedSchema>;

/** A state hash as the replica computes it (compared for equality only). */
export const HashSchema = z
  .string()
  .min(1, "hash must not be empty")
  .max(LIMITS.idLength)
  .regex(/^[A-Za-z0-9+/=_-]+$/, "hash may only contain A-Z a-z 0-9 + / = _ -");

/** A CRDT type label as the node names it (ours are `CRDT_TYPE_NAMES`; foreign nodes may use their own). */
export const CrdtTypeLabelSchema = z
  .string()
  .regex(/^[A-Za-z0-9_.:-]{1,64}$/, "crdt type must be 1–64 chars of A-Z a-z 0-9 _ . : -");

/** Kinds of gossip payload counted in sync telemetry. */
export const SYNC_KINDS = ["full", "delta", "digest", "request", "ack"] as const;
/** A kind of gossip payload. */
export const SyncKindSchema = z.enum(SYNC_KINDS);
/** A kind of gossip payload. */
export type SyncKind = z.infer<typeof SyncKindSchema>;

/**
 * The config sections a node applies: `gossip` (the gossip section), `workload` (runs the
 * synthetic workload), `faults` (simulates the network section's faults). `config` is
 * protocol 1's name for `gossip`, still accepted. A node acknowledges a config version for
 * the sections it declared only; the others are not in force at its replicas.
 */
export const CAPABILITIES = ["config", "gossip", "workload", "faults"] as const;
/** A node capability. */
export const CapabilitySchema = z.enum(CAPABILITIES);
/** A node capability. */
export type Capability = z.infer<typeof CapabilitySchema>;

/** Config sections a node can apply (the telemetry section every agent follows). */
export type AppliedSection = "gossip" | "workload" | "network";

/** The config sections a node with these capabilities applies. */
export function sectionsOf(capabilities: readonly string[] | undefined): AppliedSection[] {
  const c = new Set(capabilities ?? []);
  const out: AppliedSection[] = [];
  if (c.has("gossip") || c.has("config")) out.push("gossip");
  if (c.has("workload")) out.push("workload");
  if (c.has("faults")) out.push("network");
  return out;
}

/**
 * The gossip settings a node runs on its own (it does not take them from the collector):
 * reported in hello, and in a new hello whenever they change, so that the theory line and
 * the dashboard describe what really runs.
 */
export const RunningGossipSchema = z.strictObject({
  intervalMs: z.number().min(1).max(3_600_000),
  fanout: z.int().min(1).max(1024),
  mode: z.enum(["push", "pull", "push-pull"]),
  payload: z.enum(["full", "delta", "digest"]).optional(),
});
/** The gossip settings a node runs on its own. */
export type RunningGossip = z.infer<typeof RunningGossipSchema>;

// ── agent → collector ────────────────────────────────────────────────────────

/**
 * A replica hosted by the agent. `incarnation` (optional, default: unchanged) goes up when
 * the replica restarts without its state (docs/protocol.md §3.7).
 */
export const HostedReplicaSchema = z.strictObject({
  id: ReplicaIdSchema,
  crdtType: CrdtTypeLabelSchema,
  incarnation: z.int().min(0).max(2 ** 31 - 1).optional(),
});
/** A replica hosted by the agent. */
export type HostedReplica = z.infer<typeof HostedReplicaSchema>;

/** First message on a connection (and again whenever the hosted set changes). */
export const HelloSchema = z.strictObject({
  type: z.literal("hello"),
  protocol: z.int().min(0),
  agentId: AgentIdSchema,
  token: TokenSchema.optional(),
  node: z.strictObject({
    name: ShortTextSchema.min(1, "node name must not be empty"),
    pid: z.int().min(0).optional(),
    host: ShortTextSchema.optional(),
    language: ShortTextSchema.optional(),
  }),
  replicas: z
    .array(HostedReplicaSchema)
    .max(LIMITS.replicasPerAgent)
    .superRefine((replicas, ctx) => uniqueBy(replicas, (r) => r.id, ctx, "id")),
  clock: z.strictObject({ agentTimeMs: TimeMsSchema }),
  reportIntervalMs: z.int().min(50).max(60_000).optional(),
  capabilities: z.array(CapabilitySchema).max(LIMITS.smallList).optional(),
  /** The gossip settings the node runs, when it runs its own (see `RunningGossipSchema`). */
  gossip: RunningGossipSchema.optional(),
});
/** First message on a connection. */
export type Hello = z.infer<typeof HelloSchema>;

/** Clock probe; the collector answers `pong` at once. `agentTimeMs` is in the agent's own clock. */
export const PingSchema = z.strictObject({
  type: z.literal("ping"),
  id: SeqSchema,
  agentTimeMs: TimeMsSchema,
});
/** Clock probe. */
export type Ping = z.infer<typeof PingSchema>;

/** Messages and bytes of one payload kind (sent side). */
export const KindCounterSchema = z.strictObject({ messages: CountSchema, bytes: CountSchema });
/** Messages and bytes of one payload kind. */
export type KindCounter = z.infer<typeof KindCounterSchema>;

/** Cumulative sync counters of one replica since it started (a decrease means it restarted). */
export const SyncCountersSchema = z.strictObject({
  sentMessages: CountSchema,
  sentBytes: CountSchema,
  receivedMessages: CountSchema,
  receivedBytes: CountSchema,
  /** Payloads merged into the state. */
  merges: CountSchema,
  /** Merges that changed the state. */
  changedMerges: CountSchema,
  /** Sent messages and bytes broken down by payload kind. */
  byKind: z
    .strictObject({
      full: KindCounterSchema.optional(),
      delta: KindCounterSchema.optional(),
      digest: KindCounterSchema.optional(),
      request: KindCounterSchema.optional(),
      ack: KindCounterSchema.optional(),
    })
    .optional(),
});
/** Cumulative sync counters of one replica. */
export type SyncCounters = z.infer<typeof SyncCountersSchema>;

/** Replica status as its agent reports it (a crashed replica is simulated down, not unreachable). */
export const ReplicaReportStatusSchema = z.enum(["up", "crashed"]);

/** One replica's digest in a report: VV changes, state hash and size, value summary, counters. */
export const ReplicaReportSchema = z.strictObject({
  replica: ReplicaIdSchema,
  /** Highest seq this replica has issued (its contribution to the frontier). */
  seq: SeqSchema,
  /** `true`: `vv` is the whole vector (absent origins are 0); otherwise only entries that changed. */
  full: z.boolean().optional(),
  vv: z
    .array(VvEntrySchema)
    .max(LIMITS.vvEntries)
    .superRefine((entries, ctx) => uniqueBy(entries, (e) => e[0], ctx, 0)),
  /**
   * Hash, size and summary of the state, always together. Absent: unchanged since this
   * replica's previous entry (an agent recomputes them at most every few seconds while the
   * state keeps changing). A `full` entry carries them.
   */
  hash: HashSchema.optional(),
  bytes: CountSchema.optional(),
  summary: ShortTextSchema.optional(),
  /** Issue times `[seq, timeMs]` of the traced dots this replica issued since its previous report. */
  issued: z.array(IssuedSchema).max(LIMITS.issuedPerReplica).optional(),
  /** Inclusion times `[origin, seq, timeMs]` of traced dots of other origins newly included since the previous report. */
  included: z.array(IncludedSchema).max(LIMITS.includedPerReplica).optional(),
  sync: SyncCountersSchema,
  /** Config version this replica runs (absent: the node does not apply configs). */
  configVersion: z.int().min(0).optional(),
  status: ReplicaReportStatusSchema.optional(),
  /** The incarnation this entry describes (absent: the one announced in hello); older ones are ignored. */
  incarnation: z.int().min(0).max(2 ** 31 - 1).optional(),
}).superRefine((r, ctx) => {
  const given = [r.hash, r.bytes, r.summary].filter((v) => v !== undefined).length;
  if (given !== 0 && given !== 3) ctx.addIssue({ code: "custom", path: ["hash"], message: "hash, bytes and summary come together (or all absent: unchanged)" });
  else if (given === 0 && r.full === true) ctx.addIssue({ code: "custom", path: ["hash"], message: "a full entry carries hash, bytes and summary" });
});
/** One replica's digest in a report. */
export type ReplicaReport = z.infer<typeof ReplicaReportSchema>;

/** Direction of a sync event seen from `replica`. */
export const SyncDirSchema = z.enum(["sent", "received", "merged"]);

/**
 * One gossip payload sent to, received from, or merged from `peer` (detail for the
 * topology view and the event log; agents may sample these, counters stay exact).
 * Only `merged` events carry `changed`; the dots a merge newly included go to the
 * replica's `included` list, which is never sampled.
 */
export const SyncEventSchema = z
  .strictObject({
    replica: ReplicaIdSchema,
    dir: SyncDirSchema,
    peer: ReplicaIdSchema,
    kind: SyncKindSchema,
    bytes: CountSchema,
    timeMs: TimeMsSchema,
    changed: z.boolean().optional(),
  })
  .superRefine((e, ctx) => {
    if (e.dir !== "merged" && e.changed !== undefined) {
      ctx.addIssue({ code: "custom", path: ["changed"], message: 'only "merged" events carry changed' });
    }
  });
/** One gossip payload sent, received or merged. */
export type SyncEvent = z.infer<typeof SyncEventSchema>;

/** The batch an agent sends each report tick, for all its replicas (may be split over several reports). */
export const ReportSchema = z
  .strictObject({
    type: z.literal("report"),
    agentId: AgentIdSchema,
    /** Counter of this agent's reports, strictly increasing (duplicates are ignored). */
    seq: SeqSchema,
    timeMs: TimeMsSchema,
    /** The agent's current clock estimate (informational; timestamps are already corrected). */
    clock: z.strictObject({ offsetMs: z.number().min(-LIMITS.durationMs).max(LIMITS.durationMs), rttMs: DurationMsSchema }).optional(),
    /** What the agent's bounded buffer dropped since the previous report. */
    dropped: z.strictObject({ reports: CountSchema, events: CountSchema }).optional(),
    replicas: z
      .array(ReplicaReportSchema)
      .max(LIMITS.replicasPerAgent)
      .superRefine((replicas, ctx) => uniqueBy(replicas, (r) => r.replica, ctx, "replica")),
    /** Individual sync events (optional, may be sampled; see `dropped.events`). */
    events: z.array(SyncEventSchema).max(LIMITS.eventsPerReport).optional(),
  })
  .superRefine((report, ctx) => {
    const entries = reportEntryCount(report);
    if (entries > LIMITS.entriesPerReport) {
      ctx.addIssue({
        code: "custom",
        path: ["replicas"],
        message: `${entries} vv, issued and included entries in one report (max ${LIMITS.entriesPerReport}); split it`,
      });
    }
  });
/** The batch an agent sends each report tick. */
export type Report = z.infer<typeof ReportSchema>;

/** Acknowledges (or refuses) a config version for some of the agent's replicas. */
export const ConfigAckSchema = z
  .strictObject({
    type: z.literal("config-ack"),
    agentId: AgentIdSchema,
    version: z.int().min(0),
    replicas: z.array(ReplicaIdSchema).min(1).max(LIMITS.replicasPerAgent),
    ok: z.boolean(),
    error: z.strictObject({ code: ErrorCodeSchema, message: z.string().max(LIMITS.messageLength) }).optional(),
  })
  .superRefine((ack, ctx) => {
    if (!ack.ok && ack.error === undefined) ctx.addIssue({ code: "custom", path: ["error"], message: "required when ok is false" });
  });
/** Acknowledges (or refuses) a config version. */
export type ConfigAck = z.infer<typeof ConfigAckSchema>;

/** Clean shutdown: the agent's replicas leave the membership instead of turning unreachable. */
export const ByeSchema = z.strictObject({
  type: z.literal("bye"),
  agentId: AgentIdSchema,
  reason: ShortTextSchema.optional(),
});
/** Clean shutdown. */
export type Bye = z.infer<typeof ByeSchema>;

/** Every message an agent sends to the collector, discriminated on `type`. */
export const AgentToCollectorSchema = z.discriminatedUnion("type", [
  HelloSchema,
  PingSchema,
  ReportSchema,
  ConfigAckSchema,
  ByeSchema,
]);
/** Every message an agent sends to the collector. */
export type AgentToCollector = z.infer<typeof AgentToCollectorSchema>;

// ── collector → agent ────────────────────────────────────────────────────────

/** Answer to a valid `hello`: the collector's clock, the wanted report interval, the current config. */
export const WelcomeSchema = z.strictObject({
  type: z.literal("welcome"),
  protocol: z.int().min(0),
  agentId: AgentIdSchema,
  collectorTimeMs: TimeMsSchema,
  reportIntervalMs: z.int().min(50).max(60_000),
  config: ClusterConfigSchema,
  runId: RunIdSchema.nullable(),
});
/** Answer to a valid `hello`. */
export type Welcome = z.infer<typeof WelcomeSchema>;

/** Answer to `ping`: echoes `id` and `agentTimeMs`, adds the collector's time. */
export const PongSchema = z.strictObject({
  type: z.literal("pong"),
  id: SeqSchema,
  agentTimeMs: TimeMsSchema,
  collectorTimeMs: TimeMsSchema,
});
/** Answer to `ping`. */
export type Pong = z.infer<typeof PongSchema>;

/** A new cluster config to apply (then acknowledge with `config-ack`). */
export const ConfigMessageSchema = z.strictObject({
  type: z.literal("config"),
  config: ClusterConfigSchema,
  /**
   * The report interval the collector asks for from now on (absent: unchanged). An
   * overloaded collector raises it, and lowers it again when load falls (docs/protocol.md).
   */
  reportIntervalMs: z.int().min(50).max(60_000).optional(),
});
/** A new cluster config to apply. */
export type ConfigMessage = z.infer<typeof ConfigMessageSchema>;

/** Asks for whole version vectors in the next report (for the listed replicas, or all when absent). */
export const RequestFullSchema = z.strictObject({
  type: z.literal("request-full"),
  replicas: z.array(ReplicaIdSchema).max(LIMITS.replicasPerAgent).optional(),
});
/** Asks for whole version vectors in the next report. */
export type RequestFull = z.infer<typeof RequestFullSchema>;

/** Every message the collector sends to an agent, discriminated on `type`. */
export const CollectorToAgentSchema = z.discriminatedUnion("type", [
  WelcomeSchema,
  PongSchema,
  ConfigMessageSchema,
  RequestFullSchema,
  ErrorMessageSchema,
]);
/** Every message the collector sends to an agent. */
export type CollectorToAgent = z.infer<typeof CollectorToAgentSchema>;

// ── helpers ──────────────────────────────────────────────────────────────────

/**
 * The handshake check: parses a `hello` and refuses any protocol version but
 * `PROTOCOL_VERSION` with code `PROTOCOL_VERSION` (path `protocol`).
 */
export function checkHello(input: unknown): ParseResult<Hello> {
  const parsed = parseMessage(HelloSchema, input, { what: "hello" });
  if (!parsed.ok) return parsed;
  if (parsed.value.protocol !== PROTOCOL_VERSION) {
    const reason = `unsupported protocol version ${parsed.value.protocol}; this collector speaks ${PROTOCOL_VERSION}`;
    return { ok: false, error: protocolError("PROTOCOL_VERSION", reason, { issues: [{ path: "protocol", reason }] }) };
  }
  return parsed;
}

/** True iff dot `(origin, seq)` is traced under `traceEveryK` (the same rule at every node). */
export function isTraced(seq: number, traceEveryK: number): boolean {
  return seq >= 1 && seq % traceEveryK === 0;
}

/**
 * Clock offset from one ping/pong exchange (NTP-style, assumes symmetric delay):
 * add `offsetMs` to an agent time to get collector time; keep the estimate with the smallest `rttMs`.
 * @example clockOffset(pong, Date.now()) // { offsetMs: -12.5, rttMs: 3 }
 */
export function clockOffset(pong: Pong, receivedAgentTimeMs: number): { offsetMs: number; rttMs: number } {
  const rttMs = Math.max(0, receivedAgentTimeMs - pong.agentTimeMs);
  return { offsetMs: pong.collectorTimeMs - (pong.agentTimeMs + rttMs / 2), rttMs };
}

/** Number of vv, issued and included entries in a report (bounded by `LIMITS.entriesPerReport`). */
export function reportEntryCount(report: Pick<Report, "replicas">): number {
  let entries = 0;
  for (const r of report.replicas) entries += r.vv.length + (r.issued?.length ?? 0) + (r.included?.length ?? 0);
  return entries;
}

function uniqueBy<T>(items: readonly T[], key: (item: T) => string, ctx: z.RefinementCtx, field: string | number): void {
  const seen = new Set<string>();
  items.forEach((item, i) => {
    const k = key(item);
    if (seen.has(k)) ctx.addIssue({ code: "custom", path: [i, field], message: `"${k}" listed twice` });
    seen.add(k);
  });
}
